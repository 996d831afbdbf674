import { sql } from "kysely";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { DESK_EVENTS_CHANNEL } from "../../core/call";
import { CALL_CENTRE_CHANNEL } from "../../core/call-kpis";
import { connectionUrlOf, type DB } from "../../db/connection";
import {
  attemptAnswered,
  callEnded,
  claimOutboundCall,
  enqueueCall,
  offerToNextOperator,
  offerWaitingWork,
  reconcileLiveCalls,
  registerTelephonyNode,
  requestClickToDial,
  startInboundCall,
  InvalidPhoneNumberError,
  NotAnOperatorError,
} from "../../services/calls";
import { getTestDb } from "../support/db";
import { addOperator, waitFor } from "../support/telephony";

let db: DB;
let seq = 0;

beforeAll(async () => {
  db = await getTestDb();
  await registerTelephonyNode(db, { nodeId: "node-1", host: "h", pid: 1, ariUrl: "http://x", ariApp: "dispatch" });
});

async function queuedCall(caller = "09120000000") {
  const { callId } = await startInboundCall(db, { channelId: `ch-${++seq}`, callerNumber: caller, calledNumber: "1500", nodeId: "node-1" });
  await enqueueCall(db, callId, { holdingBridgeId: `hold-${seq}` });
  return callId;
}

