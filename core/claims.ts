/**
 * Warranty claims (issue 15 §3): for in-warranty work the agency claims what the manufacturer owes it —
 * labour from a tariff per product category and service type, a travel fee by the distance band from the
 * agency to the job, and the parts it fitted at their catalogue list price. The amounts are computed here
 * (the server snapshots them on the claim's lines); the manufacturer approves each line in full, in part
 * (with a reason) or not at all. Replaced defective parts (داغی) that carry a serial must come back, by that
 * serial, before the claim is paid.
 *
 * Pure: no imports beyond core.
 */
import { sameSerial } from "./serial";
import { haversineKm } from "./dispatch";

/** The kinds of work a claim is for: each has its own labour tariff per product category. */
export const SERVICE_TYPES = ["repair", "installation", "inspection"] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

export function isServiceType(v: string): v is ServiceType {
  return (SERVICE_TYPES as readonly string[]).includes(v);
}

// ---------- tariffs ----------

/** A priced row valid over the Tehran calendar days [effective_from, effective_to) ('YYYY-MM-DD'). */
export interface Dated {
  effectiveFrom: string;
  effectiveTo: string | null;
}

export function validOn(t: Dated, day: string): boolean {
  return t.effectiveFrom <= day && (t.effectiveTo === null || day < t.effectiveTo);
}

export interface LabourTariff extends Dated {
  id: number;
  categoryId: number;
  serviceType: ServiceType;
  amountRials: number;
}

/** The labour tariff of a category and service type on a day (the latest start wins if two overlap); null: none. */
export function labourTariffOn(tariffs: readonly LabourTariff[], categoryId: number, serviceType: ServiceType, day: string): LabourTariff | null {
  let best: LabourTariff | null = null;
  for (const t of tariffs) {
    if (t.categoryId !== categoryId || t.serviceType !== serviceType || !validOn(t, day)) continue;
    if (!best || t.effectiveFrom > best.effectiveFrom) best = t;
  }
  return best;
}

/** A travel-fee band: from `fromKm` (inclusive) up to the next band's start; the last band is open-ended. */
export interface TravelBand extends Dated {
  id: number;
  fromKm: number;
  amountRials: number;
}

/** The default bands (km): 0–10, 10–30, 30–60, over 60. */
export const DEFAULT_BAND_STARTS_KM = [0, 10, 30, 60] as const;

/** The bands in force on a day, nearest first (one per start; the latest start date wins). */
export function bandsOn(bands: readonly TravelBand[], day: string): TravelBand[] {
  const byStart = new Map<number, TravelBand>();
  for (const b of bands) {
    if (!validOn(b, day)) continue;
    const cur = byStart.get(b.fromKm);
    if (!cur || b.effectiveFrom > cur.effectiveFrom) byStart.set(b.fromKm, b);
  }
  return [...byStart.values()].sort((a, b) => a.fromKm - b.fromKm);
}

/**
 * The band a distance falls in: the one with the greatest start ≤ the distance (a distance exactly on a
 * boundary belongs to the farther band: 10 km is in 10–30). Null when the distance is unknown or below
 * every band's start.
 */
export function bandOf<B extends { fromKm: number }>(distanceKm: number | null, bands: readonly B[]): B | null {
  if (distanceKm === null || !Number.isFinite(distanceKm) || distanceKm < 0) return null;
  let out: B | null = null;
  for (const b of bands) if (b.fromKm <= distanceKm && (!out || b.fromKm > out.fromKm)) out = b;
  return out;
}

/** The upper end of a band (the next band's start), null for the last one. */
export function bandEnd(band: { fromKm: number }, bands: readonly { fromKm: number }[]): number | null {
  let end: number | null = null;
  for (const b of bands) if (b.fromKm > band.fromKm && (end === null || b.fromKm < end)) end = b.fromKm;
  return end;
}

/** Great-circle distance in km between two points (core/dispatch.ts haversineKm), rounded to 0.1 km. */
export function distanceKm(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  return Math.round(haversineKm(a.lat, a.lng, b.lat, b.lng) * 10) / 10;
}

/** A sanity bound on one tariff or band amount: 10 billion rials. */
export const MAX_TARIFF_RIALS = 10_000_000_000;
export const MAX_CLAIM_QUANTITY = 99;
export const MAX_REASON_LENGTH = 500;

export type TariffProblem = "amountInvalid" | "kmInvalid" | "dayInvalid";

export function checkTariffAmount(amountRials: number): TariffProblem | null {
  return Number.isSafeInteger(amountRials) && amountRials >= 0 && amountRials <= MAX_TARIFF_RIALS ? null : "amountInvalid";
}

