import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { DataTable } from "~/components/reports/DataTable";
import { formatDigits, formatJalaliMonth } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { FTF_COLUMNS, MONTH_COLUMNS } from "~/lib/reports/scorecards";
import { monthData } from "~/lib/scorecards.server";
import { reportUser } from "~/lib/voice.server";

/** Agencies × the scorecard's metrics for a Jalali month (issue 15 §5), sortable and exportable; each agency drills down to its months and jobs. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { scope, t } = await reportUser(request, context);
  return monthData(context.db, scope, request, t);
}

export default function ManagerScorecards() {
  const { period, periods, rows, byModel, reworkWindowDays } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <h1>{t("scorecard.title")}</h1>
      <p className="muted">{t("scorecard.hint")}</p>
      <Form method="get" className="report-filter">
        <label>
          {t("scorecard.month")}{" "}
          <select name="period" defaultValue={period}>
            {(periods.includes(period) ? periods : [period, ...periods]).map((p) => (
              <option key={p} value={p}>
                {formatJalaliMonth(p, locale)}
              </option>
            ))}
          </select>
        </label>{" "}
        <button type="submit">{t("scorecard.show")}</button>
      </Form>
      <h2>{t("scorecard.agenciesOf", { month: formatJalaliMonth(period, locale) })}</h2>
      {rows.length === 0 ? (
        <p className="muted">{t("scorecard.none")}</p>
      ) : (
        <DataTable
          caption={t("scorecard.title")}
          columns={MONTH_COLUMNS}
          rows={rows}
          rowKey={(r) => r.agency_id}
          initialSort={{ key: "ftf", desc: true }}
          exportHref={`/manager/scorecards/export?period=${period}`}
        />
      )}
      <h2>{t("scorecard.byModel")}</h2>
      {byModel.length === 0 ? <p className="muted">{t("scorecard.none")}</p> : <DataTable columns={FTF_COLUMNS} rows={byModel} rowKey={(r) => r.key} />}
      <p className="muted">{t("scorecard.definitions", { days: formatDigits(reworkWindowDays, locale) })}</p>
      <p className="muted" data-testid="scorecard-claims-hint">{t("scorecard.claimsHint")}</p>
    </>
  );
}
