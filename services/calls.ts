import { randomUUID } from "node:crypto";
import { sql, type CompiledQuery, type ExpressionBuilder, type InferResult, type RawBuilder, type Transaction } from "kysely";
import { jsonArrayFrom } from "kysely/helpers/postgres";
import { chooseOperator, planOffers, shareOfPlan, type AcdCandidate, type WaitingCall, type WaitingCallback } from "../core/acd";
import {
  attemptOutcomeForCause,
  DESK_EVENTS_CHANNEL,
  LIVE_CALL_STATES,
  type AttemptOutcome,
  type CallDisposition,
  type CallQueue,
  type DeskEvent,
  type IvrChoice,
  type OperatorPresence,
} from "../core/call";
import { CALL_CENTRE_CHANNEL } from "../core/call-kpis";
import { normalizeIranMobile, toLatinDigits } from "../core/phone";
import type { DB } from "../db/connection";
import { executePrepared } from "../db/prepared";
import { writeAudit } from "../db/repos/audit";
import { TELEPHONY_HEARTBEAT_STALE_SECONDS } from "../db/repos/telephony";
import type { Database } from "../db/schema";
import type { StoredRecordingInfo } from "../platform/recording-store";
import type { Actor } from "./actor";

/**
 * The call centre's business actions, one transaction each. The telephony shell calls them for every change
 * of a call (and the web for click-to-dial); the state they keep — the call's phase, the queue, who is
 * ringing — lives here in PostgreSQL, so any telephony process and any web process see the same facts.
 *
 * Real-time events for the desk are sent with `pg_notify` inside the transaction: PostgreSQL delivers a
 * NOTIFY on commit and drops it on rollback, so the desk is never told about a change that did not happen.
 * Payloads carry ids only (core/call.ts DeskEvent); the desk loads the rest with its own data scope.
 *
 * The statements of every call's life (enqueueCall, the ACD's read and write, attemptAnswered, attemptEnded,
 * callEnded) run as named statements (db/prepared.ts executePrepared): parsed once per connection, and planned
 * once when PostgreSQL settles on a generic plan. Each finds its rows by key or by states written as literals,
 * so the generic plan is the one for the values (tests/integration/telephony-acd-plan.test.ts checks the read).
 */

type Tx = Transaction<Database>;

/**
 * Commands for the telephony processes (LISTEN telephony_commands): `dial` a queued outbound call; `acd` the named
 * process runs its ACD now (another process left a free operator to that process's older caller); `survey` place a
 * queued automated follow-up call (services/satisfaction.ts).
 */
export const TELEPHONY_COMMANDS_CHANNEL = "telephony_commands";
export type TelephonyCommand = { type: "dial"; callId: number } | { type: "acd"; nodeId: string } | { type: "survey"; callId: number };

export function parseTelephonyCommand(payload: string): TelephonyCommand | null {
  try {
    const v = JSON.parse(payload) as Record<string, unknown>;
    if (v && v.type === "dial" && typeof v.callId === "number") return { type: "dial", callId: v.callId };
    if (v && v.type === "acd" && typeof v.nodeId === "string") return { type: "acd", nodeId: v.nodeId };
    if (v && v.type === "survey" && typeof v.callId === "number") return { type: "survey", callId: v.callId };
  } catch {
    /* not ours */
  }
  return null;
}

async function notifyDesk(trx: Tx, event: DeskEvent): Promise<void> {
  await sql`select pg_notify(${DESK_EVENTS_CHANNEL}, ${JSON.stringify(event)})`.execute(trx);
}

async function notifyTelephony(trx: Tx, command: TelephonyCommand): Promise<void> {
  await sql`select pg_notify(${TELEPHONY_COMMANDS_CHANNEL}, ${JSON.stringify(command)})`.execute(trx);
}

/** The database's clock: every timestamp of one call comes from one clock, whichever host writes it. */
async function dbNow(trx: Tx): Promise<Date> {
  const { rows } = await sql<{ now: Date }>`select now() as now`.execute(trx);
  return rows[0]!.now;
}

