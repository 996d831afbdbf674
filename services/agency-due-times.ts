/**
 * The SLA due times of the stages an agency answers for (core/delays.ts AGENCY_SLA_STAGES: visit and resolve),
 * moved onto that agency's working-day clock when it accepts a dispatched request (issue 15 §2). Called inside
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
 */
import type { Transaction } from "kysely";
import { acceptedDueTimes, slaTargetFor, type SlaTargetMinutes } from "../core/delays";
import { isWorkingHours } from "../core/dispatch";
import { regionTierOf } from "../core/region-tier";
import type { Priority, TicketType } from "../core/ticket";
import { slaTargetRulesWithTier } from "../db/repos/sla-rules";
import type { Database } from "../db/schema";
import { workingCalendars } from "./working-calendar";

type Trx = Transaction<Database>;

export interface AgencyDueTimes {
  visitDueAt: Date;
  resolveDueAt: Date;
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
  const key = { priority: ticket.priority, categoryId: ticket.problem_category_id, province: ticket.province, regionTier: regionTierOf(ticket.province, ticket.city) };
  const target = slaTargetFor(rules, key);
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
  input: { ticket: DueTimesTicket; agencyHours: unknown; acceptedAt: Date },
): Promise<AgencyDueTimes | null> {
  const { ticket } = input;
  const [target, clock] = await Promise.all([ticketSlaTargetInTrx(trx, ticket), workingCalendars(trx)]);
  const hours = isWorkingHours(input.agencyHours) ? input.agencyHours : {};
  const due = acceptedDueTimes(target, ticket.created_at, input.acceptedAt, ticket.type, clock.dueClock(null), clock.dueClock(hours));
  if (!due) return null;
  await trx.updateTable("tickets").set({ sla_visit_due_at: due.visitDueAt, sla_resolve_due_at: due.resolveDueAt }).where("id", "=", ticket.id).execute();
  return due;
}
