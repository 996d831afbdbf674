import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import type { MessageKey } from "~/i18n";
import { requirePermission, staffActor } from "~/lib/auth.server";
import { formatDateTime, formatDigits } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { readForm, readSearchParams } from "~/lib/input.server";
// (the limit from core/: a value imported from a .server module is undefined in the browser, so the input lost
// its maxLength there — a hydration mismatch)
import { MAX_TASK_NOTE } from "../../core/service-rules";
import { moveServiceTask, ServiceTaskError, serviceTasks, workingCalendars } from "~/lib/service-tasks.server";

/*
 * The supervisor's loaner and replacement tasks (issue 15 §2, core/service-rules.ts): raised by the worker's
 * sweep with their evidence (the tickets involved, the reason); the supervisor acknowledges one, then resolves
 * it with what was done (services/supervisor-tasks.ts, audited).
 */

const MoveForm = z.object({
  id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  intent: z.enum(["acknowledged", "resolved"]),
  note: z.string().max(MAX_TASK_NOTE * 2).optional(),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "service_tasks:manage");
  const [rows, clock] = await Promise.all([serviceTasks.unresolvedServiceTasks(context.db), workingCalendars(context.db)]);
  return { rows, rules: clock.rules, done: readSearchParams(request).done === "1" };
}

type ActionResult = { error: MessageKey };

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "service_tasks:manage");
  const parsed = MoveForm.safeParse(await readForm(request));
  if (!parsed.success) return Response.json({ error: "serviceTasks.error.not_found" } satisfies ActionResult, { status: 400 });
  try {
    await moveServiceTask(context.db, staffActor(user, context), parsed.data.id, parsed.data.intent, parsed.data.note ?? null);
  } catch (err) {
    if (err instanceof ServiceTaskError) {
      return Response.json({ error: `serviceTasks.error.${err.code}` as MessageKey } satisfies ActionResult, { status: err.code === "not_found" ? 404 : 400 });
    }
    throw err;
  }
  return redirect("/desk/service-tasks?done=1");
}

export default function ServiceTasksPage() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<ActionResult>();
  const t = useT();
  const locale = useLocale();
  const n = (v: number) => formatDigits(String(v), locale);
  return (
    <>
      <h1>{t("serviceTasks.title")}</h1>
      <p className="muted">
        {t("serviceTasks.intro", { loaner: n(d.rules.loaner_after_days), repeat: n(d.rules.repeat_fault_days), complaint: n(d.rules.complaint_resolve_days) })}
      </p>
      {d.done ? (
        <p className="notice" role="status">
          {t("serviceTasks.done")}
        </p>
      ) : null}
      {result ? (
        <p className="error" role="alert">
          {t(result.error)}
        </p>
      ) : null}
      {d.rows.length === 0 ? (
        <p className="muted">{t("serviceTasks.none")}</p>
      ) : (
        <table className="data" data-testid="service-tasks">
          <thead>
            <tr>
              <th scope="col">{t("serviceTasks.col.kind")}</th>
              <th scope="col">{t("serviceTasks.col.ticket")}</th>
              <th scope="col">{t("serviceTasks.col.reason")}</th>
              <th scope="col">{t("serviceTasks.col.evidence")}</th>
              <th scope="col">{t("serviceTasks.col.createdAt")}</th>
              <th scope="col">{t("serviceTasks.col.status")}</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {d.rows.map((r) => {
              const ev = r.evidence as { tickets?: { id: number; number: number; role: string }[]; technicianReason?: string | null };
              const earlier = (ev.tickets ?? []).filter((x) => x.role === "earlier");
              return (
                <tr key={r.id} data-testid="service-task" data-kind={r.kind}>
                  <td>{t(`serviceTasks.kind.${r.kind}`)}</td>
                  <td>
                    <Link to={`/desk/tickets/${r.ticketId}`}>{n(r.ticketNumber)}</Link>
                  </td>
                  <td>{t(`serviceTasks.reason.${r.reason}`)}</td>
                  <td>
                    {earlier.map((x) => (
                      <Link key={x.id} to={`/desk/tickets/${x.id}`}>
                        {t("serviceTasks.earlier", { number: n(x.number) })}
                      </Link>
                    ))}
                    {ev.technicianReason ? <span>{ev.technicianReason}</span> : null}
                  </td>
                  <td>{formatDateTime(r.createdAt, locale)}</td>
                  <td>{t(`serviceTasks.status.${r.status}`)}</td>
                  <td>
                    <Form method="post" className="inline">
                      <input type="hidden" name="id" value={r.id} />
                      {r.status === "open" ? (
                        <button type="submit" name="intent" value="acknowledged">
                          {t("serviceTasks.acknowledge")}
                        </button>
                      ) : null}
                      <label>
                        {t("serviceTasks.note")}
                        <input name="note" maxLength={MAX_TASK_NOTE} />
                      </label>
                      <button type="submit" name="intent" value="resolved" className="secondary">
                        {t("serviceTasks.resolve")}
                      </button>
                    </Form>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}
