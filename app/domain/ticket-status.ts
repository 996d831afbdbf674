import type { TicketStatusValue, TicketType } from "../../db/schema";

/**
 * The life of a service request (درخواست خدمت), defined once. Every status change in the
 * system goes through `assertTransition`, so the history in ticket_events only ever records
 * legal moves.
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
] as const satisfies readonly TicketStatusValue[];

export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const TICKET_TYPES = ["breakdown", "follow_up", "complaint"] as const satisfies readonly TicketType[];

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

export const TERMINAL_STATUSES: readonly TicketStatus[] = ["closed", "cancelled"];

/** Only breakdown reports go out to repair agencies; follow-ups and complaints are handled in-house. */
const DISPATCH_STATUSES: readonly TicketStatus[] = ["dispatching", "assigned", "scheduled"];

export function isTicketStatus(value: string): value is TicketStatus {
  return (TICKET_STATUSES as readonly string[]).includes(value);
}

export function allowedTransitions(from: TicketStatus, type: TicketType = "breakdown"): TicketStatus[] {
  return TRANSITIONS[from].filter((to) => type === "breakdown" || !DISPATCH_STATUSES.includes(to));
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
  return !TERMINAL_STATUSES.includes(status);
}

export function isUnresolved(status: TicketStatus): boolean {
  return (UNRESOLVED_STATUSES as readonly TicketStatus[]).includes(status);
}

/** Past its resolution due time while work is still owed. */
export function isOverdue(status: TicketStatus, resolveDueAt: Date | string | null, now: Date | number): boolean {
  if (!resolveDueAt || !isUnresolved(status)) return false;
  return new Date(resolveDueAt).getTime() < new Date(now).getTime();
}
