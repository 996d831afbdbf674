/**
 * bench/dispatch at a tiny scale, so the benchmark cannot rot: the generator is deterministic and loads into
 * a migrated database; real dispatch decisions run on it; a simulated day's online assignment has no capacity
 * or eligibility violation and is never shorter than the hindsight optimum HiGHS computes, which is itself
 * feasible and equal to the LP over every eligible arc. No timing is asserted.
 */
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import type { DB } from "../../db/connection";
import { checkAssignment, eligible, hindsightOptimum, openAt } from "../../bench/dispatch-optimum";
import { dayTickets, explainCandidateQuery, remainingCapacity, simulateDay, timeDecisions, timeStatements, undoDay, withdrawOffers } from "../../bench/dispatch-run";
import { generateWorld, loadWorld, newTicketSpecs, PLACES, type Loaded, type World } from "../../bench/dispatch-world";
import { DEFAULT_DISPATCH_WEIGHTS } from "../../core/dispatch";
import { getTestDb, getTestDbUrl, resetDatabase } from "../support/db";

let db: DB;
let world: World;
let loaded: Loaded;
const SATURDAY_1030 = new Date("2026-12-05T07:00:00Z");
const SUNDAY_0800 = new Date("2026-12-13T04:30:00Z");

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  world = generateWorld({ seed: 5, agencies: 60, openJobs: 600 });
  loaded = await loadWorld(db, world);
});

describe("bench/dispatch's world", () => {
  it("is the same for the same seed, covers Iran's 31 provinces, and loads whole", async () => {
    const again = generateWorld({ seed: 5, agencies: 60, openJobs: 600 });
    expect(again.agencies.map((a) => [a.code, a.lat, a.openJobs, [...a.skills]])).toEqual(world.agencies.map((a) => [a.code, a.lat, a.openJobs, [...a.skills]]));
    expect(new Set(PLACES.map((p) => p.province)).size).toBe(31);
    expect(world.agencies.reduce((s, a) => s + a.openJobs, 0)).toBe(600);
    expect(world.agencies.every((a) => a.openJobs <= a.dailyCapacity)).toBe(true);
    const counts = await sql<{ agencies: number; jobs: number; areas: number; auths: number }>`
      select (select count(*)::int from agencies) as agencies,
             (select count(*)::int from tickets where status in ('assigned','scheduled','in_progress','on_hold')) as jobs,
             (select count(*)::int from agency_service_areas) as areas,
             (select count(*)::int from agency_authorizations) as auths`.execute(db);
    expect(counts.rows[0]).toEqual({
      agencies: 60,
      jobs: 600,
      areas: world.agencies.reduce((s, a) => s + a.areas.length, 0),
      auths: world.agencies.reduce((s, a) => s + a.skills.size, 0),
    });
    const stored = await db.selectFrom("agencies").select(["id", "code", "daily_job_capacity"]).orderBy("id").execute();
    expect(stored.map((a) => [a.id, a.code, a.daily_job_capacity])).toEqual(world.agencies.map((a) => [a.id, a.code, a.dailyCapacity]));
  });

  it("reads working hours in Tehran time", () => {
    const longWeek = { sat: ["08:00", "20:00"], fri: null } as Record<string, [string, string] | null>;
    expect(openAt(longWeek, new Date("2026-12-05T04:30:00Z"))).toBe(true); // Sat 08:00
    expect(openAt(longWeek, new Date("2026-12-05T04:29:00Z"))).toBe(false);
    expect(openAt(longWeek, new Date("2026-12-05T16:30:00Z"))).toBe(false); // Sat 20:00
    expect(openAt(longWeek, new Date("2026-12-04T08:00:00Z"))).toBe(false); // Friday
    expect(openAt({}, new Date("2026-12-04T23:00:00Z"))).toBe(true);
  });
});

