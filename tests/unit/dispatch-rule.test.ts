/**
 * The dispatch rule (core/dispatch.ts): examples, and properties over random agencies and tickets
 * (fast-check): nobody unauthorized, suspended, terminated, out of area, closed, full or already offered is
 * ever ranked; every agency is ranked or excluded with a reason; the ranking is deterministic and sorted;
 * the weights change the order as documented; ranking only the nearest agencies finds the same best one
 * whenever bestIsProven says so. Working hours and offer deadlines in Tehran local time.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  agencyCapacity,
  ALWAYS_OPEN,
  bestIsProven,
  coversLocation,
  DEFAULT_DISPATCH_WEIGHTS,
  distanceComponent,
  haversineKm,
  holdReason,
  closedReason,
  isWorkingHours,
  parseDispatchWeights,
  rankCandidates,
  scoreBoundBeyond,
  WEEKDAYS,
  type CandidateFacts,
  type WorkingHours,
} from "../../core/dispatch";
import { addWorkingMinutes, makeWorkingCalendar } from "../../core/working-time";
import { EnvError, loadEnv } from "../../platform/env";
import { weekly } from "../support/weekly-calendar";

const base: CandidateFacts = {
  agencyId: 1,
  code: "THR-001",
  name: "الف",
  status: "active",
  authorized: true,
  areaMatch: true,
  serviceRadiusKm: 20,
  distanceKm: 5,
  workingHours: ALWAYS_OPEN,
  openJobs: 0,
  dailyJobCapacity: 10,
  technicianCount: 3,
  offersAccepted: 0,
  offersDecided: 0,
  visitsOnTime: 0,
  visitsDue: 0,
  csatSum: 0,
  csatCount: 0,
  recentOffers: 0,
  alreadyOffered: false,
};
const f = (o: Partial<CandidateFacts>): CandidateFacts => ({ ...base, ...o });
/** Saturday 1 Azar 1405 (2026-11-21), 10:00 in Tehran */
const SAT_10 = new Date("2026-11-21T10:00:00+03:30");
const WEEKDAY_HOURS: WorkingHours = {
  sat: ["08:00", "17:00"],
  sun: ["08:00", "17:00"],
  mon: ["08:00", "17:00"],
  tue: ["08:00", "17:00"],
  wed: ["08:00", "17:00"],
  thu: ["08:00", "13:00"],
  fri: null,
};

