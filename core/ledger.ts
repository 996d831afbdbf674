/**
 * The agency ledger (issue 14 §2; issue 15 §3 adds the manufacturer's side): every rial between the
 * manufacturer and an agency is an ENTRY, never edited. Sign convention: a positive amount is owed by the
 * agency to the manufacturer, a negative one is owed by the manufacturer to the agency (or was paid by the
 * agency: a payment settles a balance by an entry of the opposite sign).
 *
 *  - `referral_fee`   : written once per ticket when an out-of-warranty job is completed (≥ 0; rate and invoice
 *                       snapshotted), in the Jalali month of completion;
 *  - `fee_adjustment` : a correction of a fee (either sign, never 0), with its reason and who made it, in the
 *                       Jalali month it was made (a settled month is never reopened);
 *  - `payment`        : the settlement of a statement (agency, month), with its date and reference; its amount is
 *                       minus the statement's balance when it was settled.
 *  - `warranty_claim` : (issue 15 §3) an approved or partly approved warranty claim, once per claim, in the Jalali
 *                       month of the decision; < 0 (the manufacturer owes it);
 *  - `claim_adjustment`: a correction of a claim entry (either sign, never 0), with its reason and who made it, linked
 *                       to its claim (claim_id) and the claim's entry (adjusts_entry_id). Like a fee adjustment it
 *                       falls in the Jalali month it was MADE in, not the month of the claim's decision: the month
 *                       of the decision may be settled already and is never reopened (core/claims.ts
 *                       correctionEntryRials; its sign is the ledger's, the claim page shows it the claim's way).
 * A statement nets them all: a positive balance is paid by the agency, a negative one by the manufacturer.
 *
 * Pure: no imports beyond core.
 */

export const LEDGER_KINDS = [
  "referral_fee",
  "fee_adjustment",
  "payment",
  // issue 15 §3: an approved (or partly approved) warranty claim, owed by the manufacturer (< 0), and a correction of one
  "warranty_claim",
  "claim_adjustment",
] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/** The kinds that are referral-fee revenue (the dashboard's figures): the fees and their corrections. */
export const REVENUE_KINDS = ["referral_fee", "fee_adjustment"] as const satisfies readonly LedgerKind[];

/** The kinds the manufacturer owes the agency for warranty work: the claims and their corrections. */
export const CLAIM_KINDS = ["warranty_claim", "claim_adjustment"] as const satisfies readonly LedgerKind[];

/** The ledger amount of an approved claim: what the manufacturer owes is negative (owed to the agency). */
export function claimEntryRials(approvedRials: number): number {
  if (!Number.isSafeInteger(approvedRials) || approvedRials <= 0) throw new RangeError("an owed claim is a positive whole number of rials");
  return -approvedRials;
}

export const MAX_REASON_LENGTH = 500;
export const MAX_REFERENCE_LENGTH = 100;
/** A sanity bound on one adjustment: 1 billion rials. */
export const MAX_ADJUSTMENT_RIALS = 1_000_000_000;

/** A Jalali statement period, 'YYYY-MM' with Latin digits (core/jalali.ts jalaliYearMonth). */
export const PERIOD_PATTERN = /^1[34][0-9]{2}-(0[1-9]|1[0-2])$/;

/** A period as people write it: '1405-09' → '1405/09' (Latin digits; the screen turns them Persian). */
export function periodText(period: string): string {
  return period.replace("-", "/");
}

/** A month's statement: nothing paid yet, paid in full (balance 0), or paid in part. */
export type StatementState = "open" | "settled" | "partly_settled";

export function statementState(s: { payments: number; balance: number }): StatementState {
  return s.payments === 0 ? "open" : s.balance === 0 ? "settled" : "partly_settled";
}

export function isPeriod(value: string): boolean {
  return PERIOD_PATTERN.test(value);
}

/** The next Jalali month: '1404-12' → '1405-01'. */
export function nextPeriod(period: string): string {
  if (!isPeriod(period)) throw new RangeError(`not a period: ${period}`);
  const [y, m] = period.split("-").map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`;
}

/** The previous Jalali month: '1405-01' → '1404-12'. */
export function previousPeriod(period: string): string {
  if (!isPeriod(period)) throw new RangeError(`not a period: ${period}`);
  const [y, m] = period.split("-").map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, "0")}`;
}

