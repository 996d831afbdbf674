/**
 * The delay audit's daily roll-up (delay_daily, db/repos/delays.ts refreshDelayRollup) on real PostgreSQL,
 * against a hand-computed fixture of milestones over three Tehran days:
 *  - a range of whole Tehran days reads closed requests from the roll-up and open ones live, and gives the
 *    hand-computed counts, breaches, causes and exact means; medians are the buckets' (core/delays.ts
 *    histogramMedian), within the documented bound of the exact medians;
 *  - the same range read wholly live (a range that is not whole days) gives the very same figures;
 *  - an incremental refresh after changes (an open request closed, a request moved to another agency by the
 *    tickets trigger, which now stamps refreshed_at) equals a full rebuild and the live figures; refreshing
 *    again changes nothing (idempotent); an agency's scope sees only itself.
 */
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { HIST_FIRST_EDGE_SECONDS, HIST_MEDIAN_RELATIVE_ERROR, histogramMedian, histogramOf, median } from "../../core/delays";
import { tehranDayStart } from "../../core/jalali";
import type { DB } from "../../db/connection";
import { agencyDelayRanking, delayFiguresByAgency, delaySummary, refreshDelayRollup } from "../../db/repos/delays";
import { getTestDb, resetDatabase } from "../support/db";

let db: DB;
let agencyA: number;
let agencyB: number;
const ids: Record<string, number> = {};

const D0 = "2026-11-09";
const D1 = "2026-11-10";
const D2 = "2026-11-11";
const D3 = "2026-11-12";
const D4 = "2026-11-13";
const S = 1000;
/** 10:00 in Tehran on a day, plus seconds */
const at = (day: string, secs = 0) => new Date(tehranDayStart(day).getTime() + 10 * 3600 * S + secs * S);
const NOW = at(D3, 20 * 3600);
const RANGE = { from: tehranDayStart(D1), toExclusive: tehranDayStart(D4), now: NOW };
/** the same requests, read wholly live (not whole Tehran days: one second earlier, when nothing was registered) */
const LIVE = { from: new Date(RANGE.from.getTime() - S), toExclusive: RANGE.toExclusive, now: NOW };

interface Fixture {
  day: string;
  agency: "A" | "B" | null;
  /** offer, accept, visit, repair, close in seconds (null: stage not passed) */
  stages: [number | null, number | null, number | null, number | null, number | null];
  /** seconds from registration to closing (cancelled when done is null); null: open */
  closedAfter: number | null;
  due: [number, number, number];
  causes?: Partial<Record<"rejections" | "waiting_parts" | "reassignments", number>>;
}

const H = 3600;
const FIXTURE: Record<string, Fixture> = {
  // closed, no breach
  A1: { day: D1, agency: "A", stages: [600, 3600, 20000, 7200, 28800], closedAfter: 600 + 3600 + 20000 + 7200 + 28800, due: [4 * H, 48 * H, 7 * 24 * H], causes: { rejections: 1 } },
  // closed, accepted after its 10-minute target
  A2: { day: D1, agency: "A", stages: [300, 1800, 15900, 97200, 3600], closedAfter: 300 + 1800 + 15900 + 97200 + 3600, due: [600, 48 * H, 7 * 24 * H] },
  // open at NOW, offered only: accept and visit due times passed → breached both (live)
  A3: { day: D2, agency: "A", stages: [120, null, null, null, null], closedAfter: null, due: [H, 2 * H, 30 * 24 * H] },
  // cancelled after the visit: visited after its 3-hour target
  B1: { day: D2, agency: "B", stages: [300, 10500, 3600, null, null], closedAfter: 300 + 10500 + 3600 + 100, due: [4 * H, 3 * H, 24 * H], causes: { reassignments: 1 } },
  // no agency, closed
  N1: { day: D3, agency: null, stages: [60, null, null, null, null], closedAfter: 5000, due: [4 * H, 48 * H, 7 * 24 * H], causes: { rejections: 2 } },
  A4: { day: D3, agency: "A", stages: [900, 600, 7200, 3600, 600], closedAfter: 900 + 600 + 7200 + 3600 + 600, due: [4 * H, 48 * H, 7 * 24 * H], causes: { waiting_parts: 1 } },
  // before the range
  A0: { day: D0, agency: "A", stages: [100, 100, 100, 100, 100], closedAfter: 500, due: [10, 10, 10] },
};