describe("bench/dispatch's measurements, tiny", () => {
  it("times real decisions on fresh tickets and explains the candidate query", async () => {
    const specs = newTicketSpecs(world, 9, 6);
    const r = await timeDecisions(db, loaded, specs, SATURDAY_1030, 11);
    expect(r.ms).toHaveLength(6);
    expect(Object.values(r.outcomes).reduce((s, n) => s + n, 0)).toBe(6);
    const offers = await db.selectFrom("dispatch_offers").select(["ticket_id", "agency_id"]).where("ticket_id", "in", r.ticketIds).execute();
    expect(offers).toHaveLength(r.outcomes.offered ?? 0);
    // each offer went to an agency the yardstick calls eligible
    for (const o of offers) {
      const k = r.ticketIds.indexOf(Number(o.ticket_id));
      const agency = world.agencies.find((a) => a.id === Number(o.agency_id))!;
      expect(eligible(agency, specs[k]!, SATURDAY_1030)).toBe(true);
    }
    const plan = await explainCandidateQuery(db, r.ticketIds[0]!, SATURDAY_1030);
    expect(plan.plan).toMatch(/Execution Time/);
    expect(Array.isArray(plan.largeSeqScans)).toBe(true);
    await withdrawOffers(db, r.ticketIds);
    const pending = await db.selectFrom("dispatch_offers").select("id").where("ticket_id", "in", r.ticketIds).where("status", "=", "pending").execute();
    expect(pending).toEqual([]);
  });

  it("times each statement of real decisions: begin first, commit last, Node between them", async () => {
    const specs = newTicketSpecs(world, 13, 4);
    const rows = await timeStatements(await getTestDbUrl(), loaded, specs, SATURDAY_1030, 14, db);
    const labels = rows.map((r) => r.label);
    expect(labels[0]).toBe("1. begin");
    expect(labels).toContain("Node between the statements");
    expect(labels.some((l) => /^\d+\. commit$/.test(l))).toBe(true);
    expect(rows.find((r) => r.label === "Node between the statements")!.ms).toHaveLength(4);
    expect(rows.every((r) => r.ms.every((ms) => Number.isFinite(ms) && ms >= 0))).toBe(true);
    // its decisions are withdrawn afterwards: no pending offer is left to load the next measurement
    const pending = await db.selectFrom("dispatch_offers").select("id").where("status", "=", "pending").execute();
    expect(pending).toEqual([]);
  });

  it("a simulated day: no violation online, never shorter than the optimum, which is feasible and exact", async () => {
    const capacity = await remainingCapacity(db, world, SUNDAY_0800);
    const day = dayTickets(world, 21, 40, SUNDAY_0800);
    const opt = await hindsightOptimum(world, day, capacity, 2);
    const optCheck = checkAssignment(world, day, capacity, opt);
    expect(optCheck.capacityViolations + optCheck.eligibilityViolations).toBe(0);
    expect(opt.totalKm).toBeCloseTo(optCheck.totalKm, 6);

    const run = await simulateDay(db, world, loaded, day, { ...DEFAULT_DISPATCH_WEIGHTS }, 31);
    const online = checkAssignment(world, day, capacity, run);
    expect(online.capacityViolations).toBe(0);
    expect(online.eligibilityViolations).toBe(0);
    // every ticket the optimum could place, the engine placed too (capacity is not short in this world)
    expect(online.assigned).toBe(optCheck.assigned);
    expect(online.totalKm).toBeGreaterThanOrEqual(opt.totalKm - 1e-6);
    await undoDay(db, run.ticketIds);
    expect(await remainingCapacity(db, world, SUNDAY_0800)).toEqual(capacity);
  });

  it("the optimum by column generation equals the LP over every eligible arc, capacities tight", async () => {
    // one job each: nearest agencies are contended, so the rounds must bring in farther ones
    const capacity = world.agencies.map(() => 1);
    const day = dayTickets(world, 41, 40, SUNDAY_0800);
    const generated = await hindsightOptimum(world, day, capacity, 1);
    const full = await hindsightOptimum(world, day, capacity, Number.MAX_SAFE_INTEGER);
    expect(full.rounds).toBe(1);
    const a = checkAssignment(world, day, capacity, generated);
    const b = checkAssignment(world, day, capacity, full);
    expect(a.capacityViolations + a.eligibilityViolations).toBe(0);
    expect(a.assigned).toBe(b.assigned);
    expect(a.totalKm).toBeCloseTo(b.totalKm, 4);
  });
});
