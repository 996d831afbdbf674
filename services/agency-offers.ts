/**
 * An agency's answer to an offer, from its portal: accept (the job becomes the agency's) or reject with a
 * reason (the ticket moves on: by default to the next candidate, services/dispatch.ts offerNextCandidate,
 * or held for a supervisor when nobody is left; tests may pass another handler). Each is one
 * transaction: the ticket and then the offer are locked (the order every writer of a ticket's offers uses,
 * as expireOffer does), the rules are checked, and the offer, the ticket, the history and the audit row are
 * written together. The offer's change NOTIFYs the agency's open portal pages (a trigger, at commit).
 *
 * Who may answer: a signed-in, active user of the offer's own agency. Anyone else gets OfferNotFoundError,
 * the same answer as for an offer that does not exist, so ids reveal nothing.
 */
import { sql, type Transaction } from "kysely";
import { MAX_OFFER_REJECT_REASON_LENGTH } from "../core/agency-offers";
import { isAgencyRole } from "../core/roles";
import { assertTransition, offerGrantsAccess, type OfferStatus, type TicketStatus, type TicketType } from "../core/ticket";
import type { DB } from "../db/connection";
import { writeAudit } from "../db/repos/audit";
import { appendTicketEvent } from "../db/repos/ticket-events";
import type { Database } from "../db/schema";
import type { Actor } from "./actor";
import { DUE_TIMES_TICKET_COLUMNS, setAgencyDueTimesInTrx, type DueTimesTicket } from "./agency-due-times";
import { offerNextCandidate } from "./dispatch";
import type { OfferLapsedHandler } from "./offers";

export { MAX_OFFER_REJECT_REASON_LENGTH };

export type OfferAnswerErrorCode =
  /** no such offer, or not this agency's */
  | "not_found"
  /** already accepted, rejected, expired or withdrawn */
  | "not_pending"
  /** still pending, but its deadline has passed (the deadline job has not run yet) */
  | "expired"
  /** the ticket is no longer waiting for this offer (cancelled, or moved by hand) */
  | "ticket_moved"
  /** a rejection without a reason, or one too long */
  | "reason_required"
  | "reason_too_long";

/** Why an answer was refused: the route turns the code into a message in the user's language. */
export class OfferAnswerError extends Error {
  constructor(readonly code: OfferAnswerErrorCode) {
    super(`offer answer refused: ${code}`);
    this.name = "OfferAnswerError";
  }
}

export interface OfferAnswerResult {
  offerId: number;
  ticketId: number;
  ticketNumber: number;
  agencyId: number;
  at: Date;
}

interface LockedOffer {
  trx: Transaction<Database>;
  agencyId: number;
  /** how the history names the actor: their agency (the history shows agencies, not their users) */
  label: string;
  offer: { id: number; agency_id: number; status: OfferStatus; deadline_at: Date };
  ticket: DueTimesTicket & { number: number; status: TicketStatus; type: TicketType };
  /** the agency's weekly hours (agencies.working_hours): the clock its stages run on once it accepts */
  agencyHours: unknown;
  now: Date;
}

/** The agency of an active agency user, or null (not an agency user, deactivated, unknown). */
async function agencyOfActor(trx: Transaction<Database>, actor: Actor): Promise<{ id: number; name: string; workingHours: unknown } | null> {
  if (actor.kind !== "agency" && actor.kind !== "user") return null;
  const user = await trx
    .selectFrom("users")
    .innerJoin("agencies", "agencies.id", "users.agency_id")
    .select(["users.role", "users.active", "agencies.id as agency_id", "agencies.name as agency_name", "agencies.working_hours"])
    .where("users.id", "=", actor.userId)
    .executeTakeFirst();
  if (!user || !user.active || !isAgencyRole(user.role)) return null;
  return { id: user.agency_id, name: user.agency_name, workingHours: user.working_hours };
}