/** The transaction's time (now()) as Date#toISOString writes it, for the desk events written in SQL. */
const isoNowSql = sql<string>`to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * core/call.ts secondsBetween in SQL: whole seconds, rounded, never negative, null without a start; on the
 * millisecond values JavaScript would have read (node-pg's dates drop the microseconds).
 */
function secondsBetweenSql(from: RawBuilder<Date | null>, to: RawBuilder<Date>) {
  return sql<number | null>`case when ${from} is null then null
    else greatest(0, round(extract(epoch from date_trunc('milliseconds', ${to}) - date_trunc('milliseconds', ${from}))))::int end`;
}

function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const e = error as { code?: string; constraint?: string };
  return e?.code === "23505" && (constraint === undefined || e.constraint === constraint);
}

/** A channel id chosen before the originate, so the row naming it exists before any event about it. */
export function newChannelId(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}

/** A number as dialled/received: Iranian mobiles in the +98 form, anything else as its digits (and a leading +). */
export function normalizeNumber(input: string | null | undefined): string | null {
  if (!input) return null;
  const mobile = normalizeIranMobile(input);
  if (mobile) return mobile;
  const latin = toLatinDigits(input).replace(/[\s\-().\u200c]/g, "");
  return /^\+?[0-9*#]{1,32}$/.test(latin) ? latin : null;
}

/**
 * The number to dial on the trunk: an Iranian mobile kept as +989… is dialled in its national form 09…,
 * as Iranian trunks expect; other numbers as stored.
 */
export function dialableNumber(stored: string): string {
  return /^\+989\d{9}$/.test(stored) ? `0${stored.slice(3)}` : stored;
}

// ---------------------------------------------------------------------------------------------------------
// inbound calls

export interface InboundCallInput {
  channelId: string;
  callerNumber: string | null;
  calledNumber: string | null;
  /** the telephony process that received the StasisStart and handles the call */
  nodeId: string;
}

/**
 * A caller reached the app (StasisStart): the call-detail record starts in the IVR phase, with the caller
 * matched to a customer by mobile. A repeated StasisStart for the same channel returns the same call.
 */
export async function startInboundCall(db: DB, input: InboundCallInput): Promise<{ callId: number; customerId: number | null }> {
  const caller = normalizeNumber(input.callerNumber) ?? input.callerNumber;
  const called = normalizeNumber(input.calledNumber) ?? input.calledNumber;
  // One statement (the StasisStart is on the screen-pop's clock): the customer looked up by mobile, the row
  // inserted unless this channel already has one, and that one returned otherwise. The customer is found
  // through indexes: customers_mobile_idx, and customers_other_phones_idx (GIN) for `other_phones @> array[…]`
  // (the same match as `= any(other_phones)`, which no index serves).
  const { rows } = await sql<{ id: number | string; customer_id: number | string | null }>`
    with existing as (
      select id, customer_id from calls where channel_id = ${input.channelId}
    ), customer as (
      select id from customers
      where ${caller}::text is not null and (mobile = ${caller} or other_phones @> array[${caller}::text])
      order by updated_at desc limit 1
    ), ins as (
      insert into calls (channel_id, direction, caller_number, called_number, customer_id, state, node_id)
      select ${input.channelId}, 'inbound', ${caller}, ${called}, (select id from customer), 'ivr', ${input.nodeId}
      where not exists (select 1 from existing)
      on conflict (channel_id) do nothing
      returning id, customer_id
    )
    select id, customer_id from ins union all select id, customer_id from existing`.execute(db);
  const row = rows[0] ?? (await db.selectFrom("calls").select(["id", "customer_id"]).where("channel_id", "=", input.channelId).executeTakeFirstOrThrow());
  return { callId: Number(row.id), customerId: row.customer_id === null ? null : Number(row.customer_id) };
}

/** The caller's menu choice (and, for a follow-up, the ticket number they keyed). */
export async function recordIvrChoice(db: DB, callId: number, input: { choice: IvrChoice; keyedTicketNumber?: number | null }) {
  const res = await db
    .updateTable("calls")
    .set({ ivr_choice: input.choice, queue: input.choice, keyed_ticket_number: input.keyedTicketNumber ?? null })
    .where("id", "=", callId)
    .where("state", "=", "ivr")
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/**
 * The caller waits in the holding bridge: their place in the queue is now. With the IVR's `choice` (and a
 * follow-up's keyed ticket number) the choice is recorded in the same statement (recordIvrChoice's columns);
 * without it the queue is what was recorded before, or breakdown. The supervisors' wall hears of it on commit.
 * Null when the call has ended (or is no longer in the IVR).
 */
export async function enqueueCall(
  db: DB,
  callId: number,
  input: { holdingBridgeId: string; choice?: IvrChoice; keyedTicketNumber?: number | null },
): Promise<{ enqueuedAt: Date } | null> {
  const choice = input.choice ?? null;
  const rows = await executePrepared(db, sql<{ enqueued_at: Date }>`
    with queued as (
      update calls set
        state = 'queued',
        enqueued_at = coalesce(enqueued_at, now()),
        holding_bridge_id = ${input.holdingBridgeId},
        queue = coalesce(${choice}::text, queue, 'breakdown'),
        ivr_choice = coalesce(${choice}::text, ivr_choice, 'breakdown'),
        keyed_ticket_number = case when ${choice}::text is null then keyed_ticket_number else ${input.keyedTicketNumber ?? null}::bigint end
      where id = ${callId} and state = 'ivr'
      returning id, enqueued_at
    )
    -- the supervisor's wall: a caller is waiting
    select enqueued_at, pg_notify(${CALL_CENTRE_CHANNEL}, id::text) from queued`.compile(db));
  const row = rows[0];
  return row?.enqueued_at ? { enqueuedAt: row.enqueued_at } : null;
}

// ---------------------------------------------------------------------------------------------------------
// ACD

/** Every operator with what the ACD needs: presence, skills, whether they are ringing or on a call. */
function acdCandidatesQuery(trx: Tx | DB) {
  return trx
    .selectFrom("operators as o")
    .innerJoin("users as u", "u.id", "o.user_id")
    .where("u.active", "=", true)
    .select((eb) => [
      "o.user_id",
      "o.extension",
      "o.presence",
      "o.skills",
      sql<Date | null>`greatest(o.presence_since, o.last_call_ended_at)`.as("idle_since"),
      eb
        .or([
          eb.exists(
            eb.selectFrom("call_attempts as a").select(sql`1`.as("one")).whereRef("a.operator_user_id", "=", "o.user_id").where("a.outcome", "=", "ringing"),
          ),
          eb.exists(
            eb
              .selectFrom("calls as c")
              .select(sql`1`.as("one"))
              .whereRef("c.operator_user_id", "=", "o.user_id")
              .where("c.state", "<>", "ended")
              .where((w) => w.or([w("c.direction", "=", "outbound"), w("c.state", "=", "connected")])),
          ),
        ])
        .as("busy"),
    ]);
}

type CandidateRow = { user_id: number; extension: string; presence: OperatorPresence; skills: string[]; idle_since: Date | string | null; busy: unknown };

function toCandidate(r: CandidateRow): AcdCandidate & { extension: string } {
  return { userId: r.user_id, extension: r.extension, presence: r.presence, skills: r.skills, busy: Boolean(r.busy), idleSince: r.idle_since };
}

async function acdCandidates(trx: Tx | DB): Promise<(AcdCandidate & { extension: string })[]> {
  return (await acdCandidatesQuery(trx).execute()).map(toCandidate);
}

export interface Offer {
  attemptId: number;
  callId: number;
  operatorUserId: number;
  extension: string;
  /** the channel id to originate the operator's leg with */
  channelId: string;
  /** the caller's number, shown on the operator's phone */
  callerNumber: string | null;
}

export interface OfferRound {
  /** the calls whose operators are now ringing (committed; the desk's call_offered is on its way) */
  offers: Offer[];
  /** waiting call-backs that have a free operator now, in place order: assign each with assignCallback */
  callbacks: number[];
  /** planned offers that another writer got to first (its operator started ringing meanwhile): read again */
  lost: number;
  /** the other processes woken (telephony_commands `acd`): the plan gave an operator to one of their callers */
  wake: string[];
}

/**
 * The ACD's decisions are written one at a time across every telephony process: each takes this
 * transaction-scoped advisory lock before it writes (released at commit, or when the deciding process's
 * connection dies), and so waits for a decision in flight and checks its offers against what that one wrote.
 */
export const ACD_LOCK_KEY = 7_411_220_011;

/** A telephony process whose callers count in the queue: not stopped, a recent heartbeat, connected to Asterisk. */
function liveTelephonyNodes(eb: ExpressionBuilder<Database, never>) {
  return eb
    .selectFrom("telephony_nodes as n")
    .select("n.node_id")
    .where("n.stopped_at", "is", null)
    .where("n.connected", "=", true)
    .where("n.heartbeat_at", ">", sql<Date>`now() - make_interval(secs => ${TELEPHONY_HEARTBEAT_STALE_SECONDS})`);
}

/**
 * Stand-ins for readAcdFacts' values while its query is built (once): each is a parameter of the compiled
 * statement, found by identity and replaced by the round's value. Only these change from round to round.
 */
const ACD_NODE = { acdParam: "nodeId" } as unknown as string;
const ACD_OWN_IDS = { acdParam: "ownIds" } as unknown as number[];
const ACD_WITH_CALLBACKS = { acdParam: "withCallbacks" } as unknown as boolean;

/**
 * Everything the ACD's choice needs, in one statement: the callers waiting in the queue at every live process
 * (and at this one) with the operators tried for each, the waiting call-backs, the operators.
 */
function acdFactsQuery(q: Tx | DB) {
  return q.selectNoFrom((eb) => [
    jsonArrayFrom(
      eb
        .selectFrom("calls as c")
        .select((e) => [
          "c.id",
          "c.queue",
          "c.node_id",
          "c.enqueued_at",
          "c.caller_number",
          e
            .selectFrom("call_attempts as a")
            .select(sql<number[]>`coalesce(array_agg(a.operator_user_id), '{}')`.as("ids"))
            .whereRef("a.call_id", "=", "c.id")
            .where("a.outcome", "<>", "ringing")
            .as("tried"),
        ])
        .where("c.state", "=", "queued")
        .where((w) =>
          w.or([
            w("c.id", "=", w.fn.any(sql<number[]>`${ACD_OWN_IDS}::bigint[]`)),
            w.and([
              w("c.direction", "=", "inbound"),
              w.or([w("c.node_id", "=", sql<string>`${ACD_NODE}::text`), w("c.node_id", "in", liveTelephonyNodes(eb))]),
              // a caller who asked to be called back waits as their call-back
              w.not(w.exists(w.selectFrom("call_callbacks as cb").select(sql`1`.as("one")).whereRef("cb.call_id", "=", "c.id"))),
            ]),
          ]),
        )
        .orderBy("c.enqueued_at")
        .orderBy("c.id")
        .limit(500),
    ).as("calls"),
    jsonArrayFrom(
      eb
        .selectFrom("call_callbacks")
        .select(["id", "queue", "place_at"])
        .where("status", "=", "waiting")
        .where(sql<boolean>`${ACD_WITH_CALLBACKS}::boolean`)
        .orderBy("place_at")
        .limit(500),
    ).as("callbacks"),
    jsonArrayFrom(acdCandidatesQuery(q)).as("candidates"),
  ]);
}

type AcdFacts = InferResult<ReturnType<typeof acdFactsQuery>>[number];

/**
 * The ACD's read is the same statement every round but for three values: its query is built and compiled once
 * (Kysely's building and compiling showed in the telephony shell's profile) and its values put in place each
 * round. It runs as a named statement (db/prepared.ts): parsed once per connection and, after five custom
 * plans, planned once; its plan does not depend on the values (the queue's rows are found by the literal
 * state, the process and the ids are only compared), tests/integration/telephony-acd.test.ts checks the
 * generic plan.
 */
let acdFactsCompiled: CompiledQuery<AcdFacts> | null = null;

/**
 * The compiled query with every parameter but the stand-ins written into its text as a literal (Kysely makes
 * each value a parameter, 'queued' and 'ended' too; a generic plan would not know them and could not use the
 * partial index on live calls, calls_live_idx), the stand-ins renumbered $1, $2, … in order.
 */
function inlineConstants<R>(compiled: CompiledQuery<R>, keep: readonly unknown[]): CompiledQuery<R> {
  const kept: unknown[] = [];
  const literal = (v: unknown): string => {
    if (typeof v === "string") return `'${v.replace(/'/g, "''")}'`;
    if (typeof v === "number" && Number.isFinite(v)) return String(v);
    if (typeof v === "boolean") return v ? "true" : "false";
    throw new Error(`inlineConstants: cannot write ${typeof v} as a literal`);
  };
  const text = compiled.sql.replace(/\$(\d+)/g, (_, n: string) => {
    const value = compiled.parameters[Number(n) - 1];
    if (!keep.includes(value)) return literal(value);
    if (!kept.includes(value)) kept.push(value);
    return `$${kept.indexOf(value) + 1}`;
  });
  return { ...compiled, sql: text, parameters: kept };
}

