/**
 * Dispatch, the supervisor's side (issue 13, sections 1–2): a ticket reassigned by hand with a reason, and an
 * agency's status (suspend / terminate withdraws its pending offers and sends each ticket on at once).
 *
 * Rules:
 *  - Hard constraints are never overridden by a person: an agency that is not authorized for the product,
 *    not active, or at full capacity cannot be chosen. Out of area, outside working hours, or already offered
 *    this ticket before may be chosen by a supervisor, explicitly (`override`), and the history says so.
 *  - Reassigning withdraws the pending offer (`offer_withdrawn`), or takes an accepted job back from its
 *    agency (ticket back to `dispatching`, its technician and the technician's job link dropped, its visit and
 *    resolve due times back to intake's until the chosen agency accepts, its open part requests cancelled:
 *    services/take-back.ts), then offers
 *    the ticket to the chosen agency with a deadline in its working hours, its job and its SMS; history
 *    `reassigned` {reason, from_agency_id, to_agency_id, override}; audit `ticket.reassign`. A job already
 *    being worked on (in_progress, on_hold) or finished is not reassignable.
 *  - Suspending or terminating an agency withdraws its pending offers (`offer_withdrawn` on each ticket) and
 *    re-dispatches each ticket in the same transaction (the agency, no longer active, is excluded by the
 *    engine). Jobs it already accepted STAY with it (a suspension stops new work, it does not take work in
 *    hand away from the customer's visit): they are returned in `openJobs` and listed on /manager/agencies,
 *    and a supervisor reassigns any of them by hand. Audit `agency.suspend` / `agency.terminate` /
 *    `agency.activate`.
 *
 * Lock order, as every writer of a ticket's offers: the ticket, then its offers; an offer's agency is locked
 * by lock_agency_offers (taken by the offer's own statement, dispatch_offer_allowed) before its row (the
 * offer's foreign key), and a status change takes them in that order too.
 */
import { sql, type Transaction } from "kysely";
import { agencyCapacity, EXCLUSION_REASONS, exclusionReasons, rankCandidates, type ExclusionReason } from "../core/dispatch";
import { assertTransition, isDispatchedType, type AgencyStatus, type TicketStatus } from "../core/ticket";
import type { DB } from "../db/connection";
import { writeAudit } from "../db/repos/audit";
import { agencyForOffer, candidateFacts, ticketDispatchFacts } from "../db/repos/dispatch";
import type { DataScope } from "../db/repos/scope";
import { appendTicketEvent } from "../db/repos/ticket-events";
import type { Database } from "../db/schema";
import type { Actor } from "./actor";
import { dispatchJobKey, dispatchSettings, dispatchTicketInTrx, offerTicketToAgencyInTrx, type DispatchOptions } from "./dispatch";
import { workingCalendars } from "./working-calendar";
import { offerJobKey } from "./offers";
import { DUE_TIMES_TICKET_COLUMNS } from "./agency-due-times";
import { takeBackFromAgencyInTrx } from "./take-back";
import { MAX_REASON_LENGTH } from "./tickets";

/**
 * What the supervisor's actions need from the configuration: the same options as the engine's
 * (services/dispatch.ts DispatchOptions: the offer's deadline in the agency's working minutes,
 * DISPATCH_OFFER_DEADLINE_MINUTES; the weights of a re-dispatch, DISPATCH_WEIGHTS; the SMS's portal link).
 */
export type SupervisionOptions = DispatchOptions;


export { MAX_REASON_LENGTH };

/** Never overridden, by anybody. */
export const HARD_EXCLUSIONS: readonly ExclusionReason[] = ["unauthorized", "suspended", "terminated", "full"];
/** A supervisor may choose such an agency anyway, explicitly. */
export const OVERRIDABLE_EXCLUSIONS: readonly ExclusionReason[] = EXCLUSION_REASONS.filter((r) => !HARD_EXCLUSIONS.includes(r));

/** Statuses a ticket may be reassigned from: waiting (new, dispatching) or accepted and not yet started. */
export const REASSIGNABLE_STATUSES = ["new", "dispatching", "assigned", "scheduled"] as const satisfies readonly TicketStatus[];

export class SupervisionInputError extends Error {
  constructor(
    readonly field: "reason" | "agency" | "status",
    readonly problem: "required" | "tooLong" | "invalid",
  ) {
    super(`${field}: ${problem}`);
  }
}

