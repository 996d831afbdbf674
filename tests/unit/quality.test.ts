/**
 * Quality and the agency scorecard's rules (core/quality.ts): the rework window's edges, which earlier job a
 * breakdown reworks, first-time fix, the scorecard's rates, probation (by time, by jobs, ended early), the
 * probation limits on dispatch, the weighted performance term (documented weights, neutral without history,
 * monotone in every rate), and the Jalali periods.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { weekly } from "../support/weekly-calendar";
import { agencyCapacity, performanceOf, rankCandidates, ALWAYS_OPEN, type CandidateFacts } from "../../core/dispatch";
import {
  addMonthsToDay,
  answerSpeed,
  CLAIM_PARTLY_WEIGHT,
  claimRejections,
  claimScorecardOutcome,
  dispatchCapacity,
  EMPTY_COUNTS,
  isFirstTimeFix,
  onProbation,
  parsePeriod,
  PERFORMANCE_RATES,
  PERFORMANCE_WEIGHTS,
  performancePeriods,
  performanceRates,
  performanceTerm,
  periodOf,
  periodRange,
  periodsBetween,
  PROBATION_PERFORMANCE_CAP,
  reworkRuleOf,
  scorecardRates,
  validateQualitySettings,
  type ScorecardCounts,
} from "../../core/quality";
import { isRepeatOf, repeatedJob, type JobFacts } from "../../core/repeat-job";

const DAY = 86_400_000;

describe("rework (core/repeat-job.ts under reworkRuleOf)", () => {
  const done = new Date("2026-08-25T10:00:00Z");
  const rule = reworkRuleOf({ reworkWindowDays: 30 });
  const earlier = (completedAt: Date | string | null, over: Partial<JobFacts> = {}): JobFacts => ({ id: 1, type: "installation", customerProductId: 7, registeredAt: "2026-07-01T10:00:00Z", completedAt, ...over });
  const breakdownAt = (registeredAt: Date | string): JobFacts => ({ id: 99, type: "breakdown", customerProductId: 7, registeredAt });
  it("counts a breakdown registered up to exactly N days after the completion, not a second later", () => {
    expect(isRepeatOf(earlier(done), breakdownAt(new Date(done.getTime() + 30 * DAY)), rule)).toBe(true);
    expect(isRepeatOf(earlier(done), breakdownAt(new Date(done.getTime() + 30 * DAY + 1000)), rule)).toBe(false);
    expect(isRepeatOf(earlier(done), breakdownAt(new Date(done.getTime() + 1000)), rule)).toBe(true);
    // registered before (or at) the completion: not a rework of it
    expect(isRepeatOf(earlier(done), breakdownAt(done), rule)).toBe(false);
    expect(isRepeatOf(earlier(done), breakdownAt(new Date(done.getTime() - 1000)), rule)).toBe(false);
    // an earlier job not completed is reworked by nothing
    expect(isRepeatOf(earlier(null), breakdownAt(done), rule)).toBe(false);
  });
  it("names the latest completion within the window, never a cancelled job", () => {
    const jobs = [
      earlier("2026-08-01T10:00:00Z", { id: 1 }),
      earlier("2026-08-20T10:00:00Z", { id: 2 }),
      earlier("2026-08-22T10:00:00Z", { id: 3, cancelled: true }),
      earlier("2026-09-10T10:00:00Z", { id: 4 }),
    ];
    expect(repeatedJob(jobs, breakdownAt("2026-09-01T10:00:00Z"), rule)?.id).toBe(2);
    expect(repeatedJob(jobs, breakdownAt("2026-10-30T10:00:00Z"), rule)).toBeNull();
    expect(repeatedJob(jobs, breakdownAt("2026-08-25T10:00:00Z"), rule)?.id).toBe(2);
  });
});

describe("first-time fix", () => {
  it("needs no hold, no reopening and no rework", () => {
    expect(isFirstTimeFix({ holds: 0, reopened: false, reworked: false })).toBe(true);
    expect(isFirstTimeFix({ holds: 1, reopened: false, reworked: false })).toBe(false);
    expect(isFirstTimeFix({ holds: 0, reopened: true, reworked: false })).toBe(false);
    expect(isFirstTimeFix({ holds: 0, reopened: false, reworked: true })).toBe(false);
  });
});

const counts = (o: Partial<ScorecardCounts>): ScorecardCounts => ({ ...EMPTY_COUNTS, ...o });

describe("the scorecard's rates", () => {
  it("divides as documented, null without a denominator", () => {
    const r = scorecardRates(counts({ offersDecided: 4, offersAccepted: 3, answers: 2, answerSecondsSum: 1800, visitsDue: 5, visitsOnTime: 4, slaDue: 2, slaMet: 1, csatCount: 2, csatSum: 7, jobs: 10, reworks: 1, ftf: 8 }));
    expect(r).toEqual({ acceptance: 0.75, answerSeconds: 900, onTime: 0.8, slaMet: 0.5, csat: 3.5, rework: 0.1, firstTimeFix: 0.8, claimRejection: null });
    expect(scorecardRates(EMPTY_COUNTS)).toEqual({ acceptance: null, answerSeconds: null, onTime: null, slaMet: null, csat: null, rework: null, firstTimeFix: null, claimRejection: null });
  });
  it("claim rejection rate: (rejected + half of the partly approved) / decided", () => {
    expect(CLAIM_PARTLY_WEIGHT).toBe(0.5);
    // 8 decided: 2 rejected, 3 approved in part, 3 approved in full → (2 + 1.5) / 8
    expect(scorecardRates(counts({ claimsDecided: 8, claimsRejected: 2, claimsPartly: 3 })).claimRejection).toBe(0.4375);
    expect(scorecardRates(counts({ claimsDecided: 4, claimsRejected: 4 })).claimRejection).toBe(1);
    expect(scorecardRates(counts({ claimsDecided: 4 })).claimRejection).toBe(0);
    // nothing decided: no figure, even with stray counts
    expect(scorecardRates(counts({ claimsRejected: 1 })).claimRejection).toBeNull();
    // never above every decided claim
    expect(claimRejections({ claimsDecided: 2, claimsRejected: 2, claimsPartly: 2 })).toBe(2);
  });
  it("a claim counts by what it owes now: a later correction makes it approved in part, or approved again", () => {
    expect(claimScorecardOutcome({ status: "submitted", claimedRials: 100, owedRials: 0 })).toBeNull();
    expect(claimScorecardOutcome({ status: "draft", claimedRials: 100, owedRials: 0 })).toBeNull();
    expect(claimScorecardOutcome({ status: "rejected", claimedRials: 100, owedRials: 0 })).toBe("rejected");
    expect(claimScorecardOutcome({ status: "approved", claimedRials: 100, owedRials: 100 })).toBe("approved");
    // approved in full, 40 taken back later
    expect(claimScorecardOutcome({ status: "approved", claimedRials: 100, owedRials: 60 })).toBe("partly");
    // paid with a cut; and a cut restored in full by a correction
    expect(claimScorecardOutcome({ status: "paid", claimedRials: 100, owedRials: 50 })).toBe("partly");
    expect(claimScorecardOutcome({ status: "partly_approved", claimedRials: 100, owedRials: 100 })).toBe("approved");
  });
  it("the claim rate stays in [0, 1] and grows with each rejection or cut", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), fc.integer({ min: 1, max: 100 }), (rej, partly, approved) => {
        const c = counts({ claimsDecided: rej + partly + approved, claimsRejected: rej, claimsPartly: partly });
        const r = scorecardRates(c).claimRejection!;
        expect(r).toBeGreaterThanOrEqual(0);
        expect(r).toBeLessThanOrEqual(1);
        // one approved claim turned into a partial approval, then into a rejection: the rate rises each time
        const cut = scorecardRates({ ...c, claimsPartly: partly + 1 }).claimRejection!;
        const rejected = scorecardRates({ ...c, claimsRejected: rej + 1 }).claimRejection!;
        expect(cut).toBeGreaterThan(r);
        expect(rejected).toBeGreaterThan(cut);
      }),
    );
  });
});

describe("probation", () => {
  const s = { probationMonths: 3, probationJobs: 20 };
  it("lasts the first months or the first jobs, whichever ends first, unless ended early", () => {
    expect(addMonthsToDay("2026-11-30", 3)).toBe("2027-02-28");
    expect(onProbation({ startDay: "2026-07-01", jobsCompleted: 0, endedEarly: false }, "2026-09-30", s)).toBe(true);
    expect(onProbation({ startDay: "2026-07-01", jobsCompleted: 0, endedEarly: false }, "2026-10-01", s)).toBe(false);
    expect(onProbation({ startDay: "2026-07-01", jobsCompleted: 19, endedEarly: false }, "2026-08-01", s)).toBe(true);
    expect(onProbation({ startDay: "2026-07-01", jobsCompleted: 20, endedEarly: false }, "2026-08-01", s)).toBe(false);
    expect(onProbation({ startDay: "2026-07-01", jobsCompleted: 0, endedEarly: true }, "2026-08-01", s)).toBe(false);
    // 0 months: no probation at all
    expect(onProbation({ startDay: "2026-07-01", jobsCompleted: 0, endedEarly: false }, "2026-07-01", { probationMonths: 0, probationJobs: 20 })).toBe(false);
  });
  it("halves the capacity dispatch may fill (rounded up, at least one) and caps the performance term", () => {
    expect(dispatchCapacity(10, true)).toBe(5);
    expect(dispatchCapacity(3, true)).toBe(2);
    expect(dispatchCapacity(1, true)).toBe(1);
    expect(dispatchCapacity(0, true)).toBe(0);
    expect(dispatchCapacity(10, false)).toBe(10);
    expect(agencyCapacity({ dailyJobCapacity: 10, technicianCount: 2, probation: true })).toBe(5);
    const best = counts({ offersDecided: 100, offersAccepted: 100, answers: 100, visitsDue: 100, visitsOnTime: 100, slaDue: 100, slaMet: 100, csatCount: 100, csatSum: 500, jobs: 100, ftf: 100 });
    expect(performanceTerm(best, false)).toBeGreaterThan(0.9);
    expect(performanceTerm(best, true)).toBe(PROBATION_PERFORMANCE_CAP);
  });
  it("validates the admin's settings within the documented limits", () => {
    expect(validateQualitySettings({ reworkWindowDays: 30, probationMonths: 3, probationJobs: 20 })).toEqual({});
    expect(validateQualitySettings({ reworkWindowDays: 0, probationMonths: 25, probationJobs: 1.5 })).toEqual({ reworkWindowDays: "outOfRange", probationMonths: "outOfRange", probationJobs: "outOfRange" });
  });
});

describe("the dispatch performance term", () => {
  it("has weights that sum to 1 and is neutral (0.5) without history", () => {
    expect(PERFORMANCE_RATES.reduce((s, k) => s + PERFORMANCE_WEIGHTS[k], 0)).toBeCloseTo(1, 10);
    expect(performanceTerm(EMPTY_COUNTS, false)).toBeCloseTo(0.5, 10);
  });
  it("hand-computed: 6 jobs, 3 first-time fixes, acceptance 1 of 3, answers 15 min, CSAT 3.5 of 2", () => {
    const c = counts({ offersDecided: 3, offersAccepted: 1, answers: 2, answerSecondsSum: 1800, visitsDue: 2, visitsOnTime: 1, slaDue: 2, slaMet: 1, csatCount: 2, csatSum: 7, jobs: 6, reworks: 1, ftf: 3 });
    // smoothed with 5 pseudo-observations of 0.5 each
    const acceptance = (1 + 2.5) / (3 + 5);
    const speed = (answerSpeed(900) * 2 + 2.5) / (2 + 5); // answerSpeed(900 s) = 1 / (1 + 15/15) = 0.5
    const onTime = (1 + 2.5) / (2 + 5);
    const sla = (1 + 2.5) / (2 + 5);
    const csat = ((7 - 2) / 4 + 2.5) / (2 + 5);
    const ftf = (3 + 2.5) / (6 + 5);
    const claims = 0.5; // no claim decided: neutral
    const expected = 0.1 * acceptance + 0.05 * speed + 0.15 * onTime + 0.15 * sla + 0.25 * csat + 0.25 * ftf + 0.05 * claims;
    expect(answerSpeed(900)).toBe(0.5);
    expect(performanceTerm(c, false)).toBeCloseTo(expected, 12);
  });
  it("claims honoured: smoothed towards 0.5 by the same prior, weight 0.05", () => {
    expect(PERFORMANCE_WEIGHTS.claims).toBe(0.05);
    // 10 decided: 2 rejected, 2 partly → 10 − 3 = 7 honoured; (7 + 2.5) / (10 + 5)
    const c = counts({ claimsDecided: 10, claimsRejected: 2, claimsPartly: 2 });
    expect(performanceRates(c).claims).toBeCloseTo(9.5 / 15, 12);
    expect(performanceRates(EMPTY_COUNTS).claims).toBe(0.5);
    // one claim rejected out of one: pulled to 2.5 / 6, not 0
    expect(performanceRates(counts({ claimsDecided: 1, claimsRejected: 1 })).claims).toBeCloseTo(2.5 / 6, 12);
    expect(performanceTerm(c, false) - performanceTerm(EMPTY_COUNTS, false)).toBeCloseTo(0.05 * (9.5 / 15 - 0.5), 12);
    // a rejection lowers the term, all else equal
    expect(performanceTerm({ ...c, claimsRejected: 3 }, false)).toBeLessThan(performanceTerm(c, false));
  });
  it("never decreases when a job is a first-time fix instead of not, and stays in [0, 1]", () => {
    const arb = fc.record({
      jobs: fc.integer({ min: 1, max: 200 }),
      decided: fc.integer({ min: 0, max: 200 }),
      accepted: fc.integer({ min: 0, max: 200 }),
      csat: fc.integer({ min: 0, max: 50 }),
      ftfShare: fc.double({ min: 0, max: 1, noNaN: true }),
    });
    fc.assert(
      fc.property(arb, (a) => {
        const ftf = Math.floor(a.jobs * a.ftfShare);
        const base = counts({ jobs: a.jobs, ftf, offersDecided: a.decided, offersAccepted: Math.min(a.accepted, a.decided), csatCount: a.csat, csatSum: a.csat * 3 });
        const v = performanceTerm(base, false);
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
        if (ftf < a.jobs) expect(performanceTerm({ ...base, ftf: ftf + 1 }, false)).toBeGreaterThan(v);
      }),
    );
  });
  it("is the dispatch rule's performance component, and the ranking explains it", () => {
    const f: CandidateFacts = {
      agencyId: 1,
      code: "THR-001",
      name: "a",
      status: "active",
      authorized: true,
      areaMatch: true,
      serviceRadiusKm: 20,
      distanceKm: 2,
      workingHours: ALWAYS_OPEN,
      openJobs: 0,
      dailyJobCapacity: 10,
      technicianCount: 2,
      offersAccepted: 1,
      offersDecided: 3,
      visitsOnTime: 1,
      visitsDue: 2,
      csatSum: 7,
      csatCount: 2,
      answers: 2,
      answerSecondsSum: 1800,
      slaDue: 2,
      slaMet: 1,
      jobs: 6,
      reworks: 1,
      ftf: 3,
      recentOffers: 0,
      alreadyOffered: false,
    };
    expect(performanceOf(f)).toBeCloseTo(performanceTerm(counts({ offersDecided: 3, offersAccepted: 1, answers: 2, answerSecondsSum: 1800, visitsDue: 2, visitsOnTime: 1, slaDue: 2, slaMet: 1, csatCount: 2, csatSum: 7, jobs: 6, reworks: 1, ftf: 3 }), false), 12);
    const ranked = rankCandidates([f], new Date("2026-10-15T09:00:00Z"), undefined, weekly).ranked[0]!;
    expect(ranked.scorecard).toEqual({
      rates: { acceptance: 0.3333, answerSeconds: 900, onTime: 0.5, slaMet: 0.5, csat: 3.5, rework: 0.1667, firstTimeFix: 0.5, claimRejection: null },
      jobs: 6,
      reworks: 1,
      claimsDecided: 0,
      probation: false,
    });
    // on probation: half the capacity, so 5 open jobs make it full
    const probation = rankCandidates([{ ...f, probation: true, openJobs: 5 }], new Date("2026-10-15T09:00:00Z"), undefined, weekly);
    expect(probation.excluded[0]?.reasons).toEqual(["full"]);
  });
});

describe("Jalali periods", () => {
  it("parses, spans and counts months", () => {
    expect(parsePeriod("1405-06")).toBe("1405-06");
    expect(parsePeriod("1405-13")).toBeNull();
    expect(parsePeriod("x")).toBeNull();
    const r = periodRange("1405-06");
    expect(r.from.toISOString()).toBe("2026-08-22T20:30:00.000Z");
    expect(r.toExclusive.toISOString()).toBe("2026-09-22T20:30:00.000Z");
    expect(periodOf(new Date("2026-10-15T09:00:00Z"))).toBe("1405-07");
    expect(periodOf(new Date("2026-10-15T09:00:00Z"), -7)).toBe("1404-12");
    expect(performancePeriods(new Date("2026-10-15T09:00:00Z"))).toEqual(["1405-05", "1405-06", "1405-07"]);
    expect(periodsBetween(new Date("2026-08-25T00:00:00Z"), new Date("2026-10-15T09:00:00Z"))).toEqual(["1405-06", "1405-07"]);
  });
});