describe("examples", () => {
  it("haversine: Tehran → Karaj is about 35 km", () => {
    expect(haversineKm(35.6892, 51.389, 35.8327, 50.9916)).toBeGreaterThan(33);
    expect(haversineKm(35.6892, 51.389, 35.8327, 50.9916)).toBeLessThan(40);
    expect(haversineKm(35, 51, 35, 51)).toBe(0);
  });

  it("capacity is daily_job_capacity, 0 without technicians; full at open jobs ≥ capacity", () => {
    expect(agencyCapacity({ dailyJobCapacity: 12, technicianCount: 3 })).toBe(12);
    expect(agencyCapacity({ dailyJobCapacity: 12, technicianCount: 0 })).toBe(0);
    const r = rankCandidates([f({ agencyId: 1, openJobs: 10 }), f({ agencyId: 2, openJobs: 9 })], SAT_10, undefined, weekly);
    expect(r.excluded).toEqual([{ agencyId: 1, code: "THR-001", reasons: ["full"] }]);
    expect(r.ranked.map((c) => c.agencyId)).toEqual([2]);
  });

  it("covers by an area row, or by the radius when both are placed", () => {
    expect(coversLocation({ areaMatch: true, serviceRadiusKm: null, distanceKm: null })).toBe(true);
    expect(coversLocation({ areaMatch: false, serviceRadiusKm: 10, distanceKm: 9.9 })).toBe(true);
    expect(coversLocation({ areaMatch: false, serviceRadiusKm: 10, distanceKm: 10.1 })).toBe(false);
    expect(coversLocation({ areaMatch: false, serviceRadiusKm: 10, distanceKm: null })).toBe(false);
  });

  it("lists every reason an agency fails", () => {
    const r = rankCandidates([f({ authorized: false, status: "terminated", areaMatch: false, distanceKm: null, openJobs: 99, alreadyOffered: true, workingHours: { fri: null } })], SAT_10, undefined, weekly);
    expect(r.excluded[0]!.reasons).toEqual(["unauthorized", "terminated", "out_of_area", "closed", "full", "already_offered"]);
  });

  it("nearer wins by default; equal facts tie-break by agency id", () => {
    const r = rankCandidates([f({ agencyId: 3, distanceKm: 8 }), f({ agencyId: 2, distanceKm: 2 }), f({ agencyId: 1, distanceKm: 8 })], SAT_10, undefined, weekly);
    expect(r.ranked.map((c) => c.agencyId)).toEqual([2, 1, 3]);
  });

  it("weights change the order as documented: load only → the freer agency wins", () => {
    const near = f({ agencyId: 1, distanceKm: 1, openJobs: 8 });
    const free = f({ agencyId: 2, distanceKm: 15, openJobs: 0 });
    expect(rankCandidates([near, free], SAT_10, undefined, weekly).ranked[0]!.agencyId).toBe(1);
    expect(rankCandidates([near, free], SAT_10, { distance: 0, load: 1, performance: 0, fairness: 0 }, weekly).ranked[0]!.agencyId).toBe(2);
    // fairness only: the one with fewer recent offers
    const busy = f({ agencyId: 3, recentOffers: 6 });
    const idle = f({ agencyId: 4, recentOffers: 1 });
    expect(rankCandidates([busy, idle], SAT_10, { distance: 0, load: 0, performance: 0, fairness: 1 }, weekly).ranked[0]!.agencyId).toBe(4);
    // performance only: the one that accepts and pleases
    const good = f({ agencyId: 5, offersAccepted: 40, offersDecided: 42, visitsOnTime: 30, visitsDue: 31, csatSum: 190, csatCount: 40 });
    const poor = f({ agencyId: 6, offersAccepted: 5, offersDecided: 40, visitsOnTime: 10, visitsDue: 30, csatSum: 80, csatCount: 40 });
    expect(rankCandidates([poor, good], SAT_10, { distance: 0, load: 0, performance: 1, fairness: 0 }, weekly).ranked[0]!.agencyId).toBe(5);
  });

  it("the defaults' trade-off (core/dispatch.ts): within a city a km decides, yet an idle agency beats a nearly full one a few hundred metres nearer", () => {
    expect(distanceComponent(0)).toBe(1);
    expect(distanceComponent(3)).toBe(0.5);
    const nearlyFull = f({ agencyId: 1, distanceKm: 1, openJobs: 9 });
    expect(rankCandidates([nearlyFull, f({ agencyId: 2, distanceKm: 1.4, openJobs: 0 })], SAT_10, undefined, weekly).ranked[0]!.agencyId).toBe(2);
    expect(rankCandidates([nearlyFull, f({ agencyId: 3, distanceKm: 2.5, openJobs: 0 })], SAT_10, undefined, weekly).ranked[0]!.agencyId).toBe(1);
    // fairness alone never outweighs a km
    const rotated = f({ agencyId: 4, distanceKm: 1, recentOffers: 5 });
    expect(rankCandidates([rotated, f({ agencyId: 5, distanceKm: 2, recentOffers: 0 })], SAT_10, undefined, weekly).ranked[0]!.agencyId).toBe(4);
  });

  it("an agency without coordinates scores 0 for distance (last resort)", () => {
    const r = rankCandidates([f({ agencyId: 1, distanceKm: null }), f({ agencyId: 2, distanceKm: 40, serviceRadiusKm: 50 })], SAT_10, undefined, weekly);
    expect(r.ranked.map((c) => c.agencyId)).toEqual([2, 1]);
    expect(r.ranked[1]!.components.distance).toBe(0);
  });

  it("hold reasons name what every remaining agency fails", () => {
    expect(holdReason([])).toBe("no_authorized_agency");
    expect(holdReason([], 3)).toBe("all_out_of_area");
    expect(holdReason([{ agencyId: 1, code: "A", reasons: ["unauthorized"] }])).toBe("no_authorized_agency");
    expect(holdReason([{ agencyId: 1, code: "A", reasons: ["suspended"] }])).toBe("all_suspended");
    expect(holdReason([{ agencyId: 1, code: "A", reasons: ["out_of_area"] }, { agencyId: 2, code: "B", reasons: ["terminated"] }])).toBe("all_out_of_area");
    expect(holdReason([{ agencyId: 1, code: "A", reasons: ["already_offered"] }, { agencyId: 2, code: "B", reasons: ["already_offered", "full"] }])).toBe("offers_exhausted");
    expect(holdReason([{ agencyId: 1, code: "A", reasons: ["full"] }, { agencyId: 2, code: "B", reasons: ["already_offered"] }])).toBe("all_full");
    expect(holdReason([{ agencyId: 1, code: "A", reasons: ["closed"] }])).toBe("all_closed");
    expect(holdReason([{ agencyId: 1, code: "A", reasons: ["closed"] }, { agencyId: 2, code: "B", reasons: ["full"] }])).toBe("no_candidate");
  });
});