export type ReassignRefusal =
  | { code: "ticket_not_found" }
  | { code: "agency_not_found" }
  | { code: "not_reassignable"; status: TicketStatus }
  | { code: "same_agency" }
  | { code: "hard_constraint"; reasons: ExclusionReason[] }
  | { code: "needs_override"; reasons: ExclusionReason[] };

export class ReassignRefusedError extends Error {
  constructor(readonly refusal: ReassignRefusal) {
    super(`reassign refused: ${refusal.code}`);
  }
}

export class AgencyNotFoundError extends Error {
  constructor(readonly agencyId: number) {
    super(`agency ${agencyId} not found`);
  }
}

function cleanReason(value: string | undefined, required: boolean): string | null {
  const text = (value ?? "").trim();
  if (!text) {
    if (required) throw new SupervisionInputError("reason", "required");
    return null;
  }
  if (text.length > MAX_REASON_LENGTH) throw new SupervisionInputError("reason", "tooLong");
  return text;
}

type Trx = Transaction<Database>;


async function dbNow(trx: Trx): Promise<Date> {
  return (await sql<{ now: Date }>`select now() as now`.execute(trx)).rows[0]!.now;
}

/** Withdraws one pending offer inside the caller's transaction (the ticket already locked): the offer, its deadline job, its history row. */
async function withdrawOfferInTrx(
  trx: Trx,
  actor: Actor,
  o: { offerId: number; ticketId: number; agencyId: number; reason: string; cause: "reassigned" | "agency_suspended" | "agency_terminated"; now: Date },
) {
  const updated = await trx
    .updateTable("dispatch_offers")
    .set({ status: "withdrawn", responded_at: o.now, response_reason: o.reason })
    .where("id", "=", o.offerId)
    .where("status", "=", "pending")
    .returning("id")
    .executeTakeFirst();
  if (!updated) return false;
  // its deadline job has nothing left to do (expireOffer would leave a withdrawn offer alone anyway)
  await sql`select graphile_worker.remove_job(${offerJobKey(o.offerId)})`.execute(trx);
  await appendTicketEvent(trx, {
    ticketId: o.ticketId,
    at: o.now,
    actor,
    type: "offer_withdrawn",
    data: { offer_id: o.offerId, agency_id: o.agencyId, reason: o.reason, cause: o.cause },
  });
  return true;
}

export interface ReassignInput {
  ticketId: number;
  agencyId: number;
  /** required: why, in the supervisor's words */
  reason: string;
  /** the supervisor chooses an agency out of area / outside its hours / offered before, knowingly */
  override?: boolean;
}

/**
 * A supervisor moves a ticket to an agency of their choice, with a reason (see the rules above). One
 * transaction: the ticket locked, the chosen agency checked against the dispatch rule now, the pending offer
 * withdrawn or the accepted job taken back, the new offer with its deadline job and SMS, history and audit.
 */
