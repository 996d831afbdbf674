/**
 * The SLA due times of the stages an agency answers for (core/delays.ts AGENCY_SLA_STAGES: visit and resolve),
 * moved onto that agency's working-day clock when it accepts a dispatched request (issue 15 §2), and back to
 * intake's when the job is taken back from it (restoreIntakeDueTimesInTrx). Called inside
 * the acceptance's transaction (services/agency-offers.ts acceptOffer), with the ticket locked: the rule is
 * core/delays.ts acceptedDueTimes — the target's working minutes up to the acceptance on the call centre's
 * clock, the rest on the agency's weekly hours with the official holidays.
 *
 * The target is the one the ticket was registered under (tickets.sla_accept/visit/resolve_minutes, written by
 * intake), not the rules in force at the acceptance: a rule edited between the registration and the acceptance
 * does not move the ticket's promise. A ticket registered before the snapshot existed gets the rule in force at
 * its first recompute, stored on it then, so it too keeps one target from then on.
 *
 * They are stored where intake put them (tickets.sla_visit_due_at, sla_resolve_due_at): the SLA sweep
 * (services/sla.ts) and the delay reports (ticket_milestones, kept by its trigger on tickets) read them there.
 * The sweep's marks (sla_marks) that the new due times make untrue are withdrawn in the same transaction
 * (services/sla.ts withdrawStaleSlaMarksInTrx), so the at-risk list and the alerts never keep a breach that is
 * no longer one, and the sweep marks the stage again against its new due time.
 */
import type { Transaction } from "kysely";
import { acceptedDueTimes, dueTimesFor, slaTargetFor, slaTargetKeyOf, type SlaTargetMinutes } from "../core/delays";
import { isWorkingHours } from "../core/dispatch";
import { isDispatchedType, type Priority, type TicketType } from "../core/ticket";
import { slaTargetRulesWithTier } from "../db/repos/sla-rules";
import type { Database } from "../db/schema";
import type { SlaMark } from "../core/sla";
import { withdrawStaleSlaMarksInTrx } from "./sla";
import { workingCalendars } from "./working-calendar";

type Trx = Transaction<Database>;

export interface AgencyDueTimes {
  visitDueAt: Date;
  resolveDueAt: Date;
  /** the SLA sweep's marks that no longer held under the new due times, withdrawn (services/sla.ts) */
  withdrawnMarks: SlaMark[];
}

/** The ticket columns a recompute reads: select them with the ticket's lock (DUE_TIMES_TICKET_COLUMNS) and pass the row in. */
export interface DueTimesTicket {
  id: number;
  type: TicketType;
  priority: Priority;
  problem_category_id: number | null;
  province: string | null;
  city: string | null;
  created_at: Date;
  sla_accept_minutes: number | null;
  sla_visit_minutes: number | null;
  sla_resolve_minutes: number | null;
  sla_visit_due_at: Date | null;
  sla_resolve_due_at: Date | null;
}

export const DUE_TIMES_TICKET_COLUMNS = [
  "id",
  "type",
  "priority",
  "problem_category_id",
  "province",
  "city",
  "created_at",
  "sla_accept_minutes",
  "sla_visit_minutes",
  "sla_resolve_minutes",
  "sla_visit_due_at",
  "sla_resolve_due_at",
] as const satisfies readonly (keyof DueTimesTicket)[];

/**
 * The SLA target a ticket keeps: its snapshot, or (a ticket registered before the snapshot) the rule in force
 * now, stored on it so every later recompute counts the same minutes.
 */
export async function ticketSlaTargetInTrx(trx: Trx, ticket: DueTimesTicket): Promise<SlaTargetMinutes> {
  if (ticket.sla_accept_minutes !== null && ticket.sla_visit_minutes !== null && ticket.sla_resolve_minutes !== null) {
    return { acceptMinutes: ticket.sla_accept_minutes, visitMinutes: ticket.sla_visit_minutes, resolveMinutes: ticket.sla_resolve_minutes };
  }
  const rules = await slaTargetRulesWithTier(trx);
  const target = slaTargetFor(rules, slaTargetKeyOf({ priority: ticket.priority, categoryId: ticket.problem_category_id, province: ticket.province, city: ticket.city }));
  await trx
    .updateTable("tickets")
    .set({ sla_accept_minutes: target.acceptMinutes, sla_visit_minutes: target.visitMinutes, sla_resolve_minutes: target.resolveMinutes })
    .where("id", "=", ticket.id)
    .execute();
  return target;
}

/**
 * Recomputes and stores the visit and resolve due times of a dispatched ticket (the caller's locked row)
 * accepted at `acceptedAt` by an agency with `agencyHours` (agencies.working_hours); returns them (null: not a
 * dispatched request — nothing written).
 */
export async function setAgencyDueTimesInTrx(
  trx: Trx,
  input: { ticket: DueTimesTicket; agencyHours: unknown; acceptedAt: Date; now?: Date },
): Promise<AgencyDueTimes | null> {
  const { ticket } = input;
  const [target, clock] = await Promise.all([ticketSlaTargetInTrx(trx, ticket), workingCalendars(trx)]);
  const hours = isWorkingHours(input.agencyHours) ? input.agencyHours : {};
  const due = acceptedDueTimes(target, ticket.created_at, input.acceptedAt, ticket.type, clock.dueClock(null), clock.dueClock(hours));
  if (!due) return null;
  return storeDueTimesInTrx(trx, ticket, due, input.now ?? input.acceptedAt);
}

/**
 * A dispatched job taken back from its agency (a supervisor's reassignment, a move back to `dispatching`) is
 * nobody's until the next agency accepts: its visit and resolve due times go back to intake's — the target it
 * kept, counted from the registration on the call centre's clock (core/delays.ts dueTimesFor) — and the next
 * acceptance moves them onto that agency's clock again (setAgencyDueTimesInTrx: the stretch before it, whoever
 * held the job, counts on the call centre's clock). Returns them (null: not a dispatched request).
 */
export async function restoreIntakeDueTimesInTrx(trx: Trx, input: { ticket: DueTimesTicket; now: Date }): Promise<AgencyDueTimes | null> {
  const { ticket } = input;
  if (!isDispatchedType(ticket.type)) return null;
  const [target, clock] = await Promise.all([ticketSlaTargetInTrx(trx, ticket), workingCalendars(trx)]);
  const due = dueTimesFor(target, ticket.created_at, ticket.type, clock.dueClock(null));
  return storeDueTimesInTrx(trx, ticket, { visitDueAt: due.visitDueAt!, resolveDueAt: due.resolveDueAt }, input.now);
}

/**
 * Writes a ticket's new visit and resolve due times and withdraws the sweep's marks they make untrue (a breach
 * no longer past its due time, an at-risk stage whose due time moved later: core/sla.ts staleSlaMarks).
 */
async function storeDueTimesInTrx(trx: Trx, ticket: DueTimesTicket, due: { visitDueAt: Date; resolveDueAt: Date }, now: Date): Promise<AgencyDueTimes> {
  await trx.updateTable("tickets").set({ sla_visit_due_at: due.visitDueAt, sla_resolve_due_at: due.resolveDueAt }).where("id", "=", ticket.id).execute();
  const withdrawnMarks = await withdrawStaleSlaMarksInTrx(trx, {
    ticketId: ticket.id,
    before: { visit: ticket.sla_visit_due_at, resolve: ticket.sla_resolve_due_at },
    after: { visit: due.visitDueAt, resolve: due.resolveDueAt },
    now,
  });
  return { ...due, withdrawnMarks };
}
