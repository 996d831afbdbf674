import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { isPartRequestStatus, partStepsFor, PART_REQUEST_STATUSES, type PartRequestStatus } from "../../core/parts";
import { formatDay } from "~/components/PartRequests";
import type { MessageKey } from "~/i18n";
import { requirePermission, staffActor } from "~/lib/auth.server";
import { parts } from "~/lib/db.server";
import { formatDateTime, formatDigits } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { readForm, readSearchParams } from "~/lib/input.server";
import { parseStepForm, partErrorKey } from "~/lib/parts.server";
import { PartRequestError, publicLinks, stepPartRequest } from "~/lib/services.server";

/*
 * The parts desk (issue 15 §4, parts:manage): the part requests filled from the manufacturer's central stock —
 * order, ship, receive (with the unit's serial when known), or cancel — each step dated (core/parts.ts). The
 * open ones come oldest first; receiving the last open part of a job waiting for parts resumes the job and
 * texts its technician (services/parts.ts).
 */

type Filter = PartRequestStatus | "open";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "parts:manage");
  const q = readSearchParams(request);
  const filter: Filter = isPartRequestStatus(q.status) ? q.status : "open";
  const rows = await parts.deskRequests(context.db, { status: filter });
  return {
    filter,
    done: q.done ?? null,
    rows: rows.map((r) => ({ ...r, steps: partStepsFor(r.status).filter((s) => s !== "fill_from_stock") })),
  };
}

interface ActionError {
  requestId: string | null;
  error: MessageKey;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "parts:manage");
  const form = await readForm(request);
  const refuse = (status: number, error: MessageKey) => Response.json({ requestId: form.requestId ?? null, error } satisfies ActionError, { status });
  const parsed = parseStepForm(form);
  if (!parsed.ok) return refuse(400, parsed.error);
  // the agency takes from its own shelf on its portal; the desk runs central stock
  if (parsed.value.step === "fill_from_stock") return refuse(400, "parts.error.notYourAgency");
  try {
    await stepPartRequest(context.db, staffActor(user, context), parsed.value, { links: publicLinks(context.env) });
  } catch (error) {
    // a request that does not exist or a bad serial: the input; a step the request's state no longer allows: a conflict
    return refuse(error instanceof PartRequestError && error.problem !== "notAllowed" ? 400 : 409, partErrorKey(error));
  }
  const status = readSearchParams(request).status;
  const back = new URLSearchParams({ ...(isPartRequestStatus(status) ? { status } : {}), done: parsed.value.step });
  return redirect(`/manager/parts?${back.toString()}`);
}

export default function PartsDesk() {
  const { filter, rows, done } = useLoaderData<typeof loader>();
  const actionData = useActionData<ActionError>();
  const t = useT();
  const locale = useLocale();
  const busy = useNavigation().state !== "idle";
  return (
    <>
      <h1>{t("parts.desk.title")}</h1>
      <p className="muted">{t("parts.desk.intro")}</p>
      <p>
        <Link to="/manager/parts/report">{t("parts.report.title")}</Link>
      </p>
      {done ? (
        <p className="notice ok" role="status" data-testid="desk-done">
          {t("parts.desk.done")}
        </p>
      ) : null}
      {actionData ? (
        <p className="notice error" role="alert">
          {t(actionData.error)}
        </p>
      ) : null}
      <Form method="get" className="filters">
        <label className="field">
          <span>{t("parts.col.status")}</span>
          <select name="status" defaultValue={filter}>
            <option value="open">{t("parts.desk.open")}</option>
            {PART_REQUEST_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`parts.status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">{t("parts.catalogue.show")}</button>
      </Form>
      {rows.length === 0 ? (
        <p className="muted">{t("parts.desk.none")}</p>
      ) : (
        <table className="data" data-testid="parts-desk">
          <thead>
            <tr>
              <th>{t("parts.col.ticket")}</th>
              <th>{t("parts.col.agency")}</th>
              <th>{t("parts.col.part")}</th>
              <th>{t("parts.col.quantity")}</th>
              <th>{t("parts.col.status")}</th>
              <th>{t("parts.col.requestedAt")}</th>
              <th>{t("parts.col.expected")}</th>
              <th>{t("parts.col.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-request={r.id} data-ticket={r.ticket_number} data-status={r.status}>
                <td>
                  <Link to={`/manager/tickets/${r.ticket_id}`}>{formatDigits(r.ticket_number, locale)}</Link>
                </td>
                <td>{r.agency_name}</td>
                <td>
                  <span className="ltr">{r.part_code}</span> {r.part_name} <span className="muted">({r.model_name})</span>
                  {r.serial_number ? <span className="muted ltr"> #{r.serial_number}</span> : null}
                </td>
                <td>{formatDigits(r.quantity, locale)}</td>
                <td>
                  <span className="badge" data-testid="part-status">
                    {t(`parts.status.${r.status}`)}
                  </span>
                  {r.source ? <span className="muted"> ({t(`parts.source.${r.source}`)})</span> : null}
                  <div className="muted">
                    {r.ordered_at ? <div>{t("parts.desk.orderedAt", { at: formatDateTime(r.ordered_at, locale) })}</div> : null}
                    {r.shipped_at ? <div>{t("parts.desk.shippedAt", { at: formatDateTime(r.shipped_at, locale) })}</div> : null}
                    {r.received_at ? <div>{t("parts.desk.receivedAt", { at: formatDateTime(r.received_at, locale) })}</div> : null}
                  </div>
                </td>
                <td>{formatDateTime(r.requested_at, locale)}</td>
                <td>{formatDay(r.expected_date, locale)}</td>
                <td>
                  {r.steps.length > 0 ? (
                    <Form method="post" className="inline-form">
                      <input type="hidden" name="requestId" value={r.id} />
                      {r.steps.includes("order") || r.steps.includes("ship") ? (
                        <input name="expectedDate" placeholder={t("parts.desk.newExpected")} aria-label={t("parts.desk.newExpected")} size={10} />
                      ) : null}
                      {r.steps.includes("receive") ? <input name="serial" dir="ltr" placeholder={t("parts.desk.serial")} aria-label={t("parts.desk.serial")} size={12} /> : null}
                      {r.steps.map((s) => (
                        <button key={s} type="submit" name="step" value={s} className={s === "cancel" ? "danger" : ""} disabled={busy}>
                          {t(`parts.step.${s}`)}
                        </button>
                      ))}
                    </Form>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
