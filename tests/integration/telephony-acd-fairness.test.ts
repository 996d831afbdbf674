import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACD_LOCK_KEY, enqueueCall, offerWaitingWork, registerTelephonyNode, startInboundCall } from "../../services/calls";
import { startTelephony, type Telephony } from "../../telephony";
import {
  addOperator,
  callByChannel,
  callRow,
  captureLog,
  endpointBehaviour,
  printLogOnFailure,
  setPresence,
  sim,
  startRig,
  testEnv,
  waitFor,
  type LogLine,
  type Rig,
} from "../support/telephony";

// First come, first served across telephony processes. Two processes (two ARI applications on one simulated
// Asterisk) share one database; each holds callers of its own. The processes' periodic sweeps are slowed to
// ten minutes here, so that only the events under test (a call queued, a phone stopped ringing, a call ended, a
// presence NOTIFY, an explicit kick) run their ACD: which process hears first of a free operator is then chosen
// by the test, not by a timer. The heartbeat the sweeps would write is written by the test meanwhile.
let a: Rig;
let b: Telephony;
const bLog: LogLine[] = [];
const extra: { tel: Telephony; log: LogLine[] }[] = [];
let keepAlive: NodeJS.Timeout | undefined;
printLogOnFailure(() => [a?.log, bLog, ...extra.map((e) => e.log)]);

const SLOW_SWEEP_MS = 600_000;

beforeAll(async () => {
  a = await startRig({ env: { ARI_APP: "fair-a" }, telephony: { sweepMs: SLOW_SWEEP_MS } });
  b = startTelephony({
    db: a.db,
    env: testEnv(a.dir, a.sim.url, { ARI_APP: "fair-b" }),
    log: captureLog(bLog),
    databaseUrl: a.dbUrl,
    sweepMs: SLOW_SWEEP_MS,
    initialReconnectDelayMs: 100,
  });
  await waitFor(() => b.state.connected, 10_000, "the second process to connect");
  const beat = () => void a.db.updateTable("telephony_nodes").set({ heartbeat_at: sql<Date>`now()` }).where("node_id", "in", [a.tel.nodeId, b.nodeId]).execute();
  keepAlive = setInterval(beat, 2000);
  // only this file's operators take calls
  await a.db.updateTable("operators").set({ presence: "offline" }).execute();
});

afterAll(async () => {
  clearInterval(keepAlive);
  for (const e of extra) await e.tel.stop();
  await b?.stop();
  await a?.tel.stop();
  await a?.sim.close();
});

/** A caller at the given application, once their call is queued (so enqueue times follow the order of calls). */
async function queued(app: string, from: string) {
  const { id } = (await sim(a.sim, "/sim/calls", { from, to: "1500", dtmf: "1", app })) as { id: string };
  return waitFor(
    async () => {
      const row = await callByChannel(a.db, id);
      return row?.state === "queued" ? { id: row.id, channel: id, app, enqueuedAt: row.enqueued_at! } : null;
    },
    20_000,
    `the call from ${from} to be queued`,
  );
}

/** The operator's presence changed in the database without the desk's NOTIFY: no process hears of it. */
async function setPresenceSilently(userId: number, presence: "available" | "on_break") {
  await a.db.updateTable("operators").set({ presence, presence_since: sql<Date>`now()` }).where("user_id", "=", userId).execute();
}

function attemptsOf(operatorUserId: number) {
  return a.db.selectFrom("call_attempts").select(["id", "call_id", "outcome"]).where("operator_user_id", "=", operatorUserId).orderBy("id").execute();
}

async function connectedTo(callId: number, operatorUserId: number) {
  return waitFor(
    async () => {
      const r = await callRow(a.db, callId);
      return r.state === "connected" && r.operator_user_id === operatorUserId ? r : null;
    },
    20_000,
    `call ${callId} to be answered by operator ${operatorUserId}`,
  );
}

async function hangUp(call: { id: number; channel: string }) {
  await sim(a.sim, `/sim/calls/${call.channel}/hangup`);
  await waitFor(async () => (await callRow(a.db, call.id)).state === "ended", 10_000, `call ${call.id} to end`);
}

