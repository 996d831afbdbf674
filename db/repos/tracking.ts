import type { TicketStatus } from "../../core/ticket";
import type { DB } from "../connection";

/**
 * What the public tracking page (/t/<token>) shows of a ticket: its number, type, status and the dates of
 * its steps — nothing the customer does not already know, and no personal data (no name, mobile, address,
 * agency or technician, no notes). Its "scope" is the token: the caller has proved, with the signed link
 * from the SMS, that they were sent this ticket's number (platform/links.ts). By the indexed number.
 */
export async function trackingView(db: DB, ticketNumber: number) {
  const ticket = await db
    .selectFrom("tickets")
    .select(["id", "number", "type", "status", "created_at", "updated_at", "closed_at"])
    .where("number", "=", ticketNumber)
    .executeTakeFirst();
  if (!ticket) return null;
  const steps = await db
    .selectFrom("ticket_events")
    .select(["at", "to_status"])
    .where("ticket_id", "=", ticket.id)
    .where("event_type", "=", "status_changed")
    .where("to_status", "is not", null)
    .orderBy("at")
    .orderBy("id")
    .limit(50)
    .execute();
  return {
    number: ticket.number,
    type: ticket.type,
    status: ticket.status,
    createdAt: ticket.created_at,
    updatedAt: ticket.updated_at,
    steps: steps.map((s) => ({ at: s.at, status: s.to_status as TicketStatus })),
  };
}
