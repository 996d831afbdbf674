import { assertTransition, IllegalTransitionError, isTakeBack, type TicketHoldReason, type TicketStatus } from "../core/ticket";
import type { Transaction } from "kysely";
import type { DB } from "../db/connection";
import type { Database } from "../db/schema";
import { writeAudit } from "../db/repos/audit";
import { appendTicketEvent } from "../db/repos/ticket-events";
import { getsFollowUpSurvey, type SurveyConfig } from "../core/satisfaction";
import type { Actor } from "./actor";
import { scheduleFollowUpInTrx } from "./satisfaction";
import { processLinks, trackingUrl, type PublicLinks } from "../platform/links";
import { enqueueTemplatedSms } from "./sms-templates";
import { DUE_TIMES_TICKET_COLUMNS } from "./agency-due-times";
import { queueTicketDispatch } from "./dispatch-queue";
import { releasePartRequestsInTrx, takeBackFromAgencyInTrx } from "./take-back";

export { IllegalTransitionError };

/** A note's text, a cancellation's reason: what a person writes, within limits the forms also enforce. */
export const MAX_NOTE_LENGTH = 2000;
export const MAX_REASON_LENGTH = 500;

/** The input broke a rule the form should have caught (empty or too long text). */
export class TicketInputError extends Error {
  constructor(
    readonly field: "text" | "reason",
    readonly problem: "required" | "tooLong",
  ) {
    super(`${field}: ${problem}`);
  }
}

function cleanText(value: string | undefined, field: "text" | "reason", max: number): string {
  const text = (value ?? "").trim();
  if (!text) throw new TicketInputError(field, "required");
  if (text.length > max) throw new TicketInputError(field, "tooLong");
  return text;
}

export class TicketNotFoundError extends Error {
  constructor(readonly ticketId: number) {
    super(`ticket ${ticketId} not found`);
  }
}

export interface ChangeStatusInput {
  ticketId: number;
  to: TicketStatus;
  /** why, in the actor's words (required by some callers, e.g. cancelling) */
  reason?: string;
  /** extra facts for the history row (visit window, part awaited…) */
  data?: Record<string, unknown>;
  /** the follow-up rules: an on-site job (breakdown, installation: core/satisfaction.ts getsFollowUpSurvey) moved to `completed` gets its satisfaction follow-up scheduled (services/satisfaction.ts) */
  followUp?: SurveyConfig;
  /** a move to `on_hold`: why (core/ticket.ts TICKET_HOLD_REASONS; 'other' when not given) and the day it should end */
  hold?: { reason: TicketHoldReason; expectedDate?: string | null };
}

/**
 * Moves a ticket to another status, in one transaction: the ticket row is locked, the move is checked
 * against the life cycle in core/ticket.ts, and the history row and the audit row are written with it; a
 * move to `completed` also queues the customer's completion SMS (core/sms-templates.ts `ticket_completed`); an
 * accepted job moved back to `dispatching` leaves its agency, gets intake's due times back and is queued for the
 * dispatch engine (services/take-back.ts; the history row carries the due times and the agency it left); a
 * cancelled job's open part requests are cancelled with it (the history row lists them).
 * Two concurrent changes of one ticket serialise on the row lock; the second sees the first's status.
 */
export async function changeTicketStatus(db: DB, actor: Actor, input: ChangeStatusInput, options: { links?: PublicLinks } = {}) {
  return db.transaction().execute((trx) => changeTicketStatusInTrx(trx, actor, input, options));
}

/**
 * changeTicketStatus inside the caller's transaction, for a business action that changes the status as one
 * of its steps (the completion report, a technician's press on the job link): all of it commits or none.
 */