/** Open at `at` on the weekly hours alone (core/dispatch.ts closedReason on a calendar without holidays). */
const isOpenAt = (hours: WorkingHours, at: Date) => closedReason(weekly(hours), at) === null;
/** The offer deadline as services/dispatch.ts computes it: working minutes on the agency's calendar. */
const offerDeadlineAt = (now: Date, hours: WorkingHours, minutes: number) => addWorkingMinutes(now, minutes, makeWorkingCalendar(hours));

describe("working hours (Tehran local time)", () => {
  it("open inside the day's range, closed outside and on a day off", () => {
    expect(isOpenAt(WEEKDAY_HOURS, SAT_10)).toBe(true);
    expect(isOpenAt(WEEKDAY_HOURS, new Date("2026-11-21T07:59:00+03:30"))).toBe(false);
    expect(isOpenAt(WEEKDAY_HOURS, new Date("2026-11-21T17:00:00+03:30"))).toBe(false);
    expect(isOpenAt(WEEKDAY_HOURS, new Date("2026-11-27T10:00:00+03:30"))).toBe(false); // Friday
    expect(isOpenAt(WEEKDAY_HOURS, new Date("2026-11-26T12:59:00+03:30"))).toBe(true); // Thursday morning
  });

  it("{} and 24/7 are always open; a range past midnight reaches the next day; no open day is never open", () => {
    expect(isOpenAt({}, new Date("2026-11-27T03:00:00+03:30"))).toBe(true);
    expect(isOpenAt(ALWAYS_OPEN, new Date("2026-11-27T03:00:00+03:30"))).toBe(true);
    const night: WorkingHours = { fri: ["22:00", "06:00"] };
    expect(isOpenAt(night, new Date("2026-11-27T23:00:00+03:30"))).toBe(true); // Friday night
    expect(isOpenAt(night, new Date("2026-11-28T05:00:00+03:30"))).toBe(true); // Saturday early
    expect(isOpenAt(night, new Date("2026-11-28T07:00:00+03:30"))).toBe(false);
    const never: WorkingHours = Object.fromEntries(WEEKDAYS.map((d) => [d, null]));
    expect(closedReason(weekly(never), SAT_10)).toBe("closed");
  });

  it("validates the stored shape", () => {
    expect(isWorkingHours(WEEKDAY_HOURS)).toBe(true);
    expect(isWorkingHours({})).toBe(true);
    expect(isWorkingHours({ sat: ["8", "17:00"] })).toBe(false);
    expect(isWorkingHours({ someday: null })).toBe(false);
    expect(isWorkingHours([])).toBe(false);
  });

  it("the offer deadline counts working minutes only", () => {
    // 24/7: plain minutes
    expect(offerDeadlineAt(SAT_10, ALWAYS_OPEN, 30).getTime()).toBe(SAT_10.getTime() + 30 * 60_000);
    expect(offerDeadlineAt(SAT_10, {}, 0.5).getTime()).toBe(SAT_10.getTime() + 30_000);
    // inside the day
    expect(offerDeadlineAt(SAT_10, WEEKDAY_HOURS, 30)).toEqual(new Date("2026-11-21T10:30:00+03:30"));
    // 16:45 Saturday + 30 → 15 today, 15 from Sunday 08:00
    expect(offerDeadlineAt(new Date("2026-11-21T16:45:00+03:30"), WEEKDAY_HOURS, 30)).toEqual(new Date("2026-11-22T08:15:00+03:30"));
    // Thursday 12:50 + 30 → Friday is off → Saturday 08:20
    expect(offerDeadlineAt(new Date("2026-11-26T12:50:00+03:30"), WEEKDAY_HOURS, 30)).toEqual(new Date("2026-11-28T08:20:00+03:30"));
    // offered while closed: the clock starts at the opening
    expect(offerDeadlineAt(new Date("2026-11-27T10:00:00+03:30"), WEEKDAY_HOURS, 30)).toEqual(new Date("2026-11-28T08:30:00+03:30"));
    // never open: plain minutes
    const never: WorkingHours = Object.fromEntries(WEEKDAYS.map((d) => [d, null]));
    expect(offerDeadlineAt(SAT_10, never, 30).getTime()).toBe(SAT_10.getTime() + 30 * 60_000);
  });
});

