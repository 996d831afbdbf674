/**
 * The vocabulary of a service request (درخواست خدمت) and its life cycle, defined once. Schema types,
 * zod enums, SQL lists and the database's CHECK constraints derive from (or are tested against) these
 * arrays. Every status change goes through `assertTransition`, so ticket_events only records legal moves.
 */
export const TICKET_STATUSES = [
  "new",
  "dispatching",
  "assigned",
  "scheduled",
  "in_progress",
  "on_hold",
  "completed",
  "closed",
  "cancelled",
] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** `installation` (نصب و راه‌اندازی, issue 15 §1): dispatched to an agency like a breakdown; completing it starts the warranty of categories whose warranty starts at installation. */
export const TICKET_TYPES = ["breakdown", "follow_up", "complaint", "installation"] as const;
export type TicketType = (typeof TICKET_TYPES)[number];

/** How the request reached us. */
export const TICKET_CHANNELS = ["phone", "sms", "web", "walk_in", "email"] as const;
export type TicketChannel = (typeof TICKET_CHANNELS)[number];

export const WARRANTY_STATUSES = ["in_warranty", "out_of_warranty", "unknown"] as const;
export type WarrantyStatus = (typeof WARRANTY_STATUSES)[number];

export const PRIORITIES = ["low", "normal", "high", "urgent"] as const;
export type Priority = (typeof PRIORITIES)[number];

export const OFFER_STATUSES = ["pending", "accepted", "rejected", "expired", "withdrawn"] as const;
export type OfferStatus = (typeof OFFER_STATUSES)[number];

/** Who wrote a history row. */
export const ACTOR_KINDS = ["user", "agency", "technician", "system", "customer"] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

/**
 * What a history row (ticket_events.event_type) records. `note`: a remark added by staff; `call_attached`:
 * a call (and so its recording) was linked to the ticket — the call that registered it, or a later
 * follow-up call about it (data: { callId, direction, reason }). `offer_expired`: an agency let its offer's
 * deadline pass (data: { offer_id, agency_id, reason }); `sla_at_risk` / `sla_breached`: the SLA sweep found a
 * stage (core/sla.ts) near or past its due time (data: { stage, due_at }); `survey_answered`: the customer's
 * satisfaction score of the job (data: { surveyId, score, channel, complaintTicketId? }). Dispatch:
 * `offer_accepted` / `offer_withdrawn` (data: { offer_id, agency_id, reason? }); `dispatch_held`: no agency
 * could be offered the ticket, it waits in the supervisor queue (data: { reason, excluded? }); `reassigned`:
 * a supervisor moved it by hand (data: { reason, from_agency_id?, to_agency_id }); `technician_assigned`
 * (data: { technician_id, visit_from, visit_to }); `technician_update`: a press on the technician's job
 * link (data: { action, source, … }); `job_report`: the completion report (work done, parts, invoice).
 */
export const TICKET_EVENT_TYPES = [
  "created",
  "status_changed",
  "offer_sent",
  "offer_rejected",
  "note",
  "call_attached",
  "offer_expired",
  "sla_at_risk",
  "sla_breached",
  "survey_answered",
  "offer_accepted",
  "offer_withdrawn",
  "dispatch_held",
  "reassigned",
  "technician_assigned",
  "technician_update",
  "job_report",
] as const;
export type TicketEventType = (typeof TICKET_EVENT_TYPES)[number];

/**
 * Whether an agency's offer still grants it the ticket (its customer's data): pending and its deadline not
 * passed. An offer past its deadline grants nothing even before the offer__expire job marks it expired.
 * Its SQL twin is db/repos/tickets.ts `liveOfferCondition` (tested together).
 */
export function offerGrantsAccess(status: OfferStatus, deadlineAt: Date | string, now: Date | number): boolean {
  return status === "pending" && new Date(deadlineAt).getTime() > new Date(now).getTime();
}

export const AGENCY_STATUSES = ["active", "suspended", "terminated"] as const;
export type AgencyStatus = (typeof AGENCY_STATUSES)[number];

/** Work still owed to the customer: what SLA delays and "open" counts are measured on. */
export const UNRESOLVED_STATUSES = [
  "new",
  "dispatching",
  "assigned",
  "scheduled",
  "in_progress",
  "on_hold",
] as const satisfies readonly TicketStatus[];

/** Jobs an agency has accepted and not yet finished: its current load. */
export const AGENCY_LOAD_STATUSES = ["assigned", "scheduled", "in_progress", "on_hold"] as const satisfies readonly TicketStatus[];

