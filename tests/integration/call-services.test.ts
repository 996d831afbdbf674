import { beforeAll, describe, expect, it } from "vitest";
import type { DB } from "../../db/connection";
import { callEnded, enqueueCall, offerToNextOperator, reconcileLiveCalls, registerTelephonyNode, requestClickToDial, startInboundCall, InvalidPhoneNumberError, NotAnOperatorError } from "../../services/calls";
import { getTestDb } from "../support/db";
import { addOperator } from "../support/telephony";

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