async function insertFixture() {
  const customer = (await db.insertInto("customers").values({ full_name: "کاوه نادری", mobile: "+989121234501" }).returning("id").executeTakeFirstOrThrow()).id;
  const mk = async (code: string, name: string) =>
    (await db.insertInto("agencies").values({ code, name, province: "تهران", city: "تهران", working_hours: "{}" as never }).returning("id").executeTakeFirstOrThrow()).id;
  agencyA = await mk("AG-A", "نمایندگی الف");
  agencyB = await mk("AG-B", "نمایندگی ب");
  for (const [key, f] of Object.entries(FIXTURE)) {
    const reg = at(f.day);
    const plus = (s: number | null) => (s === null ? null : new Date(reg.getTime() + s * S));
    const agency = f.agency === "A" ? agencyA : f.agency === "B" ? agencyB : null;
    const done = f.stages[3] !== null;
    const status = f.closedAfter === null ? "dispatching" : done ? "closed" : "cancelled";
    const t = await db
      .insertInto("tickets")
      .values({
        type: "breakdown", channel: "phone", customer_id: customer, warranty_status: "in_warranty", priority: "normal", status,
        created_at: reg, assigned_agency_id: agency, sla_accept_due_at: plus(f.due[0]), sla_visit_due_at: plus(f.due[1]), sla_resolve_due_at: plus(f.due[2]),
      } as never)
      .returning("id")
      .executeTakeFirstOrThrow();
    ids[key] = t.id;
    // milestones: each stage ends where the next begins
    const [o, a, v, r, c] = f.stages;
    const offered = plus(o);
    const accepted = a === null ? null : plus(o! + a);
    const visited = v === null ? null : plus(o! + a! + v);
    const doneAt = r === null ? null : plus(o! + a! + v! + r);
    await db
      .insertInto("ticket_milestones")
      .values({
        ticket_id: t.id, type: "breakdown", priority: "normal", category_id: null, province: "تهران", agency_id: agency, registered_at: reg,
        offered_at: offered, accepted_at: accepted, visited_at: visited, done_at: doneAt,
        closed_at: f.closedAfter === null ? null : c !== null ? plus(o! + a! + v! + r! + c) : plus(f.closedAfter),
        cancelled: f.closedAfter !== null && !done,
        accept_due_at: plus(f.due[0]), visit_due_at: plus(f.due[1]), resolve_due_at: plus(f.due[2]),
        rejections: f.causes?.rejections ?? 0, waiting_parts: f.causes?.waiting_parts ?? 0, reassignments: f.causes?.reassignments ?? 0,
      })
      .execute();
  }
}

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  await insertFixture();
});

const STAGES = ["offer", "accept", "visit", "repair", "close"] as const;

function expectedStages(keys: string[]) {
  const median_ = {} as Record<string, number | null>;
  const mean = {} as Record<string, number | null>;
  const exactMedian = {} as Record<string, number | null>;
  STAGES.forEach((s, k) => {
    const xs = keys.map((key) => FIXTURE[key]!.stages[k]).filter((x): x is number => x !== null);
    mean[s] = xs.length ? Math.round(xs.reduce((p, q) => p + q, 0) / xs.length) : null;
    median_[s] = xs.length ? Math.round(histogramMedian(histogramOf(xs))!) : null;
    exactMedian[s] = median(xs);
  });
  return { median: median_, mean, exactMedian };
}

async function rollupRows() {
  return (await sql<Record<string, unknown>>`select * from delay_daily order by agency_id, day`.execute(db)).rows;
}

