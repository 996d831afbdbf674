import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { CSAT_DIMENSIONS } from "../../core/feedback";
import { BarChart } from "~/components/reports/Chart";
import { DataTable } from "~/components/reports/DataTable";
import { DateRangeFilter } from "~/components/reports/DateRangeFilter";
import { formatNumber, formatPercent } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { CSAT_COLUMNS, LOW_SCORE_COLUMNS } from "~/lib/reports/voice";
import { rangeSearch } from "~/lib/report-table";
import { reportUser, satisfactionData } from "~/lib/voice.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { scope, locale, t } = await reportUser(request, context);
  const data = await satisfactionData(context.db, scope, request, locale, t);
  return { ...data, exportQuery: `${rangeSearch(data.range)}&by=${data.by}` };
}

export default function ManagerSatisfaction() {
  const { range, by, total, csatRows, lowRows, moreLow, exportQuery } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <h1>{t("voice.csat.title")}</h1>
      <p className="muted">{t("voice.csat.intro")}</p>
      <Form method="get" className="report-filters">
        <DateRangeFilter from={range.fromText} to={range.toText} presets={range.presets} error={range.error} submit={false} />
        <label>
          {t("voice.csat.by")}{" "}
          <select name="by" defaultValue={by}>
            {CSAT_DIMENSIONS.map((d) => (
              <option key={d} value={d}>
                {t(`voice.dim.${d}`)}
              </option>
            ))}
          </select>
        </label>{" "}
        <button type="submit">{t("voice.apply")}</button>
      </Form>

      <dl className="facts" data-testid="csat-total">
        <dt>{t("voice.csat.csat")}</dt>
        <dd>{formatPercent(total.csat, locale)}</dd>
        <dt>{t("voice.csat.mean")}</dt>
        <dd>{formatNumber(total.mean, locale)}</dd>
        <dt>{t("voice.csat.answered")}</dt>
        <dd>{formatNumber(total.answered, locale)}</dd>
        <dt>{t("voice.csat.low")}</dt>
        <dd>{formatNumber(total.low, locale)}</dd>
      </dl>

      {csatRows.length === 0 ? (
        <p className="muted">{t("voice.csat.none")}</p>
      ) : (
        <>
          <BarChart title={t("voice.csat.chart")} kind="percent" data={csatRows.slice(0, 30).map((r) => ({ label: r.group, value: r.csat ?? 0, href: r.href }))} />
          <DataTable
            caption={t(`voice.dim.${by}`)}
            columns={CSAT_COLUMNS}
            rows={csatRows}
            rowKey={(r) => r.key ?? "none"}
            exportHref={`/manager/satisfaction/export?report=csat&${exportQuery}`}
            initialSort={by === "month" ? undefined : { key: "answered", desc: true }}
          />
        </>
      )}

      <h2 id="low-scores">{t("voice.low.title")}</h2>
      {lowRows.length === 0 ? (
        <p className="muted">{t("voice.low.none")}</p>
      ) : (
        <>
          {moreLow && <p className="muted">{t("voice.low.newest", { count: lowRows.length })}</p>}
          <DataTable
            caption={t("voice.low.title")}
            columns={LOW_SCORE_COLUMNS}
            rows={lowRows}
            rowKey={(r) => String(r.survey_id)}
            exportHref={`/manager/satisfaction/export?report=low&${exportQuery}`}
          />
          <p>
            <Link to={`/manager/satisfaction/low?${rangeSearch(range)}`}>{t("voice.low.all")}</Link>
          </p>
        </>
      )}
    </>
  );
}