export function checkBandStart(km: number): TariffProblem | null {
  return Number.isInteger(km) && km >= 0 && km <= 10_000 ? null : "kmInvalid";
}

// ---------- lines and totals ----------

export const CLAIM_LINE_KINDS = ["labour", "travel", "part"] as const;
export type ClaimLineKind = (typeof CLAIM_LINE_KINDS)[number];

export interface ClaimLine {
  kind: ClaimLineKind;
  quantity: number;
  unitRials: number;
}

/** A line's amount: quantity × unit price, in whole rials. */
export function lineAmount(l: ClaimLine): number {
  if (!Number.isSafeInteger(l.quantity) || l.quantity < 1 || l.quantity > MAX_CLAIM_QUANTITY) throw new RangeError("quantity out of range");
  if (!Number.isSafeInteger(l.unitRials) || l.unitRials < 0) throw new RangeError("unit price must be a non-negative integer of rials");
  return l.quantity * l.unitRials;
}

/** What a claim asks for: the sum of its lines. */
export function claimTotal(lines: readonly ClaimLine[]): number {
  return lines.reduce((s, l) => s + lineAmount(l), 0);
}

// ---------- states ----------

export const CLAIM_STATUSES = ["draft", "submitted", "approved", "partly_approved", "rejected", "paid"] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

const CLAIM_TRANSITIONS: Record<ClaimStatus, readonly ClaimStatus[]> = {
  // the agency still composes it
  draft: ["submitted"],
  // waiting for the manufacturer's decision
  submitted: ["approved", "partly_approved", "rejected"],
  // owed to the agency (its ledger entry written); paid when its statement is settled
  approved: ["paid"],
  partly_approved: ["paid"],
  rejected: [],
  paid: [],
};

export function canClaimTransition(from: ClaimStatus, to: ClaimStatus): boolean {
  return CLAIM_TRANSITIONS[from].includes(to);
}

export class ClaimTransitionError extends Error {
  constructor(
    readonly from: ClaimStatus,
    readonly to: ClaimStatus,
  ) {
    super(`claim cannot go from ${from} to ${to}`);
    this.name = "ClaimTransitionError";
  }
}

export function assertClaimTransition(from: ClaimStatus, to: ClaimStatus): void {
  if (!canClaimTransition(from, to)) throw new ClaimTransitionError(from, to);
}

/** Decided: the manufacturer has answered (the scorecard's "claims decided"). */
export const DECIDED_STATUSES = ["approved", "partly_approved", "rejected", "paid"] as const satisfies readonly ClaimStatus[];
/** Owed to the agency: an entry in its ledger. */
export const OWED_STATUSES = ["approved", "partly_approved", "paid"] as const satisfies readonly ClaimStatus[];

// ---------- the decision ----------

export interface LineDecision {
  /** what the line asked for */
  claimedRials: number;
  /** what the manufacturer grants: 0 … claimed */
  approvedRials: number;
  /** required when less than claimed is granted */
  reason: string | null;
}

export type DecisionProblem = "approvedInvalid" | "reasonRequired" | "reasonTooLong" | "noLines";

/** Checks each line's grant (0 ≤ granted ≤ claimed, a reason when cut) and gives the claim's outcome. */
export function decideClaim(lines: readonly LineDecision[]): { status: "approved" | "partly_approved" | "rejected"; approvedRials: number } | { problem: DecisionProblem } {
  if (lines.length === 0) return { problem: "noLines" };
  let approved = 0;
  let claimed = 0;
  for (const l of lines) {
    if (!Number.isSafeInteger(l.approvedRials) || l.approvedRials < 0 || l.approvedRials > l.claimedRials) return { problem: "approvedInvalid" };
    if (l.approvedRials < l.claimedRials) {
      const r = (l.reason ?? "").trim();
      if (!r) return { problem: "reasonRequired" };
      if (r.length > MAX_REASON_LENGTH) return { problem: "reasonTooLong" };
    }
    approved += l.approvedRials;
    claimed += l.claimedRials;
  }
  const status = approved === 0 ? "rejected" : approved === claimed ? "approved" : "partly_approved";
  return { status, approvedRials: approved };
}

/** A whole-claim rejection needs its reason. */
export function checkReason(reason: string): "reasonRequired" | "reasonTooLong" | null {
  const r = reason.trim();
  if (!r) return "reasonRequired";
  if (r.length > MAX_REASON_LENGTH) return "reasonTooLong";
  return null;
}