export function acdFactsStatement(db: DB | Tx, nodeId: string, ownIds: readonly number[], withCallbacks: boolean): CompiledQuery<AcdFacts> {
  acdFactsCompiled ??= inlineConstants(acdFactsQuery(db).compile(), [ACD_NODE, ACD_OWN_IDS, ACD_WITH_CALLBACKS]);
  const parameters = acdFactsCompiled.parameters.map((p) =>
    p === ACD_NODE ? nodeId : p === ACD_OWN_IDS ? [...ownIds] : p === ACD_WITH_CALLBACKS ? withCallbacks : p,
  );
  return { ...acdFactsCompiled, parameters };
}

async function readAcdFacts(q: Tx | DB, nodeId: string, ownIds: readonly number[], withCallbacks: boolean): Promise<AcdFacts> {
  const rows = await executePrepared(q, acdFactsStatement(q, nodeId, ownIds, withCallbacks));
  return rows[0]!;
}

function planFromFacts(facts: AcdFacts, exclude: readonly number[] | undefined) {
  const items: (WaitingCall | WaitingCallback)[] = [
    ...facts.calls.map(
      (c): WaitingCall => ({ kind: "call", id: c.id, queue: (c.queue ?? "breakdown") as CallQueue, placeAt: c.enqueued_at ?? new Date(0), nodeId: c.node_id, tried: c.tried ?? [] }),
    ),
    ...facts.callbacks.map((c): WaitingCallback => ({ kind: "callback", id: c.id, queue: c.queue, placeAt: c.place_at })),
  ];
  const candidates = (facts.candidates as CandidateRow[]).map(toCandidate);
  return planOffers(items, candidates, exclude);
}

/**
 * The ACD step for everything waiting at once, decided for every telephony process alike. The choice of which
 * waiting caller gets a free operator is global — the oldest place in the queue wins, whichever process holds
 * the caller (core/acd.ts planOffers over the callers of every live process). A round is one read of the facts
 * (which ends most runs: nobody waiting, or nobody free) and, when the plan gives this process's callers
 * operators or leaves operators to callers of other processes, one statement that writes it — two round trips
 * and no transaction held open in between.
 *
 * The write is one decision at a time: it first takes the ACD's advisory lock (ACD_LOCK_KEY), so it waits for a
 * decision in flight (another process's write, assignCallback, a process dying in the middle of its claim),
 * and every offer in it is checked against the state as that decision left it: under each call's row lock (a
 * call no longer queued — another decision rang for it — is skipped) and the unique partial indexes on ringing
 * attempts (`on conflict do nothing`: an operator another decision rang meanwhile, or click-to-dial and survey
 * calls ringing operators outside the ACD). A decision committed after the read can only have taken waiting
 * callers and free operators away, never added any, and these checks see both: an offer that clashes with one
 * counts as `lost` and the caller reads again (as when the read was taken under the lock, which cost a
 * transaction of four more round trips). This process
 * writes the offers of its own waiting callers only (`callIds`: those in its holding bridges now, core
 * shareOfPlan): an operator the plan gives to a caller at another process is left free and that process is
 * woken in the same statement (`pg_notify('telephony_commands', {type:'acd', nodeId})`, delivered at commit);
 * it makes the same plan and rings. So a process rings an operator only for a caller who won them, and a
 * process that hears first of a free operator cannot take them for its own newer caller. The offers' ringing
 * attempts, the calls' state and the desk's call_offered NOTIFYs are in that statement too.
 */
