import type { TicketStatus } from "../../core/ticket";
import type { DB } from "../connection";

/** The statuses in which the customer's job is done (the technician finished it; closed after the follow-up). */
const DONE: readonly TicketStatus[] = ["completed", "closed"];

/**
 * What the public tracking page (/t/<token>) shows of a ticket: its number, type, status and the dates of
 * its steps; once an agency has accepted the job, that agency's name and phone (whom the customer is waiting
 * for, and can call); once a visit window is set, the window; and whether the job is done. Nothing personal
 * (no customer name, mobile or address, no technician, no notes), and only this ticket. Its "scope" is the
 * token: the caller has proved, with the signed link from the SMS, that they were sent this ticket's number
 * (platform/links.ts). By the indexed number; the agency and its accepted offer by their keys.
 */
export async function trackingView(db: DB, ticketNumber: number) {
  const ticket = await db
    .selectFrom("tickets")
    .leftJoin("agencies", "agencies.id", "tickets.assigned_agency_id")
    .select([
      "tickets.id",
      "tickets.number",
      "tickets.type",
      "tickets.status",
      "tickets.created_at",
      "tickets.updated_at",
      "tickets.assigned_agency_id",
      "agencies.name as agency_name",
      "agencies.phones as agency_phones",
    ])
    .where("tickets.number", "=", ticketNumber)
    .executeTakeFirst();
  if (!ticket) return null;
  const [steps, visit] = await Promise.all([
    db
      .selectFrom("ticket_events")
      .select(["at", "to_status"])
      .where("ticket_id", "=", ticket.id)
      .where("event_type", "=", "status_changed")
      .where("to_status", "is not", null)
      .orderBy("at")
      .orderBy("id")
      .limit(50)
      .execute(),
    // the window the accepting agency set, on its accepted offer (the latest, should it have accepted twice)
    ticket.assigned_agency_id === null
      ? Promise.resolve(undefined)
      : db
          .selectFrom("dispatch_offers")
          .select(["visit_from", "visit_to"])
          .where("ticket_id", "=", ticket.id)
          .where("agency_id", "=", ticket.assigned_agency_id)
          .where("status", "=", "accepted")
          .where("visit_from", "is not", null)
          .orderBy("responded_at", "desc")
          .orderBy("id", "desc")
          .limit(1)
          .executeTakeFirst(),
  ]);
  const done = DONE.includes(ticket.status);
  return {
    number: ticket.number,
    type: ticket.type,
    status: ticket.status,
    createdAt: ticket.created_at,
    updatedAt: ticket.updated_at,
    steps: steps.map((s) => ({ at: s.at, status: s.to_status as TicketStatus })),
    agency: ticket.agency_name !== null ? { name: ticket.agency_name, phone: ticket.agency_phones?.[0] ?? null } : null,
    visit: visit?.visit_from ? { from: visit.visit_from, to: visit.visit_to } : null,
    done,
    // when it was done: the last step into a done status
    doneAt: done ? [...steps].reverse().find((s) => DONE.includes(s.to_status as TicketStatus))?.at ?? ticket.updated_at : null,
  };
}