describe("configuration", () => {
  it("DISPATCH_WEIGHTS: partial JSON over the defaults; bad values stop start-up with the variable named", () => {
    expect(parseDispatchWeights('{"distance":0.7}')).toEqual({ ok: true, weights: { ...DEFAULT_DISPATCH_WEIGHTS, distance: 0.7 } });
    expect(parseDispatchWeights("[1]").ok).toBe(false);
    expect(parseDispatchWeights('{"speed":1}').ok).toBe(false);
    expect(parseDispatchWeights('{"distance":-1}').ok).toBe(false);
    expect(parseDispatchWeights('{"distance":0,"load":0,"performance":0,"fairness":0}').ok).toBe(false);
    const env = { NODE_ENV: "test", SESSION_SECRET: "test-secret-test-secret", DATA_DIR: ".data/test-env" };
    expect(loadEnv(env).DISPATCH_WEIGHTS).toEqual(DEFAULT_DISPATCH_WEIGHTS);
    expect(loadEnv(env).DISPATCH_OFFER_DEADLINE_MINUTES).toBe(30);
    expect(loadEnv({ ...env, DISPATCH_OFFER_DEADLINE_MINUTES: "0.5" }).DISPATCH_OFFER_DEADLINE_MINUTES).toBe(0.5);
    expect(loadEnv({ ...env, DISPATCH_WEIGHTS: '{"fairness":0}' }).DISPATCH_WEIGHTS.fairness).toBe(0);
    expect(() => loadEnv({ ...env, DISPATCH_WEIGHTS: "distance=1" })).toThrow(/DISPATCH_WEIGHTS/);
    expect(() => loadEnv({ ...env, DISPATCH_OFFER_DEADLINE_MINUTES: "0" })).toThrow(EnvError);
  });
});

// ---------- properties ----------