export async function offerWaitingWork(
  db: DB,
  input: { nodeId: string; callIds: readonly number[]; callbacks?: boolean; exclude?: readonly number[] },
): Promise<OfferRound> {
  const ids = [...input.callIds];
  const withCallbacks = input.callbacks !== false;
  const none: OfferRound = { offers: [], callbacks: [], lost: 0, wake: [] };
  if (ids.length === 0 && !withCallbacks) return none;
  const facts = await readAcdFacts(db, input.nodeId, ids, withCallbacks);
  const plan = planFromFacts(facts, input.exclude);
  if (plan.offers.length === 0 && plan.callbacks.length === 0) return none;
  const { mine, wake } = shareOfPlan(plan, input.nodeId, ids);
  if (mine.length === 0 && wake.length === 0) return { offers: [], callbacks: plan.callbacks, lost: 0, wake };

  const callerNumber = new Map(facts.calls.map((c) => [c.id, c.caller_number]));
  const at = new Date().toISOString();
  const planned = mine.map((o) => ({
    callId: o.callId,
    operatorUserId: o.operator.userId,
    extension: (o.operator as AcdCandidate & { extension: string }).extension,
    channelId: newChannelId(`op-${o.callId}`),
    event: JSON.stringify({ type: "call_offered", operatorUserId: o.operator.userId, callId: o.callId, at } satisfies DeskEvent),
  }));
  const commands = wake.map((nodeId) => JSON.stringify({ type: "acd", nodeId } satisfies TelephonyCommand));
  // The lock is taken before anything else of the statement runs (an init plan every other part waits on).
  const rows = await executePrepared(db, sql<{ made: { id: number; call_id: number }[] | null }>`
    with acd_lock as materialized (
      select true as held, pg_advisory_xact_lock(${ACD_LOCK_KEY}::bigint) as lock
    ), input as (
      select * from unnest(
        ${planned.map((p) => p.callId)}::bigint[], ${planned.map((p) => p.operatorUserId)}::bigint[],
        ${planned.map((p) => p.channelId)}::text[], ${planned.map((p) => p.event)}::text[]
      ) as t(call_id, operator_user_id, channel_id, event)
      where (select held from acd_lock)
    ), locked as (
      select id from calls where id in (select call_id from input) and state = 'queued' order by id for update
    ), attempt as (
      insert into call_attempts (call_id, operator_user_id, channel_id)
      select i.call_id, i.operator_user_id, i.channel_id from input i where i.call_id in (select id from locked)
      on conflict do nothing
      returning id, call_id
    ), ringing as (
      update calls set state = 'ringing' where id in (select call_id from attempt)
    ), woken as (
      select pg_notify(${TELEPHONY_COMMANDS_CHANNEL}, c) from unnest(${commands}::text[]) as c
      where (select held from acd_lock)
    )
    select
      (select count(*) from woken) as woken,
      (select json_agg(json_build_object('id', attempt.id, 'call_id', attempt.call_id, 'notified', pg_notify(${DESK_EVENTS_CHANNEL}, input.event)::text))
        from attempt join input on input.call_id = attempt.call_id) as made`.compile(db));
  const made = new Map((rows[0]?.made ?? []).map((r) => [Number(r.call_id), Number(r.id)]));
  const offers: Offer[] = [];
  for (const p of planned) {
    const attemptId = made.get(p.callId);
    if (attemptId === undefined) continue;
    offers.push({ attemptId, callId: p.callId, operatorUserId: p.operatorUserId, extension: p.extension, channelId: p.channelId, callerNumber: callerNumber.get(p.callId) ?? null });
  }
  return { offers, callbacks: plan.callbacks, lost: planned.length - offers.length, wake };
}

/**
 * The ACD step for one waiting call (offerWaitingWork for that call alone, read again while another process
 * takes the operator it chose). Null when nobody can be rung (the caller keeps waiting, or an older caller
 * won the free operator) or the call is not queued.
 */
export async function offerToNextOperator(db: DB, callId: number, opts: { exclude?: readonly number[] } = {}): Promise<Offer | null> {
  const call = await db.selectFrom("calls").select(["node_id"]).where("id", "=", callId).executeTakeFirst();
  if (!call) return null;
  for (let round = 0; round < 20; round++) {
    const r = await offerWaitingWork(db, { nodeId: call.node_id ?? "", callIds: [callId], callbacks: false, exclude: opts.exclude });
    if (r.offers.length > 0) return r.offers[0]!;
    if (r.lost === 0) return null;
  }
  return null;
}

/**
 * Offers a telephony process made and could not see through because it died (no heartbeat for
 * TELEPHONY_HEARTBEAT_STALE_SECONDS, or stopped): the ringing attempts of its inbound calls are ended
 * (failed), so their operators are free for the callers of the live processes. Its callers themselves are no
 * longer in the queue (only live processes' callers are); the reconciliation after a (re)connection ends
 * them when Asterisk has dropped their channels. Returns the attempts ended.
 */
export async function reclaimDeadProcessOffers(db: DB): Promise<number[]> {
  const stale = await db
    .selectFrom("call_attempts as a")
    .innerJoin("calls as c", "c.id", "a.call_id")
    .select("a.id")
    .where("a.outcome", "=", "ringing")
    .where("c.direction", "=", "inbound")
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom("telephony_nodes as n")
            .select(sql`1`.as("one"))
            .whereRef("n.node_id", "=", "c.node_id")
            .where("n.stopped_at", "is", null)
            .where("n.heartbeat_at", ">", sql<Date>`now() - make_interval(secs => ${TELEPHONY_HEARTBEAT_STALE_SECONDS})`),
        ),
      ),
    )
    .execute();
  const ended: number[] = [];
  for (const a of stale) if (await attemptEnded(db, a.id, { outcome: "failed" })) ended.push(a.id);
  return ended;
}

export interface AnsweredAttempt {
  callId: number;
  operatorUserId: number;
  callerChannelId: string | null;
  holdingBridgeId: string | null;
}

/**
 * The operator picked up: the call is theirs. Null when it is too late (the caller hung up, or the attempt
 * was already ended): the operator's leg is then to be hung up.
 */