export async function reassignTicket(db: DB, actor: Actor, input: ReassignInput, options: DispatchOptions = {}) {
  const reason = cleanReason(input.reason, true)!;
  return db.transaction().execute(async (trx) => {
    const ticket = await trx
      .selectFrom("tickets")
      .select([...DUE_TIMES_TICKET_COLUMNS, "status", "assigned_agency_id", "technician_id", "dispatch_held_at"])
      .where("id", "=", input.ticketId)
      .forUpdate()
      .executeTakeFirst();
    if (!ticket) throw new ReassignRefusedError({ code: "ticket_not_found" });
    if (!isDispatchedType(ticket.type) || !(REASSIGNABLE_STATUSES as readonly string[]).includes(ticket.status)) {
      throw new ReassignRefusedError({ code: "not_reassignable", status: ticket.status });
    }
    const agency = await agencyForOffer(trx, input.agencyId);
    if (!agency) throw new ReassignRefusedError({ code: "agency_not_found" });
    const now = options.now ?? (await dbNow(trx));

    const pending = await trx
      .selectFrom("dispatch_offers")
      .select(["id", "agency_id"])
      .where("ticket_id", "=", ticket.id)
      .where("status", "=", "pending")
      .forUpdate()
      .executeTakeFirst();
    const fromAgencyId = ticket.assigned_agency_id ?? pending?.agency_id ?? null;
    if (fromAgencyId === agency.agencyId) throw new ReassignRefusedError({ code: "same_agency" });

    // the dispatch rule, now, for this one agency (its current pending offer counts as "already offered")
    const verdict = await evaluateAgencyForTicket(trx, ticket.id, agency.agencyId, now);
    // its current pending offer is withdrawn below: "offered before" for it is the same_agency case above
    // (an agency the rule could not judge in full is refused on what is known of it)
    if (verdict.unverified) throw new ReassignRefusedError({ code: "hard_constraint", reasons: verdict.reasons });
    const reasons = verdict.reasons;
    const hard = reasons.filter((r) => HARD_EXCLUSIONS.includes(r));
    if (hard.length) throw new ReassignRefusedError({ code: "hard_constraint", reasons: hard });
    const soft = reasons.filter((r) => !HARD_EXCLUSIONS.includes(r));
    if (soft.length && !input.override) throw new ReassignRefusedError({ code: "needs_override", reasons: soft });

    if (pending) {
      await withdrawOfferInTrx(trx, actor, { offerId: pending.id, ticketId: ticket.id, agencyId: pending.agency_id, reason, cause: "reassigned", now });
    }
    let status: TicketStatus = ticket.status;
    if (ticket.assigned_agency_id !== null || status === "new") {
      // taken back from the agency that accepted it (or out of the queue): waiting for the new agency's answer
      assertTransition(status, "dispatching", ticket.type);
      // (a hold's reason means something only while on hold: every status writer clears it on the way out)
      await trx
        .updateTable("tickets")
        .set({ status: "dispatching", hold_reason: null, hold_expected_date: null, updated_at: now })
        .where("id", "=", ticket.id)
        .execute();
      // an accepted job leaves its agency: nobody's, its technician's link revoked, the agency's open part
      // requests cancelled, intake's due times back until the chosen agency accepts (services/take-back.ts)
      const takenBack = ticket.assigned_agency_id !== null ? await takeBackFromAgencyInTrx(trx, { ticket, reason, now, actor }) : null;
      await appendTicketEvent(trx, {
        ticketId: ticket.id,
        at: now,
        actor,
        type: "status_changed",
        from: status,
        to: "dispatching",
        data: { reason, ...(takenBack?.eventData ?? {}) },
      });
      status = "dispatching";
    }
    if (ticket.dispatch_held_at) {
      // out of the supervisor queue; its 'dispatch_held' alert is dealt with by this very decision
      await trx.updateTable("tickets").set({ dispatch_held_at: null, dispatch_hold_reason: null }).where("id", "=", ticket.id).execute();
      await trx
        .updateTable("supervisor_alerts")
        .set({ acknowledged_at: now, acknowledged_by: actor.userId ?? null })
        .where("ticket_id", "=", ticket.id)
        .where("kind", "=", "dispatch_held")
        .where("acknowledged_at", "is", null)
        .execute();
      // a retry the engine queued for the first agency's opening (held 'all_closed') has nothing left to do
      await sql`select graphile_worker.remove_job(${dispatchJobKey(ticket.id)})`.execute(trx);
    }
    await appendTicketEvent(trx, {
      ticketId: ticket.id,
      at: now,
      actor,
      type: "reassigned",
      data: {
        reason,
        from_agency_id: fromAgencyId,
        to_agency_id: agency.agencyId,
        to_agency_name: agency.name,
        ...(soft.length ? { override: soft } : {}),
        ...(ticket.assigned_agency_id !== null ? { taken_back: true } : {}),
      },
    });
    // the engine's own offer writer, for the agency the supervisor chose (no stored decision: 'offer_sent' says manual)
    const facts = (await ticketDispatchFacts(trx, ticket.id))!;
    const offer = await offerTicketToAgencyInTrx(trx, actor, { ticket: facts, agency, capacity: verdict.capacity, now }, options);
    if (!offer) {
      // another decision took its last place (or it was suspended) since the check above: the rule, again, says which
      const again = await evaluateAgencyForTicket(trx, ticket.id, agency.agencyId, now);
      const reasons = again.reasons.filter((r) => HARD_EXCLUSIONS.includes(r));
      throw new ReassignRefusedError({ code: "hard_constraint", reasons: reasons.length ? reasons : ["full"] });
    }
    await writeAudit(trx, {
      actorUserId: actor.userId ?? null,
      action: "ticket.reassign",
      entityType: "ticket",
      entityId: ticket.id,
      ip: actor.ip ?? undefined,
      details: { reason, fromAgencyId, toAgencyId: agency.agencyId, offerId: offer.offerId, override: soft, withdrawnOfferId: pending?.id ?? null },
    });
    return { ticketId: ticket.id, fromAgencyId, toAgencyId: agency.agencyId, offerId: offer.offerId, deadlineAt: offer.deadlineAt, override: soft, withdrawnOfferId: pending?.id ?? null };
  });
}