/** Locks the ticket, then the offer, and checks that the actor's agency may answer it now. */
async function lockAnswerable(db: DB, actor: Actor, offerId: number, now: Date | undefined, body: (l: LockedOffer) => Promise<OfferAnswerResult>) {
  return db.transaction().execute(async (trx) => {
    const agency = await agencyOfActor(trx, actor);
    if (!agency) throw new OfferAnswerError("not_found");
    const agencyId = agency.id;
    const ref = await trx.selectFrom("dispatch_offers").select(["ticket_id", "agency_id"]).where("id", "=", offerId).executeTakeFirst();
    if (!ref || ref.agency_id !== agencyId) throw new OfferAnswerError("not_found");
    const ticket = await trx
      .selectFrom("tickets")
      .select([...DUE_TIMES_TICKET_COLUMNS, "number", "status"])
      .where("id", "=", ref.ticket_id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const offer = await trx
      .selectFrom("dispatch_offers")
      .select(["id", "agency_id", "status", "deadline_at"])
      .where("id", "=", offerId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (offer.status !== "pending") throw new OfferAnswerError("not_pending");
    const at = now ?? (await sql<{ now: Date }>`select now() as now`.execute(trx)).rows[0]!.now;
    if (!offerGrantsAccess(offer.status, offer.deadline_at, at)) throw new OfferAnswerError("expired");
    return body({ trx, agencyId, label: actor.label ?? agency.name, offer, ticket, agencyHours: agency.workingHours, now: at });
  });
}

/**
 * The agency takes the job: the offer becomes 'accepted' (answered now, by the actor), the ticket moves
 * from `dispatching` to `assigned` with `assigned_agency_id` set, its visit and resolve due times move onto the
 * agency's working-day clock (services/agency-due-times.ts; the history's `offer_accepted` carries them), the
 * history gets `offer_accepted` and the status change, and the audit row. The technician and the visit window are set afterwards, on the job page.
 */
export async function acceptOffer(db: DB, actor: Actor & { userId: number }, input: { offerId: number }, opts: { now?: Date } = {}): Promise<OfferAnswerResult> {
  return lockAnswerable(db, actor, input.offerId, opts.now, async ({ trx, agencyId, label, offer, ticket, agencyHours, now }) => {
    if (ticket.status !== "dispatching") throw new OfferAnswerError("ticket_moved");
    assertTransition(ticket.status, "assigned", ticket.type);
    await trx
      .updateTable("dispatch_offers")
      .set({ status: "accepted", responded_at: now, responded_by: actor.userId })
      .where("id", "=", offer.id)
      .execute();
    await trx
      .updateTable("tickets")
      .set({ status: "assigned", assigned_agency_id: agencyId, updated_at: now })
      .where("id", "=", ticket.id)
      .execute();
    // the visit and repair are the agency's now: their due times move onto its working-day clock (issue 15 §2)
    const due = await setAgencyDueTimesInTrx(trx, { ticket, agencyHours, acceptedAt: now });
    const dueData = due
      ? {
          sla_visit_due_at: due.visitDueAt.toISOString(),
          sla_resolve_due_at: due.resolveDueAt.toISOString(),
          ...(due.withdrawnMarks.length ? { sla_withdrawn: due.withdrawnMarks } : {}),
        }
      : {};
    const eventActor = { kind: "agency" as const, userId: actor.userId, label };
    await appendTicketEvent(trx, {
      ticketId: ticket.id,
      at: now,
      actor: eventActor,
      type: "offer_accepted",
      data: { offer_id: offer.id, agency_id: agencyId, ...dueData },
    });
    await appendTicketEvent(trx, {
      ticketId: ticket.id,
      at: now,
      actor: eventActor,
      type: "status_changed",
      from: ticket.status,
      to: "assigned",
      data: { cause: "offer_accepted", offer_id: offer.id, agency_id: agencyId },
    });
    await writeAudit(trx, {
      actorUserId: actor.userId,
      action: "offer.accept",
      entityType: "ticket",
      entityId: ticket.id,
      ip: actor.ip ?? null,
      details: { offerId: offer.id, agencyId },
    });
    return { offerId: offer.id, ticketId: ticket.id, ticketNumber: ticket.number, agencyId, at: now };
  });
}

/** The reason as it is stored: trimmed, required, at most MAX_OFFER_REJECT_REASON_LENGTH characters. */
export function cleanRejectReason(reason: string | undefined | null): string {
  const text = (reason ?? "").trim();
  if (!text) throw new OfferAnswerError("reason_required");
  if (text.length > MAX_OFFER_REJECT_REASON_LENGTH) throw new OfferAnswerError("reason_too_long");
  return text;
}

/**
 * The agency declines: the offer becomes 'rejected' with its reason, the history gets `offer_rejected`
 * with the reason, the audit row, and then `onDeclined` runs in the same transaction with the shape
 * expireOffer gives its handler (default: back to the dispatch queue; the dispatch engine passes
 * "offer the next candidate"). A ticket no longer `dispatching` (cancelled meanwhile) still records the
 * answer; the handler decides what, if anything, to move.
 */
export async function rejectOffer(
  db: DB,
  actor: Actor & { userId: number },
  input: { offerId: number; reason: string },
  opts: { onDeclined?: OfferLapsedHandler; now?: Date } = {},
): Promise<OfferAnswerResult> {
  const reason = cleanRejectReason(input.reason);
  const onDeclined = opts.onDeclined ?? offerNextCandidate;
  return lockAnswerable(db, actor, input.offerId, opts.now, async ({ trx, agencyId, label, offer, ticket, now }) => {
    await trx
      .updateTable("dispatch_offers")
      .set({ status: "rejected", responded_at: now, responded_by: actor.userId, response_reason: reason })
      .where("id", "=", offer.id)
      .execute();
    await appendTicketEvent(trx, {
      ticketId: ticket.id,
      at: now,
      actor: { kind: "agency", userId: actor.userId, label },
      type: "offer_rejected",
      data: { offer_id: offer.id, agency_id: agencyId, reason },
    });
    await writeAudit(trx, {
      actorUserId: actor.userId,
      action: "offer.reject",
      entityType: "ticket",
      entityId: ticket.id,
      ip: actor.ip ?? null,
      details: { offerId: offer.id, agencyId, reason },
    });
    await onDeclined(trx, { ticketId: ticket.id, ticketStatus: ticket.status, ticketType: ticket.type, offerId: offer.id, agencyId, now });
    return { offerId: offer.id, ticketId: ticket.id, ticketNumber: ticket.number, agencyId, at: now };
  });
}
