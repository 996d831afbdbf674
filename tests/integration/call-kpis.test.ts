/**
 * Call-centre performance (issue 14 §4) on real PostgreSQL: the hourly roll-up, the report and the calls
 * behind each figure against a hand-computed fixture of call-detail records (Tehran hours and days), the
 * supervisor's wall told of a waiting caller through NOTIFY (the stream's own LISTEN connection, the
 * service on the pool), and the abandoned-call list cleared by a call-back placed with click-to-dial.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDeskEventHubs, wallEventStream } from "../../app/lib/desk-events.server";
import type { DB } from "../../db/connection";
import { abandonedCallers, callKpiReport, callsBehindFigure, refreshCallStats, wallSnapshot } from "../../db/repos/call-kpis";
import { enqueueCall, requestClickToDial, startInboundCall } from "../../services/calls";
import { setPresence } from "../../services/operators";
import { getTestDb, resetDatabase } from "../support/db";

let db: DB;
let opA: number;
let opB: number;

/** A Tehran wall-clock time (UTC+03:30) as an instant. */
const tehran = (day: string, hm: string) => new Date(`${day}T${hm}:00+03:30`);
const plus = (d: Date, s: number) => new Date(d.getTime() + s * 1000);

interface Cdr {
  at: Date;
  queue?: string;
  direction?: "inbound" | "outbound";
  disposition: "answered" | "abandoned" | "missed";
  wait: number | null;
  talk?: number;
  operator?: number | null;
  caller?: string;
  attempts?: { op: number; outcome: "answered" | "no_answer" | "busy" | "rejected" | "cancelled" }[];
}

async function insertCdr(c: Cdr): Promise<number> {
  const answeredAt = c.disposition === "answered" ? plus(c.at, c.wait ?? 0) : null;
  const ended = answeredAt ? plus(answeredAt, c.talk ?? 0) : plus(c.at, c.wait ?? 5);
  const row = await db
    .insertInto("calls")
    .values({
      direction: c.direction ?? "inbound",
      caller_number: c.caller ?? "+989120000000",
      called_number: "1500",
      queue: c.queue ?? "breakdown",
      operator_user_id: c.operator ?? null,
      started_at: c.at,
      enqueued_at: c.wait === null ? null : c.at,
      answered_at: answeredAt,
      ended_at: ended,
      wait_seconds: c.wait,
      talk_seconds: answeredAt ? (c.talk ?? 0) : null,
      disposition: c.disposition,
      state: "ended",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  for (const a of c.attempts ?? []) {
    await db.insertInto("call_attempts").values({ call_id: row.id, operator_user_id: a.op, started_at: c.at, ended_at: plus(c.at, 5), outcome: a.outcome }).execute();
  }
  return row.id;
}

const ids: number[] = [];

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  const users = await db
    .insertInto("users")
    .values([
      { username: "opa", display_name: "اپراتور الف", role: "operator", password_hash: "x" },
      { username: "opb", display_name: "اپراتور ب", role: "operator", password_hash: "x" },
    ])
    .returning("id")
    .execute();
  [opA, opB] = users.map((u) => u.id) as [number, number];
  await db.insertInto("operators").values([
    { user_id: opA, extension: "201", skills: ["breakdown", "follow_up", "complaint"] },
    { user_id: opB, extension: "202", skills: ["breakdown", "follow_up", "complaint"] },
  ]).execute();
  const D = "2026-11-10";
  // 1: 09:05, answered by A after 10 s (B's phone rang first, unanswered), talk 100
  ids.push(await insertCdr({ at: tehran(D, "09:05"), disposition: "answered", wait: 10, talk: 100, operator: opA, attempts: [{ op: opB, outcome: "no_answer" }, { op: opA, outcome: "answered" }] }));
  // 2: 09:40, answered by A after exactly 20 s (within the service level), talk 200
  ids.push(await insertCdr({ at: tehran(D, "09:40"), disposition: "answered", wait: 20, talk: 200, operator: opA, attempts: [{ op: opA, outcome: "answered" }] }));
  // 3: 09:50, abandoned after 45 s: B did not answer, A's ringing was cancelled by the hang-up
  ids.push(await insertCdr({ at: tehran(D, "09:50"), disposition: "abandoned", wait: 45, caller: "+989121111111", attempts: [{ op: opB, outcome: "no_answer" }, { op: opA, outcome: "cancelled" }] }));
  // 4: 10:15, answered by B after 30 s (A rejected it), talk 300
  ids.push(await insertCdr({ at: tehran(D, "10:15"), disposition: "answered", wait: 30, talk: 300, operator: opB, attempts: [{ op: opA, outcome: "rejected" }, { op: opB, outcome: "answered" }] }));
  // 5: 10:20, complaint queue, asked to be called back after 60 s
  ids.push(await insertCdr({ at: tehran(D, "10:20"), queue: "complaint", disposition: "missed", wait: 60 }));
  // 6: 10:30, hung up in the IVR menu: not offered
  ids.push(await insertCdr({ at: tehran(D, "10:30"), disposition: "abandoned", wait: null }));
  // 7: 10:40, an outbound call: not offered
  ids.push(await insertCdr({ at: tehran(D, "10:40"), direction: "outbound", disposition: "answered", wait: 3, talk: 60, operator: opA }));
  // 8: 00:10 Tehran on the 11th (20:40 UTC on the 10th), answered by B after 5 s, talk 50
  ids.push(await insertCdr({ at: tehran("2026-11-11", "00:10"), disposition: "answered", wait: 5, talk: 50, operator: opB }));
});