/**
 * evaluateAgencyForTicket's answer: judged by the rule on the agency's full facts (with its capacity, which an
 * offer's guard needs), or only on what is known of an agency the candidate query does not return.
 */
export type AgencyVerdict = { unverified: false; reasons: ExclusionReason[]; capacity: number } | { unverified: true; reasons: ExclusionReason[] };

/**
 * The dispatch rule, now, for one agency and one ticket (core/dispatch.ts exclusionReasons on the facts of
 * db/repos/dispatch.ts). An agency the candidate query does not return (not authorized, or far from the
 * customer with no area row naming the place) is judged on what can be known: unauthorized, not active;
 * else out of area — and, its load unknown, never choosable (`unverified`).
 */
export async function evaluateAgencyForTicket(
  trx: Trx,
  ticketId: number,
  agencyId: number,
  now: Date,
): Promise<AgencyVerdict> {
  const facts = await ticketDispatchFacts(trx, ticketId);
  if (!facts) return { reasons: ["unauthorized"], unverified: true };
  const { candidates } = await candidateFacts(trx, facts, now, { agencyId });
  const found = candidates.find((c) => c.agencyId === agencyId);
  if (found) return { reasons: exclusionReasons(found, now, (await workingCalendars(trx)).of), unverified: false, capacity: agencyCapacity(found) };
  const agency = await trx.selectFrom("agencies").select(["status"]).where("id", "=", agencyId).executeTakeFirstOrThrow();
  const authorized = await trx
    .selectFrom("agency_authorizations")
    .select("agency_id")
    .where("agency_id", "=", agencyId)
    .where("brand_id", "=", facts.brandId ?? 0)
    .where("category_id", "=", facts.categoryId ?? 0)
    .executeTakeFirst();
  const reasons: ExclusionReason[] = [];
  if (!authorized) reasons.push("unauthorized");
  if (agency.status !== "active") reasons.push(agency.status);
  if (!reasons.length) reasons.push("out_of_area");
  return { reasons, unverified: true };
}

export interface SetAgencyStatusInput {
  agencyId: number;
  status: AgencyStatus;
  /** required to suspend or terminate */
  reason?: string;
}

/**
 * Changes an agency's status (see the rules above). One transaction: the agency row, then for each of its
 * pending offers (ticket locked first) the withdrawal and the ticket's re-dispatch, the audit row.
 */
export async function setAgencyStatus(db: DB, actor: Actor, input: SetAgencyStatusInput, options: DispatchOptions = {}) {
  return db.transaction().execute((trx) => setAgencyStatusInTrx(trx, actor, input, options));
}

