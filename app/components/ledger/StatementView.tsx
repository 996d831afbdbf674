import { balanceDirection, periodText } from "../../../core/ledger";
import { DataTable } from "~/components/reports/DataTable";
import { StatCard } from "~/components/StatCard";
import { formatDigits, formatNumber, formatRials } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { statementEntryColumns, type StatementEntryRow } from "~/lib/reports/ledger";

export interface StatementViewProps {
  agency: { code: string; name: string };
  period: string;
  sums: { jobs: number; invoices: number; fees: number; adjustments: number; claims: number; due: number; paid: number; balance: number; state: "open" | "settled" | "partly_settled" };
  rows: StatementEntryRow[];
  exportHref: string;
  ticketBase: "/manager/tickets" | "/agency/tickets";
}

/** One monthly statement (agency, Jalali month): its sums, its entries, print and export. Printable as it is. */
export function StatementView({ agency, period, sums, rows, exportHref, ticketBase }: StatementViewProps) {
  const t = useT();
  const locale = useLocale();
  return (
    <section className="statement" aria-labelledby="statement-title">
      <div className="statement-head">
        <h1 id="statement-title">{t("ledger.statementOf", { agency: `${agency.name} (${agency.code})`, period: formatDigits(periodText(period), locale) })}</h1>
        <button type="button" className="no-print" onClick={() => window.print()} data-testid="print-statement">
          {t("ledger.print")}
        </button>
      </div>
      <div className="statement-sums">
        <StatCard label={t("ledger.jobs")} value={formatNumber(sums.jobs, locale)} />
        <StatCard label={t("ledger.invoices")} value={formatRials(sums.invoices, locale)} />
        <StatCard label={t("ledger.fees")} value={formatRials(sums.fees, locale)} />
        <StatCard label={t("ledger.adjustments")} value={formatRials(sums.adjustments, locale)} />
        <StatCard label={t("claims.ledgerClaims")} value={<span data-testid="statement-claims">{formatRials(sums.claims, locale)}</span>} />
        <StatCard label={t("ledger.due")} value={<span data-testid="statement-due">{formatRials(sums.due, locale)}</span>} />
        <StatCard label={t("ledger.paid")} value={formatRials(sums.paid, locale)} />
        <StatCard label={t("ledger.balance")} value={<span data-testid="statement-balance">{formatRials(sums.balance, locale)}</span>} />
        <StatCard label={t("ledger.state")} value={<span data-testid="statement-state">{t(`ledger.state.${sums.state}`)}</span>} />
      </div>
      <p className="muted" data-testid="statement-direction">
        {t(`claims.direction.${balanceDirection(sums.balance)}`)}
      </p>
      <DataTable
        columns={statementEntryColumns(ticketBase)}
        rows={rows}
        exportHref={exportHref}
        caption={t("ledger.entries")}
        rowKey={(r) => r.id}
      />
    </section>
  );
}
