/**
 * Dispatching a breakdown ticket (issue 13, sections 1 and 2): the rule is core/dispatch.ts, the facts
 * db/repos/dispatch.ts candidateFacts; this file acts on them, in one transaction per decision.
 *
 *  - `dispatchTicket` / `dispatchTicketInTrx`: the ticket is locked; a breakdown ticket in `new` (fresh, or
 *    back from a lapsed / declined / withdrawn offer), or in `dispatching` with no pending offer (its offer
 *    just lapsed, inside that transaction), is ranked; the best candidate gets an offer (attempt n), the
 *    ticket goes to `dispatching`, the history gets 'offer_sent' (compact: the top candidates and the
 *    excluded counts), the whole decision is stored (dispatch_decisions: "why this agency"), the audit row,
 *    the agency's SMS (agency_offer, portal link) and the deadline job (services/offers.ts). No candidate:
 *    the ticket stays (or goes back to) `new` and is held for the supervisors: 'dispatch_held' with the
 *    reason, tickets.dispatch_held_at / dispatch_hold_reason (the queue: db/repos/dispatch.ts heldTickets),
 *    a supervisor alert ('dispatch_held') and NOTIFY supervisor_alerts.
 *  - `offerNextCandidate`: the OfferLapsedHandler (services/offers.ts) that offers the ticket to the next
 *    candidate when an offer expired (workers/tasks/offer__expire.ts) or was rejected (services/agency-offers.ts
 *    rejectOffer's `onDeclined`), in the same transaction.
 *  - `dispatchDecision`: the latest stored decision, for staff only.
 *  - registration queues `ticket__dispatch` (services/intake.ts); the task calls `dispatchTicket`.
 */
import { addWorkingMinutes, nextWorkingStart } from "../core/working-time";
import { workingCalendars, type WorkingCalendars } from "./working-calendar";
import { executePrepared } from "../db/prepared";
import { sql, type Transaction } from "kysely";
import {
  agencyCapacity,
  bestIsProven,
  DEFAULT_DISPATCH_WEIGHTS,
  holdReason,
  rankCandidates,
  type CalendarOf,
  type DispatchWeights,
  type ExclusionReason,
  type HoldReason,
  type Ranking,
} from "../core/dispatch";
import { notifySupervisors } from "./alerts";
import { AGENCY_LOAD_STATUSES, assertTransition, isDispatchedType } from "../core/ticket";
import type { DB } from "../db/connection";
import { writeAudit } from "../db/repos/audit";
import {
  candidateFacts,
  insertDecision,
  latestDecision,
  nearestCandidateFacts,
  ticketDispatchFacts,
  type AgencyCandidate,
  type StoredDecision,
  type TicketDispatchFacts,
} from "../db/repos/dispatch";
import type { DataScope } from "../db/repos/scope";
import { appendTicketEvent } from "../db/repos/ticket-events";
import type { Database } from "../db/schema";
import { loadEnv } from "../platform/env";
import { processLinks, type PublicLinks } from "../platform/links";
import type { Actor } from "./actor";
import type { OfferLapsedHandler } from "./offers";
import { OFFER_EXPIRE_TASK } from "./offers";
import { smsOutboxCtes } from "./outbox";
import { renderSmsWith } from "./sms-templates";
import { TicketNotFoundError } from "./tickets";

// the engine's job: its name, key and queueing live in services/dispatch-queue.ts (re-exported here)
export { DISPATCH_JOB_KEY_PREFIX, dispatchJobKey, queueTicketDispatch, TICKET_DISPATCH_TASK } from "./dispatch-queue";
import { queueTicketDispatch } from "./dispatch-queue";

/** Who dispatches automatically (the history's label; the UI shows "system" in the reader's language). */
export const DISPATCH_ACTOR: Actor = { kind: "system", label: "ارجاع خودکار" };

/** DISPATCH_OFFER_DEADLINE_MINUTES' default. */
export const DEFAULT_OFFER_DEADLINE_MINUTES = 30;

/** The history's reason when a ticket goes back to `new` for the supervisors (the system's words). */
export const HELD_STATUS_REASON = "هیچ نمایندگی واجد شرایطی برای ارجاع نماند؛ درخواست برای ارجاع دستی به صف سرپرست رفت.";

/** sms_messages.purpose of the agency's offer SMS (the seed's and the ticket page's word for it). */
export const DISPATCH_OFFER_SMS_PURPOSE = "dispatch_offer";