/** Until some session of this database waits for a row lock. */
async function waitForLockWait() {
  for (let i = 0; i < 500; i++) {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`.execute(db);
    if (rows[0]!.n > 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("no session came to wait for the lock");
}

describe("call services on PostgreSQL", () => {
  it("matches the caller to a customer by mobile, in any digits", async () => {
    const c = await db.insertInto("customers").values({ full_name: "مریم احمدی", mobile: "+989121112233" }).returning("id").executeTakeFirstOrThrow();
    const { callId, customerId } = await startInboundCall(db, { channelId: "ch-match", callerNumber: "09121112233", calledNumber: "1500", nodeId: "node-1" });
    expect(customerId).toBe(c.id);
    // the same StasisStart again is the same call
    expect((await startInboundCall(db, { channelId: "ch-match", callerNumber: "09121112233", calledNumber: "1500", nodeId: "node-1" })).callId).toBe(callId);
  });

  it("two concurrent offers never ring one operator twice: the second call waits", async () => {
    await db.updateTable("operators").set({ presence: "offline" }).execute();
    const op = await addOperator(db, "9001");
    const [c1, c2] = [await queuedCall(), await queuedCall()];
    const offers = await Promise.all([offerToNextOperator(db, c1), offerToNextOperator(db, c2)]);
    const made = offers.filter((o) => o !== null);
    expect(made).toHaveLength(1);
    expect(made[0]!.operatorUserId).toBe(op);
    // the same call is never rung twice either
    expect(await offerToNextOperator(db, made[0]!.callId)).toBeNull();
    for (const c of [c1, c2]) await callEnded(db, c, { cause: 16 });
  });

  it("one ACD round rings an operator for every waiting call at once, each its own operator", async () => {
    await db.updateTable("operators").set({ presence: "offline" }).execute();
    const ops = [await addOperator(db, "9101"), await addOperator(db, "9102")];
    const calls = [await queuedCall(), await queuedCall(), await queuedCall()];
    const round = await offerWaitingWork(db, { nodeId: "node-1", callIds: calls, callbacks: false });
    expect(round.lost).toBe(0);
    // the two oldest callers, one operator each; the third waits
    expect(round.offers.map((o) => o.callId).sort()).toEqual(calls.slice(0, 2).sort());
    expect(round.offers.map((o) => o.operatorUserId).sort()).toEqual([...ops].sort());
    expect(round.offers.every((o) => o.callerNumber === "+989120000000")).toBe(true);
    const ringing = await db.selectFrom("call_attempts").select(["call_id", "operator_user_id"]).where("outcome", "=", "ringing").where("call_id", "in", calls).execute();
    expect(ringing).toHaveLength(2);
    const states = await db.selectFrom("calls").select(["id", "state"]).where("id", "in", calls).orderBy("id").execute();
    expect(states.map((c) => c.state)).toEqual(["ringing", "ringing", "queued"]);
    for (const c of calls) await callEnded(db, c, { cause: 16 });
  });

  it("concurrent ACD rounds over the same calls never ring one operator for two calls, nor one call twice", async () => {
    await db.updateTable("operators").set({ presence: "offline" }).execute();
    const ops = [await addOperator(db, "9201"), await addOperator(db, "9202"), await addOperator(db, "9203")];
    const calls: number[] = [];
    for (let i = 0; i < 5; i++) calls.push(await queuedCall());
    // six rounds at once, as six telephony processes would run them, over overlapping sets of calls
    const sets = [calls, calls.slice(1), calls.slice(0, 3), [...calls].reverse(), calls.slice(2), calls];
    const rounds = await Promise.all(sets.map((ids) => offerWaitingWork(db, { nodeId: "node-1", callIds: ids, callbacks: false })));
    const made = rounds.flatMap((r) => r.offers);
    const ringing = await db.selectFrom("call_attempts").select(["call_id", "operator_user_id"]).where("outcome", "=", "ringing").where("call_id", "in", calls).execute();
    expect(ringing).toHaveLength(made.length);
    expect(made.length).toBeLessThanOrEqual(ops.length);
    expect(made.length).toBeGreaterThan(0);
    expect(new Set(ringing.map((r) => r.operator_user_id)).size).toBe(ringing.length);
    expect(new Set(ringing.map((r) => r.call_id)).size).toBe(ringing.length);
    // whatever was lost to another round is offered by reading again, up to one call per operator
    for (let i = 0; i < 5; i++) {
      const r = await offerWaitingWork(db, { nodeId: "node-1", callIds: calls, callbacks: false });
      if (r.lost === 0) break;
    }
    const after = await db.selectFrom("call_attempts").select(["call_id", "operator_user_id"]).where("outcome", "=", "ringing").where("call_id", "in", calls).execute();
    expect(after).toHaveLength(ops.length);
    expect(new Set(after.map((r) => r.operator_user_id))).toEqual(new Set(ops));
    for (const c of calls) await callEnded(db, c, { cause: 16 });
  });

  it("an offer is never written for a call that ended between the round's read and its write", async () => {
    await db.updateTable("operators").set({ presence: "offline" }).execute();
    await addOperator(db, "9301");
    const callId = await queuedCall();
    // the caller's hang-up holds the call's row while the round reads (unlocked) and then waits to write
    let round: ReturnType<typeof offerWaitingWork> | undefined;
    await db.transaction().execute(async (trx) => {
      await trx.selectFrom("calls").select("id").where("id", "=", callId).forUpdate().execute();
      round = offerWaitingWork(db, { nodeId: "node-1", callIds: [callId], callbacks: false });
      await waitForLockWait();
      await trx.updateTable("calls").set({ state: "ended", ended_at: new Date(), disposition: "abandoned" }).where("id", "=", callId).execute();
    });
    expect((await round!).offers).toEqual([]);
    expect(await db.selectFrom("call_attempts").select("id").where("call_id", "=", callId).execute()).toEqual([]);
  });

  it("a waiting caller hanging up: abandoned, the ringing attempt cancelled, ending twice is a no-op", async () => {
    await db.updateTable("operators").set({ presence: "offline" }).execute();
    await addOperator(db, "9002");
    const callId = await queuedCall("09123334455");
    const offer = (await offerToNextOperator(db, callId))!;
    const ended = (await callEnded(db, callId, { cause: 16 }))!;
    expect(ended.disposition).toBe("abandoned");
    expect(ended.ringingChannelIds).toEqual([offer.channelId]);
    const attempt = await db.selectFrom("call_attempts").select("outcome").where("id", "=", offer.attemptId).executeTakeFirstOrThrow();
    expect(attempt.outcome).toBe("cancelled");
    expect(await callEnded(db, callId)).toBeNull();
  });

  it("an answer and an end, one statement each, write the call-detail record and send the desk's events in order on commit", async () => {
    await db.updateTable("operators").set({ presence: "offline" }).execute();
    const op = await addOperator(db, "9401");
    const listener = new pg.Client({ connectionString: connectionUrlOf(db)! });
    await listener.connect();
    const heard: [string, Record<string, unknown> | string][] = [];
    listener.on("notification", (n) => heard.push([n.channel, n.channel === DESK_EVENTS_CHANNEL ? (JSON.parse(n.payload!) as Record<string, unknown>) : n.payload!]));
    await listener.query(`listen ${DESK_EVENTS_CHANNEL}; listen ${CALL_CENTRE_CHANNEL}`);
    try {
      // an inbound caller: queued (the wall hears of it), offered, answered, then hangs up
      const callId = await queuedCall("09124445566");
      const offer = (await offerToNextOperator(db, callId))!;
      const answered = await attemptAnswered(db, offer.attemptId, { bridgeId: "mix-1", recordingName: "call-1" });
      expect(answered).toEqual({ callId, operatorUserId: op, callerChannelId: `ch-${seq}`, holdingBridgeId: `hold-${seq}` });
      // too late twice: the attempt is no longer ringing
      expect(await attemptAnswered(db, offer.attemptId, { bridgeId: "mix-2", recordingName: "call-2" })).toBeNull();
      const ended = (await callEnded(db, callId, { cause: 16 }))!;
      expect(ended).toEqual({ callId, disposition: "answered", operatorUserId: op, ringingChannelIds: [], channelIds: [`ch-${seq}`, offer.channelId], bridgeIds: [`hold-${seq}`, "mix-1"] });
      const row = await db.selectFrom("calls").selectAll().where("id", "=", callId).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ state: "ended", disposition: "answered", hangup_cause: 16, operator_user_id: op, operator_channel_id: offer.channelId, bridge_id: "mix-1", recording_name: "call-1" });
      const secs = (a: Date, b: Date) => Math.max(0, Math.round((b.getTime() - a.getTime()) / 1000));
      expect(row.wait_seconds).toBe(secs(row.enqueued_at!, row.answered_at!));
      expect(row.talk_seconds).toBe(secs(row.answered_at!, row.ended_at!));
      const operator = await db.selectFrom("operators").select("last_call_ended_at").where("user_id", "=", op).executeTakeFirstOrThrow();
      expect(operator.last_call_ended_at).toEqual(row.ended_at);

      // an outbound call ended while its operator's phone still rings: the ring is cancelled first
      const out = (await requestClickToDial(db, { kind: "user", userId: op }, { number: "09121234567" })).callId;
      const dial = (await claimOutboundCall(db, out, "node-1"))!;
      const outEnded = (await callEnded(db, out, { cause: 16 }))!;
      expect(outEnded.disposition).toBe("missed");
      expect(outEnded.ringingChannelIds).toEqual([dial.operatorChannelId]);
      const outRow = await db.selectFrom("calls").select(["ended_at"]).where("id", "=", out).executeTakeFirstOrThrow();

      await waitFor(() => heard.length >= 8, 5000, "the events");
      const at = (d: Date | null) => d!.toISOString();
      expect(heard).toEqual([
        [CALL_CENTRE_CHANNEL, String(callId)],
        [DESK_EVENTS_CHANNEL, { type: "call_offered", operatorUserId: op, callId, at: expect.any(String) }],
        [DESK_EVENTS_CHANNEL, { type: "call_connected", operatorUserId: op, callId, at: at(row.answered_at) }],
        [CALL_CENTRE_CHANNEL, String(callId)],
        [DESK_EVENTS_CHANNEL, { type: "call_ended", operatorUserId: op, callId, at: at(row.ended_at) }],
        [DESK_EVENTS_CHANNEL, { type: "call_withdrawn", operatorUserId: op, callId: out, at: at(outRow.ended_at) }],
        [CALL_CENTRE_CHANNEL, String(out)],
        [DESK_EVENTS_CHANNEL, { type: "call_ended", operatorUserId: op, callId: out, at: at(outRow.ended_at) }],
      ]);
    } finally {
      await listener.end();
    }
  });

  it("reconciles only calls whose channels Asterisk no longer has", async () => {
    const gone = await queuedCall();
    const alive = await queuedCall();
    const aliveChannel = (await db.selectFrom("calls").select("channel_id").where("id", "=", alive).executeTakeFirstOrThrow()).channel_id!;
    const ended = await reconcileLiveCalls(db, [aliveChannel], { nodeId: "node-1" });
    expect(ended).toContain(gone);
    expect(ended).not.toContain(alive);
    const row = await db.selectFrom("calls").select(["state", "disposition"]).where("id", "=", gone).executeTakeFirstOrThrow();
    expect(row).toEqual({ state: "ended", disposition: "abandoned" });
  });

  it("click-to-dial refuses a bad number and a user without an extension", async () => {
    const op = await addOperator(db, "9003");
    await expect(requestClickToDial(db, { kind: "user", userId: op }, { number: "abc" })).rejects.toBeInstanceOf(InvalidPhoneNumberError);
    const u = await db.insertInto("users").values({ username: "noext", display_name: "x", role: "supervisor", password_hash: "x" }).returning("id").executeTakeFirstOrThrow();
    await expect(requestClickToDial(db, { kind: "user", userId: u.id }, { number: "09121234567" })).rejects.toBeInstanceOf(NotAnOperatorError);
  });
});
