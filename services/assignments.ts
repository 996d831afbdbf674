/**
 * The agency gives its accepted job a technician and a visit window (issue 13, sections 2 and 4).
 *
 * Where the assignment lives: the technician on `tickets.technician_id` (what scopes, lists, the job link's
 * validity and the history read), the visit window on the agency's accepted offer
 * (`dispatch_offers.visit_from/visit_to`, the engagement it belongs to; `tickets` has no window columns),
 * and the offer's `technician_id` mirrors the ticket's, written in the same transaction. So the truth is:
 * technician → tickets, window → the accepted offer; the two never disagree because only this function
 * writes them after acceptance.
 */
import { checkVisitWindow, visitWindowText, type VisitWindowProblem } from "../core/job-link";
import { isAcceptedJob } from "../core/ticket";
import type { DB } from "../db/connection";
import { writeAudit } from "../db/repos/audit";
import { appendTicketEvent } from "../db/repos/ticket-events";
import { processLinks, trackingUrl, type PublicLinks } from "../platform/links";
import type { Actor } from "./actor";
import { enqueueTemplatedSms } from "./sms-templates";
import { issueJobLink, jobUrl } from "./technician-links";
import { changeTicketStatusInTrx, IllegalTransitionError, TicketNotFoundError } from "./tickets";

export { IllegalTransitionError, TicketNotFoundError };

export interface AssignInput {
  ticketId: number;
  technicianId: number;
  visitFrom: Date;
  visitTo: Date;
}

export class AssignmentError extends Error {
  constructor(readonly problem: "notYourJob" | "technicianNotFound" | "technicianInactive" | "noAcceptedOffer" | VisitWindowProblem) {
    super(`assignment refused: ${problem}`);
  }
}

/**
 * Assigns a technician and a visit window to the agency's job, in one transaction: the ticket locked and
 * checked (its agency's, `assigned` or `scheduled`), the technician the agency's own and active, the window
 * sane (core/job-link.ts checkVisitWindow); `assigned` → `scheduled`; the ticket's technician and the
 * accepted offer's technician and window; the history row `technician_assigned`; the audit row; a new job
 * link for the technician (the ticket's earlier links revoked); the technician's SMS (`technician_job`,
 * with the link) and the customer's (`agency_accepted`: agency, its phone, the window in the Jalali
 * calendar, the tracking link).
 */
export async function assignTechnician(
  db: DB,
  actor: Extract<Actor, { userId: number }>,
  input: AssignInput & { agencyId: number },
  options: { links?: PublicLinks; now?: Date } = {},
) {
  const now = options.now ?? new Date();
  const windowProblem = checkVisitWindow(input.visitFrom, input.visitTo, now);
  if (windowProblem) throw new AssignmentError(windowProblem);
  const links = options.links ?? processLinks();
  return db.transaction().execute(async (trx) => {
    const ticket = await trx
      .selectFrom("tickets")
      .select(["id", "number", "status", "type", "customer_id", "assigned_agency_id", "technician_id", "city"])
      .where("id", "=", input.ticketId)
      .forUpdate()
      .executeTakeFirst();
    if (!ticket) throw new TicketNotFoundError(input.ticketId);
    if (ticket.assigned_agency_id !== input.agencyId) throw new AssignmentError("notYourJob");
    // a job gets (or changes) its technician and window while accepted and not started (core/ticket.ts)
    if (!isAcceptedJob(ticket.status)) throw new IllegalTransitionError(ticket.status, "scheduled");
    const technician = await trx
      .selectFrom("technicians")
      .select(["id", "full_name", "mobile", "active"])
      .where("id", "=", input.technicianId)
      .where("agency_id", "=", input.agencyId)
      .executeTakeFirst();
    if (!technician) throw new AssignmentError("technicianNotFound");
    if (!technician.active) throw new AssignmentError("technicianInactive");
    const offer = await trx
      .selectFrom("dispatch_offers")
      .select(["id", "technician_id", "visit_from", "visit_to"])
      .where("ticket_id", "=", ticket.id)
      .where("agency_id", "=", input.agencyId)
      .where("status", "=", "accepted")
      .orderBy("responded_at", (ob) => ob.desc().nullsLast())
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirst();
    if (!offer) throw new AssignmentError("noAcceptedOffer");

    if (ticket.status === "assigned") {
      await changeTicketStatusInTrx(trx, actor, { ticketId: ticket.id, to: "scheduled", data: { technician_id: technician.id } }, { links });
    }
    await trx.updateTable("tickets").set({ technician_id: technician.id, updated_at: now }).where("id", "=", ticket.id).execute();
    await trx
      .updateTable("dispatch_offers")
      .set({ technician_id: technician.id, visit_from: input.visitFrom, visit_to: input.visitTo })
      .where("id", "=", offer.id)
      .execute();
    const previous = { technician_id: ticket.technician_id, visit_from: offer.visit_from, visit_to: offer.visit_to };
    const eventId = await appendTicketEvent(trx, {
      ticketId: ticket.id,
      at: now,
      actor,
      type: "technician_assigned",
      data: {
        technician_id: technician.id,
        technician_name: technician.full_name,
        visit_from: input.visitFrom.toISOString(),
        visit_to: input.visitTo.toISOString(),
        ...(ticket.technician_id !== null ? { previous_technician_id: ticket.technician_id } : {}),
      },
    });
    await writeAudit(trx, {
      actorUserId: actor.userId,
      action: "ticket.assign_technician",
      entityType: "ticket",
      entityId: ticket.id,
      ip: actor.ip ?? undefined,
      details: {
        technicianId: technician.id,
        visitFrom: input.visitFrom.toISOString(),
        visitTo: input.visitTo.toISOString(),
        previous: { ...previous, visit_from: previous.visit_from?.toISOString() ?? null, visit_to: previous.visit_to?.toISOString() ?? null },
      },
    });

    const { token, linkId } = await issueJobLink(trx, { ticketId: ticket.id, technicianId: technician.id, agencyId: input.agencyId, now });
    const agency = await trx
      .selectFrom("agencies")
      .select(["name", "phones", "mobile"])
      .where("id", "=", input.agencyId)
      .executeTakeFirstOrThrow();
    const customer = await trx.selectFrom("customers").select(["full_name", "mobile"]).where("id", "=", ticket.customer_id).executeTakeFirstOrThrow();
    const window = visitWindowText(input.visitFrom, input.visitTo);
    const technicianSms = await enqueueTemplatedSms(
      trx,
      "technician_job",
      { technician_name: technician.full_name, ticket_number: ticket.number, visit_window: window, city: ticket.city ?? "", job_link: jobUrl(links, token) },
      { receptor: technician.mobile, ticketId: ticket.id, agencyId: input.agencyId, technicianId: technician.id, now },
    );
    const customerSms = await enqueueTemplatedSms(
      trx,
      "agency_accepted",
      {
        ticket_number: ticket.number,
        agency_name: agency.name,
        agency_phone: agency.phones[0] ?? agency.mobile ?? "",
        visit_window: window,
        tracking_link: trackingUrl(links, ticket.number),
        customer_name: customer.full_name,
      },
      { receptor: customer.mobile, ticketId: ticket.id, agencyId: input.agencyId, now },
    );
    return { ticketId: ticket.id, eventId, linkId, token, technicianSmsId: technicianSms.smsId, customerSmsId: customerSms.smsId };
  });
}