/** core/ticket.ts AGENCY_LOAD_STATUSES as the offer guard's parameter (dispatch_offer_allowed). */
const LOAD_STATUSES: string[] = [...AGENCY_LOAD_STATUSES];

/**
 * How many times a decision ranks again when the agency it chose filled up meanwhile (another decision took
 * its last place between the ranking and the offer): each round sees the others' offers, so a second is
 * nearly always enough; past this the job fails and graphile-worker runs it again.
 */
const OFFER_ROUNDS = 5;

/** How many ranked candidates the history row carries (the stored decision has them all). */
const HISTORY_TOP = 3;

export interface DispatchOptions {
  /** the rule's weights (DISPATCH_WEIGHTS); default core/dispatch.ts DEFAULT_DISPATCH_WEIGHTS */
  weights?: DispatchWeights;
  /** minutes of the agency's working time an offer waits for an answer (DISPATCH_OFFER_DEADLINE_MINUTES) */
  offerMinutes?: number;
  /** where the SMS's portal link points; default this process's configuration */
  links?: PublicLinks;
  /** for tests: the decision's instant; default the database's now() */
  now?: Date;
  /** how many of the nearest authorized agencies are ranked first (NEAREST_CANDIDATES); 0: always all of them */
  nearest?: number;
  /**
   * The offer's transaction commits without waiting for its WAL to reach the disk (synchronous_commit off,
   * for this transaction only). For callers whose own next commit is synchronous and follows it — the
   * ticket__dispatch job, whose completion graphile-worker commits afterwards: PostgreSQL flushes the WAL in
   * order, so once the job is marked done the offer is on disk too; a crash before that loses the offer and
   * leaves the job to run again. Anything that acts on the offer commits synchronously first (the SMS
   * worker's claim, the agency's answer), so no SMS or answer can outlive a lost offer. Default: off (a
   * person's request waits for the disk).
   */
  asyncCommit?: boolean;
}

export type DispatchResult =
  | { outcome: "offered"; offerId: number; agencyId: number; deadlineAt: Date; decisionId: number }
  /** retryAt: when every agency that could take it was only closed, the dispatch job is queued again for the first opening */
  | { outcome: "held"; reason: HoldReason; decisionId: number; retryAt?: Date }
  /** nothing to do: not a breakdown, not waiting for dispatch, or an offer is already pending */
  | { outcome: "skipped"; reason: "not_breakdown" | "not_waiting" | "offer_pending" };

let configured: Required<Pick<DispatchOptions, "weights" | "offerMinutes">> | undefined;

/**
 * Sets the process's dispatch configuration (DISPATCH_WEIGHTS, DISPATCH_OFFER_DEADLINE_MINUTES of
 * platform/env.ts) explicitly; without it the services read the process's own environment once (loadEnv,
 * as platform/links.ts processLinks does). Options passed to a call win over both.
 */
export function configureDispatch(c: { weights: DispatchWeights; offerMinutes: number }): void {
  configured = { weights: { ...c.weights }, offerMinutes: c.offerMinutes };
}

/** The configuration in force: configureDispatch's, else this process's own validated environment (as processLinks). */
function processSettings(): Required<Pick<DispatchOptions, "weights" | "offerMinutes">> {
  if (!configured) {
    try {
      const env = loadEnv();
      configured = { weights: env.DISPATCH_WEIGHTS, offerMinutes: env.DISPATCH_OFFER_DEADLINE_MINUTES };
    } catch {
      configured = { weights: { ...DEFAULT_DISPATCH_WEIGHTS }, offerMinutes: DEFAULT_OFFER_DEADLINE_MINUTES };
    }
  }
  return configured;
}

/** The weights and offer minutes in force for a call: the caller's options, else the process's configuration. */
export function dispatchSettings(o: DispatchOptions) {
  return {
    weights: o.weights ?? processSettings().weights,
    offerMinutes: o.offerMinutes ?? processSettings().offerMinutes,
  };
}

/** Dispatches one ticket in its own transaction (see the head of this file). */
export async function dispatchTicket(db: DB, actor: Actor, input: { ticketId: number }, opts: DispatchOptions = {}): Promise<DispatchResult> {
  return db.transaction().execute((trx) => dispatchTicketInTrx(trx, actor, input, opts));
}