// ---------- defective returns ----------

/** A part line as the return rule sees it. */
export interface ReturnLine {
  kind: ClaimLineKind;
  serialized: boolean;
  approvedRials: number | null;
  returned: boolean;
}

/** A line whose defective part must come back: a serialized part the manufacturer pays for. */
export function mustReturn(l: ReturnLine): boolean {
  return l.kind === "part" && l.serialized && (l.approvedRials ?? 0) > 0;
}

/** A claim is payable when it is owed and every serialized part it pays for has been received back. */
export function claimPayable(status: ClaimStatus, lines: readonly ReturnLine[]): boolean {
  return (status === "approved" || status === "partly_approved") && lines.every((l) => !mustReturn(l) || l.returned);
}

/** The serial read off a returned part is the claimed one: core/serial.ts sameSerial (digits, case, spaces and dashes ignored). */
export function serialMatches(expected: string, received: string): boolean {
  return sameSerial(expected, received);
}

// ---------- drafts, corrections and the claim's history (issue 15 §3) ----------

/** The agency edits its claim (service type, parts; labour and travel re-priced) only while it is a draft. */
export function agencyMayEdit(status: ClaimStatus): boolean {
  return status === "draft";
}

/**
 * What a claim's history records, one structured event per change (table claim_events), written by the
 * service in the same transaction as the change:
 *  - drafted       : filed as a draft (amount: what it claims);
 *  - draft_edited  : the draft's lines changed (amount: what it claims now);
 *  - submitted     : sent to the manufacturer (amount: what it claims);
 *  - approved / partly_approved / rejected : the decision (amount: what was granted; reason: the cut's or rejection's);
 *  - part_returned : a defective serialized part received back (serial);
 *  - corrected     : a correction after the decision (amount: + the manufacturer owes the agency more, − less; reason);
 *  - paid          : paid with its month's statement (amount: what was owed, corrections included).
 */
export const CLAIM_EVENT_KINDS = ["drafted", "draft_edited", "submitted", "approved", "partly_approved", "rejected", "part_returned", "corrected", "paid"] as const;
export type ClaimEventKind = (typeof CLAIM_EVENT_KINDS)[number];

/** Decided and owed: a claim with a ledger entry may be corrected (a rejected one is filed again instead). */
export function correctable(status: ClaimStatus): boolean {
  return (OWED_STATUSES as readonly ClaimStatus[]).includes(status);
}

/** A sanity bound on one correction: 1 billion rials (core/ledger.ts MAX_ADJUSTMENT_RIALS). */
export const MAX_CORRECTION_RIALS = 1_000_000_000;

export type CorrectionProblem = "amountInvalid" | "reasonRequired" | "reasonTooLong" | "correctionTooLarge";

/**
 * A correction of a decided claim, in the claim's terms: `deltaRials` > 0 — the manufacturer owes the agency
 * more; < 0 — less. Never 0, a reason always, and what the claim owes after it (granted + every correction)
 * never goes below zero: a correction does not turn the agency's claim into a debt.
 */
export function checkClaimCorrection(owedRials: number, deltaRials: number, reason: string): CorrectionProblem | null {
  if (!Number.isSafeInteger(deltaRials) || deltaRials === 0 || Math.abs(deltaRials) > MAX_CORRECTION_RIALS) return "amountInvalid";
  const r = reason.trim();
  if (!r) return "reasonRequired";
  if (r.length > MAX_REASON_LENGTH) return "reasonTooLong";
  if (owedRials + deltaRials < 0) return "correctionTooLarge";
  return null;
}

/**
 * What a decided claim owes the agency now: what was granted plus every correction (claim terms). Read from
 * the ledger's sign: the claim's entry and its claim_adjustment entries are negative when owed to the agency.
 */
export function claimOwedFromLedger(entryAmounts: readonly number[]): number {
  // 0 − sum, not −sum: a claim corrected down to nothing owes 0, never −0 (which formats as "−۰")
  return 0 - entryAmounts.reduce((s, a) => s + a, 0);
}

/**
 * The ledger amount of a correction (core/ledger.ts sign: negative is owed to the agency). The entry is a
 * `claim_adjustment` on the statement of the Jalali month the correction is MADE in — never the month of the
 * claim's decision: a closed (or settled) month is never reopened; the correction is netted with what is
 * current when it is made.
 */
export function correctionEntryRials(deltaRials: number): number {
  if (!Number.isSafeInteger(deltaRials) || deltaRials === 0) throw new RangeError("a correction is a non-zero whole number of rials");
  return -deltaRials;
}