afterAll(async () => {
  await closeDeskEventHubs();
});

describe("the call-centre report", () => {
  it("counts the hand-computed fixture in total, by queue, operator, Tehran day and hour", async () => {
    expect(await refreshCallStats(db, 20)).toEqual({ full: true, hours: 0 });
    const r = await callKpiReport(db, { fromDay: "2026-11-10", toDayExclusive: "2026-11-12" });
    expect(r.totals).toEqual({
      offered: 6,
      answered: 4,
      abandoned: 1,
      missed: 3,
      averageSpeedOfAnswer: 16.3, // (10+20+30+5)/4 = 16.25
      averageHandleTime: 162.5, // (100+200+300+50)/4
      serviceLevel: 50, // 3 of 6 answered within 20 s
      abandonRate: 16.7,
      longestWait: 60,
    });
    expect(r.byQueue).toEqual([
      { key: "breakdown", offered: 5, answered: 4, abandoned: 1, missed: 3, averageSpeedOfAnswer: 16.3, averageHandleTime: 162.5, serviceLevel: 60, abandonRate: 20, longestWait: 45 },
      { key: "complaint", offered: 1, answered: 0, abandoned: 0, missed: 0, averageSpeedOfAnswer: null, averageHandleTime: null, serviceLevel: 0, abandonRate: 0, longestWait: 60 },
    ]);
    const byOp = Object.fromEntries(r.byOperator.map((o) => [o.operatorUserId, o]));
    // A's phone rang for calls 1, 2, 3 and 4; A answered 1 and 2 and rejected 4
    expect(byOp[opA]).toMatchObject({ name: "اپراتور الف", offered: 4, answered: 2, missed: 1, averageSpeedOfAnswer: 15, averageHandleTime: 150, serviceLevel: 50, longestWait: 20 });
    // B: rang for 1 and 3 (unanswered), answered 4 and 8
    expect(byOp[opB]).toMatchObject({ name: "اپراتور ب", offered: 4, answered: 2, missed: 2, averageSpeedOfAnswer: 17.5, averageHandleTime: 175, serviceLevel: 25, longestWait: 30 });
    expect(r.byDay.map((d) => [d.key, d.offered, d.answered, d.abandoned, d.missed])).toEqual([
      ["2026-11-10", 5, 3, 1, 3],
      ["2026-11-11", 1, 1, 0, 0],
    ]);
    expect(r.byHour).toHaveLength(24);
    const hour = (h: number) => r.byHour[h]!;
    expect([hour(0).offered, hour(9).offered, hour(10).offered, hour(20).offered]).toEqual([1, 3, 2, 0]);
    expect([hour(9).answered, hour(9).abandoned, hour(9).missed, hour(9).serviceLevel]).toEqual([2, 1, 2, 66.7]);
    expect([hour(10).answered, hour(10).missed, hour(10).longestWait]).toEqual([1, 1, 60]);
  });

  it("gives one operator's figures, and one queue's", async () => {
    const a = await callKpiReport(db, { fromDay: "2026-11-10", toDayExclusive: "2026-11-12", operatorUserId: opA });
    expect(a.totals).toMatchObject({ offered: 4, answered: 2, missed: 1, serviceLevel: 50 });
    expect(a.byHour[9]).toMatchObject({ offered: 3, answered: 2 });
    const q = await callKpiReport(db, { fromDay: "2026-11-11", toDayExclusive: "2026-11-12", queue: "breakdown" });
    expect(q.totals).toMatchObject({ offered: 1, answered: 1, averageSpeedOfAnswer: 5 });
  });

  it("lists the calls behind each figure, newest first", async () => {
    const range = { fromDay: "2026-11-10", toDayExclusive: "2026-11-12", thresholdSeconds: 20 };
    const list = async (f: Partial<Parameters<typeof callsBehindFigure>[1]>) => (await callsBehindFigure(db, { ...range, kind: "offered", ...f })).map((c) => c.id);
    expect(await list({})).toEqual([ids[7], ids[4], ids[3], ids[2], ids[1], ids[0]]);
    expect(await list({ kind: "within" })).toEqual([ids[7], ids[1], ids[0]]);
    expect(await list({ kind: "abandoned" })).toEqual([ids[2]]);
    expect(await list({ kind: "missed", operatorUserId: opB })).toEqual([ids[2], ids[0]]);
    expect(await list({ kind: "offered", operatorUserId: opA })).toEqual([ids[3], ids[2], ids[1], ids[0]]);
    expect(await list({ kind: "answered", hour: 9 })).toEqual([ids[1], ids[0]]);
    expect(await list({ kind: "offered", day: "2026-11-11" })).toEqual([ids[7]]);
    expect(await list({ kind: "offered", queue: "complaint" })).toEqual([ids[4]]);
    const first = (await callsBehindFigure(db, { ...range, kind: "missed" })).find((c) => c.id === ids[0]);
    expect(first).toMatchObject({ operatorName: "اپراتور الف", missedBy: "اپراتور ب", waitSeconds: 10, talkSeconds: 100, ticketId: null });
  });

  it("refreshes incrementally the hours of newly ended calls, and in full for another threshold", async () => {
    await insertCdr({ at: tehran("2026-11-10", "09:55"), disposition: "answered", wait: 25, talk: 10, operator: opB });
    // its end time is in the past: it is picked up once the state says the last refresh was before it ended
    await db.updateTable("call_stats_state").set({ ended_before: new Date("2026-11-01T00:00:00Z") }).execute();
    const r = await refreshCallStats(db, 20);
    expect(r.full).toBe(false);
    expect(r.hours).toBeGreaterThanOrEqual(1);
    let rep = await callKpiReport(db, { fromDay: "2026-11-10", toDayExclusive: "2026-11-12" });
    expect(rep.totals).toMatchObject({ offered: 7, answered: 5, serviceLevel: 42.9 });
    expect(await refreshCallStats(db, 30)).toEqual({ full: true, hours: 0 });
    rep = await callKpiReport(db, { fromDay: "2026-11-10", toDayExclusive: "2026-11-12" });
    // within 30 s: calls 1, 2, 4, 8 and the extra one
    expect(rep.totals.serviceLevel).toBe(71.4);
  });
});