function countReasons(ranking: Ranking): Partial<Record<ExclusionReason, number>> {
  const out: Partial<Record<ExclusionReason, number>> = {};
  for (const e of ranking.excluded) for (const r of e.reasons) out[r] = (out[r] ?? 0) + 1;
  return out;
}

/** An offer's deadline as the agency reads it in its SMS: "ساعت ۱۴:۳۰" today (Tehran), or with the Jalali date when on another day. */
export function offerDeadlineText(deadline: Date, now: Date): string {
  const day = (d: Date) => TEHRAN_DAY.format(d);
  const time = TEHRAN_TIME_FA.format(deadline);
  if (day(deadline) === day(now)) return `ساعت ${time}`;
  return `${TEHRAN_WEEKDAY_DATE_FA.format(deadline)} ساعت ${time}`;
}

// built once: constructing a formatter costs more than formatting with it
const TEHRAN_DAY = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Tehran" });
const TEHRAN_TIME_FA = new Intl.DateTimeFormat("fa-IR", { timeZone: "Asia/Tehran", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
const TEHRAN_WEEKDAY_DATE_FA = new Intl.DateTimeFormat("fa-IR-u-ca-persian", { timeZone: "Asia/Tehran", weekday: "long", month: "long", day: "numeric" });

/**
 * The first opening among the agencies excluded only for being closed (outside their hours, or off for an
 * official holiday) on the working-day clock: a Friday followed by a holiday opens on the next working day.
 * Null when there is none.
 */
function nextOpening(candidates: readonly AgencyCandidate[], ranking: Ranking, now: Date, calendarOf: CalendarOf): Date | null {
  let first: number | null = null;
  for (const e of ranking.excluded) {
    if (e.reasons.length !== 1 || (e.reasons[0] !== "closed" && e.reasons[0] !== "holiday")) continue;
    const hours = candidates.find((c) => c.agencyId === e.agencyId)?.workingHours;
    if (!hours) continue;
    const cal = calendarOf(hours);
    if (cal.plain) continue; // never open
    const at = nextWorkingStart(now, cal).getTime();
    if (at > now.getTime() && (first === null || at < first)) first = at;
  }
  return first === null ? null : new Date(first);
}

/** How many of the nearest authorized agencies the engine ranks first (DispatchOptions.nearest's default). */
export const NEAREST_CANDIDATES = 32;

/**
 * The candidates and their ranking, nearest first (db/repos/dispatch.ts nearestCandidateFacts): the
 * `nearest` authorized agencies nearest to the customer are ranked; when there are more, the farther ones
 * are left out only if the best of these scores above what any agency that far could get (core/dispatch.ts
 * bestIsProven: each component depends on the agency alone, every one but distance is at most 1, distance
 * decreases with km) — the same best agency as ranking them all. Otherwise (nobody eligible among them, or
 * the best not far enough ahead) every authorized agency near the customer is ranked (candidateFacts).
 * Counts of agencies not looked at are null then, evaluatedWithinKm says how far it looked.
 */
export async function rankForTicket(
  trx: Transaction<Database> | DB,
  ticket: TicketDispatchFacts,
  now: Date,
  weights: DispatchWeights,
  nearest = NEAREST_CANDIDATES,
  calendars?: WorkingCalendars,
) {
  const calendarOf: CalendarOf = (calendars ?? (await workingCalendars(trx))).of;
  if (nearest > 0) {
    const near = await nearestCandidateFacts(trx, ticket, now, nearest);
    const ranking = rankCandidates(near.candidates, now, weights, calendarOf);
    if (near.complete) {
      return { path: "complete" as const, calendarOf, candidates: near.candidates, ranking, authorizedElsewhere: near.authorizedElsewhere, unauthorizedNearby: near.unauthorizedNearby, evaluatedWithinKm: null };
    }
    if (bestIsProven(ranking, near.beyondKm, weights)) {
      return { path: "nearest" as const, calendarOf, candidates: near.candidates, ranking, authorizedElsewhere: null, unauthorizedNearby: null, evaluatedWithinKm: near.beyondKm };
    }
  }
  const all = await candidateFacts(trx, ticket, now);
  return {
    path: nearest > 0 ? ("widened" as const) : ("all" as const),
    calendarOf,
    candidates: all.candidates,
    ranking: rankCandidates(all.candidates, now, weights, calendarOf),
    authorizedElsewhere: all.authorizedElsewhere,
    unauthorizedNearby: all.unauthorizedNearby,
    evaluatedWithinKm: null,
  };
}

/** The in-transaction form: the caller owns `trx` (e.g. an offer's lapse, inside expireOffer's transaction). */
export async function dispatchTicketInTrx(
  trx: Transaction<Database>,
  actor: Actor,
  input: { ticketId: number },
  opts: DispatchOptions = {},
): Promise<DispatchResult> {
  const { weights, offerMinutes } = dispatchSettings(opts);
  const ticket = await ticketDispatchFacts(trx, input.ticketId, { lock: true });
  if (!ticket) throw new TicketNotFoundError(input.ticketId);
  if (!isDispatchedType(ticket.type)) return { outcome: "skipped", reason: "not_breakdown" };
  if (ticket.status !== "new" && ticket.status !== "dispatching") return { outcome: "skipped", reason: "not_waiting" };
  if (ticket.pendingOffer) return { outcome: "skipped", reason: "offer_pending" };

  const now = opts.now ?? ticket.dbNow;
  // the calendars' state came with the ticket's facts: no round trip of its own
  const calendars = await workingCalendars(trx, ticket.clock);
  for (let round = 1; ; round++) {
    const offered = await rankAndOffer(trx, actor, { ticket, now, opts, weights, offerMinutes, calendars });
    if (offered) return offered;
    // another decision took the chosen agency's last place (or it was suspended) since the ranking read it:
    // rank again, seeing that decision's offer now
    if (round >= OFFER_ROUNDS) throw new DispatchContentionError(ticket.id, round);
  }
}

/** Every agency a decision chose was taken by other decisions first, OFFER_ROUNDS times: the job runs again later. */
export class DispatchContentionError extends Error {
  constructor(
    readonly ticketId: number,
    rounds: number,
  ) {
    super(`ticket ${ticketId}: the chosen agency filled up before its offer could be written, ${rounds} times in a row`);
  }
}

/** One round of a decision: rank; hold, or offer to the best (null: the guard found no room, see offerTicketToAgencyInTrx). */
async function rankAndOffer(
  trx: Transaction<Database>,
  actor: Actor,
  d: { ticket: TicketDispatchFacts; now: Date; opts: DispatchOptions; weights: DispatchWeights; offerMinutes: number; calendars: WorkingCalendars },
): Promise<DispatchResult | null> {
  const { ticket, now, opts, weights, offerMinutes, calendars } = d;
  const { candidates, ranking, authorizedElsewhere, unauthorizedNearby, evaluatedWithinKm, calendarOf } = await rankForTicket(trx, ticket, now, weights, opts.nearest, calendars);
  const best = ranking.ranked[0];
  const excludedCounts = countReasons(ranking);

  if (!best) {
    // (nobody eligible: every authorized agency near was ranked, so the counts are known)
    const reason = holdReason(ranking.excluded, authorizedElsewhere ?? 0);
    const decisionId = await insertDecision(trx, {
      ticketId: ticket.id,
      offerId: null,
      at: now,
      outcome: "held",
      holdReason: reason,
      ranked: [],
      excluded: ranking.excluded,
      weights,
      authorizedElsewhere: authorizedElsewhere ?? 0,
      unauthorizedNearby: unauthorizedNearby ?? 0,
    });
    const from = ticket.status;
    if (from === "dispatching") assertTransition(from, "new", ticket.type);
    await trx
      .updateTable("tickets")
      .set({ status: "new", updated_at: now, dispatch_held_at: ticket.dispatchHeldAt ?? now, dispatch_hold_reason: reason })
      .where("id", "=", ticket.id)
      .execute();
    if (from !== "new") {
      await appendTicketEvent(trx, { ticketId: ticket.id, at: now, actor, type: "status_changed", from, to: "new", data: { cause: "dispatch_held", reason: HELD_STATUS_REASON } });
    }
    await appendTicketEvent(trx, {
      ticketId: ticket.id,
      at: now,
      actor,
      type: "dispatch_held",
      data: { reason, decision_id: decisionId, excluded: excludedCounts, unauthorized_nearby: unauthorizedNearby, authorized_elsewhere: authorizedElsewhere },
    });
    // one open alert per held ticket: a second hold (a later attempt) does not raise another
    if (!ticket.dispatchHeldAt) {
      await trx
        .insertInto("supervisor_alerts")
        .values({ created_at: now, kind: "dispatch_held", ticket_id: ticket.id, stage: "accept", due_at: ticket.slaAcceptDueAt ?? now })
        .execute();
      await notifySupervisors(trx, [{ type: "dispatch_held", ticketId: ticket.id, reason, at: now.toISOString() }]);
    }
    // Everyone who could take it is only closed: try again by itself when the first of them opens (the ticket
    // stays in the supervisors' queue meanwhile; a supervisor may act first).
    const retryAt = reason === "all_closed" ? nextOpening(candidates, ranking, now, calendarOf) : null;
    if (retryAt) await queueTicketDispatch(trx, ticket.id, { runAt: retryAt });
    await writeAudit(trx, {
      actorUserId: actor.userId ?? null,
      action: "dispatch.hold",
      entityType: "ticket",
      entityId: ticket.id,
      ip: actor.ip ?? undefined,
      details: { reason, decisionId, excluded: excludedCounts, unauthorizedNearby, authorizedElsewhere },
    });
    return { outcome: "held", reason, decisionId, ...(retryAt ? { retryAt } : {}) };
  }

  const agency = candidates.find((c) => c.agencyId === best.agencyId)!;
  const offer = await offerTicketToAgencyInTrx(
    trx,
    actor,
    {
      ticket,
      agency,
      capacity: agencyCapacity(agency),
      now,
      calendarOf,
      decision: { ranking, weights, authorizedElsewhere, unauthorizedNearby, evaluatedWithinKm, excludedCounts, score: best.score },
    },
    { ...opts, offerMinutes },
  );
  if (!offer) return null;
  return { outcome: "offered", offerId: offer.offerId, agencyId: agency.agencyId, deadlineAt: offer.deadlineAt, decisionId: offer.decisionId! };
}

/** What an offer needs of the ticket (db/repos/dispatch.ts ticketDispatchFacts). */
export type OfferTicket = Pick<TicketDispatchFacts, "id" | "number" | "type" | "status" | "city" | "priorOffers" | "offerSmsOverride">;
/** What an offer needs of the agency (db/repos/dispatch.ts AgencyCandidate, or agencyForOffer for any agency). */
export type OfferAgency = Pick<AgencyCandidate, "agencyId" | "code" | "name" | "mobile" | "workingHours">;

export interface OfferToAgency {
  ticket: OfferTicket;
  agency: OfferAgency;
  /**
   * The agency's capacity in jobs as the rule computes it (core/dispatch.ts agencyCapacity): the offer is
   * written only if its open jobs and live offers, counted afresh under its lock, leave room for one more.
   */
  capacity: number;
  now: Date;
  /** the calendars the caller already read in this transaction (the engine's ranking); default: read them */
  calendarOf?: CalendarOf;
  /**
   * The engine's decision that chose the agency: stored in dispatch_decisions, summarised in the history's
   * 'offer_sent', audited as 'dispatch.offer'. Absent: a supervisor's choice (services/supervision.ts
   * reassignTicket, which writes its own history and audit) — 'offer_sent' is marked `manual`.
   */
  decision?: {
    ranking: Ranking;
    weights: DispatchWeights;
    /** null: not counted (evaluatedWithinKm) */
    authorizedElsewhere: number | null;
    unauthorizedNearby: number | null;
    /** the agencies nearer than this only were ranked (none farther could do better); null: all of them */
    evaluatedWithinKm: number | null;
    excludedCounts: Partial<Record<ExclusionReason, number>>;
    score: number;
  };
}

/**
 * THE offer writer, for the engine and for a supervisor's choice alike, inside the caller's transaction (the
 * ticket locked, in `new` or `dispatching`): the deadline in the agency's working minutes (core/working-time.ts),
 * then ONE statement writing the offer (attempt = offers so far + 1), the stored decision (engine only), the
 * ticket in `dispatching` and out of the supervisor queue, its history rows (status change first when it was
 * `new`, then 'offer_sent'), the audit row (engine only), the agency's SMS with its send job (services/outbox.ts
 * smsOutboxCtes: purpose 'dispatch_offer', the ticket page's name for it, app/components/TicketDetail.tsx
 * SMS_PURPOSES) and the offer's deadline job (services/offers.ts scheduleOfferDeadline's job: offer__expire,
 * key offer:<id>).
 *
 * The statement writes nothing and this returns null when the agency is no longer active or has no room left
 * (dispatch_offer_allowed, migration 2026_12_08_100000): the caller's ranking read it in an earlier statement,
 * and another decision may have taken its last place since. The check runs under a per-agency lock held to
 * commit, so two decisions never both take that place; the caller ranks again (its next statement sees the
 * other decision's offer) or refuses.
 */
export async function offerTicketToAgencyInTrx(
  trx: Transaction<Database>,
  actor: Actor,
  o: OfferToAgency,
  opts: DispatchOptions = {},
): Promise<{ offerId: number; deadlineAt: Date; decisionId: number | null } | null> {
  const { ticket, agency, now, decision } = o;
  // the agency's working minutes on the working-day clock (issue 15 §2: its weekly hours, Fridays and official
  // holidays off unless it is open around the clock): an offer sent at 16:55 on a Wednesday is due Thursday morning
  const calendar = (o.calendarOf ?? (await workingCalendars(trx)).of)(agency.workingHours);
  const deadlineAt = addWorkingMinutes(now, dispatchSettings(opts).offerMinutes, calendar);
  const attempt = ticket.priorOffers + 1;
  const links = opts.links ?? processLinks();
  const smsBody = agency.mobile
    ? renderSmsWith("agency_offer", ticket.offerSmsOverride, {
        agency_name: agency.name,
        ticket_number: ticket.number,
        city: ticket.city ?? "",
        deadline: offerDeadlineText(deadlineAt, now),
        portal_link: `${links.baseUrl}/agency`,
      })
    : null;
  const wasNew = ticket.status === "new";
  if (wasNew) assertTransition("new", "dispatching", ticket.type);
  const offerSent = {
    agency_id: agency.agencyId,
    agency_code: agency.code,
    attempt,
    deadline_at: deadlineAt.toISOString(),
    ...(decision
      ? {
          score: decision.score,
          top: decision.ranking.ranked.slice(0, HISTORY_TOP).map((c) => ({ agency_id: c.agencyId, code: c.code, score: c.score, components: c.components })),
          excluded: decision.excludedCounts,
          unauthorized_nearby: decision.unauthorizedNearby,
          ...(decision.evaluatedWithinKm !== null ? { evaluated_within_km: Math.round(decision.evaluatedWithinKm * 1000) / 1000 } : {}),
        }
      : { manual: true }),
  };
  const auditDetails = decision ? { agencyId: agency.agencyId, attempt, score: decision.score, deadlineAt: deadlineAt.toISOString() } : null;
  // a named statement (db/prepared.ts): its handful of shapes (engine or supervisor, with or without an SMS) are
  // parsed and planned once per connection instead of on every offer
  const rows = await executePrepared(trx, sql<{ offer_id: number; decision_id: number | null; jobs: number }>`
    with offer as (
      insert into dispatch_offers (ticket_id, agency_id, attempt, status, offered_at, deadline_at)
      select ${ticket.id}, ${agency.agencyId}, ${attempt}, 'pending', ${now}::timestamptz, ${deadlineAt}::timestamptz
      where dispatch_offer_allowed(${agency.agencyId}::bigint, ${o.capacity}::int, ${now}::timestamptz, ${LOAD_STATUSES}::text[])
      returning id
    ), decision as (${
      decision
        ? sql`
      insert into dispatch_decisions (ticket_id, offer_id, at, outcome, hold_reason, ranked, excluded, weights, authorized_elsewhere, unauthorized_nearby, evaluated_within_km)
      select ${ticket.id}, offer.id, ${now}::timestamptz, 'offered', null, ${JSON.stringify(decision.ranking.ranked)}::jsonb,
             ${JSON.stringify(decision.ranking.excluded)}::jsonb, ${JSON.stringify(decision.weights)}::jsonb,
             ${decision.authorizedElsewhere}::int, ${decision.unauthorizedNearby}::int, ${decision.evaluatedWithinKm}::float8
      from offer
      returning id`
        : sql`
      select null::bigint as id`
    }
    ), upd as (
      update tickets set status = 'dispatching', updated_at = ${now}::timestamptz, dispatch_held_at = null, dispatch_hold_reason = null
      where id = ${ticket.id} and exists (select 1 from offer)
      returning id
    ), ev as (
      insert into ticket_events (ticket_id, at, actor_kind, actor_user_id, actor_label, event_type, from_status, to_status, data)
      select ${ticket.id}, ${now}::timestamptz, ${actor.kind}, ${actor.userId ?? null}::bigint, ${actor.label ?? null}, e.type, e.from_status, e.to_status, e.data
      from offer cross join decision cross join lateral (values
        (1, 'status_changed', 'new', 'dispatching', jsonb_build_object('cause', 'offer_sent', 'offer_id', offer.id)),
        (2, 'offer_sent', null, null, ${JSON.stringify(offerSent)}::jsonb || jsonb_build_object('offer_id', offer.id)
           || case when decision.id is null then '{}'::jsonb else jsonb_build_object('decision_id', decision.id) end)
      ) as e(ord, type, from_status, to_status, data)
      where e.ord = 2 or ${wasNew}
      order by e.ord
      returning id
    )${
      auditDetails
        ? sql`, audit as (
      insert into audit_log (actor_user_id, action, entity_type, entity_id, ip, details)
      select ${actor.userId ?? null}::bigint, 'dispatch.offer', 'ticket', ${String(ticket.id)}::text, ${actor.ip ?? null},
             ${JSON.stringify(auditDetails)}::jsonb || jsonb_build_object('offerId', offer.id, 'decisionId', decision.id)
      from offer cross join decision
    )`
        : sql``
    }${
      smsBody !== null && agency.mobile
        ? sql`, ${smsOutboxCtes({ receptor: agency.mobile, body: smsBody, purpose: DISPATCH_OFFER_SMS_PURPOSE, agencyId: agency.agencyId, now }, { ticketIdOf: "upd" })}`
        : sql``
    }, deadline_job as (
      select (graphile_worker.add_job(${OFFER_EXPIRE_TASK}, json_build_object('offerId', offer.id), run_at := ${deadlineAt}::timestamptz,
              job_key := 'offer:' || offer.id, job_key_mode := 'replace', max_attempts := 10)).id as job_id
      from offer
    )
    select offer.id as offer_id, decision.id as decision_id,
           (select count(*)::int from deadline_job) ${smsBody !== null ? sql`+ (select count(*)::int from sms_job)` : sql``} as jobs
           ${opts.asyncCommit ? sql`, set_config('synchronous_commit', 'off', true) as commit_mode` : sql``}
    from offer cross join decision`.compile(trx));
  const row = rows[0];
  return row ? { offerId: row.offer_id, deadlineAt, decisionId: row.decision_id } : null;
}

/**
 * The OfferLapsedHandler that sends the ticket on: an offer expired (offer__expire) or was declined
 * (services/agency-offers.ts rejectOffer's `onDeclined`) while the ticket waited on it (`dispatching`) →
 * the next candidate, agencies already offered excluded, in the same transaction; nobody left → held
 * ('offers_exhausted' or whatever every remaining agency fails). A ticket no longer waiting is left alone.
 */
export function offerNextCandidateWith(opts: DispatchOptions = {}): OfferLapsedHandler {
  return async (trx, lapsed) => {
    if (lapsed.ticketStatus !== "dispatching" && lapsed.ticketStatus !== "new") return;
    if (!isDispatchedType(lapsed.ticketType)) return;
    await dispatchTicketInTrx(trx, DISPATCH_ACTOR, { ticketId: lapsed.ticketId }, { ...opts, now: opts.now ?? lapsed.now });
  };
}

/** offerNextCandidateWith() with the process's configuration. */
export const offerNextCandidate: OfferLapsedHandler = (trx, lapsed) => offerNextCandidateWith()(trx, lapsed);

/** Same handler, named for the reject path (services/agency-offers.ts rejectOffer's onDeclined). */
export const declineToNextCandidate: OfferLapsedHandler = offerNextCandidate;

export class DispatchDecisionForbiddenError extends Error {
  constructor() {
    super("dispatch decisions are staff data");
  }
}

/**
 * The latest stored decision of a ticket ("why this agency"): staff scope 'all' only; an agency's scope
 * never sees it (undefined for both "no decision" and "not yours" would leak nothing either, but an agency
 * asking is a programming error: it throws).
 */
export async function dispatchDecision(db: DB, scope: DataScope, ticketId: number): Promise<StoredDecision | undefined> {
  if (scope.kind !== "all") throw new DispatchDecisionForbiddenError();
  return latestDecision(db, ticketId);
}