/** Every period from `from` to `to`, both included, oldest first (empty when `to` is before `from`). */
export function periodsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let p = from; p <= to && out.length < 1200; p = nextPeriod(p)) out.push(p);
  return out;
}

/**
 * How a date range [from, toExclusive) splits into whole Jalali months and partial ones, for the revenue roll-up:
 * whole months are read from the monthly roll-up, the partial first/last months from the ledger itself.
 * `monthOf` is jalaliYearMonth (passed in so this stays free of Intl).
 */
export function splitRangeByMonth(
  from: Date,
  toExclusive: Date,
  monthOf: (d: Date) => string,
): { whole: string[]; partial: string[] } {
  if (!(toExclusive.getTime() > from.getTime())) return { whole: [], partial: [] };
  const first = monthOf(from);
  const last = monthOf(new Date(toExclusive.getTime() - 1));
  const firstWhole = monthOf(new Date(from.getTime() - 1)) !== first;
  const lastWhole = monthOf(toExclusive) !== last;
  const all = periodsBetween(first, last);
  const whole: string[] = [];
  const partial: string[] = [];
  for (const p of all) {
    const isWhole = (p !== first || firstWhole) && (p !== last || lastWhole);
    (isWhole ? whole : partial).push(p);
  }
  return { whole, partial };
}

/** The adjustment a manager enters; problems the form reports in words. */
export type AdjustmentProblem = "amountInvalid" | "reasonRequired" | "reasonTooLong";

export function checkAdjustment(amountRials: number, reason: string): AdjustmentProblem | null {
  if (!Number.isSafeInteger(amountRials) || amountRials === 0 || Math.abs(amountRials) > MAX_ADJUSTMENT_RIALS) return "amountInvalid";
  const r = reason.trim();
  if (!r) return "reasonRequired";
  if (r.length > MAX_REASON_LENGTH) return "reasonTooLong";
  return null;
}

export interface StatementEntry {
  kind: LedgerKind;
  amountRials: number;
}

export interface StatementSummary {
  /** sum of the referral fees */
  fees: number;
  /** sum of the fee adjustments (either sign) */
  adjustments: number;
  /** sum of the warranty claims and their corrections (≤ 0 in the normal case: the manufacturer owes them) */
  claims: number;
  /** the month's net: fees + adjustments + claims (positive: the agency owes; negative: the manufacturer owes) */
  due: number;
  /** what was settled (minus the payments' amounts: positive when the agency paid, negative when the manufacturer did) */
  paid: number;
  /** still owed: due − paid (negative: the manufacturer owes the agency) */
  balance: number;
  /** open: nothing paid yet; settled: paid and nothing left; partly_settled: paid but a balance is left */
  state: "open" | "settled" | "partly_settled";
}

/** A statement always equals the sum of its entries: every entry falls in exactly one of its sums. */
export function summarizeStatement(entries: readonly StatementEntry[]): StatementSummary {
  let fees = 0;
  let adjustments = 0;
  let claims = 0;
  let payments = 0;
  let anyPayment = false;
  for (const e of entries) {
    switch (e.kind) {
      case "referral_fee":
        fees += e.amountRials;
        break;
      case "fee_adjustment":
        adjustments += e.amountRials;
        break;
      case "warranty_claim":
      case "claim_adjustment":
        claims += e.amountRials;
        break;
      case "payment":
        payments += e.amountRials;
        anyPayment = true;
        break;
    }
  }
  const due = fees + adjustments + claims;
  const balance = due + payments;
  const paid = payments === 0 ? 0 : -payments;
  const state = !anyPayment ? "open" : balance === 0 ? "settled" : "partly_settled";
  return { fees, adjustments, claims, due, paid, balance, state };
}

/** Who pays a balance: the agency (positive), the manufacturer (negative), nobody (0). */
export function balanceDirection(balance: number): "agency_pays" | "manufacturer_pays" | "none" {
  return balance > 0 ? "agency_pays" : balance < 0 ? "manufacturer_pays" : "none";
}

/** A statement can be settled when something is owed either way; the payment's amount is minus the balance. */
export function settlementAmount(balance: number): number | null {
  return balance === 0 ? null : -balance;
}