describe("the supervisor's wall", () => {
  it("is told through PostgreSQL when a caller joins the queue, and shows them waiting and the operators' states", async () => {
    const controller = new AbortController();
    const res = wallEventStream(db, controller.signal);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let raw = "";
    const until = async (pattern: RegExp) => {
      const deadline = Date.now() + 15_000;
      while (!pattern.test(raw)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; got:\n${raw}`);
        const chunk = await reader.read();
        if (chunk.done) throw new Error("stream ended");
        raw += decoder.decode(chunk.value, { stream: true });
      }
    };
    try {
      await until(/event: ready/);
      const { callId } = await startInboundCall(db, { channelId: "wall-1", callerNumber: "09123334444", calledNumber: "1500", nodeId: "node-w" });
      await enqueueCall(db, callId, { holdingBridgeId: "hold-w" });
      await until(/event: wall_changed\ndata: \{"type":"wall_changed","cause":"queue"\}/);
      await setPresence(db, { kind: "user", userId: opA }, { userId: opA, presence: "available" });
      await until(/"cause":"presence"/);
      const snap = await wallSnapshot(db, 20);
      expect(snap.waiting).toEqual([expect.objectContaining({ callId, queue: "breakdown", callerNumber: "+989123334444", ringing: null })]);
      expect(snap.operators.map((o) => [o.name, o.state])).toEqual([
        ["اپراتور الف", "available"],
        ["اپراتور ب", "away"],
      ]);
      // the fixture's calls are in the past: today has none ended yet
      expect(snap.today.offered).toBe(0);
      await db.updateTable("calls").set({ state: "ended", ended_at: sql<Date>`now()`, disposition: "abandoned", wait_seconds: 1 }).where("id", "=", callId).execute();
      expect((await wallSnapshot(db, 20)).today).toMatchObject({ offered: 1, abandoned: 1 });
    } finally {
      controller.abort();
      reader.releaseLock();
    }
  });
});

describe("the abandoned-call list", () => {
  it("lists the unanswered callers nobody has called since, and clears one once a call-back is placed", async () => {
    const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000);
    await db.deleteFrom("calls").where("caller_number", "=", "+989123334444").execute();
    const p = await insertCdr({ at: ago(120), disposition: "abandoned", wait: 40, caller: "+989125550001" });
    const q = await insertCdr({ at: ago(60), disposition: "missed", wait: 70, caller: "+989125550002" });
    await db.insertInto("call_callbacks").values({ call_id: q, number: "+989125550002", queue: "breakdown", place_at: ago(60), status: "failed", done_at: ago(50) }).execute();
    const r = await insertCdr({ at: ago(180), disposition: "abandoned", wait: 15, caller: "+989125550003" });
    await insertCdr({ at: ago(30), disposition: "answered", wait: 5, talk: 20, operator: opA, caller: "+989125550003" });
    const s = await insertCdr({ at: ago(90), disposition: "missed", wait: 80, caller: "+989125550004" });
    await db.insertInto("call_callbacks").values({ call_id: s, number: "+989125550004", queue: "breakdown", place_at: ago(90) }).execute();

    const open = await abandonedCallers(db, { status: "open" });
    expect(open.map((c) => c.callId)).toEqual([q, p]);
    expect(open[1]).toMatchObject({ number: "+989125550001", disposition: "abandoned", waitSeconds: 40, clearedBy: null });
    const cleared = await abandonedCallers(db, { status: "cleared" });
    expect(cleared.map((c) => [c.callId, c.clearedBy])).toEqual([[r, "called_again"]]);

    // the supervisor (or an operator) calls P back from the list: the desk's click-to-dial
    const { callId: back } = await requestClickToDial(db, { kind: "user", userId: opB, ip: null }, { number: "09125550001" });
    expect((await abandonedCallers(db, { status: "open" })).map((c) => c.callId)).toEqual([q]);
    const nowCleared = await abandonedCallers(db, { status: "cleared" });
    expect(nowCleared.find((c) => c.callId === p)).toMatchObject({ clearedBy: "called_back", clearedByUser: "اپراتور ب", clearingCallId: back });
  });
});