export async function changeTicketStatusInTrx(
  trx: Transaction<Database>,
  actor: Actor,
  input: ChangeStatusInput,
  options: { links?: PublicLinks } = {},
) {
  {
    const ticket = await trx
      .selectFrom("tickets")
      .select([...DUE_TIMES_TICKET_COLUMNS, "number", "status", "customer_id", "assigned_agency_id", "technician_id"])
      .where("id", "=", input.ticketId)
      .forUpdate()
      .executeTakeFirst();
    if (!ticket) throw new TicketNotFoundError(input.ticketId);
    assertTransition(ticket.status, input.to, ticket.type);
    const now = new Date();
    const terminal = input.to === "closed" || input.to === "cancelled";
    // the hold's reason lives with the status: set on the way in, cleared on the way out
    const hold =
      input.to === "on_hold"
        ? { hold_reason: input.hold?.reason ?? ("other" as const), hold_expected_date: input.hold?.expectedDate ?? null }
        : { hold_reason: null, hold_expected_date: null };
    await trx
      .updateTable("tickets")
      .set({ status: input.to, updated_at: now, ...hold, ...(terminal ? { closed_at: now } : {}) })
      .where("id", "=", ticket.id)
      .execute();
    // an accepted job moved back to dispatch leaves its agency (services/take-back.ts: nobody's, intake's due
    // times back) and goes to the engine again, which offers it to the best agency (the one that had it counts
    // as already offered)
    const takeBack = isTakeBack(ticket.status, input.to) && ticket.assigned_agency_id !== null;
    const takenBack = takeBack ? await takeBackFromAgencyInTrx(trx, { ticket, reason: input.reason ?? "", now, actor }) : null;
    if (takeBack) await queueTicketDispatch(trx, ticket.id);
    // a cancelled job's open part requests are cancelled with it (services/take-back.ts: not handed over)
    const released = input.to === "cancelled" ? await releasePartRequestsInTrx(trx, actor, { ticketId: ticket.id, reason: input.reason ?? "", cause: "ticket_cancelled", now }) : null;
    const data = {
      ...(input.data ?? {}),
      ...(takenBack ? { ...takenBack.eventData, from_agency_id: ticket.assigned_agency_id } : {}),
      ...(released?.eventData ?? {}),
      ...(input.reason ? { reason: input.reason } : {}),
      ...(input.to === "on_hold" ? { hold_reason: hold.hold_reason, ...(hold.hold_expected_date ? { expected_date: hold.hold_expected_date } : {}) } : {}),
    };
    const eventId = await appendTicketEvent(trx, { ticketId: ticket.id, at: now, actor, type: "status_changed", from: ticket.status, to: input.to, data });
    if (input.to === "completed" && getsFollowUpSurvey(ticket.type) && input.followUp) {
      await scheduleFollowUpInTrx(trx, { ticketId: ticket.id, completedAt: now, config: input.followUp });
    }
    await writeAudit(trx, {
      actorUserId: actor.userId ?? null,
      action: "ticket.status_change",
      entityType: "ticket",
      entityId: ticket.id,
      ip: actor.ip ?? undefined,
      details: { from: ticket.status, to: input.to, ...(input.reason ? { reason: input.reason } : {}) },
    });
    // The customer hears that the work is done: the message and its send job in this transaction.
    if (input.to === "completed") {
      const customer = await trx.selectFrom("customers").select(["mobile", "full_name"]).where("id", "=", ticket.customer_id).executeTakeFirstOrThrow();
      const links = options.links ?? processLinks();
      await enqueueTemplatedSms(
        trx,
        "ticket_completed",
        { ticket_number: ticket.number, tracking_link: trackingUrl(links, ticket.number), customer_name: customer.full_name },
        { receptor: customer.mobile, ticketId: ticket.id, now },
      );
    }
    return { ticketId: ticket.id, from: ticket.status, to: input.to, eventId, at: now };
  }
}

export interface AddNoteInput {
  ticketId: number;
  text: string;
}

/**
 * Adds a remark to a ticket's history ('note' event, data { text }) with its audit row, in one transaction.
 * The ticket row is locked so a note never lands between a concurrent status change's check and its write.
 */
export async function addTicketNote(db: DB, actor: Actor, input: AddNoteInput) {
  const text = cleanText(input.text, "text", MAX_NOTE_LENGTH);
  return db.transaction().execute(async (trx) => {
    const ticket = await trx.selectFrom("tickets").select(["id"]).where("id", "=", input.ticketId).forUpdate().executeTakeFirst();
    if (!ticket) throw new TicketNotFoundError(input.ticketId);
    const now = new Date();
    const eventId = await appendTicketEvent(trx, { ticketId: ticket.id, at: now, actor, type: "note", data: { text } });
    await writeAudit(trx, {
      actorUserId: actor.userId ?? null,
      action: "ticket.note",
      entityType: "ticket",
      entityId: ticket.id,
      ip: actor.ip ?? undefined,
      details: { eventId, length: text.length },
    });
    return { ticketId: ticket.id, eventId, at: now };
  });
}

export interface CancelInput {
  ticketId: number;
  /** required: why the request is cancelled, in the actor's words */
  reason: string;
}

/** Cancels a ticket with a reason: a status change to `cancelled` (where the life cycle allows it). */
export async function cancelTicket(db: DB, actor: Actor, input: CancelInput) {
  const reason = cleanText(input.reason, "reason", MAX_REASON_LENGTH);
  return changeTicketStatus(db, actor, { ticketId: input.ticketId, to: "cancelled", reason });
}