export async function attemptAnswered(
  db: DB,
  attemptId: number,
  input: { bridgeId: string; recordingName: string },
): Promise<AnsweredAttempt | null> {
  // One statement (it was a transaction of nine round trips): the call's row is locked first, as before, and
  // only while the call is still ringing; the attempt is answered only while it is still ringing (a concurrent
  // end of the attempt or the call wins: nothing is written and the operator's leg is hung up); the call is
  // connected to the operator, and the desk's call_connected goes out with the commit.
  const rows = await executePrepared(db, sql<{ id: number; operator_user_id: number; channel_id: string | null; holding_bridge_id: string | null }>`
    with the_call as (
      select c.id, c.enqueued_at, c.channel_id, c.holding_bridge_id
      from calls c
      where c.id = (select call_id from call_attempts where id = ${attemptId}) and c.state = 'ringing'
      for update
    ), attempt as (
      update call_attempts set outcome = 'answered', ended_at = now()
      where id = ${attemptId} and outcome = 'ringing' and call_id in (select id from the_call)
      returning call_id, operator_user_id, channel_id
    ), connected as (
      update calls set
        state = 'connected',
        operator_user_id = attempt.operator_user_id,
        answered_at = now(),
        wait_seconds = ${secondsBetweenSql(sql`the_call.enqueued_at`, sql`now()`)},
        bridge_id = ${input.bridgeId},
        operator_channel_id = attempt.channel_id,
        recording_name = ${input.recordingName}
      from attempt, the_call
      where calls.id = attempt.call_id and the_call.id = attempt.call_id
      returning calls.id, attempt.operator_user_id, the_call.channel_id, the_call.holding_bridge_id
    )
    select id, operator_user_id, channel_id, holding_bridge_id,
      pg_notify(${DESK_EVENTS_CHANNEL}, json_build_object('type', 'call_connected', 'operatorUserId', operator_user_id, 'callId', id, 'at', ${isoNowSql})::text)
    from connected`.compile(db));
  const row = rows[0];
  if (!row) return null;
  return { callId: Number(row.id), operatorUserId: Number(row.operator_user_id), callerChannelId: row.channel_id, holdingBridgeId: row.holding_bridge_id };
}

/**
 * An operator's phone stopped ringing without an answer (busy, rejected, no answer, failed): the attempt's
 * outcome comes from the hang-up cause, the call waits again. Null when the attempt had already ended.
 */
export async function attemptEnded(
  db: DB,
  attemptId: number,
  input: { cause?: number | null; outcome?: Exclude<AttemptOutcome, "ringing" | "answered"> },
): Promise<{ callId: number; operatorUserId: number; outcome: AttemptOutcome } | null> {
  // One statement (it was a transaction of six round trips): the attempt ends only while it is still ringing,
  // an inbound call that was ringing waits again, and the operator's desk hears of it on commit.
  const outcome = input.outcome ?? attemptOutcomeForCause(input.cause);
  const rows = await executePrepared(db, sql<{ call_id: number; operator_user_id: number }>`
    with attempt as (
      update call_attempts set outcome = ${outcome}, ended_at = now(), hangup_cause = ${input.cause ?? null}::int
      where id = ${attemptId} and outcome = 'ringing'
      returning call_id, operator_user_id
    ), requeued as (
      update calls set state = 'queued'
      where id in (select call_id from attempt) and state = 'ringing' and direction = 'inbound'
    )
    select call_id, operator_user_id,
      pg_notify(${DESK_EVENTS_CHANNEL}, json_build_object('type', 'call_withdrawn', 'operatorUserId', operator_user_id, 'callId', call_id, 'at', ${isoNowSql})::text)
    from attempt`.compile(db));
  const row = rows[0];
  return row ? { callId: Number(row.call_id), operatorUserId: Number(row.operator_user_id), outcome } : null;
}

export interface EndedCall {
  callId: number;
  disposition: CallDisposition;
  operatorUserId: number | null;
  /** channels of operators whose phones were still ringing for the call: hang them up */
  ringingChannelIds: string[];
  /** the other channels the call still held (caller, operator, customer): hang them up */
  channelIds: string[];
  bridgeIds: string[];
}

/**
 * The call is over: its call-detail record is completed (end time, talk or wait seconds, disposition,
 * cause), ringing attempts are cancelled, the operator's idle time starts now. The disposition, unless
 * given: answered when an operator talked to the caller; an inbound caller who asked to be called back was
 * missed; one who hung up while waiting abandoned the call; an outbound call nobody answered was missed.
 * A call-back's outbound call settles the call-back: done when answered; back to waiting (its place kept)
 * when the operator never answered their own phone; failed otherwise. Null when it had already ended.
 */
export async function callEnded(
  db: DB,
  callId: number,
  input: { cause?: number | null; disposition?: CallDisposition; operatorLegAnswered?: boolean } = {},
): Promise<EndedCall | null> {
  // One statement (it was a transaction of seven to eleven round trips): the call's row is locked and read
  // unless it has ended; its ringing attempts are cancelled; the call-detail record completed; the operator's
  // idle time starts; a call-back's call settles the call-back; and the NOTIFYs go out in the order the
  // transaction used to send them (a call_withdrawn per cancelled ring, the supervisors' wall, the operator's
  // call_ended), delivered on commit.
  const legAnswered = input.operatorLegAnswered === true;
  const rows = await executePrepared(db, sql<{
    disposition: CallDisposition;
    operator_user_id: number | null;
    channel_id: string | null;
    operator_channel_id: string | null;
    holding_bridge_id: string | null;
    bridge_id: string | null;
    ringing_channel_ids: string[] | null;
  }>`
    with the_call as (
      select c.id, c.answered_at, c.enqueued_at, c.operator_user_id, c.callback_id,
        c.channel_id, c.operator_channel_id, c.holding_bridge_id, c.bridge_id,
        coalesce(${input.disposition ?? null}::text, case
          when c.answered_at is not null then 'answered'
          when c.direction = 'outbound' then 'missed'
          when exists (select 1 from call_callbacks cb where cb.call_id = c.id) then 'missed'
          else 'abandoned' end) as disposition
      from calls c
      where c.id = ${callId} and c.state <> 'ended'
      for update of c
    ), cancelled as (
      update call_attempts set outcome = 'cancelled', ended_at = now()
      where call_id in (select id from the_call) and outcome = 'ringing'
      returning id, operator_user_id, channel_id
    ), ended as (
      update calls set
        state = 'ended',
        ended_at = now(),
        disposition = the_call.disposition,
        hangup_cause = ${input.cause ?? null}::int,
        talk_seconds = ${secondsBetweenSql(sql`the_call.answered_at`, sql`now()`)},
        wait_seconds = case when the_call.answered_at is not null then calls.wait_seconds
          else ${secondsBetweenSql(sql`the_call.enqueued_at`, sql`now()`)} end
      from the_call
      where calls.id = the_call.id
      returning calls.id
    ), operator_idle as (
      update operators set last_call_ended_at = now(), updated_at = now()
      where user_id = (select operator_user_id from the_call)
    ), callback_done as (
      update call_callbacks set status = 'done', done_at = now()
      from the_call
      where call_callbacks.id = the_call.callback_id and the_call.disposition = 'answered'
    ), callback_waits_again as (
      update call_callbacks set status = 'waiting', operator_user_id = null, outbound_call_id = null
      from the_call
      where call_callbacks.id = the_call.callback_id and the_call.disposition <> 'answered' and not ${legAnswered}
        and call_callbacks.status = 'dialing'
    ), callback_failed as (
      update call_callbacks set status = 'failed', done_at = now()
      from the_call
      where call_callbacks.id = the_call.callback_id and the_call.disposition <> 'answered' and ${legAnswered}
    ), events as (
      select 1 as n, cancelled.id as k, ${DESK_EVENTS_CHANNEL}::text as channel,
        json_build_object('type', 'call_withdrawn', 'operatorUserId', cancelled.operator_user_id, 'callId', ${callId}::bigint, 'at', ${isoNowSql})::text as payload
      from cancelled
      union all
      -- the supervisor's wall: a call left the queue or ended
      select 2, 0, ${CALL_CENTRE_CHANNEL}::text, ended.id::text from ended
      union all
      select 3, 0, ${DESK_EVENTS_CHANNEL}::text,
        json_build_object('type', 'call_ended', 'operatorUserId', the_call.operator_user_id, 'callId', the_call.id, 'at', ${isoNowSql})::text
      from the_call join ended on ended.id = the_call.id
      where the_call.operator_user_id is not null
    )
    select the_call.disposition, the_call.operator_user_id, the_call.channel_id, the_call.operator_channel_id,
      the_call.holding_bridge_id, the_call.bridge_id,
      (select array_agg(cancelled.channel_id order by cancelled.id) from cancelled where cancelled.channel_id is not null) as ringing_channel_ids,
      (select count(*) from (select pg_notify(e.channel, e.payload) from (select * from events order by n, k) e) sent) as notified
    from the_call`.compile(db));
  const call = rows[0];
  if (!call) return null;
  const channelIds = [call.channel_id, call.operator_channel_id].filter((c): c is string => c !== null);
  const bridgeIds = [call.holding_bridge_id, call.bridge_id].filter((b): b is string => b !== null);
  return {
    callId,
    disposition: call.disposition,
    operatorUserId: call.operator_user_id === null ? null : Number(call.operator_user_id),
    ringingChannelIds: call.ringing_channel_ids ?? [],
    channelIds,
    bridgeIds,
  };
}

