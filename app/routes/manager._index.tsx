import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { StatCard } from "~/components/StatCard";
import { Form, Link, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { z } from "zod";
import { jalaliYearMonth } from "../../core/jalali";
import { can } from "../../core/roles";
import { TICKET_STATUSES } from "../../core/ticket";
import { requirePermission } from "~/lib/auth.server";
import { alerts, dashboard, tickets } from "~/lib/db.server";
import { formatDateTime, formatDigits, formatNumber, formatRials } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { readForm } from "~/lib/input.server";
import { useServerEvents } from "~/lib/use-desk-events";
import { acknowledgeAlert, AlertNotFoundError } from "~/lib/services.server";

const AcknowledgeForm = z.object({ intent: z.literal("acknowledge"), alertId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

/** The supervisor-alert events (core/sla.ts SupervisorAlertEvent) after which the alerts are read again. */
const ALERT_EVENT_TYPES = ["sla_alerts", "alert_acknowledged", "dispatch_held", "cannot_repair"] as const;

type ActionResult = { ok: boolean; message: "alerts.acknowledged" | "alerts.notFound" | "alerts.invalid" };

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "reports:read");
  const now = new Date();
  const weekAgo = new Date(now.getTime() - 7 * 24 * 3600_000);
  const [openAlerts, byStatus, overdue, fees, csat, calls, topAgencies] = await Promise.all([
    alerts.openAlerts(context.db, 20),
    tickets.countTicketsByStatus(context.db, { kind: "all" }),
    dashboard.overdueTickets(context.db, now),
    dashboard.referralFeeTotals(context.db, jalaliYearMonth(now)),
    dashboard.averageSatisfaction(context.db),
    dashboard.callStats(context.db, weekAgo),
    dashboard.agenciesByOpenJobs(context.db, 10),
  ]);
  return { alerts: openAlerts, canAcknowledge: can(user.role, "alerts:acknowledge"), byStatus, overdue, fees, csat, calls, topAgencies };
}

/** Marks a service-deadline alert reviewed (supervisors and managers). */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "alerts:acknowledge");
  const parsed = AcknowledgeForm.safeParse(await readForm(request));
  if (!parsed.success) return Response.json({ ok: false, message: "alerts.invalid" } satisfies ActionResult, { status: 400 });
  try {
    await acknowledgeAlert(context.db, { kind: "user", userId: user.id, ip: context.clientIp }, parsed.data.alertId);
  } catch (err) {
    if (err instanceof AlertNotFoundError) return Response.json({ ok: false, message: "alerts.notFound" } satisfies ActionResult, { status: 404 });
    throw err;
  }
  return { ok: true, message: "alerts.acknowledged" } satisfies ActionResult;
}

