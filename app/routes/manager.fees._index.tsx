import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { jalaliYearMonth } from "../../core/jalali";
import { isPeriod, periodText, previousPeriod } from "../../core/ledger";
import { DataTable } from "~/components/reports/DataTable";
import { requirePermission } from "~/lib/auth.server";
import { fees } from "~/lib/db.server";
import { formatDigits } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { readSearchParams } from "~/lib/input.server";
import { monthRow, unpaidRows } from "~/lib/ledger.server";
import { resolveLocale } from "~/lib/locale.server";
import { statementMonthColumns, unpaidColumns } from "~/lib/reports/ledger";
import { translator } from "~/i18n";
import ledgerStyles from "~/styles/ledger.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: ledgerStyles }];

/** The manager's referral fees: every agency's unpaid balance, and the monthly statements of a month. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "reports:read");
  const t = translator(await resolveLocale(request, user));
  const periods = await fees.statementPeriods(context.db);
  const asked = readSearchParams(request).period ?? "";
  // by default the last closed month (the one to settle), else the newest there is
  const lastClosed = previousPeriod(jalaliYearMonth(new Date()));
  const period = isPeriod(asked) ? asked : (periods.find((p) => p <= lastClosed) ?? periods[0] ?? lastClosed);
  const [statements, unpaid] = await Promise.all([fees.statementsOfPeriod(context.db, period), unpaidRows(context.db)]);
  return {
    period,
    periods,
    statements: statements.map((s) => monthRow(s, s.agency_id, t, `/manager/fees/statements/${s.agency_id}/${s.period}`)),
    unpaid,
  };
}

export default function ManagerFees() {
  const { period, periods, statements, unpaid } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <h1>{t("nav.fees")}</h1>
      <h2>{t("ledger.unpaid")}</h2>
      <DataTable columns={unpaidColumns} rows={unpaid} initialSort={{ key: "balance", desc: true }} rowKey={(r) => r.agency_id} />
      <h2 id="statements">{t("ledger.statements")}</h2>
      <Form method="get" className="report-filter">
        <label>
          {t("ledger.choosePeriod")}{" "}
          <select name="period" defaultValue={period}>
            {periods.map((p) => (
              <option key={p} value={p}>
                {formatDigits(periodText(p), locale)}
              </option>
            ))}
          </select>
        </label>{" "}
        <button type="submit">{t("ledger.show")}</button>
      </Form>
      {statements.length === 0 ? (
        <p className="muted">{t("ledger.noStatements")}</p>
      ) : (
        <DataTable columns={statementMonthColumns(true)} rows={statements} rowKey={(r) => r.agency_id} />
      )}
    </>
  );
}