const TRANSITIONS: Record<TicketStatus, readonly TicketStatus[]> = {
  // registered by the call centre; an information call may be closed on the spot
  new: ["dispatching", "in_progress", "closed", "cancelled"],
  // offered to an agency, waiting for its answer; back to `new` when every agency declined
  dispatching: ["assigned", "new", "cancelled"],
  // an agency accepted; it may hand the job back for re-dispatch
  assigned: ["scheduled", "in_progress", "dispatching", "cancelled"],
  // technician and visit window set
  scheduled: ["in_progress", "on_hold", "dispatching", "cancelled"],
  in_progress: ["on_hold", "completed", "cancelled"],
  // e.g. waiting for a spare part
  on_hold: ["in_progress", "cancelled"],
  // work done and reported; reopened if the customer says it is not fixed
  completed: ["closed", "in_progress"],
  closed: [],
  cancelled: [],
};

/**
 * Why a job is on hold (tickets.hold_reason, set with status `on_hold`, cleared when it leaves it; issue 15 §4).
 * A list, so further reasons (waiting for the customer, for an approval) are one more entry:
 *  - waiting_for_parts: parts were requested for the job (part_requests; core/parts.ts), with an expected date;
 *    the job resumes by itself when the last requested part is received;
 *  - cannot_repair: the technician cannot repair it; a supervisor decides (core/job-link.ts);
 *  - other: any other pause a person put the job in.
 */
export const TICKET_HOLD_REASONS = ["waiting_for_parts", "cannot_repair", "other"] as const;
export type TicketHoldReason = (typeof TICKET_HOLD_REASONS)[number];

export function isTicketHoldReason(value: unknown): value is TicketHoldReason {
  return typeof value === "string" && (TICKET_HOLD_REASONS as readonly string[]).includes(value);
}

export const TERMINAL_STATUSES = ["closed", "cancelled"] as const satisfies readonly TicketStatus[];

/**
 * A job an agency has accepted and nobody has started on: it may get (or change) its technician and window,
 * and a move from here back to `dispatching` is a take-back (the job leaves that agency).
 */
export const ACCEPTED_JOB_STATUSES = ["assigned", "scheduled"] as const satisfies readonly TicketStatus[];

export function isAcceptedJob(status: TicketStatus): boolean {
  return (ACCEPTED_JOB_STATUSES as readonly TicketStatus[]).includes(status);
}

/** Whether `from` → `to` takes an accepted job back from its agency (core/delays.ts milestones, services/take-back.ts). */
export function isTakeBack(from: TicketStatus | null, to: TicketStatus | null): boolean {
  return to === "dispatching" && from !== null && isAcceptedJob(from);
}

/** Only breakdown reports go out to repair agencies; follow-ups and complaints are handled in-house. */
export const DISPATCH_STATUSES = ["dispatching", "assigned", "scheduled"] as const satisfies readonly TicketStatus[];

export function isTicketStatus(value: string): value is TicketStatus {
  return (TICKET_STATUSES as readonly string[]).includes(value);
}

/** The types an agency does on site, dispatched like a breakdown (SLA stages, offers, reassignment). */
export const DISPATCHED_TYPES = ["breakdown", "installation"] as const satisfies readonly TicketType[];

export function isDispatchedType(type: TicketType): boolean {
  return (DISPATCHED_TYPES as readonly TicketType[]).includes(type);
}

export function allowedTransitions(from: TicketStatus, type: TicketType = "breakdown"): TicketStatus[] {
  return TRANSITIONS[from].filter((to) => isDispatchedType(type) || !(DISPATCH_STATUSES as readonly TicketStatus[]).includes(to));
}

export function canTransition(from: TicketStatus, to: TicketStatus, type: TicketType = "breakdown"): boolean {
  return allowedTransitions(from, type).includes(to);
}

export class IllegalTransitionError extends Error {
  constructor(
    readonly from: TicketStatus,
    readonly to: TicketStatus,
  ) {
    super(`Illegal ticket transition ${from} → ${to}`);
  }
}

export function assertTransition(from: TicketStatus, to: TicketStatus, type: TicketType = "breakdown"): void {
  if (!canTransition(from, to, type)) throw new IllegalTransitionError(from, to);
}

export function isOpen(status: TicketStatus): boolean {
  return !(TERMINAL_STATUSES as readonly TicketStatus[]).includes(status);
}

export function isUnresolved(status: TicketStatus): boolean {
  return (UNRESOLVED_STATUSES as readonly TicketStatus[]).includes(status);
}

/** Past its resolution due time while work is still owed. */
export function isOverdue(status: TicketStatus, resolveDueAt: Date | string | null, now: Date | number): boolean {
  if (!resolveDueAt || !isUnresolved(status)) return false;
  return new Date(resolveDueAt).getTime() < new Date(now).getTime();
}
