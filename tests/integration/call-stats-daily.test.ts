/**
 * The call-centre report's daily roll-up (call_stats_daily) and its live day, on real PostgreSQL: a generated
 * fixture of call-detail records over four Tehran days and every hour (answered within and beyond the service
 * level, abandoned, asked to be called back, IVR hang-ups and outbound calls that are not offered; ringings
 * answered, missed and cancelled) is counted by the report — past days from the roll-ups, today live from the
 * records — and must equal the core definitions (core/call-kpis.ts countCalls, kpiFigures) applied to the same
 * records in TypeScript, in total, by queue, operator, day and hour, and for one operator and one queue.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { addCounts, countCalls, kpiFigures, ZERO_COUNTS, type KpiCounts } from "../../core/call-kpis";
import type { DB } from "../../db/connection";
import { callKpiReport, refreshCallStats, type CallKpiReport } from "../../db/repos/call-kpis";
import { getTestDb, resetDatabase } from "../support/db";

let db: DB;
let ops: number[] = [];

const QUEUES = ["breakdown", "follow_up", "complaint"] as const;
const DAYS = ["2026-11-08", "2026-11-09", "2026-11-10", "2026-11-11"];
/** "now" for the report: the 11th, 23:00 Tehran — the 11th is the live day */
const NOW = new Date("2026-11-11T23:00:00+03:30");
const THRESHOLD = 20;

interface Fixture {
  startedAt: Date;
  day: string;
  hour: number;
  queue: (typeof QUEUES)[number];
  direction: "inbound" | "outbound";
  disposition: "answered" | "abandoned" | "missed";
  wait: number | null;
  talk: number | null;
  operator: number | null;
  attempts: { op: number; outcome: "answered" | "no_answer" | "busy" | "rejected" | "cancelled" }[];
}

const fixture: Fixture[] = [];

/** A small deterministic generator (the fixture is the same every run). */
function rng(seed: number) {
  let x = seed;
  return (n: number) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % n;
  };
}

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  const users = await db
    .insertInto("users")
    .values([1, 2, 3].map((i) => ({ username: `dop${i}`, display_name: `اپراتور ${i}`, role: "operator" as const, password_hash: "x" })))
    .returning("id")
    .execute();
  ops = users.map((u) => u.id);
  await db.insertInto("operators").values(ops.map((id, i) => ({ user_id: id, extension: `30${i}`, skills: [...QUEUES] }))).execute();
  const r = rng(7);
  for (const day of DAYS) {
    for (let k = 0; k < 90; k++) {
      const hour = r(24);
      const minute = r(60);
      const startedAt = new Date(`${day}T${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}:00+03:30`);
      const queue = QUEUES[r(3)]!;
      const kind = r(10);
      const direction = kind === 9 ? "outbound" : "inbound";
      const disposition = kind < 6 || kind === 9 ? "answered" : kind < 8 ? "abandoned" : "missed";
      const wait = kind === 8 && r(3) === 0 ? null : r(45); // some never joined a queue (IVR hang-up)
      const operator = disposition === "answered" ? ops[r(3)]! : null;
      const attempts: Fixture["attempts"] = [];
      for (const op of ops) {
        const o = r(6);
        if (op === operator) attempts.push({ op, outcome: "answered" });
        else if (o === 0) attempts.push({ op, outcome: "no_answer" });
        else if (o === 1) attempts.push({ op, outcome: "busy" });
        else if (o === 2) attempts.push({ op, outcome: "rejected" });
        else if (o === 3) attempts.push({ op, outcome: "cancelled" });
      }
      fixture.push({ startedAt, day, hour, queue, direction, disposition, wait, talk: disposition === "answered" ? 30 + r(400) : null, operator, attempts });
    }
  }
  for (const c of fixture) {
    const answeredAt = c.disposition === "answered" ? new Date(c.startedAt.getTime() + (c.wait ?? 0) * 1000) : null;
    const endedAt = new Date((answeredAt ?? c.startedAt).getTime() + ((c.talk ?? 0) + (answeredAt ? 0 : (c.wait ?? 3))) * 1000);
    const row = await db
      .insertInto("calls")
      .values({
        direction: c.direction,
        caller_number: "+989120001111",
        called_number: "1500",
        queue: c.queue,
        operator_user_id: c.operator,
        started_at: c.startedAt,
        enqueued_at: c.wait === null ? null : c.startedAt,
        answered_at: answeredAt,
        ended_at: endedAt,
        wait_seconds: c.wait,
        talk_seconds: c.talk,
        disposition: c.disposition,
        state: "ended",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    if (c.direction === "inbound" && c.attempts.length) {
      await db
        .insertInto("call_attempts")
        .values(c.attempts.map((a) => ({ call_id: row.id, operator_user_id: a.op, started_at: c.startedAt, ended_at: c.startedAt, outcome: a.outcome })))
        .execute();
    }
  }
});

