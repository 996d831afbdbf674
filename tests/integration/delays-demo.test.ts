/**
 * The demo manager sees a meaningful delay audit on a fresh start (issue 14 §1, "done means"): over the demo's
 * last 60 days the ranking covers many agencies with stage medians, every cause of delay shows, some requests
 * breached a target, and the watch list holds open requests at risk or breached; the SLA rules are seeded.
 * ticket_milestones, built by the triggers while the demo history was loaded, equals a full rebuild.
 */
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { DELAY_CAUSES } from "../../core/delays";
import type { DB } from "../../db/connection";
import { agencyDelayRanking, delaySummary, slaWatchList } from "../../db/repos/delays";
import { seedDemo } from "../../db/seed/demo";
import { getTestDb, resetDatabase } from "../support/db";

let db: DB;
const NOW = new Date("2026-11-23T08:00:00Z");
const RANGE = { from: new Date(NOW.getTime() - 61 * 86_400_000), toExclusive: NOW, now: NOW };

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  await seedDemo(db, { now: NOW });
}, 120_000);

describe("the demo's delay audit", () => {
  it("ranks many agencies with stage medians and breaches", async () => {
    const r = await agencyDelayRanking(db, { kind: "all" }, RANGE);
    expect(r.length).toBeGreaterThanOrEqual(5);
    expect(r.filter((a) => a.median.accept !== null && a.median.visit !== null).length).toBeGreaterThanOrEqual(5);
    expect(r.reduce((n, a) => n + a.breaches, 0)).toBeGreaterThan(0);
  });

  it("shows every cause of delay and breaches of each check", async () => {
    const s = await delaySummary(db, { kind: "all" }, RANGE);
    for (const c of DELAY_CAUSES) expect(s.causes[c].tickets, c).toBeGreaterThan(0);
    expect(s.breached.accept + s.breached.visit + s.breached.resolve).toBeGreaterThan(0);
  });

  it("lists open requests at risk or breached", async () => {
    const w = await slaWatchList(db, { kind: "all" }, NOW);
    expect(w.rows.length).toBeGreaterThan(0);
  });

  it("has the SLA rules: the four base rules and the overrides", async () => {
    const n = await db.selectFrom("sla_targets").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    expect(Number(n.n)).toBeGreaterThanOrEqual(6);
  });

  it("built the roll-up incrementally exactly as a full rebuild does", async () => {
    const before = await sql<{ h: string }>`select md5(string_agg(m::text, ',' order by ticket_id)) as h from (
      select ticket_id, agency_id, offered_at, accepted_at, visited_at, done_at, closed_at, cancelled, rejections, deadlines_missed,
        waiting_parts, customer_unavailable, reassignments from ticket_milestones) m`.execute(db);
    await sql`truncate ticket_milestones`.execute(db);
    await sql`select ticket_milestones_refresh(array(select id from tickets))`.execute(db);
    const after = await sql<{ h: string }>`select md5(string_agg(m::text, ',' order by ticket_id)) as h from (
      select ticket_id, agency_id, offered_at, accepted_at, visited_at, done_at, closed_at, cancelled, rejections, deadlines_missed,
        waiting_parts, customer_unavailable, reassignments from ticket_milestones) m`.execute(db);
    expect(after.rows[0]!.h).toBe(before.rows[0]!.h);
  });
});
