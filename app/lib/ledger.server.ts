/**
 * The agency ledger's pages and exports share these: the rows of a statement and of the statement lists, with
 * their labels in the reader's language (the export writes the same rows the page shows).
 */
import { periodText, statementState } from "../../core/ledger";
import type { Translate } from "~/i18n";
import type { DB } from "~/lib/db.server";
import { agencies, fees } from "~/lib/db.server";
import type { StatementEntryRow, StatementMonthRow, UnpaidRow } from "~/lib/reports/ledger";


type StatementSums = Awaited<ReturnType<typeof fees.agencyStatements>>[number];

export function monthRow(
  s: StatementSums & { agency_id?: number; agency_code?: string; agency_name?: string },
  agencyId: number,
  t: Translate,
  href: string,
): StatementMonthRow {
  return {
    agency_id: agencyId,
    agency: s.agency_name ? `${s.agency_name} (${s.agency_code})` : "",
    period: periodText(s.period),
    jobs: s.jobs,
    invoices: s.invoices,
    fees: s.fees,
    adjustments: s.adjustments,
    claims: s.claims,
    due: s.due,
    paid: s.paid,
    balance: s.balance,
    state: t(`ledger.state.${statementState(s)}`),
    href,
  };
}

export async function unpaidRows(db: DB): Promise<UnpaidRow[]> {
  return (await fees.unpaidBalances(db)).map((u) => ({
    agency_id: u.agency_id,
    agency: `${u.agency_name} (${u.agency_code})`,
    balance: u.balance,
    open_months: u.open_months,
    oldest_open_period: u.oldest_open_period ? periodText(u.oldest_open_period) : null,
    href: u.oldest_open_period ? `/manager/fees/statements/${u.agency_id}/${u.oldest_open_period}` : `/manager/fees`,
  }));
}

/** One statement (agency, month): the agency, its sums and its entries; null when the agency does not exist. */
export async function loadStatement(db: DB, agencyId: number, period: string, t: Translate) {
  const agency = await agencies.getAgency(db, agencyId);
  if (!agency) return null;
  const [entries, months] = await Promise.all([fees.statementEntries(db, agencyId, period), fees.agencyStatements(db, agencyId)]);
  const sums = months.find((m) => m.period === period) ?? null;
  const rows: StatementEntryRow[] = entries.map((e) => ({
    id: e.id,
    kind: t(`ledger.kind.${e.kind}`),
    at: e.at.toISOString(),
    ticket_id: e.ticket_id,
    ticket_number: e.ticket_number == null ? null : String(e.ticket_number),
    claim_id: e.claim_id,
    invoice: e.invoice_amount_rials,
    rate: e.rate_percent,
    amount: e.amount_rials,
    reason: e.reason,
    reference: e.reference,
    paid_on: e.paid_on,
    by: e.created_by_name,
  }));
  // the entries a manager may correct: referral fees and owed warranty claims
  const fees_ = entries.filter((e) => e.kind === "referral_fee" || e.kind === "warranty_claim").map((e) => ({ id: e.id, ticket_number: e.ticket_number, amount: e.amount_rials }));
  return {
    agency: { id: agency.id, code: agency.code, name: agency.name },
    period,
    sums: sums
      ? { ...sums, state: statementState(sums) }
      : { period, jobs: 0, invoices: 0, fees: 0, adjustments: 0, claims: 0, payments: 0, due: 0, paid: 0, balance: 0, state: "open" as const },
    rows,
    feeEntries: fees_,
  };
}