const MISSED = new Set(["no_answer", "busy", "rejected"]);
const record = (c: Fixture) => ({ direction: c.direction, disposition: c.disposition, waitSeconds: c.wait, talkSeconds: c.talk });
const offered = (c: Fixture) => countCalls([record(c)], 0, THRESHOLD).offered === 1;

/** The queues' view of some records, by the core definitions. */
function queueCounts(calls: Fixture[]): KpiCounts {
  const missed = calls.filter(offered).reduce((n, c) => n + c.attempts.filter((a) => MISSED.has(a.outcome)).length, 0);
  return countCalls(calls.map(record), missed, THRESHOLD);
}

/** One operator's view: the offered calls their phone rang for or they answered; their answers; their misses. */
function operatorCounts(calls: Fixture[], op: number): KpiCounts {
  let c: KpiCounts = ZERO_COUNTS;
  for (const call of calls.filter(offered)) {
    const rang = call.attempts.some((a) => a.op === op) || call.operator === op;
    if (!rang) continue;
    const mine = call.operator === op ? countCalls([record(call)], 0, THRESHOLD) : ZERO_COUNTS;
    c = addCounts(c, {
      ...mine,
      offered: 1,
      abandoned: 0,
      missed: call.attempts.filter((a) => a.op === op && MISSED.has(a.outcome)).length,
      longestWaitSeconds: call.operator === op ? (call.wait ?? 0) : 0,
    });
  }
  return c;
}

function expectReportEqualsRaw(rep: CallKpiReport, calls: Fixture[]) {
  expect(rep.totals).toEqual(kpiFigures(queueCounts(calls)));
  for (const q of QUEUES) {
    const row = rep.byQueue.find((r) => r.key === q);
    const expected = kpiFigures(queueCounts(calls.filter((c) => c.queue === q)));
    if (expected.offered === 0) expect(row).toBeUndefined();
    else expect(row).toEqual({ key: q, ...expected });
  }
  for (const op of ops) {
    const row = rep.byOperator.find((r) => r.operatorUserId === op);
    const { operatorUserId: _id, name: _name, key: _key, ...figures } = row!;
    expect(figures).toEqual(kpiFigures(operatorCounts(calls, op)));
  }
  expect(rep.byDay.map((r) => r.key)).toEqual([...new Set(calls.filter(offered).map((c) => c.day))].sort());
  for (const r of rep.byDay) expect(r).toEqual({ key: r.key, ...kpiFigures(queueCounts(calls.filter((c) => c.day === r.key))) });
  for (let h = 0; h < 24; h++) expect(rep.byHour[h]).toEqual({ key: String(h), ...kpiFigures(queueCounts(calls.filter((c) => c.hour === h))) });
}

