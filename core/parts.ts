/**
 * Spare-part requests (issue 15 §4), as pure rules: the states a request goes through, who may move it,
 * how it is filled, when the job it holds may resume, and the figures of the "parts that hold jobs up" report.
 *
 * A request (part_requests row) names one catalogue part (spare_parts) of the ticket's model and a quantity,
 * at the list price of the moment (a snapshot). It is filled one of two ways:
 *  - from the agency's own stock: `requested → received` at once (the stock decremented in the same transaction);
 *  - from the manufacturer's central stock, by the parts desk: `requested → ordered → shipped → received`,
 *    each step dated.
 * `cancelled` ends a request that will not be filled (before it was shipped). The job that asked for parts is on
 * hold ("waiting for parts", core/ticket.ts TICKET_HOLD_REASONS) until none of its requests is still open and
 * at least one was received: then it resumes by itself (`on_hold → in_progress`) and the technician is told by
 * SMS — the part is in the agency's hands, so the job's clock of waiting for parts stops at its receipt, not
 * at whenever the technician next opens the link.
 */

export const PART_REQUEST_STATUSES = ["requested", "ordered", "shipped", "received", "cancelled"] as const;
export type PartRequestStatus = (typeof PART_REQUEST_STATUSES)[number];

/** Where a request was filled from; null until it is (a request still `requested`). */
export const PART_SOURCES = ["agency_stock", "central"] as const;
export type PartSource = (typeof PART_SOURCES)[number];

/** Still holding its job up. */
export const OPEN_PART_REQUEST_STATUSES = ["requested", "ordered", "shipped"] as const satisfies readonly PartRequestStatus[];

/** The steps a person takes on a request; each is one transition. */
export const PART_REQUEST_STEPS = ["fill_from_stock", "order", "ship", "receive", "cancel"] as const;
export type PartRequestStep = (typeof PART_REQUEST_STEPS)[number];

const STEP_RULES: Readonly<Record<PartRequestStep, { from: readonly PartRequestStatus[]; to: PartRequestStatus }>> = {
  fill_from_stock: { from: ["requested"], to: "received" },
  order: { from: ["requested"], to: "ordered" },
  ship: { from: ["ordered"], to: "shipped" },
  receive: { from: ["shipped"], to: "received" },
  cancel: { from: ["requested", "ordered"], to: "cancelled" },
};

export function isPartRequestStep(value: unknown): value is PartRequestStep {
  return typeof value === "string" && (PART_REQUEST_STEPS as readonly string[]).includes(value);
}

export function isPartRequestStatus(value: unknown): value is PartRequestStatus {
  return typeof value === "string" && (PART_REQUEST_STATUSES as readonly string[]).includes(value);
}

export function isOpenPartRequest(status: PartRequestStatus): boolean {
  return (OPEN_PART_REQUEST_STATUSES as readonly PartRequestStatus[]).includes(status);
}

/** The steps offered for a request in this status. */
export function partStepsFor(status: PartRequestStatus): PartRequestStep[] {
  return PART_REQUEST_STEPS.filter((s) => STEP_RULES[s].from.includes(status));
}

export class IllegalPartStepError extends Error {
  constructor(
    readonly step: PartRequestStep,
    readonly from: PartRequestStatus,
  ) {
    super(`Part request step ${step} is not allowed from ${from}`);
  }
}

/** The status a step leads to; throws when the step is not offered in `from`. */
export function applyPartStep(from: PartRequestStatus, step: PartRequestStep): PartRequestStatus {
  const rule = STEP_RULES[step];
  if (!rule.from.includes(from)) throw new IllegalPartStepError(step, from);
  return rule.to;
}

/** Which dated column of the row a step stamps. */
export const PART_STEP_STAMP: Readonly<Record<PartRequestStep, "ordered_at" | "shipped_at" | "received_at" | "cancelled_at">> = {
  fill_from_stock: "received_at",
  order: "ordered_at",
  ship: "shipped_at",
  receive: "received_at",
  cancel: "cancelled_at",
};

/** Who takes a step: the agency fills from its own shelf; the manufacturer's parts desk runs central stock. */
export const PART_STEP_BY: Readonly<Record<PartRequestStep, "agency" | "parts_desk">> = {
  fill_from_stock: "agency",
  order: "parts_desk",
  ship: "parts_desk",
  receive: "parts_desk",
  cancel: "parts_desk",
};

/**
 * Whether a job waiting for parts may resume: none of its requests is still open and at least one part
 * arrived (a job whose every request was cancelled stays on hold for a person to decide).
 */
export function partsAllowResume(statuses: readonly PartRequestStatus[]): boolean {
  return statuses.length > 0 && statuses.every((s) => !isOpenPartRequest(s)) && statuses.includes("received");
}

/** Most units of one part a single request may ask for. */
export const MAX_PART_QUANTITY = 20;
/** Most lines (different parts) in one request. */
export const MAX_PARTS_PER_REQUEST = 5;