const hm = fc.integer({ min: 0, max: 24 * 60 }).map((m) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`);
const hoursArb: fc.Arbitrary<WorkingHours> = fc.oneof(
  fc.constant(ALWAYS_OPEN),
  fc.constant({}),
  fc.record(Object.fromEntries(WEEKDAYS.map((d) => [d, fc.option(fc.tuple(hm, hm), { nil: null })])) as Record<string, fc.Arbitrary<[string, string] | null>>),
);
const factsArb = (id: number): fc.Arbitrary<CandidateFacts> =>
  fc.record({
    agencyId: fc.constant(id),
    code: fc.constant(`A-${id}`),
    name: fc.constant(`agency ${id}`),
    status: fc.constantFrom("active", "active", "active", "suspended", "terminated"),
    authorized: fc.boolean(),
    areaMatch: fc.boolean(),
    serviceRadiusKm: fc.option(fc.integer({ min: 1, max: 80 }), { nil: null }),
    distanceKm: fc.option(fc.double({ min: 0, max: 300, noNaN: true }), { nil: null }),
    workingHours: hoursArb,
    openJobs: fc.integer({ min: 0, max: 30 }),
    dailyJobCapacity: fc.integer({ min: 0, max: 25 }),
    technicianCount: fc.integer({ min: 0, max: 6 }),
    offersAccepted: fc.integer({ min: 0, max: 50 }),
    offersDecided: fc.integer({ min: 50, max: 80 }),
    visitsOnTime: fc.integer({ min: 0, max: 30 }),
    visitsDue: fc.integer({ min: 30, max: 40 }),
    csatCount: fc.integer({ min: 0, max: 20 }),
    csatSum: fc.constant(0),
    recentOffers: fc.integer({ min: 0, max: 12 }),
    alreadyOffered: fc.boolean(),
  }).map((x) => ({ ...x, csatSum: x.csatCount * 3 }));
const agenciesArb = fc.integer({ min: 0, max: 25 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => factsArb(i + 1))));
const nowArb = fc.date({ min: new Date("2026-01-01T00:00:00Z"), max: new Date("2027-12-31T00:00:00Z"), noInvalidDate: true });
const weightsArb = fc.record({
  distance: fc.double({ min: 0, max: 5, noNaN: true }),
  load: fc.double({ min: 0, max: 5, noNaN: true }),
  performance: fc.double({ min: 0, max: 5, noNaN: true }),
  fairness: fc.double({ min: 0, max: 5, noNaN: true }),
});

describe("properties (random agencies and tickets)", () => {
  it("never ranks an unauthorized, suspended, terminated, out-of-area, closed, full or already-offered agency", () => {
    fc.assert(
      fc.property(agenciesArb, nowArb, weightsArb, (agencies, now, w) => {
        const { ranked } = rankCandidates(agencies, now, w, weekly);
        for (const c of ranked) {
          const a = agencies.find((x) => x.agencyId === c.agencyId)!;
          expect(a.authorized).toBe(true);
          expect(a.status).toBe("active");
          expect(coversLocation(a)).toBe(true);
          expect(isOpenAt(a.workingHours, now)).toBe(true);
          expect(a.openJobs).toBeLessThan(agencyCapacity(a));
          expect(a.technicianCount).toBeGreaterThan(0);
          expect(a.alreadyOffered).toBe(false);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("every agency is either ranked or excluded with at least one reason, never both", () => {
    fc.assert(
      fc.property(agenciesArb, nowArb, (agencies, now) => {
        const { ranked, excluded } = rankCandidates(agencies, now, undefined, weekly);
        const ids = [...ranked.map((c) => c.agencyId), ...excluded.map((e) => e.agencyId)].sort((a, b) => a - b);
        expect(ids).toEqual(agencies.map((a) => a.agencyId).sort((a, b) => a - b));
        for (const e of excluded) expect(e.reasons.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it("is deterministic, sorted by score (best first), components within [0, 1], independent of input order", () => {
    fc.assert(
      fc.property(agenciesArb, nowArb, weightsArb, (agencies, now, w) => {
        const a = rankCandidates(agencies, now, w, weekly);
        const b = rankCandidates([...agencies].reverse(), now, w, weekly);
        expect(b).toEqual(a);
        for (let i = 1; i < a.ranked.length; i++) expect(a.ranked[i - 1]!.score).toBeGreaterThanOrEqual(a.ranked[i]!.score);
        for (const c of a.ranked) for (const v of Object.values(c.components)) expect(v >= 0 && v <= 1).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("distance alone orders by distance (unknown last); load alone by free share of capacity", () => {
    fc.assert(
      fc.property(agenciesArb, nowArb, (agencies, now) => {
        const byDistance = rankCandidates(agencies, now, { distance: 1, load: 0, performance: 0, fairness: 0 }, weekly).ranked;
        const d = byDistance.map((c) => c.distanceKm ?? Number.POSITIVE_INFINITY);
        for (let i = 1; i < d.length; i++) expect(d[i - 1]! <= d[i]! + 1e-3).toBe(true);
        const byLoad = rankCandidates(agencies, now, { distance: 0, load: 1, performance: 0, fairness: 0 }, weekly).ranked;
        for (let i = 1; i < byLoad.length; i++) expect(byLoad[i - 1]!.components.load).toBeGreaterThanOrEqual(byLoad[i]!.components.load);
      }),
      { numRuns: 200 },
    );
  });

  it("the offer deadline is never before now + minutes, and is exactly that for 24/7", () => {
    fc.assert(
      fc.property(hoursArb, nowArb, fc.double({ min: 0.5, max: 600, noNaN: true }), (hours, now, minutes) => {
        const d = offerDeadlineAt(now, hours, minutes);
        expect(d.getTime()).toBeGreaterThanOrEqual(now.getTime() + Math.floor(minutes * 60_000) - 1);
        if (Object.keys(hours).length === 0) expect(d.getTime()).toBe(now.getTime() + Math.round(minutes * 60_000));
      }),
      { numRuns: 300 },
    );
  });

  it("each agency's score depends on its own facts only: adding other agencies never changes it", () => {
    fc.assert(
      fc.property(agenciesArb, agenciesArb, nowArb, weightsArb, (some, others, now, w) => {
        const more = [...some, ...others.map((o) => ({ ...o, agencyId: o.agencyId + 1000 }))];
        const alone = new Map(rankCandidates(some, now, w, weekly).ranked.map((c) => [c.agencyId, c]));
        for (const c of rankCandidates(more, now, w, weekly).ranked) if (c.agencyId < 1000) expect(c).toEqual(alone.get(c.agencyId));
      }),
      { numRuns: 300 },
    );
  });

  it("no agency at km or farther (or not placed) scores above scoreBoundBeyond(km)", () => {
    fc.assert(
      fc.property(agenciesArb, nowArb, weightsArb, fc.double({ min: 0, max: 300, noNaN: true }), (agencies, now, w, km) => {
        for (const c of rankCandidates(agencies, now, w, weekly).ranked) {
          if (c.distanceKm === null || c.distanceKm >= km) expect(c.score).toBeLessThan(scoreBoundBeyond(km, w));
        }
      }),
      { numRuns: 400 },
    );
  });

  const cityArb = fc.integer({ min: 8, max: 40 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => factsArb(i + 1))));
  it("nearest first: when bestIsProven on the k nearest, their best is the best of all (the engine's shortcut)", () => {
    let proven = 0;
    fc.assert(
      fc.property(cityArb, nowArb, fc.oneof(weightsArb, fc.constant({ ...DEFAULT_DISPATCH_WEIGHTS })), fc.integer({ min: 1, max: 10 }), (random, now, w, k) => {
        // a city's agencies: most of them eligible, within 15 km (some unplaced); the rest as drawn
        const agencies = random.map((a, i) =>
          i % 4 === 3
            ? a
            : {
                ...a,
                status: "active" as const,
                authorized: true,
                areaMatch: true,
                workingHours: ALWAYS_OPEN,
                technicianCount: Math.max(1, a.technicianCount),
                dailyJobCapacity: a.openJobs + 1 + (a.dailyJobCapacity % 5),
                // spread over 0-15 km (fast-check's doubles gather at 0 and at the bounds)
                distanceKm: a.distanceKm === null ? null : ((a.agencyId * 37 + a.recentOffers * 11 + a.openJobs * 3 + a.offersAccepted) % 150) / 10,
              },
        );
        // the engine's order: placed agencies by distance, then the unplaced (db/repos/dispatch.ts nearestCandidateFactsQuery)
        const byDistance = [...agencies].sort((a, b) => (a.distanceKm ?? Infinity) - (b.distanceKm ?? Infinity));
        if (byDistance.length <= k) return;
        const nearest = byDistance.slice(0, k);
        const beyondKm = Math.max(...nearest.map((a) => a.distanceKm ?? Infinity));
        if (!Number.isFinite(beyondKm)) return; // the engine never looks at the unplaced by distance
        const part = rankCandidates(nearest, now, w, weekly);
        if (!bestIsProven(part, beyondKm, w)) return;
        proven++;
        const all = rankCandidates(agencies, now, w, weekly);
        expect(part.ranked[0]).toEqual(all.ranked[0]);
      }),
      { numRuns: 1500 },
    );
    expect(proven).toBeGreaterThan(50);
  });
});