describe("call_stats_daily and the live day", () => {
  it("the roll-ups (past days) plus the live day equal the core definitions over the raw records", async () => {
    // nothing refreshed yet: the past days are empty, today (the 11th) is already counted from the records
    const before = await callKpiReport(db, { fromDay: DAYS[0]!, toDayExclusive: "2026-11-12", thresholdSeconds: THRESHOLD, now: NOW });
    expectReportEqualsRaw(before, fixture.filter((c) => c.day === "2026-11-11"));

    expect(await refreshCallStats(db, THRESHOLD)).toEqual({ full: true, hours: 0 });
    const daily = await db.selectFrom("call_stats_daily").select(["local_day"]).distinct().execute();
    expect(daily).toHaveLength(DAYS.length);
    const all = await callKpiReport(db, { fromDay: DAYS[0]!, toDayExclusive: "2026-11-12", thresholdSeconds: THRESHOLD, now: NOW });
    expectReportEqualsRaw(all, fixture);
    // the same range read a week later (every day from the roll-ups) gives the same figures
    const later = await callKpiReport(db, { fromDay: DAYS[0]!, toDayExclusive: "2026-11-12", now: new Date("2026-11-18T12:00:00+03:30") });
    expect(later).toEqual(all);
    // a range inside the past days, and one of the live day alone
    expectReportEqualsRaw(
      await callKpiReport(db, { fromDay: "2026-11-09", toDayExclusive: "2026-11-11", thresholdSeconds: THRESHOLD, now: NOW }),
      fixture.filter((c) => c.day === "2026-11-09" || c.day === "2026-11-10"),
    );
    expectReportEqualsRaw(
      await callKpiReport(db, { fromDay: "2026-11-11", toDayExclusive: "2026-11-20", thresholdSeconds: THRESHOLD, now: NOW }),
      fixture.filter((c) => c.day === "2026-11-11"),
    );
  });

  it("one operator's and one queue's figures equal the raw ones too", async () => {
    const op = ops[1]!;
    const a = await callKpiReport(db, { fromDay: DAYS[0]!, toDayExclusive: "2026-11-12", operatorUserId: op, thresholdSeconds: THRESHOLD, now: NOW });
    expect(a.totals).toEqual(kpiFigures(operatorCounts(fixture, op)));
    for (const d of DAYS) expect(a.byDay.find((r) => r.key === d)).toMatchObject(kpiFigures(operatorCounts(fixture.filter((c) => c.day === d), op)));
    for (let h = 0; h < 24; h++) expect(a.byHour[h]).toMatchObject(kpiFigures(operatorCounts(fixture.filter((c) => c.hour === h), op)));
    const q = await callKpiReport(db, { fromDay: DAYS[0]!, toDayExclusive: "2026-11-12", queue: "complaint", thresholdSeconds: THRESHOLD, now: NOW });
    expect(q.totals).toEqual(kpiFigures(queueCounts(fixture.filter((c) => c.queue === "complaint"))));
  });

  it("an incremental refresh sums again only the days whose hours changed", async () => {
    const [row] = await db.selectFrom("call_stats_daily").selectAll().where("local_day", "=", "2026-11-09").where("operator_user_id", "=", 0).execute();
    // tamper with another day's row: a refresh that only touches the 10th must leave it as it is
    await db.updateTable("call_stats_daily").set({ offered: 999 }).where("local_day", "=", "2026-11-08").where("operator_user_id", "=", 0).execute();
    const at = new Date("2026-11-10T14:10:00+03:30");
    await db
      .insertInto("calls")
      .values({ direction: "inbound", caller_number: "+989120002222", called_number: "1500", queue: "breakdown", started_at: at, enqueued_at: at, ended_at: new Date(at.getTime() + 50_000), wait_seconds: 50, disposition: "abandoned", state: "ended" })
      .execute();
    await db.updateTable("call_stats_state").set({ ended_before: new Date("2026-11-10T10:00:00Z") }).execute();
    const r = await refreshCallStats(db, THRESHOLD);
    expect(r.full).toBe(false);
    const day = (d: string) =>
      db.selectFrom("call_stats_daily").select((eb) => eb.fn.sum<string>("offered").as("offered")).where("local_day", "=", d).executeTakeFirstOrThrow();
    const raw10 = fixture.filter((c) => c.day === "2026-11-10" && offered(c)).length;
    expect(Number((await day("2026-11-10")).offered)).toBe(raw10 + 1);
    expect((await db.selectFrom("call_stats_daily").select("offered").where("local_day", "=", "2026-11-08").where("operator_user_id", "=", 0).executeTakeFirst())?.offered).toBe(999);
    expect(row).toBeDefined();
  });
});
