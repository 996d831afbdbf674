import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { OPERATOR_PRESENCES } from "../../core/call";
import { startOfTehranDay } from "../../core/jalali";
import { formatIranMobile } from "../../core/phone";
import { can } from "../../core/roles";
import { UNRESOLVED_STATUSES } from "../../core/ticket";
import { SimulatedCallFields } from "~/components/SimulatedCallFields";
import { StatCard } from "~/components/StatCard";
import { TicketTable } from "~/components/TicketViews";
import type { MessageKey } from "~/i18n";
import { placeSimulatedCall, SimulatedCallForm } from "~/lib/ari-sim.server";
import { requirePermission } from "~/lib/auth.server";
import { dashboard, desk, tickets } from "~/lib/db.server";
import { formatDateTime, formatDigits, formatNumber } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { readForm } from "~/lib/input.server";
import { OperatorNotConfiguredError, setPresence } from "~/lib/services.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "desk:use");
  const scope = { kind: "all" } as const;
  const takesCalls = can(user.role, "calls:take");
  const [byStatus, recent, calls, operator, demoMobile] = await Promise.all([
    tickets.countTicketsByStatus(context.db, scope),
    tickets.listTickets(context.db, scope, { pageSize: 10 }),
    dashboard.callStats(context.db, startOfTehranDay(new Date())),
    takesCalls ? desk.operatorOf(context.db, user.id) : Promise.resolve(undefined),
    context.env.ariSimulated && takesCalls ? desk.demoCallerMobile(context.db) : Promise.resolve(null),
  ]);
  const open = UNRESOLVED_STATUSES.reduce((sum, s) => sum + (byStatus[s] ?? 0), 0);
  return {
    open,
    waitingDispatch: (byStatus.new ?? 0) + (byStatus.dispatching ?? 0),
    callsToday: calls.answered + calls.missed,
    recent: recent.rows,
    now: Date.now(),
    takesCalls,
    operator: operator ? { extension: operator.extension, presence: operator.presence, since: operator.presence_since } : null,
    simulator: context.env.ariSimulated && takesCalls ? { from: demoMobile ? formatIranMobile(demoMobile).replaceAll(" ", "") : "09121234567" } : null,
  };
}

type ActionResult =
  | { intent: "presence"; ok: boolean; message?: MessageKey }
  | { intent: "simulate"; ok: boolean; message: MessageKey; params?: Record<string, string | number>; values?: Record<string, string> };

const PresenceForm = z.object({ presence: z.enum(OPERATOR_PRESENCES) });

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "calls:take");
  const form = await readForm(request);
  if (form.intent === "simulate") {
    if (!context.env.ariSimulated) throw new Response("Not found", { status: 404 });
    const parsed = SimulatedCallForm.safeParse(form);
    if (!parsed.success) {
      return Response.json(
        { intent: "simulate", ok: false, message: "sim.badInput", values: { from: form.from ?? "", digit: form.digit ?? "", ticketNumber: form.ticketNumber ?? "" } } satisfies ActionResult,
        { status: 400 },
      );
    }
    const { from, digit, ticketNumber, dtmf } = parsed.data;
    const result = await placeSimulatedCall(context.env.ariUrl, { from, dtmf });
    const values = { from: form.from ?? "", digit, ticketNumber };
    if (result.ok) return { intent: "simulate", ok: true, message: "sim.started", params: { id: result.id }, values } satisfies ActionResult;
    // The page answers normally: the message says what went wrong with the simulator.
    return result.reason === "unreachable"
      ? ({ intent: "simulate", ok: false, message: "sim.unreachable", params: { url: result.url }, values } satisfies ActionResult)
      : ({ intent: "simulate", ok: false, message: "sim.refused", params: { status: result.status }, values } satisfies ActionResult);
  }
  const parsed = PresenceForm.safeParse(form);
  if (!parsed.success) return Response.json({ intent: "presence", ok: false, message: "desk.presence.invalid" } satisfies ActionResult, { status: 400 });
  try {
    await setPresence(context.db, { kind: "user", userId: user.id, ip: context.clientIp }, { userId: user.id, presence: parsed.data.presence });
  } catch (err) {
    if (err instanceof OperatorNotConfiguredError) {
      return Response.json({ intent: "presence", ok: false, message: "desk.presence.noExtension" } satisfies ActionResult, { status: 409 });
    }
    throw err;
  }
  return { intent: "presence", ok: true } satisfies ActionResult;
}

export default function DeskHome() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<ActionResult>();
  const navigation = useNavigation();
  const t = useT();
  const locale = useLocale();
  const busy = navigation.state === "submitting";
  const simValues = result?.intent === "simulate" ? result.values : undefined;
  return (
    <>
      <div className="topbar">
        <h1>{t("desk.title")}</h1>
      </div>

      {data.takesCalls ? (
        <section className="panel presence" aria-labelledby="presence-title">
          <h2 id="presence-title">{t("desk.presence.title")}</h2>
          {data.operator ? (
            <>
              <p className="muted">
                {t("desk.presence.extension", { extension: formatDigits(data.operator.extension, locale) })} ·{" "}
                <strong data-testid="presence-current">{t(`presence.${data.operator.presence}`)}</strong>{" "}
                {t("desk.presence.since", { time: formatDateTime(data.operator.since, locale) })}
              </p>
              <Form method="post" className="presence-switch" role="group" aria-label={t("desk.presence.title")}>
                <input type="hidden" name="intent" value="presence" />
                {OPERATOR_PRESENCES.map((p) => (
                  <button
                    key={p}
                    type="submit"
                    name="presence"
                    value={p}
                    className={data.operator!.presence === p ? "active" : undefined}
                    aria-pressed={data.operator!.presence === p}
                    disabled={busy}
                  >
                    {t(`presence.${p}`)}
                  </button>
                ))}
              </Form>
            </>
          ) : (
            <p className="error" role="alert" data-testid="no-extension">
              {t("desk.presence.noExtension")}
            </p>
          )}
          {result?.intent === "presence" && result.message ? (
            <p className="error" role="alert">
              {t(result.message)}
            </p>
          ) : null}
        </section>
      ) : null}

      {data.simulator ? (
        <section className="panel simulator" aria-labelledby="sim-title">
          <h2 id="sim-title">{t("sim.title")}</h2>
          <p className="muted">{t("sim.hint")}</p>
          <Form method="post" className="inline">
            <input type="hidden" name="intent" value="simulate" />
            <SimulatedCallFields values={{ from: simValues?.from ?? data.simulator.from, digit: simValues?.digit, ticketNumber: simValues?.ticketNumber }} />
            <button type="submit" disabled={busy}>
              {t("sim.submit")}
            </button>
          </Form>
          {result?.intent === "simulate" ? (
            <p className={result.ok ? "ok-text" : "error"} role={result.ok ? "status" : "alert"} data-testid="sim-result">
              {t(result.message, result.params)}
            </p>
          ) : null}
        </section>
      ) : null}

      <div className="cards">
        <StatCard label={t("desk.openTickets")} value={formatNumber(data.open, locale)} />
        <StatCard label={t("desk.waitingDispatch")} value={formatNumber(data.waitingDispatch, locale)} />
        <StatCard label={t("desk.todayCalls")} value={formatNumber(data.callsToday, locale)} />
      </div>
      <h2>{t("desk.recentTickets")}</h2>
      <TicketTable rows={data.recent} linkBase="/desk/tickets" now={data.now} />
    </>
  );
}
