import type { LoaderFunctionArgs } from "@remix-run/node";
import { StatCard } from "~/components/StatCard";
import { useLoaderData } from "@remix-run/react";
import { jalaliYearMonth } from "../../core/jalali";
import { TICKET_STATUSES } from "../../core/ticket";
import { requirePermission } from "~/lib/auth.server";
import { dashboard, tickets } from "~/lib/db.server";
import { formatNumber, formatRials } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "reports:read");
  const now = new Date();
  const weekAgo = new Date(now.getTime() - 7 * 24 * 3600_000);
  const [byStatus, overdue, fees, csat, calls, topAgencies] = await Promise.all([
    tickets.countTicketsByStatus(context.db, { kind: "all" }),
    dashboard.overdueTickets(context.db, now),
    dashboard.referralFeeTotals(context.db, jalaliYearMonth(now)),
    dashboard.averageSatisfaction(context.db),
    dashboard.callStats(context.db, weekAgo),
    dashboard.agenciesByOpenJobs(context.db, 10),
  ]);
  return { byStatus, overdue, fees, csat, calls, topAgencies };
}

export default function ManagerHome() {
  const d = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const n = (v: number | null) => formatNumber(v, locale);
  return (
    <>
      <h1>{t("manager.title")}</h1>
      <div className="cards">
        <StatCard label={t("manager.overdue")} value={n(d.overdue)} />
        <StatCard label={t("manager.feesThisMonth")} value={formatRials(d.fees.thisPeriod, locale)} />
        <StatCard label={t("manager.feesUnsettled")} value={formatRials(d.fees.unsettled, locale)} />
        <StatCard label={t("manager.csat")} value={d.csat.average == null ? t("common.none") : `${n(d.csat.average)} / ${n(5)}`} />
        <StatCard label={t("manager.callsAnswered")} value={n(d.calls.answered)} />
        <StatCard label={t("manager.callsMissed")} value={n(d.calls.missed)} />
        <StatCard label={t("manager.avgWait")} value={n(d.calls.avgWait)} />
      </div>
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