describe("the ACD across two telephony processes: the longest-waiting caller gets the free operator, wherever they wait", () => {
  it("a process that hears first of a free operator does not give them to its own newer caller", { timeout: 60_000 }, async () => {
    const op = await addOperator(a.db, "831", { presence: "on_break" });
    await endpointBehaviour(a.sim, "831", "never");
    const older = await queued("fair-b", "09125551001"); // waits at process b
    const newer = await queued("fair-a", "09125551002"); // then one at process a
    // The operator is rung once for the older caller and does not answer: that caller has now been offered to them.
    await setPresence(a.db, op, "available");
    const first = await waitFor(async () => (await attemptsOf(op))[0], 10_000, "the first offer");
    expect(first.call_id).toBe(older.id);
    await setPresenceSilently(op, "on_break");
    await waitFor(async () => (await attemptsOf(op))[0]!.outcome === "no_answer", 10_000, "the ring timeout");
    await endpointBehaviour(a.sim, "831", "auto");
    // The operator is free again and only process a (holding the newer caller) hears of it.
    await setPresenceSilently(op, "available");
    await a.tel.kick();
    // The older caller, at the other process, is offered the operator and answered first: a woke b, and b rang
    // the operator. (Planned per process, a gave the operator to its own newer caller here.)
    const second = await waitFor(async () => (await attemptsOf(op))[1], 10_000, "the second offer");
    expect(second.call_id).toBe(older.id);
    await connectedTo(older.id, op);
    // then the newer one
    await hangUp(older);
    await connectedTo(newer.id, op);
    await hangUp(newer);
    await setPresence(a.db, op, "offline");
  });

  it("operators freed one by one answer the callers of both processes in their global order of waiting", { timeout: 120_000 }, async () => {
    const ops = [await addOperator(a.db, "841", { presence: "on_break" }), await addOperator(a.db, "842", { presence: "on_break" })];
    for (const ext of ["841", "842"]) await endpointBehaviour(a.sim, ext, "auto");
    // Six callers, interleaved unevenly between the processes; each is queued before the next calls, so their
    // places are strictly ordered.
    const apps = ["fair-b", "fair-a", "fair-a", "fair-b", "fair-b", "fair-a"];
    const callers: Awaited<ReturnType<typeof queued>>[] = [];
    for (const [i, app] of apps.entries()) callers.push(await queued(app, `0912555200${i}`));
    for (let i = 1; i < callers.length; i++) expect(callers[i]!.enqueuedAt.getTime()).toBeGreaterThanOrEqual(callers[i - 1]!.enqueuedAt.getTime());

    // The two operators come to their desks one after the other, then each takes the next caller as soon as
    // their call ends. One operator is freed at a time and the test waits for them to be talking again, so the
    // order is exact: each free operator is decided once, under the ACD's lock, over every process's callers.
    const answered: number[] = [];
    const talking = new Map<number, (typeof callers)[number]>();
    const next = async (op: number) => {
      const r = await waitFor(
        async () => {
          const row = await a.db
            .selectFrom("calls")
            .select(["id"])
            .where("operator_user_id", "=", op)
            .where("state", "=", "connected")
            .where("id", "in", callers.map((c) => c.id))
            .executeTakeFirst();
          return row ?? null;
        },
        20_000,
        `operator ${op}'s next call`,
      );
      answered.push(r.id);
      talking.set(op, callers.find((c) => c.id === r.id)!);
    };
    await setPresence(a.db, ops[0]!, "available");
    await next(ops[0]!);
    await setPresence(a.db, ops[1]!, "available");
    await next(ops[1]!);
    for (let k = 2; k < callers.length; k++) {
      const op = ops[k % 2]!;
      await hangUp(talking.get(op)!);
      await next(op);
    }
    expect(answered).toEqual(callers.map((c) => c.id));
    for (const op of ops) await hangUp(talking.get(op)!);
    for (const op of ops) await setPresence(a.db, op, "offline");
  });

  it("a caller who hangs up while the operator's phone rings: the operator goes at once to the other process's caller", { timeout: 60_000 }, async () => {
    const op = await addOperator(a.db, "861", { presence: "on_break" });
    await endpointBehaviour(a.sim, "861", "never");
    const leaving = await queued("fair-a", "09125554001");
    await setPresence(a.db, op, "available");
    const ring = await waitFor(async () => (await attemptsOf(op))[0], 10_000, "the operator's phone to ring");
    expect(ring.call_id).toBe(leaving.id);
    const waiting = await queued("fair-b", "09125554002"); // at the other process, behind the ringing phone
    await endpointBehaviour(a.sim, "861", "auto");
    await hangUp(leaving);
    // no sweep runs in this file (ten minutes): only the hang-up's own ACD run, planned over both processes'
    // callers, can hand the operator on, and it wakes the process holding the caller
    await connectedTo(waiting.id, op);
    expect((await attemptsOf(op)).map((x) => [x.call_id, x.outcome])).toEqual([
      [leaving.id, "cancelled"],
      [waiting.id, "answered"],
    ]);
    await hangUp(waiting);
    await setPresence(a.db, op, "offline");
  });

  it("a process dying in the middle of a claim or after it holds no operator once it is gone", { timeout: 90_000 }, async () => {
    // A third process with the usual quick sweep (heartbeat, missed notifications, offers of dead processes).
    const cLog: LogLine[] = [];
    const c = startTelephony({ db: a.db, env: testEnv(a.dir, a.sim.url, { ARI_APP: "fair-c" }), log: captureLog(cLog), databaseUrl: a.dbUrl, sweepMs: 300, initialReconnectDelayMs: 100 });
    extra.push({ tel: c, log: cLog });
    await waitFor(() => c.state.connected, 10_000, "the third process to connect");
    await b.stop(); // its callers are done; one process fewer to watch

    // A process "gone-1", alive for now (connected, recent heartbeat), holds an older caller in the queue.
    const goneCaller = async (nodeId: string, n: number) => {
      await registerTelephonyNode(a.db, { nodeId, host: "elsewhere", pid: 1, ariUrl: "http://elsewhere", ariApp: nodeId });
      await a.db.updateTable("telephony_nodes").set({ connected: true, heartbeat_at: sql<Date>`now()` }).where("node_id", "=", nodeId).execute();
      const { callId } = await startInboundCall(a.db, { channelId: `${nodeId}-caller`, callerNumber: `0912555300${n}`, calledNumber: "1500", nodeId });
      await enqueueCall(a.db, callId, { holdingBridgeId: `${nodeId}-hold` });
      return callId;
    };
    const stale = (nodeId: string) =>
      a.db.updateTable("telephony_nodes").set({ heartbeat_at: sql<Date>`now() - interval '10 minutes'` }).where("node_id", "=", nodeId).execute();

    // 1. It dies in the middle of its claim: its transaction holds the ACD's lock and has written the ringing
    //    attempt when its connection drops. Nothing of the claim remains and the lock is free again.
    const op = await addOperator(a.db, "851", { presence: "available" });
    await endpointBehaviour(a.sim, "851", "auto");
    const goneCall = await goneCaller("gone-1", 1);
    const dying = new pg.Client({ connectionString: a.dbUrl });
    await dying.connect();
    await dying.query("begin");
    await dying.query("select pg_advisory_xact_lock($1::bigint)", [ACD_LOCK_KEY]);
    await dying.query("insert into call_attempts (call_id, operator_user_id, channel_id) values ($1, $2, 'gone-1-op')", [goneCall, op]);
    await dying.query("update calls set state = 'ringing' where id = $1", [goneCall]);
    const pid = (await dying.query<{ pid: number }>("select pg_backend_pid() as pid")).rows[0]!.pid;
    dying.on("error", () => {});
    const caller1 = await queued("fair-c", "09125553101"); // c's ACD waits for the lock
    await waitFor(async () => {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted`.execute(a.db);
      return rows[0]!.n > 0;
    }, 10_000, "an ACD decision to wait for the dying claim");
    await sql`select pg_terminate_backend(${pid})`.execute(a.db);
    await dying.end().catch(() => {});
    expect(await a.db.selectFrom("call_attempts").select("id").where("call_id", "=", goneCall).execute()).toEqual([]);
    // gone-1's caller is still the older and gone-1 still looks alive: the operator is left to it. Once its
    // heartbeat is stale, its callers leave the queue and the operator goes to c's caller.
    expect((await callRow(a.db, goneCall)).state).toBe("queued");
    await stale("gone-1");
    await connectedTo(caller1.id, op);

    // 2. It dies after its claim committed (the operator's phone "ringing" for its caller, rung by nobody now):
    //    once its heartbeat is stale the sweep frees the operator for the live process's caller.
    const op2 = await addOperator(a.db, "852", { presence: "on_break" });
    await endpointBehaviour(a.sim, "852", "auto");
    const goneCall2 = await goneCaller("gone-2", 2);
    await setPresenceSilently(op2, "available");
    const claim = await offerWaitingWork(a.db, { nodeId: "gone-2", callIds: [goneCall2], callbacks: false });
    expect(claim.offers.map((o) => [o.callId, o.operatorUserId])).toEqual([[goneCall2, op2]]);
    const caller2 = await queued("fair-c", "09125553102");
    expect((await callRow(a.db, caller2.id)).state).toBe("queued"); // the only free operator is ringing for gone-2
    await stale("gone-2");
    await connectedTo(caller2.id, op2);
    const reclaimed = await a.db.selectFrom("call_attempts").select("outcome").where("call_id", "=", goneCall2).executeTakeFirstOrThrow();
    expect(reclaimed.outcome).toBe("failed");
    await hangUp(caller1);
    await hangUp(caller2);
  });
});
