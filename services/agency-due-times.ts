/**
 * The SLA due times of the stages an agency answers for (core/delays.ts AGENCY_SLA_STAGES: visit and resolve),
 * moved onto that agency's working-day clock when it accepts a dispatched request (issue 15 §2). Called inside
 * the acceptance's transaction (services/agency-offers.ts acceptOffer), with the ticket locked: the rule is
 * core/delays.ts acceptedDueTimes — the target's working minutes up to the acceptance on the call centre's
 * clock, the rest on the agency's weekly hours with the official holidays.
 *
 * They are stored where intake put them (tickets.sla_visit_due_at, sla_resolve_due_at): the SLA sweep
 * (services/sla.ts) and the delay reports (ticket_milestones, kept by its trigger on tickets) read them there.
 */
import type { Transaction } from "kysely";
import { acceptedDueTimes } from "../core/delays";
import { regionTierOf } from "../core/region-tier";
import { agencyForOffer } from "../db/repos/dispatch";
import { slaTargetRulesWithTier } from "../db/repos/sla-rules";
import type { Database } from "../db/schema";
import { workingCalendars } from "./working-calendar";

export interface AgencyDueTimes {
  visitDueAt: Date;
  resolveDueAt: Date;
}

/**
 * Recomputes and stores the visit and resolve due times of a dispatched ticket accepted by `agencyId` at
 * `acceptedAt`; returns them (null: not a dispatched request, or no such ticket or agency — nothing written).
 */
export async function setAgencyDueTimesInTrx(
  trx: Transaction<Database>,
  input: { ticketId: number; agencyId: number; acceptedAt: Date },
): Promise<AgencyDueTimes | null> {
  const ticket = await trx
    .selectFrom("tickets")
    .select(["type", "priority", "problem_category_id", "province", "city", "created_at"])
    .where("id", "=", input.ticketId)
    .executeTakeFirst();
  const agency = await agencyForOffer(trx, input.agencyId);
  if (!ticket || !agency) return null;
  const [rules, clock] = await Promise.all([slaTargetRulesWithTier(trx), workingCalendars(trx)]);
  const key = { priority: ticket.priority, categoryId: ticket.problem_category_id, province: ticket.province, regionTier: regionTierOf(ticket.province, ticket.city) };
  const due = acceptedDueTimes(rules, ticket.created_at, input.acceptedAt, key, ticket.type, clock.dueClock(null), clock.dueClock(agency.workingHours));
  if (!due) return null;
  await trx.updateTable("tickets").set({ sla_visit_due_at: due.visitDueAt, sla_resolve_due_at: due.resolveDueAt }).where("id", "=", input.ticketId).execute();
  return due;
}
