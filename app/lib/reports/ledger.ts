/**
 * The agency ledger's report columns (issue 14 §2), defined once for the pages and their CSV/XLSX exports.
 * Browser-safe.
 */
import type { ReportColumn } from "~/lib/report-table";

/** One line of a monthly statement (an entry of the ledger), as shown and exported. */
export interface StatementEntryRow {
  id: number;
  kind: string;
  at: string;
  ticket_id: number | null;
  ticket_number: string | null;
  /** a warranty claim's entry: the claim */
  claim_id: number | null;
  invoice: number | null;
  rate: number | null;
  amount: number;
  reason: string | null;
  reference: string | null;
  paid_on: string | null;
  by: string | null;
}

export function statementEntryColumns(ticketBase: "/manager/tickets" | "/agency/tickets"): ReportColumn<StatementEntryRow>[] {
  const claimBase = ticketBase === "/manager/tickets" ? "/manager/claims" : "/agency/claims";
  return [
    { key: "at", header: "ledger.at", kind: "datetime" },
    { key: "kind", header: "ledger.kind", kind: "text" },
    { key: "ticket_number", header: "revenue.ticket", kind: "code", href: (r) => (r.ticket_id ? `${ticketBase}/${r.ticket_id}` : null) },
    { key: "claim_id", header: "claims.claim", kind: "code", href: (r) => (r.claim_id ? `${claimBase}/${r.claim_id}` : null) },
    { key: "invoice", header: "fees.invoice", kind: "money" },
    { key: "rate", header: "fees.rate", kind: "percent" },
    { key: "amount", header: "ledger.amount", kind: "money" },
    { key: "reason", header: "ledger.reason", kind: "text" },
    { key: "reference", header: "ledger.reference", kind: "text" },
    { key: "paid_on", header: "ledger.paidOn", kind: "date" },
    { key: "by", header: "ledger.by", kind: "text" },
  ];
}

/** One month of an agency's statements. */
export interface StatementMonthRow {
  agency_id: number;
  agency: string;
  period: string;
  jobs: number;
  invoices: number;
  fees: number;
  adjustments: number;
  claims: number;
  due: number;
  paid: number;
  balance: number;
  state: string;
  href: string;
}

export function statementMonthColumns(withAgency: boolean): ReportColumn<StatementMonthRow>[] {
  return [
    ...(withAgency ? [{ key: "agency", header: "ledger.agency", kind: "text", href: (r: StatementMonthRow) => r.href } as const] : []),
    { key: "period", header: "ledger.period", kind: "code", href: (r) => r.href },
    { key: "jobs", header: "ledger.jobs", kind: "number" },
    { key: "invoices", header: "ledger.invoices", kind: "money" },
    { key: "fees", header: "ledger.fees", kind: "money" },
    { key: "adjustments", header: "ledger.adjustments", kind: "money" },
    { key: "claims", header: "claims.ledgerClaims", kind: "money" },
    { key: "due", header: "ledger.due", kind: "money" },
    { key: "paid", header: "ledger.paid", kind: "money" },
    { key: "balance", header: "ledger.balance", kind: "money", href: (r) => r.href },
    { key: "state", header: "ledger.state", kind: "text" },
  ];
}

export interface UnpaidRow {
  agency_id: number;
  agency: string;
  balance: number;
  open_months: number;
  oldest_open_period: string | null;
  href: string;
}

export const unpaidColumns: ReportColumn<UnpaidRow>[] = [
  { key: "agency", header: "ledger.agency", kind: "text", href: (r) => r.href },
  { key: "balance", header: "ledger.balance", kind: "money", href: (r) => r.href },
  { key: "open_months", header: "ledger.openMonths", kind: "number" },
  { key: "oldest_open_period", header: "ledger.oldestOpen", kind: "code", href: (r) => r.href },
];

/** A revenue figure of one group (a month, agency, brand, category or province). */
export interface RevenueGroupRow {
  key: string;
  label: string;
  jobs: number;
  invoices: number;
  fees: number;
  adjustments: number;
  revenue: number;
  href: string;
}

export const revenueGroupColumns: ReportColumn<RevenueGroupRow>[] = [
  { key: "label", header: "revenue.group", kind: "text", href: (r) => r.href },
  { key: "jobs", header: "ledger.jobs", kind: "number", href: (r) => r.href },
  { key: "invoices", header: "ledger.invoices", kind: "money" },
  { key: "fees", header: "ledger.fees", kind: "money" },
  { key: "adjustments", header: "ledger.adjustments", kind: "money" },
  { key: "revenue", header: "revenue.revenue", kind: "money", href: (r) => r.href },
];

/** A fee entry behind a revenue figure. */
export interface RevenueEntryRow {
  id: number;
  at: string;
  kind: string;
  period: string;
  ticket_id: number | null;
  ticket_number: string | null;
  agency: string;
  brand: string | null;
  category: string | null;
  province: string | null;
  invoice: number | null;
  rate: number | null;
  amount: number;
}

export const revenueEntryColumns: ReportColumn<RevenueEntryRow>[] = [
  { key: "at", header: "ledger.at", kind: "datetime" },
  { key: "kind", header: "ledger.kind", kind: "text" },
  { key: "ticket_number", header: "revenue.ticket", kind: "code", href: (r) => (r.ticket_id ? `/manager/tickets/${r.ticket_id}` : null) },
  { key: "agency", header: "ledger.agency", kind: "text" },
  { key: "brand", header: "revenue.brand", kind: "text" },
  { key: "category", header: "revenue.category", kind: "text" },
  { key: "province", header: "revenue.province", kind: "text" },
  { key: "invoice", header: "fees.invoice", kind: "money" },
  { key: "rate", header: "fees.rate", kind: "percent" },
  { key: "amount", header: "ledger.amount", kind: "money" },
];