export default function ManagerHome() {
  const d = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const n = (v: number | null) => formatNumber(v, locale);
  // Live alerts: the web process's one LISTEN forwards the sweep's NOTIFY; the page then reads its data
  // again through its own loader (the permission checked there), so the badge and the list follow.
  const revalidator = useRevalidator();
  const live = useServerEvents("/manager/alerts/events", ALERT_EVENT_TYPES, true, () => revalidator.revalidate());
  return (
    <>
      <h1>{t("manager.title")}</h1>
      <p data-alerts-live={live}>
        <a href="#alerts" className={`badge ${d.alerts.open > 0 ? "danger" : "ok"}`} data-testid="alerts-badge">
          {d.alerts.open > 0 ? t("alerts.open", { count: n(d.alerts.open) }) : t("alerts.none")}
        </a>
      </p>
      <div className="cards">
        <StatCard label={t("manager.overdue")} value={n(d.overdue)} />
        <StatCard label={t("manager.feesThisMonth")} value={<Link to="/manager/revenue">{formatRials(d.fees.thisPeriod, locale)}</Link>} />
        <StatCard label={t("manager.feesUnsettled")} value={<Link to="/manager/fees">{formatRials(d.fees.unsettled, locale)}</Link>} />
        <StatCard label={t("manager.csat")} value={d.csat.average == null ? t("common.none") : `${n(d.csat.average)} / ${n(5)}`} />
        <StatCard label={t("manager.callsAnswered")} value={<Link to="/manager/calls">{n(d.calls.answered)}</Link>} />
        <StatCard label={t("manager.callsMissed")} value={n(d.calls.missed)} />
        <StatCard label={t("manager.avgWait")} value={n(d.calls.avgWait)} />
      </div>
      {/* satisfaction and the voice of the customer (issue 14, section 3) */}
      <p className="report-links">
        <Link to="/manager/satisfaction">{t("nav.satisfaction")}</Link> · <Link to="/manager/voice">{t("nav.voice")}</Link>
      </p>
      <AlertList alerts={d.alerts} canAcknowledge={d.canAcknowledge} />
      <h2>{t("manager.ticketsByStatus")}</h2>
      <table className="data">
        <tbody>
          {TICKET_STATUSES.map((s) => (
            <tr key={s}>
              <td>{t(`status.${s}`)}</td>
              <td>{n(d.byStatus[s] ?? 0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{t("manager.topAgencies")}</h2>
      <table className="data">
        <thead>
          <tr>
            <th>{t("agencies.code")}</th>
            <th>{t("agencies.name")}</th>
            <th>{t("agencies.city")}</th>
            <th>{t("agencies.status")}</th>
            <th>{t("agencies.openJobs")}</th>
            <th>{t("agency.capacity")}</th>
          </tr>
        </thead>
        <tbody>
          {d.topAgencies.map((a) => (
            <tr key={a.id}>
              <td className="ltr">{a.code}</td>
              <td>{a.name}</td>
              <td>{a.city}</td>
              <td>{t(`agencyStatus.${a.status}`)}</td>
              <td>{n(Number(a.open_jobs))}</td>
              <td>{n(a.daily_job_capacity)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** The SLA sweep's open alerts, newest first, each with its ticket and (for supervisors and managers) "reviewed". */
function AlertList({ alerts, canAcknowledge }: { alerts: ReturnType<typeof useLoaderData<typeof loader>>["alerts"]; canAcknowledge: boolean }) {
  const t = useT();
  const locale = useLocale();
  const result = useActionData<ActionResult>();
  const navigation = useNavigation();
  return (
    <section id="alerts" aria-labelledby="alerts-title">
      <h2 id="alerts-title">{t("alerts.title")}</h2>
      {result ? (
        <p className={result.ok ? "notice ok" : "error"} role={result.ok ? "status" : "alert"}>
          {t(result.message)}
        </p>
      ) : null}
      {alerts.rows.length === 0 ? (
        <p>{t("alerts.none")}</p>
      ) : (
        <table className="data" data-testid="alerts">
          <thead>
            <tr>
              <th>{t("alerts.ticket")}</th>
              <th>{t("alerts.kind")}</th>
              <th>{t("alerts.stage")}</th>
              <th>{t("alerts.due")}</th>
              <th>{t("alerts.at")}</th>
              {canAcknowledge ? <th /> : null}
            </tr>
          </thead>
          <tbody>
            {alerts.rows.map((a) => (
              <tr key={a.id} data-alert={a.id}>
                <td>
                  <Link to={`/manager/tickets/${a.ticket_id}`}>{formatDigits(a.ticket_number, locale)}</Link>
                </td>
                <td>
                  <span className={`badge ${a.kind === "sla_breached" || a.kind === "cannot_repair" ? "danger" : "warn"}`}>{t(`alerts.kind.${a.kind}`)}</span>
                  {a.agency_name || a.note ? (
                    <div className="muted" data-testid="alert-detail">
                      {a.agency_name ? `${t("alerts.agency")}: ${a.agency_name}` : null}
                      {a.agency_name && a.note ? " — " : null}
                      {a.note ? `${t("alerts.reason")}: ${a.note}` : null}
                    </div>
                  ) : null}
                </td>
                <td>{t(`alerts.stage.${a.stage}`)}</td>
                <td>{formatDateTime(a.due_at, locale)}</td>
                <td>{formatDateTime(a.created_at, locale)}</td>
                {canAcknowledge ? (
                  <td>
                    <Form method="post" className="inline">
                      <input type="hidden" name="intent" value="acknowledge" />
                      <input type="hidden" name="alertId" value={a.id} />
                      <button type="submit" disabled={navigation.state === "submitting"}>
                        {t("alerts.acknowledge")}
                      </button>
                    </Form>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
