import type { SerializeFrom } from "@remix-run/node";
import { DataTable } from "~/components/reports/DataTable";
import { formatDate, formatNumber } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { AGENCY_MONTH_COLUMNS, FTF_COLUMNS, JOB_COLUMNS } from "~/lib/reports/scorecards";
import type { agencyData } from "~/lib/scorecards.server";

type Data = SerializeFrom<Awaited<ReturnType<typeof agencyData>>>;

/** One agency's scorecard: its probation, its months, and the chosen month's first-time fix by technician and its jobs (the manager's drill-down and the agency's own page). */
export function ScorecardAgency({ data }: { data: Data }) {
  const t = useT();
  const locale = useLocale();
  const p = data.probation;
  return (
    <>
      {p?.onProbation ? (
        <p className="notice" data-testid="probation-notice">
          {t("scorecard.probationNotice", { jobs: formatNumber(p.jobsTotal, locale), since: formatDate(p.startDay, locale) })}
        </p>
      ) : p?.endedEarlyAt ? (
        <p className="muted" data-testid="probation-ended">
          {t("scorecard.probationEnded", { at: formatDate(p.endedEarlyAt, locale) })}
        </p>
      ) : null}
      <h2>{t("scorecard.months")}</h2>
      {data.months.length === 0 ? (
        <p className="muted">{t("scorecard.none")}</p>
      ) : (
        <>
          <DataTable caption={t("scorecard.months")} columns={AGENCY_MONTH_COLUMNS} rows={data.months} rowKey={(r) => r.period} filter={false} />
          <p className="muted">{t("scorecard.claimsHint")}</p>
        </>
      )}
      <h2>{t("scorecard.byTechnician", { month: data.periodText })}</h2>
      {data.byTechnician.length === 0 ? <p className="muted">{t("scorecard.none")}</p> : <DataTable caption={t("scorecard.byTechnician", { month: data.periodText })} columns={FTF_COLUMNS} rows={data.byTechnician} rowKey={(r) => r.key} filter={false} />}
      <h2 id="jobs">{t("scorecard.jobsOf", { month: data.periodText })}</h2>
      {data.jobsLimit ? <p className="muted">{t("scorecard.jobsFirst", { n: formatNumber(data.jobsLimit, locale) })}</p> : null}
      {data.jobs.length === 0 ? <p className="muted">{t("scorecard.none")}</p> : <DataTable caption={t("scorecard.jobsOf", { month: data.periodText })} columns={JOB_COLUMNS} rows={data.jobs} rowKey={(r) => r.ticket_id} />}
    </>
  );
}
