/**
 * The call-centre report's table by hour of day over long ranges (call_stats_hour_of_day: per Jalali month,
 * queue, operator and hour, operator -1 the queues' sum), on real PostgreSQL: call-detail records over three
 * Jalali months and their edges (Shahrivar's last week, Mehr, Aban, Azar's first days) are counted by the report —
 * the whole months from the monthly roll-up, the days around them from the hourly one, today live — and must
 * equal the core definitions (core/call-kpis.ts countCalls, kpiFigures) over the same records, by hour, in total,
 * for the queues, one queue and one operator; and the roll-up's months must be the Jalali ones.
 */
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { addCounts, countCalls, kpiFigures, ZERO_COUNTS, type KpiCounts } from "../../core/call-kpis";
import type { DB } from "../../db/connection";
import { wholeJalaliMonths } from "../../core/jalali";
import { callKpiReport, refreshCallStats, type CallKpiReport } from "../../db/repos/call-kpis";
import { getTestDb, resetDatabase } from "../support/db";

let db: DB;
let ops: number[] = [];

const QUEUES = ["breakdown", "follow_up", "complaint"] as const;
// 1405/06/25, 06/31 | Mehr: 07/01, 07/18, 07/30 | Aban: 08/01, 08/14, 08/30 | Azar: 09/01, 09/04 (the live day)
const DAYS = ["2026-09-16", "2026-09-22", "2026-09-23", "2026-10-10", "2026-10-22", "2026-10-23", "2026-11-05", "2026-11-21", "2026-11-22", "2026-11-25"];
const NOW = new Date("2026-11-25T22:00:00+03:30");
const LATER = new Date("2026-12-10T12:00:00+03:30");
const THRESHOLD = 20;

interface Fixture {
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

function rng(seed: number) {
  let x = seed;
  return (n: number) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % n;
  };
}

async function insertCall(c: Fixture, minute: number) {
  const startedAt = new Date(`${c.day}T${String(c.hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}:00+03:30`);
  const answeredAt = c.disposition === "answered" ? new Date(startedAt.getTime() + (c.wait ?? 0) * 1000) : null;
  const endedAt = new Date((answeredAt ?? startedAt).getTime() + ((c.talk ?? 0) + (answeredAt ? 0 : (c.wait ?? 3))) * 1000);
  const row = await db
    .insertInto("calls")
    .values({
      direction: c.direction,
      caller_number: "+989120001111",
      called_number: "1500",
      queue: c.queue,
      operator_user_id: c.operator,
      started_at: startedAt,
      enqueued_at: c.wait === null ? null : startedAt,
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
      .values(c.attempts.map((a) => ({ call_id: row.id, operator_user_id: a.op, started_at: startedAt, ended_at: startedAt, outcome: a.outcome })))
      .execute();
  }
}

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  const users = await db
    .insertInto("users")
    .values([1, 2, 3].map((i) => ({ username: `hop${i}`, display_name: `اپراتور ${i}`, role: "operator" as const, password_hash: "x" })))
    .returning("id")
    .execute();
  ops = users.map((u) => u.id);
  await db.insertInto("operators").values(ops.map((id, i) => ({ user_id: id, extension: `31${i}`, skills: [...QUEUES] }))).execute();
  const r = rng(11);
  for (const day of DAYS) {
    for (let k = 0; k < 60; k++) {
      const hour = r(24);
      const minute = r(60);
      const queue = QUEUES[r(3)]!;
      const kind = r(10);
      const direction = kind === 9 ? "outbound" : "inbound";
      const disposition = kind < 6 || kind === 9 ? "answered" : kind < 8 ? "abandoned" : "missed";
      const wait = kind === 8 && r(3) === 0 ? null : r(45);
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
      const c: Fixture = { day, hour, queue, direction, disposition, wait, talk: disposition === "answered" ? 30 + r(400) : null, operator, attempts };
      fixture.push(c);
      await insertCall(c, minute);
    }
  }
  expect(await refreshCallStats(db, THRESHOLD)).toEqual({ full: true, hours: 0 });
}, 120_000);

const MISSED = new Set(["no_answer", "busy", "rejected"]);
const record = (c: Fixture) => ({ direction: c.direction, disposition: c.disposition, waitSeconds: c.wait, talkSeconds: c.talk });
const offered = (c: Fixture) => countCalls([record(c)], 0, THRESHOLD).offered === 1;

function queueCounts(calls: Fixture[]): KpiCounts {
  const missed = calls.filter(offered).reduce((n, c) => n + c.attempts.filter((a) => MISSED.has(a.outcome)).length, 0);
  return countCalls(calls.map(record), missed, THRESHOLD);
}

