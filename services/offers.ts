/**
 * An offer's deadline. The dispatch issue creates offers; for each it calls `scheduleOfferDeadline` in the
 * same transaction as the offer's insert, so the offer and its `offer__expire` job exist together (one job
 * per offer: job key `offer:<id>`, run at the deadline). The job (workers/tasks/offer__expire.ts) calls
 * `expireOffer`: a pending offer past its deadline becomes 'expired' and the ticket moves on
 * (`OfferLapsedHandler`: for now back to the dispatch queue, `new`; the dispatch issue passes its own
 * "offer the next candidate"). A crontab safety net (`queueOverdueOfferExpiries`) queues the job for pending
 * offers past their deadline that have none (demo seed, offers written before this existed, a job given up).
 *
 * Until the job has run, an offer past its deadline already grants its agency nothing (core/ticket.ts
 * offerGrantsAccess, db/repos/tickets.ts): the job only records what the clock already decided.
 */
import { sql, type Kysely, type Transaction } from "kysely";
import { assertTransition, type TicketStatus, type TicketType } from "../core/ticket";
import type { DB } from "../db/connection";
import { writeAudit } from "../db/repos/audit";
import { appendTicketEvent } from "../db/repos/ticket-events";
import type { Database } from "../db/schema";
import type { Actor } from "./actor";
import { addJob } from "../db/job-queue";

/** The graphile-worker task that expires one offer (workers/tasks/offer__expire.ts). */
export const OFFER_EXPIRE_TASK = "offer__expire";

/** The job key of an offer's deadline job: at most one job per offer. */
export function offerJobKey(offerId: number): string {
  return `offer:${offerId}`;
}

/** Who expires offers: the system (the label is the history's, the UI shows "system" in the reader's language). */
export const DEADLINE_ACTOR: Actor = { kind: "system", label: "مهلت ارجاع" };

/**
 * Adds (or moves) the offer's deadline job, inside the caller's transaction: `offer__expire` {offerId} at
 * `deadlineAt`, job key `offer:<id>` (calling it again with a new deadline moves the one job).
 * Requires graphile-worker's schema (installed with the migrations: db/migrate.ts).
 */
export async function scheduleOfferDeadline(
  trx: Transaction<Database> | Kysely<Database>,
  offer: { offerId: number; deadlineAt: Date },
): Promise<void> {
  await addJob(trx, OFFER_EXPIRE_TASK, { offerId: offer.offerId }, { runAt: offer.deadlineAt, jobKey: offerJobKey(offer.offerId), maxAttempts: 10 });
}

/**
 * The crontab's safety net: pending offers past their deadline with no live job (none, or one that used up
 * its attempts) get one, due now. Returns how many were queued. Reads the pending offers (a few thousand at
 * most) through dispatch_offers_agency_live_idx, and graphile-worker's unique job key.
 */
export async function queueOverdueOfferExpiries(db: DB, limit = 500): Promise<number> {
  const { rows } = await sql<{ queued: number }>`
    select count(graphile_worker.add_job(${OFFER_EXPIRE_TASK}, json_build_object('offerId', o.id),
      job_key := 'offer:' || o.id, max_attempts := 10))::int as queued
    from (
      select o.id from dispatch_offers o
      where o.status = 'pending' and o.deadline_at <= now()
        and not exists (select 1 from graphile_worker._private_jobs j
                        where j.key = 'offer:' || o.id and j.attempts < j.max_attempts)
      order by o.deadline_at
      limit ${limit}
    ) o`.execute(db);
  return rows[0]?.queued ?? 0;
}

/** What happens to a ticket whose offer lapsed, inside expireOffer's transaction (the dispatch issue's seam). */
/** The history's reason for the move back (the system's words, as a person's reason would be). */
export const OFFER_EXPIRED_REASON = "نمایندگی در مهلت پاسخ نداد؛ درخواست برای ارجاع دوباره به صف برگشت.";

