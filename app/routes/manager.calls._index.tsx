import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { BarChart, LineChart } from "~/components/reports/Chart";
import { DataTable } from "~/components/reports/DataTable";
import { DateRangeFilter } from "~/components/reports/DateRangeFilter";
import { StatCard } from "~/components/StatCard";
import { requirePermission } from "~/lib/auth.server";
import { loadCallReport, readCallReportRequest, tableRows } from "~/lib/call-centre.server";
import { callKpis } from "~/lib/db.server";
import { formatDate, formatDateTime, formatDigits, formatDuration, formatNumber, formatPercent } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { callKpiColumns, callListHref, CALL_TABLES, type CallTable } from "~/lib/reports/call-centre";
import { CALL_QUEUES } from "../../core/call";

/**
 * Call-centre performance (reports:read: the supervisor, the manager, the admin): offered, answered, abandoned and
 * missed calls, speed of answer, handle time, service level and the longest wait over a Jalali date range, in
 * total and by queue, operator, Tehran day and hour of day, from the hourly roll-up of the call-detail records.
 * Every figure leads to the calls behind it.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "reports:read");
  const r = await readCallReportRequest(request, context, user);
  const [report, operators] = await Promise.all([loadCallReport(context, r), callKpis.callCentreOperators(context.db)]);
  const tables = Object.fromEntries(CALL_TABLES.map((t) => [t, tableRows(report, t, r.locale)])) as Record<CallTable, ReturnType<typeof tableRows>>;
  return {
    range: { fromText: r.range.fromText, toText: r.range.toText, presets: r.range.presets, error: r.range.error },
    filterError: r.filterError,
    queue: r.queue,
    operatorUserId: r.operatorUserId,
    query: r.query,
    thresholdSeconds: r.thresholdSeconds,
    refreshedAt: r.refreshedAt,
    totals: report.totals,
    tables,
    operators,
  };
}

const TABLE_TITLE = {
  queue: "callCentre.report.byQueue",
  operator: "callCentre.report.byOperator",
  day: "callCentre.report.byDay",
  hour: "callCentre.report.byHour",
} as const;

export default function CallCentreReport() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const { totals, query } = data;
  const link = (kind: string) => callListHref(query, { kind });
  const exportHref = (table: CallTable) => `/manager/calls/export?${new URLSearchParams({ ...query, table }).toString()}`;
  const seconds = formatDigits(data.thresholdSeconds, locale);
  return (
    <>
      <h1>{t("callCentre.report.title")}</h1>
      <p className="muted">{t("callCentre.report.intro")}</p>
      <Form method="get" className="report-filters">
        <DateRangeFilter from={data.range.fromText} to={data.range.toText} presets={data.range.presets} error={data.range.error} submit={false} />
        <label>
          {t("callCentre.report.queue")}
          <select name="queue" defaultValue={data.queue ?? ""} key={`q-${data.queue ?? ""}`}>
            <option value="">{t("callCentre.report.all")}</option>
            {CALL_QUEUES.map((q) => (
              <option key={q} value={q}>
                {t(`type.${q}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("callCentre.report.operator")}
          <select name="operator" defaultValue={data.operatorUserId ?? ""} key={`o-${data.operatorUserId ?? ""}`}>
            <option value="">{t("callCentre.report.all")}</option>
            {data.operators.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">{t("callCentre.report.show")}</button>
      </Form>
      {data.filterError ? (
        <p className="error" role="alert">
          {t(data.filterError)}
        </p>
      ) : null}
      <p className="muted" data-testid="calls-refreshed">
        {data.refreshedAt ? t("callCentre.report.updatedAt", { time: formatDateTime(data.refreshedAt, locale) }) : t("callCentre.report.notReady")}
      </p>
      <div className="cards" data-testid="calls-totals">
        <StatCard label={t("callCentre.kpi.offered")} value={<Link to={link("offered")} data-testid="calls-total-offered">{formatNumber(totals.offered, locale)}</Link>} />
        <StatCard label={t("callCentre.kpi.answered")} value={<Link to={link("answered")}>{formatNumber(totals.answered, locale)}</Link>} />
        <StatCard label={t("callCentre.kpi.abandoned")} value={<Link to={link("abandoned")}>{formatNumber(totals.abandoned, locale)}</Link>} />
        <StatCard label={t("callCentre.kpi.missed")} value={<Link to={link("missed")}>{formatNumber(totals.missed, locale)}</Link>} />
        <StatCard label={t("callCentre.kpi.serviceLevel", { seconds })} value={<Link to={link("within")}>{formatPercent(totals.serviceLevel, locale)}</Link>} />
        <StatCard label={t("callCentre.kpi.asa")} value={<Link to={link("answered")}>{formatDuration(totals.averageSpeedOfAnswer, locale)}</Link>} />
        <StatCard label={t("callCentre.kpi.aht")} value={<Link to={link("answered")}>{formatDuration(totals.averageHandleTime, locale)}</Link>} />
        <StatCard label={t("callCentre.kpi.longestWait")} value={<Link to={link("offered")}>{formatDuration(totals.longestWait, locale)}</Link>} />
      </div>
      {totals.offered === 0 && totals.missed === 0 ? <p data-testid="calls-none">{t("callCentre.report.noCalls")}</p> : null}
      <p className="muted">{t("callCentre.report.definitions", { seconds })}</p>
      <LineChart
        title={t("callCentre.report.byDay")}
        data={data.tables.day.map((d) => ({ day: formatDate(d.value, locale), value: d.value, offered: d.offered, answered: d.answered, abandoned: d.abandoned }))}
        xKey="day"
        series={[
          { key: "offered", label: t("callCentre.kpi.offered") },
          { key: "answered", label: t("callCentre.kpi.answered") },
          { key: "abandoned", label: t("callCentre.kpi.abandoned") },
        ]}
        kind="number"
        hrefOf={(row) => callListHref(query, { day: String(row.value), kind: "offered" })}
      />
      <BarChart
        title={`${t("callCentre.report.byHour")} — ${t("callCentre.kpi.offered")}`}
        data={data.tables.hour.map((h) => ({ label: formatDigits(h.label, locale), value: h.offered, href: callListHref(query, { hour: h.value, kind: "offered" }) }))}
        kind="number"
      />
      {CALL_TABLES.map((table) => (
        <section key={table} data-testid={`calls-table-${table}`}>
          <h2>{t(TABLE_TITLE[table])}</h2>
          <DataTable
            columns={callKpiColumns(table, query)}
            rows={data.tables[table]}
            exportHref={exportHref(table)}
            rowKey={(r) => r.value}
            filter={table === "operator"}
          />
        </section>
      ))}
    </>
  );
}