function operatorCounts(calls: Fixture[], op: number): KpiCounts {
  let c: KpiCounts = ZERO_COUNTS;
  for (const call of calls.filter(offered)) {
    if (!(call.attempts.some((a) => a.op === op) || call.operator === op)) continue;
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

const within = (from: string, to: string) => (c: Fixture) => c.day >= from && c.day < to;

function expectHoursEqualRaw(rep: CallKpiReport, calls: Fixture[], counts: (calls: Fixture[]) => KpiCounts = queueCounts) {
  for (let h = 0; h < 24; h++) expect(rep.byHour[h]).toEqual({ key: String(h), ...kpiFigures(counts(calls.filter((c) => c.hour === h))) });
  expect(rep.totals).toEqual(kpiFigures(counts(calls)));
}

describe("call_stats_hour_of_day", () => {
  it("holds per Jalali month the hourly rows summed, operator -1 the queues' sum", async () => {
    const months = await sql<{ month_start: string }>`select distinct month_start::text from call_stats_hour_of_day order by 1`.execute(db);
    // Shahrivar (from 2026-08-23), Mehr (09-23), Aban (10-23), Azar (11-22)
    expect(months.rows.map((r) => r.month_start)).toEqual(["2026-08-23", "2026-09-23", "2026-10-23", "2026-11-22"]);
    const sums = await sql<{ a: number; b: number; c: number }>`
      select (select sum(offered) from call_stats_hour_of_day where operator_user_id = -1)::int as a,
             (select sum(offered) from call_stats_hour_of_day where operator_user_id <> -1)::int as b,
             (select sum(offered) from call_stats_hourly)::int as c`.execute(db);
    expect(sums.rows[0]).toEqual({ a: fixture.filter(offered).length, b: fixture.filter(offered).length, c: fixture.filter(offered).length });
  });

  it("the whole Jalali months of a range", () => {
    expect(wholeJalaliMonths("2026-09-16", "2026-11-25")).toEqual({ from: "2026-09-23", toExclusive: "2026-11-22" });
    expect(wholeJalaliMonths("2026-09-23", "2026-11-22")).toEqual({ from: "2026-09-23", toExclusive: "2026-11-22" });
    expect(wholeJalaliMonths("2026-09-24", "2026-10-23")).toBeNull();
    expect(wholeJalaliMonths("2026-03-21", "2027-03-21")).toEqual({ from: "2026-03-21", toExclusive: "2027-03-21" });
  });

  it("by hour of day over whole months and their edges equals the raw records (queues, a queue, an operator, the live day)", async () => {
    // a week later: every day from the roll-ups — months Mehr and Aban whole, the days around them hourly
    expectHoursEqualRaw(await callKpiReport(db, { fromDay: "2026-09-16", toDayExclusive: "2026-11-26", now: LATER }), fixture);
    expectHoursEqualRaw(
      await callKpiReport(db, { fromDay: "2026-09-23", toDayExclusive: "2026-11-22", now: LATER }),
      fixture.filter(within("2026-09-23", "2026-11-22")),
    );
    expectHoursEqualRaw(
      await callKpiReport(db, { fromDay: "2026-09-22", toDayExclusive: "2026-10-23", now: LATER }),
      fixture.filter(within("2026-09-22", "2026-10-23")),
    );
    // the live day (the 25th, today at NOW) counted from the records, the months from the roll-up
    expectHoursEqualRaw(await callKpiReport(db, { fromDay: "2026-09-16", toDayExclusive: "2026-11-26", thresholdSeconds: THRESHOLD, now: NOW }), fixture);
    const complaint = (c: Fixture) => c.queue === "complaint";
    expectHoursEqualRaw(
      await callKpiReport(db, { fromDay: "2026-09-16", toDayExclusive: "2026-11-26", queue: "complaint", now: LATER }),
      fixture.filter(complaint),
    );
    for (const op of ops) {
      expectHoursEqualRaw(
        await callKpiReport(db, { fromDay: "2026-09-16", toDayExclusive: "2026-11-26", operatorUserId: op, now: LATER }),
        fixture,
        (calls) => operatorCounts(calls, op),
      );
    }
  });

  it("an incremental refresh sums again the month of the days it counted", async () => {
    const extra: Fixture = { day: "2026-11-05", hour: 9, queue: "breakdown", direction: "inbound", disposition: "abandoned", wait: 50, talk: null, operator: null, attempts: [] };
    await insertCall(extra, 10);
    fixture.push(extra);
    await db.updateTable("call_stats_state").set({ ended_before: new Date("2026-11-05T00:00:00Z") }).execute();
    expect((await refreshCallStats(db, THRESHOLD)).full).toBe(false);
    expectHoursEqualRaw(await callKpiReport(db, { fromDay: "2026-09-16", toDayExclusive: "2026-11-26", now: LATER }), fixture);
  });
});
