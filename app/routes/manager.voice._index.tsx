import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { BarChart, LineChart } from "~/components/reports/Chart";
import { DataTable } from "~/components/reports/DataTable";
import { DateRangeFilter } from "~/components/reports/DateRangeFilter";
import { formatNumber } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { FEEDBACK_COLUMNS, REPEAT_GROUP_COLUMNS } from "~/lib/reports/voice";
import { rangeSearch } from "~/lib/report-table";
import { reportUser, voiceData } from "~/lib/voice.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { scope, locale, t } = await reportUser(request, context);
  const data = await voiceData(context.db, scope, request, locale, t);
  return { ...data, rq: rangeSearch(data.range) };
}

export default function ManagerVoice() {
  const d = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <h1>{t("voice.title")}</h1>
      <p className="muted">{t("voice.intro")}</p>
      <Form method="get" className="report-filters">
        <DateRangeFilter from={d.range.fromText} to={d.range.toText} presets={d.range.presets} error={d.range.error} />
      </Form>

      <h2 id="feedback">{t("voice.feedback.title")}</h2>
      {d.feedbackRows.length === 0 ? (
        <p className="muted">{t("voice.feedback.none")}</p>
      ) : (
        <>
          <LineChart
            title={t("voice.feedback.chart")}
            kind="number"
            data={d.monthly}
            xKey="month"
            series={d.series}
            hrefOf={(row) => d.monthHref[String(row.monthKey)] ?? null}
          />
          <DataTable caption={t("voice.feedback.title")} columns={FEEDBACK_COLUMNS} rows={d.feedbackRows} rowKey={(r) => r.bucket} initialSort={{ key: "total", desc: true }} />
        </>
      )}

      <h2 id="repeats">{t("voice.repeats.title")}</h2>
      <p className="muted">{t("voice.repeats.intro", { days: formatNumber(d.windowDays, locale) })}</p>
      {d.modelRows.length === 0 ? (
        <p className="muted">{t("voice.repeats.none")}</p>
      ) : (
        <>
          <BarChart title={t("voice.repeats.byModel")} kind="number" data={d.modelRows.slice(0, 15).map((r) => ({ label: r.name, value: r.repeats, href: r.href }))} />
          <p>
            <Link to={`/manager/voice/repeats?${d.rq}`}>{t("voice.repeats.all")}</Link>
          </p>
          <DataTable caption={t("voice.repeats.byModel")} columns={REPEAT_GROUP_COLUMNS} rows={d.modelRows} rowKey={(r) => r.key} initialSort={{ key: "repeats", desc: true }} />
          <DataTable
            caption={t("voice.repeats.byCategory")}
            columns={REPEAT_GROUP_COLUMNS.filter((c) => c.key !== "brand")}
            rows={d.categoryRows}
            rowKey={(r) => r.key}
            initialSort={{ key: "repeats", desc: true }}
          />
        </>
      )}
    </>
  );
}
