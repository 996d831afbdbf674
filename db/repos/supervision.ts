import { AGENCY_LOAD_STATUSES } from "../../core/ticket";
import type { DB } from "../connection";
import type { DataScope } from "./scope";

/*
 * The supervisor's side of dispatch: the agencies' accepted open jobs, a ticket's offers in full (the queue
 * of held tickets is db/repos/dispatch.ts heldTickets). Call-centre data: for an agency scope every read here is empty and
 * the database is not asked.
 */

/**
 * The jobs each of these agencies accepted and has not finished (AGENCY_LOAD_STATUSES), oldest first: what
 * a suspended or terminated agency still holds, for a supervisor to decide on.
 */
export async function openJobsOfAgencies(db: DB, scope: DataScope, agencyIds: readonly number[]) {
  if (scope.kind !== "all" || agencyIds.length === 0) return [];
  return db
    .selectFrom("tickets")
    .select(["tickets.id", "tickets.number", "tickets.status", "tickets.assigned_agency_id", "tickets.created_at"])
    .where("tickets.assigned_agency_id", "in", [...agencyIds])
    .where("tickets.status", "in", AGENCY_LOAD_STATUSES)
    .orderBy("tickets.created_at")
    .orderBy("tickets.id")
    .limit(500)
    .execute();
}

/** A ticket's offers, every agency's, oldest first, with their ids (the call centre's view of them). */
export async function ticketOffersInFull(db: DB, scope: DataScope, ticketId: number) {
  if (scope.kind !== "all") return [];
  return db
    .selectFrom("dispatch_offers")
    .innerJoin("agencies", "agencies.id", "dispatch_offers.agency_id")
    .select([
      "dispatch_offers.id",
      "dispatch_offers.agency_id",
      "dispatch_offers.attempt",
      "dispatch_offers.status",
      "dispatch_offers.offered_at",
      "dispatch_offers.deadline_at",
      "dispatch_offers.responded_at",
      "dispatch_offers.response_reason",
      "agencies.name as agency_name",
      "agencies.code as agency_code",
    ])
    .where("dispatch_offers.ticket_id", "=", ticketId)
    .orderBy("dispatch_offers.offered_at")
    .orderBy("dispatch_offers.id")
    .execute();
}

/** Whether the ticket waits in the supervisor queue, since when and why. */
export async function ticketHold(db: DB, scope: DataScope, ticketId: number) {
  if (scope.kind !== "all") return null;
  const row = await db
    .selectFrom("tickets")
    .select(["dispatch_held_at", "dispatch_hold_reason"])
    .where("id", "=", ticketId)
    .where("dispatch_held_at", "is not", null)
    .executeTakeFirst();
  return row && row.dispatch_held_at && row.dispatch_hold_reason ? { at: row.dispatch_held_at, reason: row.dispatch_hold_reason } : null;
}