// ---------------------------------------------------------------------------------------------------------
// call-backs

/**
 * A waiting caller pressed the call-back key: they keep their place (the time they joined the queue) and
 * are called back by the next free operator; the caller is then hung up politely. Null when the call is no
 * longer waiting. Asking twice is one request.
 */
export async function requestCallback(db: DB, callId: number): Promise<{ callbackId: number } | null> {
  return db.transaction().execute(async (trx) => {
    const call = await trx
      .selectFrom("calls")
      .select(["id", "state", "direction", "caller_number", "queue", "enqueued_at"])
      .where("id", "=", callId)
      .forUpdate()
      .executeTakeFirst();
    if (!call || call.direction !== "inbound" || !call.caller_number || !call.enqueued_at) return null;
    if (call.state !== "queued" && call.state !== "ringing") return null;
    const existing = await trx.selectFrom("call_callbacks").select("id").where("call_id", "=", callId).executeTakeFirst();
    if (existing) return { callbackId: existing.id };
    const row = await trx
      .insertInto("call_callbacks")
      .values({ call_id: callId, number: call.caller_number, queue: (call.queue ?? "breakdown") as CallQueue, place_at: call.enqueued_at })
      .returning("id")
      .executeTakeFirstOrThrow();
    return { callbackId: row.id };
  });
}

export interface OutboundDial {
  callId: number;
  attemptId: number;
  operatorUserId: number;
  extension: string;
  /** the operator leg's channel id (originate it with this id) */
  operatorChannelId: string;
  calledNumber: string;
}

/**
 * A waiting call-back goes to the longest-idle free operator with its skill as an outbound call handled
 * by this process: the operator's phone rings first (a ringing attempt, held to the same unique indexes as
 * inbound ringing), then the customer is dialled. Null when the call-back is taken or nobody is free.
 */