/** setAgencyStatus inside the caller's transaction. */
export async function setAgencyStatusInTrx(trx: Trx, actor: Actor, input: SetAgencyStatusInput, options: DispatchOptions = {}) {
  const stopping = input.status !== "active";
  const reason = cleanReason(input.reason, stopping);
  // The offer writers' per-agency lock first (dispatch_offer_allowed): an offer being written now commits before
  // this goes on, and the read of its pending offers below sees it; a later one finds the agency no longer
  // active. Before the row lock, in the writers' order: a writer holding this lock takes a key-share lock on
  // the agency row (its offer's foreign key), which the row lock below would block — a deadlock the other way.
  await sql`select lock_agency_offers(${input.agencyId}::bigint)`.execute(trx);
  const agency = await trx.selectFrom("agencies").select(["id", "name", "status"]).where("id", "=", input.agencyId).forUpdate().executeTakeFirst();
  if (!agency) throw new AgencyNotFoundError(input.agencyId);
  const now = options.now ?? (await dbNow(trx));
  await trx
    .updateTable("agencies")
    .set({ status: input.status, status_reason: reason, status_changed_at: now, updated_at: now })
    .where("id", "=", agency.id)
    .execute();

  const withdrawn: { ticketId: number; offerId: number; outcome: string; nextAgencyId: number | null }[] = [];
  if (stopping) {
    const offers = await trx
      .selectFrom("dispatch_offers")
      .select(["id", "ticket_id"])
      .where("agency_id", "=", agency.id)
      .where("status", "=", "pending")
      .orderBy("ticket_id")
      .execute();
    for (const o of offers) {
      await trx.selectFrom("tickets").select("id").where("id", "=", o.ticket_id).forUpdate().execute();
      const done = await withdrawOfferInTrx(trx, actor, {
        offerId: o.id,
        ticketId: o.ticket_id,
        agencyId: agency.id,
        reason: reason!,
        cause: input.status === "suspended" ? "agency_suspended" : "agency_terminated",
        now,
      });
      if (!done) continue;
      // the engine, at once, in this transaction: this agency is no longer active (and was offered it already)
      const next = await dispatchTicketInTrx(trx, actor, { ticketId: o.ticket_id }, { ...options, now });
      withdrawn.push({ ticketId: o.ticket_id, offerId: o.id, outcome: next.outcome, nextAgencyId: next.outcome === "offered" ? next.agencyId : null });
    }
  }
  const openJobs = await trx
    .selectFrom("tickets")
    .select(["id", "number", "status"])
    .where("assigned_agency_id", "=", agency.id)
    .where("status", "in", ["assigned", "scheduled", "in_progress", "on_hold"])
    .orderBy("id")
    .execute();
  await writeAudit(trx, {
    actorUserId: actor.userId ?? null,
    action: input.status === "suspended" ? "agency.suspend" : input.status === "terminated" ? "agency.terminate" : "agency.activate",
    entityType: "agency",
    entityId: agency.id,
    ip: actor.ip ?? undefined,
    details: { from: agency.status, to: input.status, reason, withdrawnOffers: withdrawn.map((w) => w.offerId), openJobs: openJobs.map((j) => j.id) },
  });
  return { agencyId: agency.id, name: agency.name, from: agency.status, to: input.status, withdrawn, openJobs };
}

export interface ReassignChoice {
  agencyId: number;
  name: string;
  /** why the rule excludes it now ([] for a candidate; its own pending offer does not count as "offered before") */
  reasons: ExclusionReason[];
  /** a hard constraint: never choosable */
  hard: boolean;
}

/**
 * The agencies a supervisor may pick to reassign a ticket to (the list beside the form; reassignTicket checks
 * the choice again on submit with evaluateAgencyForTicket): every authorized agency near the customer, ranked
 * by the dispatch rule now with the configured weights (DISPATCH_WEIGHTS, as the engine), the eligible first,
 * best first, then the excluded with their reasons; the agency holding the pending offer left out. Staff
 * data: nothing for an agency's scope.
 */
export async function reassignmentChoices(db: DB, scope: DataScope, ticketId: number, options: DispatchOptions = {}): Promise<ReassignChoice[]> {
  if (scope.kind !== "all") return [];
  const facts = await ticketDispatchFacts(db, ticketId);
  if (!facts) return [];
  const now = options.now ?? facts.dbNow;
  const { candidates } = await candidateFacts(db, facts, now);
  const ranking = rankCandidates(candidates, now, dispatchSettings(options).weights, (await workingCalendars(db)).of);
  const current = (await db.selectFrom("dispatch_offers").select("agency_id").where("ticket_id", "=", ticketId).where("status", "=", "pending").executeTakeFirst())?.agency_id;
  const names = new Map(candidates.map((c) => [c.agencyId, c.name]));
  return [
    ...ranking.ranked.map((r) => ({ agencyId: r.agencyId, reasons: [] as ExclusionReason[] })),
    ...ranking.excluded.map((e) => ({ agencyId: e.agencyId, reasons: e.reasons.filter((r) => !(r === "already_offered" && e.agencyId === current)) })),
  ]
    .filter((c) => c.agencyId !== current)
    .map((c) => ({ ...c, name: names.get(c.agencyId) ?? `#${c.agencyId}`, hard: c.reasons.some((r) => HARD_EXCLUSIONS.includes(r)) }));
}