export type OfferLapsedHandler = (
  trx: Transaction<Database>,
  lapsed: { ticketId: number; ticketStatus: TicketStatus; ticketType: TicketType; offerId: number; agencyId: number; now: Date },
) => Promise<void>;

/**
 * For now: a ticket still waiting on that offer (`dispatching`) goes back to the dispatch queue (`new`, which
 * core/ticket.ts allows for "every agency declined") with the reason, for a supervisor to send on.
 */
export const returnToDispatchQueue: OfferLapsedHandler = async (trx, l) => {
  if (l.ticketStatus !== "dispatching") return;
  assertTransition(l.ticketStatus, "new", l.ticketType);
  await trx.updateTable("tickets").set({ status: "new", updated_at: l.now }).where("id", "=", l.ticketId).execute();
  await appendTicketEvent(trx, {
    ticketId: l.ticketId,
    at: l.now,
    actor: DEADLINE_ACTOR,
    type: "status_changed",
    from: "dispatching",
    to: "new",
    data: { reason: OFFER_EXPIRED_REASON, cause: "offer_expired", offer_id: l.offerId, agency_id: l.agencyId },
  });
};

export type ExpireOfferResult =
  | { outcome: "expired"; ticketId: number; agencyId: number }
  | { outcome: "not_found" }
  | { outcome: "closed" }
  | { outcome: "not_due"; deadlineAt: Date };

/**
 * Expires one offer if it is still pending and its deadline has passed, in one transaction: the offer and
 * its ticket are locked, the offer marked 'expired', the history gets 'offer_expired' (and whatever
 * `onLapsed` writes: by default the move back to the dispatch queue), and the audit row. Idempotent: an
 * offer already answered, withdrawn or expired is left alone ('closed'); one whose deadline moved later is
 * 'not_due' (its job was moved with it, or the caller schedules it again).
 */
export async function expireOffer(
  db: DB,
  offerId: number,
  opts: { now?: Date; onLapsed?: OfferLapsedHandler } = {},
): Promise<ExpireOfferResult> {
  const onLapsed = opts.onLapsed ?? returnToDispatchQueue;
  return db.transaction().execute(async (trx) => {
    // the ticket first, then the offer: the order every writer of a ticket's offers uses
    const ref = await trx.selectFrom("dispatch_offers").select(["ticket_id"]).where("id", "=", offerId).executeTakeFirst();
    if (!ref) return { outcome: "not_found" };
    const ticket = await trx.selectFrom("tickets").select(["id", "status", "type"]).where("id", "=", ref.ticket_id).forUpdate().executeTakeFirstOrThrow();
    const offer = await trx
      .selectFrom("dispatch_offers")
      .select(["id", "agency_id", "status", "deadline_at"])
      .where("id", "=", offerId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (offer.status !== "pending") return { outcome: "closed" };
    const now = opts.now ?? (await sql<{ now: Date }>`select now() as now`.execute(trx)).rows[0]!.now;
    if (offer.deadline_at.getTime() > now.getTime()) return { outcome: "not_due", deadlineAt: offer.deadline_at };
    await trx.updateTable("dispatch_offers").set({ status: "expired", responded_at: now }).where("id", "=", offer.id).execute();
    await appendTicketEvent(trx, {
      ticketId: ticket.id,
      at: now,
      actor: DEADLINE_ACTOR,
      type: "offer_expired",
      data: { offer_id: offer.id, agency_id: offer.agency_id, deadline_at: offer.deadline_at.toISOString() },
    });
    await onLapsed(trx, { ticketId: ticket.id, ticketStatus: ticket.status, ticketType: ticket.type, offerId: offer.id, agencyId: offer.agency_id, now });
    await writeAudit(trx, {
      actorUserId: null,
      action: "offer.expire",
      entityType: "ticket",
      entityId: ticket.id,
      details: { offerId: offer.id, agencyId: offer.agency_id, deadlineAt: offer.deadline_at.toISOString() },
    });
    return { outcome: "expired", ticketId: ticket.id, agencyId: offer.agency_id };
  });
}