export interface PartLine {
  partId: number;
  quantity: number;
}

export type PartLinesProblem = "none" | "tooMany" | "quantity" | "duplicate";

/** What is wrong with the lines of a request (before the catalogue is asked); null: fine. */
export function checkPartLines(lines: readonly PartLine[]): PartLinesProblem | null {
  if (lines.length === 0) return "none";
  if (lines.length > MAX_PARTS_PER_REQUEST) return "tooMany";
  if (lines.some((l) => !Number.isInteger(l.quantity) || l.quantity < 1 || l.quantity > MAX_PART_QUANTITY)) return "quantity";
  if (new Set(lines.map((l) => l.partId)).size !== lines.length) return "duplicate";
  return null;
}

/**
 * Time a request held its job up, in days: from the request to the part's receipt (or `now` while open; a
 * cancelled one up to its cancelling).
 *
 * Calendar days, not working days — decided for issue 15 §4, although §2 puts the SLA targets and deadlines on
 * the working-day clock: waiting for a part is a physical delay, not work someone owes in working hours. The
 * part travels (and the customer is without the appliance) on Fridays and holidays too, and the report's job is
 * to show which parts keep customers waiting longest; on the working-day clock a part ordered before Nowruz
 * would look faster than the same wait in Mehr. It also agrees with §1's repair-delay warranty extension, which
 * counts the weeks a repair stays open in calendar time. Deadlines that a person owes (answer, visit, resolve)
 * stay on the working-day clock; this figure is not a deadline. The SQL twins in db/repos/parts.ts
 * (holdingParts, holdingTickets) compute the same `(end − requested_at) / 86 400 s`.
 */
export function daysHeld(requestedAt: Date | string, endedAt: Date | string | null, now: Date | number): number {
  const end = endedAt === null ? new Date(now).getTime() : new Date(endedAt).getTime();
  return Math.max(0, end - new Date(requestedAt).getTime()) / 86_400_000;
}

/** The median of a list of numbers (the mean of the middle two for an even count); null for none. Twin of SQL percentile_cont(0.5). */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

// ---------------------------------------------------------------------------------------------------------
// the agency's own stock (its portal's parts page)

/** Most units of one part an agency may record on its shelf (more is a typing mistake). */
export const MAX_STOCK_QUANTITY = 9999;
export const MAX_STOCK_REASON_LENGTH = 200;

export type StockAdjustProblem = "quantity" | "reason" | "unchanged";

/**
 * What is wrong with setting a part's counted quantity on the agency's shelf: a whole number from 0 to
 * MAX_STOCK_QUANTITY, a reason (a count, a delivery, a write-off…) of up to MAX_STOCK_REASON_LENGTH characters,
 * and a change (setting the quantity it already has records nothing). null: fine.
 */
export function checkStockAdjustment(current: number, quantity: number, reason: string): StockAdjustProblem | null {
  if (!Number.isInteger(quantity) || quantity < 0 || quantity > MAX_STOCK_QUANTITY) return "quantity";
  const r = reason.trim();
  if (r.length === 0 || r.length > MAX_STOCK_REASON_LENGTH) return "reason";
  if (quantity === current) return "unchanged";
  return null;
}

// ---------------------------------------------------------------------------------------------------------
// the defective part's way back (داغی), as a ticket page shows it beside each request

/**
 * Where the replaced defective part of a request stands:
 *  - none: nothing to return (the part carries no serial, or it was never fitted: not received);
 *  - unclaimed: a serialized part was fitted but the ticket's live warranty claim has no line for it (no claim
 *    yet, or the claim was rejected and may be filed again);
 *  - claimed: the claim names it and waits for the manufacturer's decision;
 *  - due: the manufacturer pays for it, so the defective one must come back (by serial) before the claim is paid;
 *  - returned: it came back;
 *  - waived: the manufacturer approved the claim without paying for this line (nothing paid, nothing to return).
 */
export const DEFECTIVE_RETURN_STATES = ["none", "unclaimed", "claimed", "due", "returned", "waived"] as const;
export type DefectiveReturnState = (typeof DEFECTIVE_RETURN_STATES)[number];

export interface DefectiveReturnInput {
  status: PartRequestStatus;
  serialized: boolean;
  /** the claim line naming this part on the ticket's claim, if any */
  claim: { status: string; approvedRials: number | null; returned: boolean } | null;
}

export function defectiveReturnState(r: DefectiveReturnInput): DefectiveReturnState {
  if (!r.serialized || r.status !== "received") return "none";
  if (r.claim === null) return "unclaimed";
  if (r.claim.returned) return "returned";
  if (r.claim.status === "draft" || r.claim.status === "submitted") return "claimed";
  return (r.claim.approvedRials ?? 0) > 0 ? "due" : "waived";
}
