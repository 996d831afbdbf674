import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTelephony, type Telephony } from "../../telephony";
import { addOperator, callByChannel, callRow, captureLog, endpointBehaviour, setPresence, sim, startRig, testEnv, waitFor, printLogOnFailure, type LogLine, type Rig } from "../support/telephony";

// Two telephony processes (two ARI applications on one simulated Asterisk) share one database and its
// operators: neither may ring an operator the other is ringing, and each drives only its own calls.
let a: Rig;
let b: Telephony;
const bLog: LogLine[] = [];
printLogOnFailure(() => [a?.log, bLog]);

beforeAll(async () => {
  a = await startRig({ env: { ARI_APP: "dispatch-a" } });
  b = startTelephony({
    db: a.db,
    env: testEnv(a.dir, a.sim.url, { ARI_APP: "dispatch-b" }),
    log: captureLog(bLog),
    databaseUrl: a.dbUrl,
    sweepMs: 300,
    initialReconnectDelayMs: 100,
  });
  await waitFor(() => b.state.connected, 10_000, "the second process to connect");
});

afterAll(async () => {
  await b?.stop();
  await a?.tel.stop();
  await a?.sim.close();
});

interface SimChannel {
  id: string;
  name: string;
  app: string;
}

describe("two telephony processes on one database", () => {
  it("never ring one operator twice at once, and each handles the calls it received", { timeout: 110_000 }, async () => {
    const ops = [await addOperator(a.db, "801"), await addOperator(a.db, "802")];
    await endpointBehaviour(a.sim, "801", "never");
    await endpointBehaviour(a.sim, "802", "never");
    const calls: { id: string; app: string }[] = [];
    const call = async (app: string) => {
      const { id } = (await sim(a.sim, "/sim/calls", { from: `0912555000${calls.length}`, to: "1500", dtmf: "1", app })) as { id: string };
      calls.push({ id, app });
      return id;
    };
    // The two oldest callers, one at each process, are queued first, one after the other: first come, first
    // served across processes (the ACD's choice is global), they hold the two operators, who never answer, in
    // turn; the four others, queued at once while the operators ring, wait behind them.
    for (const app of ["dispatch-a", "dispatch-b"]) {
      const id = await call(app);
      await waitFor(async () => (await callByChannel(a.db, id))?.enqueued_at, 20_000, "the caller to be queued");
    }
    for (let i = 0; i < 2; i++) for (const app of ["dispatch-a", "dispatch-b"]) await call(app);
    // Watch the simulated Asterisk for a while (several ring timeouts; longer, up to 60 s, until both
    // processes have rung a phone — a loaded machine, e.g. the whole suite on 2 cores, slows the rounds):
    // never two channels to one phone.
    const seenRinging = new Set<string>();
    const until = Date.now() + 6000;
    const latest = Date.now() + 60_000;
    const bothRang = () => ["dispatch-a", "dispatch-b"].every((app) => [...seenRinging].some((s) => s.endsWith(app)));
    while (Date.now() < until || (!bothRang() && Date.now() < latest)) {
      const channels = (await (await fetch(`${a.sim.url}/sim/calls`)).json()) as SimChannel[];
      for (const ext of ["801", "802"]) {
        const legs = channels.filter((c) => c.name.startsWith(`PJSIP/${ext}-`));
        expect(legs.length).toBeLessThanOrEqual(1);
        for (const leg of legs) seenRinging.add(`${ext}:${leg.app}`);
      }
      await new Promise((r) => setTimeout(r, 40));
    }
    // Both processes got to ring operators (they compete for them through PostgreSQL).
    expect([...seenRinging].some((s) => s.endsWith("dispatch-a"))).toBe(true);
    expect([...seenRinging].some((s) => s.endsWith("dispatch-b"))).toBe(true);

    // Each call is owned by the process whose application received it.
    for (const c of calls) {
      const row = await waitFor(() => callByChannel(a.db, c.id));
      expect(row.node_id).toBe(c.app === "dispatch-a" ? a.tel.nodeId : b.nodeId);
    }
    const ringing = await a.db.selectFrom("call_attempts").select(["operator_user_id", "call_id"]).where("outcome", "=", "ringing").execute();
    expect(new Set(ringing.map((r) => r.operator_user_id)).size).toBe(ringing.length);
    expect(new Set(ringing.map((r) => r.call_id)).size).toBe(ringing.length);
    for (const r of ringing) expect(ops).toContain(r.operator_user_id);

    // Hang everybody up: every call ends abandoned.
    for (const c of calls) await sim(a.sim, `/sim/calls/${c.id}/hangup`);
    for (const c of calls) {
      const row = (await callByChannel(a.db, c.id))!;
      const ended = await waitFor(async () => {
        const r = await callRow(a.db, row.id);
        return r.state === "ended" ? r : null;
      });
      expect(ended.disposition).toBe("abandoned");
    }
    expect(await a.db.selectFrom("call_attempts").select("id").where("outcome", "=", "ringing").execute()).toEqual([]);
  });

  it("first come, first served across processes: a free operator goes to the caller who waited longest, whichever process holds them", async () => {
    // nobody else is free: the operators of the first test go on break
    for (const r of await a.db.selectFrom("operators").select("user_id").where("presence", "=", "available").execute()) await setPresence(a.db, r.user_id, "on_break");
    const op = await addOperator(a.db, "804", { presence: "on_break" });
    await endpointBehaviour(a.sim, "804", "never");
    const queued = async (app: string, from: string) => {
      const { id } = (await sim(a.sim, "/sim/calls", { from, to: "1500", dtmf: "1", app })) as { id: string };
      return waitFor(async () => {
        const row = await callByChannel(a.db, id);
        return row?.state === "queued" ? { ...row, channel: id } : null;
      });
    };
    const older = await queued("dispatch-b", "09125550100"); // waits at process b
    const newer = await queued("dispatch-a", "09125550101"); // then one at process a
    await setPresence(a.db, op, "available"); // both processes hear it and run their ACD
    const first = await waitFor(() => a.db.selectFrom("call_attempts").select(["call_id"]).where("operator_user_id", "=", op).orderBy("id").executeTakeFirst());
    expect(first.call_id).toBe(older.id);
    // the older caller gives up: the operator goes to the newer one, at the other process
    await sim(a.sim, `/sim/calls/${older.channel}/hangup`);
    await waitFor(() => a.db.selectFrom("call_attempts").select("id").where("operator_user_id", "=", op).where("call_id", "=", newer.id).executeTakeFirst(), 10_000, "the newer caller's turn");
    await sim(a.sim, `/sim/calls/${newer.channel}/hangup`);
  });
});