describe("the delay roll-up", () => {
  it("fills in full on its first run: one cumulative row per agency and day of closed requests", async () => {
    const r = await refreshDelayRollup(db);
    expect(r.full).toBe(true);
    // A: A0 on D0, A1 + A2 on D1, A3 (open) on D2, A4 on D3; B: B1 on D2; no agency: N1 on D3
    const rows = await rollupRows();
    const agencyKey = (id: unknown) => (id === agencyA ? "A" : id === agencyB ? "B" : id);
    expect(rows.map((x) => [agencyKey(x.agency_id), x.day, (x.cum_counts as number[])[0]])).toEqual([
      [0, D3, 1],
      ["A", D0, 1],
      ["A", D1, 3],
      ["A", D2, 4],
      ["A", D3, 5],
      ["B", D2, 1],
    ]);
  });

  it("gives the hand-computed ranking and summary for whole days, the same as read wholly live", async () => {
    const x = await delayFiguresByAgency(db, { kind: "all" }, RANGE);
    expect(x.fromRollup).toBe(true);
    expect((await delayFiguresByAgency(db, { kind: "all" }, LIVE)).fromRollup).toBe(false);
    const ranking = await agencyDelayRanking(db, { kind: "all" }, RANGE);
    expect(ranking.map((r) => [r.agencyName, r.tickets, r.breaches, r.breachRate])).toEqual([
      ["نمایندگی ب", 1, 1, 100],
      ["نمایندگی الف", 4, 2, 50],
    ]);
    const a = ranking[1]!;
    const e = expectedStages(["A1", "A2", "A3", "A4"]);
    // means are exact: offer (600+300+120+900)/4, accept (3600+1800+600)/3, visit (20000+15900+7200)/3, …
    expect(a.mean).toEqual({ offer: 480, accept: 2000, visit: 14367, repair: 36000, close: 11000 });
    expect(a.mean).toEqual(e.mean);
    expect(a.median).toEqual(e.median);
    for (const s of STAGES) {
      const exact = e.exactMedian[s]!;
      expect(Math.abs(a.median[s]! - exact)).toBeLessThanOrEqual(Math.max(exact * HIST_MEDIAN_RELATIVE_ERROR, HIST_FIRST_EDGE_SECONDS) + 0.5);
    }
    expect(ranking[0]!.median).toEqual(expectedStages(["B1"]).median);
    expect(ranking[0]!.mean).toEqual({ offer: 300, accept: 10500, visit: 3600, repair: null, close: null });

    const summary = await delaySummary(db, { kind: "all" }, RANGE);
    expect(summary).toEqual({
      tickets: 6,
      breached: { accept: 2, visit: 2, resolve: 0 },
      causes: {
        rejection: { tickets: 2, occurrences: 3 },
        deadline_missed: { tickets: 0, occurrences: 0 },
        waiting_parts: { tickets: 1, occurrences: 1 },
        customer_unavailable: { tickets: 0, occurrences: 0 },
        reassignment: { tickets: 1, occurrences: 1 },
      },
    });
    expect(await agencyDelayRanking(db, { kind: "all" }, LIVE)).toEqual(ranking);
    expect(await delaySummary(db, { kind: "all" }, LIVE)).toEqual(summary);
    // one day alone: D2 holds A3 (open, live) and B1 (rolled up)
    const d2 = { from: tehranDayStart(D2), toExclusive: tehranDayStart(D3), now: NOW };
    expect((await delaySummary(db, { kind: "all" }, d2)).tickets).toBe(2);
    expect((await agencyDelayRanking(db, { kind: "agency", agencyId: agencyB }, RANGE)).map((r) => r.agencyId)).toEqual([agencyB]);
    expect((await delaySummary(db, { kind: "agency", agencyId: agencyB }, RANGE)).tickets).toBe(1);
  });

  it("adds the breaches the clock made since the refresh (an open request's resolve due time passing)", async () => {
    // A3's resolve target is 30 days after its registration: 40 days after the refresh it has passed
    const later = { ...RANGE, now: new Date(Date.now() + 40 * 24 * H * S) };
    const laterLive = { ...LIVE, now: later.now };
    const s = await delaySummary(db, { kind: "all" }, later);
    expect(s.breached).toEqual({ accept: 2, visit: 2, resolve: 1 });
    expect(s).toEqual(await delaySummary(db, { kind: "all" }, laterLive));
    expect(await agencyDelayRanking(db, { kind: "all" }, later)).toEqual(await agencyDelayRanking(db, { kind: "all" }, laterLive));
  });

  it("refreshes incrementally after changes, equal to a full rebuild and to the live figures, and idempotently", async () => {
    const before = (await sql<{ at: Date }>`select refreshed_at as at from ticket_milestones where ticket_id = ${ids.B1!}`.execute(db)).rows[0]!.at;
    // the open A3 is accepted (late) and cancelled
    await sql`update ticket_milestones set accepted_at = registered_at + interval '2 hours', closed_at = registered_at + interval '3 hours', cancelled = true,
      refreshed_at = now() where ticket_id = ${ids.A3!}`.execute(db);
    await db.updateTable("tickets").set({ status: "cancelled" }).where("id", "=", ids.A3!).execute();
    FIXTURE.A3!.stages = [120, 2 * H - 120, null, null, null];
    // B1 is moved to agency A through the tickets row: the trigger carries it over and stamps refreshed_at
    await db.updateTable("tickets").set({ assigned_agency_id: agencyA }).where("id", "=", ids.B1!).execute();
    const moved = (await sql<{ agency_id: number; at: Date }>`select agency_id, refreshed_at as at from ticket_milestones where ticket_id = ${ids.B1!}`.execute(db)).rows[0]!;
    expect(moved.agency_id).toBe(agencyA);
    expect(moved.at.getTime()).toBeGreaterThan(before.getTime());

    const r = await refreshDelayRollup(db);
    expect(r.full).toBe(false);
    expect(r.days).toBeGreaterThan(0);
    const incremental = await rollupRows();
    const ranking = await agencyDelayRanking(db, { kind: "all" }, RANGE);
    expect(ranking.map((x) => [x.agencyName, x.tickets, x.breaches])).toEqual([["نمایندگی الف", 5, 3]]);
    expect(ranking[0]!.median).toEqual(expectedStages(["A1", "A2", "A3", "A4", "B1"]).median);
    expect(ranking).toEqual(await agencyDelayRanking(db, { kind: "all" }, LIVE));
    expect(await delaySummary(db, { kind: "all" }, RANGE)).toEqual(await delaySummary(db, { kind: "all" }, LIVE));

    // again: nothing changes
    await refreshDelayRollup(db);
    expect(await rollupRows()).toEqual(incremental);
    // a full rebuild gives the same rows
    await sql`delete from delay_daily_state`.execute(db);
    expect((await refreshDelayRollup(db)).full).toBe(true);
    expect(await rollupRows()).toEqual(incremental);
  });
});