export async function assignCallback(db: DB, callbackId: number, nodeId: string): Promise<OutboundDial | null> {
  const exclude = new Set<number>();
  for (let round = 0; round < 20; round++) {
    try {
      return await db.transaction().execute(async (trx) => {
        // one ACD decision at a time across processes (offerWaitingWork)
        await sql`select pg_advisory_xact_lock(${ACD_LOCK_KEY}::bigint)`.execute(trx);
        const cb = await trx
          .selectFrom("call_callbacks as cb")
          .innerJoin("calls as c", "c.id", "cb.call_id")
          .select(["cb.id", "cb.status", "cb.number", "cb.queue", "c.customer_id", "c.ticket_id"])
          .where("cb.id", "=", callbackId)
          .forUpdate("cb")
          .skipLocked()
          .executeTakeFirst();
        if (!cb || cb.status !== "waiting") return null;
        const chosen = chooseOperator(await acdCandidates(trx), cb.queue, exclude) as (AcdCandidate & { extension: string }) | null;
        if (!chosen) return null;
        const operatorChannelId = newChannelId("cb");
        const call = await trx
          .insertInto("calls")
          .values({
            direction: "outbound",
            state: "ringing",
            called_number: cb.number,
            queue: cb.queue,
            operator_user_id: chosen.userId,
            operator_channel_id: operatorChannelId,
            customer_id: cb.customer_id,
            callback_id: cb.id,
            node_id: nodeId,
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        const attempt = await trx
          .insertInto("call_attempts")
          .values({ call_id: call.id, operator_user_id: chosen.userId, channel_id: operatorChannelId })
          .returning("id")
          .executeTakeFirstOrThrow();
        await trx
          .updateTable("call_callbacks")
          .set({ status: "dialing", operator_user_id: chosen.userId, outbound_call_id: call.id })
          .where("id", "=", cb.id)
          .execute();
        await notifyDesk(trx, { type: "callback_assigned", operatorUserId: chosen.userId, callbackId: cb.id, at: new Date().toISOString() });
        return {
          callId: call.id,
          attemptId: attempt.id,
          operatorUserId: chosen.userId,
          extension: chosen.extension,
          operatorChannelId,
          calledNumber: cb.number,
        };
      });
    } catch (error) {
      if (!isUniqueViolation(error, "call_attempts_ringing_operator_idx")) throw error;
      const busy = await db.selectFrom("call_attempts").select("operator_user_id").where("outcome", "=", "ringing").execute();
      for (const r of busy) exclude.add(r.operator_user_id);
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------
// outbound calls (click-to-dial and call-backs)

export class InvalidPhoneNumberError extends Error {
  constructor(readonly number: string) {
    super(`not a phone number: ${JSON.stringify(number)}`);
  }
}

export class NotAnOperatorError extends Error {
  constructor(readonly userId: number) {
    super(`user ${userId} has no phone extension`);
  }
}

/**
 * An operator asks, from a customer's or ticket's page, to call a number: an outbound call is recorded as
 * queued for the telephony processes (NOTIFY telephony_commands), which ring the operator's phone and then
 * the customer. The call is linked to the ticket it was placed from. Audited.
 */
export async function requestClickToDial(
  db: DB,
  actor: Extract<Actor, { userId: number }>,
  input: { number: string; ticketId?: number | null; customerId?: number | null },
): Promise<{ callId: number }> {
  const number = normalizeNumber(input.number);
  if (!number || !/^\+?[0-9]{3,20}$/.test(number)) throw new InvalidPhoneNumberError(input.number);
  return db.transaction().execute(async (trx) => {
    const operator = await trx.selectFrom("operators").select(["user_id", "extension"]).where("user_id", "=", actor.userId).executeTakeFirst();
    if (!operator) throw new NotAnOperatorError(actor.userId);
    let customerId = input.customerId ?? null;
    if (customerId === null) {
      const m = await trx.selectFrom("customers").select("id").where("mobile", "=", number).orderBy("updated_at", "desc").executeTakeFirst();
      customerId = m?.id ?? null;
    }
    const call = await trx
      .insertInto("calls")
      .values({
        direction: "outbound",
        state: "queued",
        caller_number: operator.extension,
        called_number: number,
        operator_user_id: actor.userId,
        created_by: actor.userId,
        customer_id: customerId,
        ticket_id: input.ticketId ?? null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    if (input.ticketId) {
      await trx.insertInto("ticket_calls").values({ ticket_id: input.ticketId, call_id: call.id, linked_by: actor.userId }).execute();
    }
    await writeAudit(trx, {
      actorUserId: actor.userId,
      action: "call.click_to_dial",
      entityType: "call",
      entityId: call.id,
      ip: actor.ip ?? null,
      details: { number, ...(input.ticketId ? { ticketId: input.ticketId } : {}) },
    });
    await notifyTelephony(trx, { type: "dial", callId: call.id });
    return { callId: call.id };
  });
}

/**
 * Queued click-to-dial calls no telephony process has taken yet (picked up on connect and by the sweep). Automated
 * follow-up calls (no operator) are services/satisfaction.ts's.
 */
export async function pendingOutboundCalls(db: DB): Promise<number[]> {
  const rows = await db
    .selectFrom("calls")
    .select("id")
    .where("state", "=", "queued")
    .where("direction", "=", "outbound")
    .where("node_id", "is", null)
    .where("operator_user_id", "is not", null)
    .orderBy("started_at")
    .limit(100)
    .execute();
  return rows.map((r) => r.id);
}

/**
 * A telephony process takes a queued click-to-dial call: it is now this process's, and the operator's phone
 * is to ring (a ringing attempt). Null when another process took it first. When the operator is already
 * ringing for another call, the outbound call fails at once.
 */
export async function claimOutboundCall(db: DB, callId: number, nodeId: string): Promise<OutboundDial | null> {
  try {
    return await db.transaction().execute(async (trx) => {
      const operatorChannelId = newChannelId("out");
      const call = await trx
        .updateTable("calls")
        .set({ node_id: nodeId, state: "ringing", operator_channel_id: operatorChannelId })
        .where("id", "=", callId)
        .where("state", "=", "queued")
        .where("direction", "=", "outbound")
        .where("node_id", "is", null)
        .where("operator_user_id", "is not", null)
        .returning(["id", "operator_user_id", "called_number"])
        .executeTakeFirst();
      if (!call || call.operator_user_id === null || !call.called_number) return null;
      const operator = await trx.selectFrom("operators").select("extension").where("user_id", "=", call.operator_user_id).executeTakeFirstOrThrow();
      const attempt = await trx
        .insertInto("call_attempts")
        .values({ call_id: call.id, operator_user_id: call.operator_user_id, channel_id: operatorChannelId })
        .returning("id")
        .executeTakeFirstOrThrow();
      return {
        callId: call.id,
        attemptId: attempt.id,
        operatorUserId: call.operator_user_id,
        extension: operator.extension,
        operatorChannelId,
        calledNumber: call.called_number,
      };
    });
  } catch (error) {
    if (!isUniqueViolation(error, "call_attempts_ringing_operator_idx")) throw error;
    await db
      .updateTable("calls")
      .set({ state: "ended", ended_at: sql<Date>`now()`, disposition: "failed" })
      .where("id", "=", callId)
      .where("state", "=", "queued")
      .execute();
    return null;
  }
}

/**
 * The operator answered their own phone for an outbound call: the customer is dialled next (on the channel
 * id returned). Null when the call is over meanwhile.
 */
export async function outboundOperatorAnswered(db: DB, attemptId: number): Promise<{ callId: number; customerChannelId: string; calledNumber: string } | null> {
  return db.transaction().execute(async (trx) => {
    const now = await dbNow(trx);
    const attempt = await trx
      .updateTable("call_attempts")
      .set({ outcome: "answered", ended_at: now })
      .where("id", "=", attemptId)
      .where("outcome", "=", "ringing")
      .returning(["call_id"])
      .executeTakeFirst();
    if (!attempt) return null;
    const customerChannelId = newChannelId("cust");
    const call = await trx
      .updateTable("calls")
      .set({ channel_id: customerChannelId })
      .where("id", "=", attempt.call_id)
      .where("state", "=", "ringing")
      .returning(["id", "called_number"])
      .executeTakeFirst();
    if (!call || !call.called_number) return null;
    return { callId: call.id, customerChannelId, calledNumber: call.called_number };
  });
}

/** The customer answered an outbound call: both talk in the (recorded) mixing bridge. */
export async function outboundConnected(db: DB, callId: number, input: { bridgeId: string; recordingName: string }): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const now = await dbNow(trx);
    const call = await trx
      .updateTable("calls")
      .set({ state: "connected", answered_at: now, bridge_id: input.bridgeId, recording_name: input.recordingName })
      .where("id", "=", callId)
      .where("state", "=", "ringing")
      .returning(["operator_user_id"])
      .executeTakeFirst();
    if (!call) return false;
    if (call.operator_user_id !== null) {
      await notifyDesk(trx, { type: "call_connected", operatorUserId: call.operator_user_id, callId, at: now.toISOString() });
    }
    return true;
  });
}

// ---------------------------------------------------------------------------------------------------------
// recordings

/**
 * The bridge recording of a call is downloaded and stored: the recordings row (storage key, size, SHA-256,
 * duration) belongs to the call, and so to every ticket the call is linked to (ticket_calls). Storing the
 * same key twice is one row. Null when no call has that recording name.
 */
export async function recordingStored(db: DB, recordingName: string, info: StoredRecordingInfo): Promise<{ callId: number; recordingId: number } | null> {
  // One statement (it was a transaction of seven round trips).
  const at = new Date().toISOString();
  const { rows } = await sql<{ call_id: number; recording_id: number }>`
    with the_call as (
      select id, operator_user_id from calls where recording_name = ${recordingName} limit 1
    ), existing as (
      select id from recordings where call_id = (select id from the_call) and storage_key = ${info.key} limit 1
    ), updated as (
      update recordings set format = ${info.format}, duration_seconds = ${info.durationSeconds}::int, size_bytes = ${info.sizeBytes}::bigint,
        checksum_sha256 = ${info.sha256}
      where id = (select id from existing)
      returning id
    ), inserted as (
      insert into recordings (call_id, storage_key, format, duration_seconds, size_bytes, checksum_sha256)
      select id, ${info.key}, ${info.format}, ${info.durationSeconds}::int, ${info.sizeBytes}::bigint, ${info.sha256}
      from the_call where not exists (select 1 from existing)
      returning id
    ), download_done as (
      -- a download the workers were retrying (services/recording-downloads.ts) is done
      update recording_downloads set status = 'done', last_error = null, updated_at = now()
      where call_id = (select id from the_call) and status <> 'done'
    )
    select the_call.id as call_id, coalesce((select id from updated), (select id from inserted)) as recording_id,
      (select count(*) from (
        select pg_notify(${DESK_EVENTS_CHANNEL}, json_build_object('type', 'recording_ready', 'operatorUserId', the_call.operator_user_id, 'callId', the_call.id, 'at', ${at}::text)::text)
        where the_call.operator_user_id is not null
      ) sent) as notified
    from the_call`.execute(db);
  const row = rows[0];
  return row ? { callId: Number(row.call_id), recordingId: Number(row.recording_id) } : null;
}

/** The call a bridge recording belongs to, and when the call started (for its storage key). */
export async function callForRecording(db: DB, recordingName: string): Promise<{ callId: number; startedAt: Date } | null> {
  const row = await db.selectFrom("calls").select(["id", "started_at"]).where("recording_name", "=", recordingName).executeTakeFirst();
  return row ? { callId: row.id, startedAt: row.started_at } : null;
}

// ---------------------------------------------------------------------------------------------------------
// after a reconnect

/**
 * After (re)connecting to Asterisk, calls whose channels Asterisk no longer has ended while nobody was
 * listening: each is ended now (answered if an operator had answered, abandoned for an inbound caller who
 * was still waiting, failed for an outbound call), and ringing attempts whose channel is gone are ended as
 * failed. Only this process's calls, and those of processes that stopped sending heartbeats, are looked at:
 * another live process may be connected to another Asterisk. Queued outbound calls nobody took yet have no
 * channel and are left alone, and so are calls started after `startedBefore` (take it, from the database's
 * clock, before listing the channels). Returns the ids of the calls ended.
 */
export async function reconcileLiveCalls(
  db: DB,
  liveChannelIds: readonly string[],
  opts: { nodeId?: string; staleAfterSeconds?: number; startedBefore?: Date } = {},
): Promise<number[]> {
  const live = new Set(liveChannelIds);
  const stale = opts.staleAfterSeconds ?? 30;
  let query = db
    .selectFrom("calls")
    .select(["id", "direction", "answered_at", "channel_id", "operator_channel_id", "state", "node_id"])
    .where("state", "in", LIVE_CALL_STATES)
    .where((eb) => eb.not(eb.and([eb("state", "=", "queued"), eb("direction", "=", "outbound"), eb("node_id", "is", null)])));
  // A call that started after the channel list was taken is not in it, and not gone.
  if (opts.startedBefore) query = query.where("started_at", "<", opts.startedBefore);
  if (opts.nodeId) {
    const nodeId = opts.nodeId;
    query = query.where((eb) =>
      eb.or([
        eb("node_id", "=", nodeId),
        eb("node_id", "is", null),
        eb(
          "node_id",
          "not in",
          eb
            .selectFrom("telephony_nodes")
            .select("node_id")
            .where("stopped_at", "is", null)
            .where("heartbeat_at", ">", sql<Date>`now() - make_interval(secs => ${stale})`),
        ),
      ]),
    );
  }
  const calls = await query.execute();
  const ended: number[] = [];
  for (const call of calls) {
    const channels = [call.channel_id, call.operator_channel_id].filter((c): c is string => c !== null);
    if (channels.some((c) => live.has(c))) {
      // The call lives on; end the ringing attempts whose phones stopped ringing meanwhile.
      const attempts = await db.selectFrom("call_attempts").select(["id", "channel_id"]).where("call_id", "=", call.id).where("outcome", "=", "ringing").execute();
      for (const a of attempts) if (!a.channel_id || !live.has(a.channel_id)) await attemptEnded(db, a.id, { outcome: "failed" });
      continue;
    }
    const disposition: CallDisposition = call.answered_at ? "answered" : call.direction === "inbound" ? "abandoned" : "failed";
    if (await callEnded(db, call.id, { disposition })) ended.push(call.id);
  }
  return ended;
}

// ---------------------------------------------------------------------------------------------------------
// telephony processes' health

export interface TelephonyNodeState {
  connected: boolean;
  lastError: string | null;
  lastConnectedAt: Date | null;
  reconnects: number;
}

/** Registers a telephony process (or renews its row) with its heartbeat. */
export async function registerTelephonyNode(db: DB, node: { nodeId: string; host: string; pid: number; ariUrl: string; ariApp: string }) {
  await db
    .insertInto("telephony_nodes")
    .values({ node_id: node.nodeId, host: node.host, pid: node.pid, ari_url: node.ariUrl, ari_app: node.ariApp })
    .onConflict((oc) => oc.column("node_id").doUpdateSet({ heartbeat_at: sql<Date>`now()`, stopped_at: null }))
    .execute();
}

/** The process's ARI connection state and a heartbeat. */
export async function reportTelephonyHealth(db: DB, nodeId: string, state: TelephonyNodeState & { lastErrorAt?: Date | null }) {
  await db
    .updateTable("telephony_nodes")
    .set({
      heartbeat_at: sql<Date>`now()`,
      connected: state.connected,
      last_error: state.lastError,
      last_error_at: state.lastErrorAt ?? null,
      last_connected_at: state.lastConnectedAt,
      reconnects: state.reconnects,
    })
    .where("node_id", "=", nodeId)
    .execute();
}

export async function telephonyNodeStopped(db: DB, nodeId: string) {
  await db.updateTable("telephony_nodes").set({ stopped_at: sql<Date>`now()`, connected: false }).where("node_id", "=", nodeId).execute();
}
