import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  calledBack,
  csatPercent,
  daysBetween,
  EMPTY_TALLY,
  FEEDBACK_CATEGORIES,
  feedbackBucketOf,
  feedbackKindOf,
  followThroughOf,
  isFeedbackCategory,
  isFeedbackKind,
  isLowScore,
  isSatisfied,
  meanScore,
  REPEAT_WINDOW_DAYS,
  repeatBreakdownRuleOf,
  resolveSeconds,
  SATISFIED_MIN_SCORE,
  tallyScores,
} from "../../core/feedback";
import { isRepeatOf, repeatedJob, type JobFacts } from "../../core/repeat-job";
import { COMPLAINT_MAX_SCORE, MAX_SCORE, MIN_SCORE } from "../../core/satisfaction";

describe("CSAT", () => {
  it("counts 4 and 5 of 5 as satisfied, 1 and 2 as low (the scores that open a complaint), 3 as neither", () => {
    expect(SATISFIED_MIN_SCORE).toBe(4);
    expect([1, 2, 3, 4, 5].map(isSatisfied)).toEqual([false, false, false, true, true]);
    expect([1, 2, 3, 4, 5].map(isLowScore)).toEqual([true, true, false, false, false]);
    expect(COMPLAINT_MAX_SCORE).toBeLessThan(SATISFIED_MIN_SCORE);
  });

  it("is the share of satisfied answers, with the mean, by hand", () => {
    // 5, 4, 4, 3, 1: three satisfied of five = 60 %, mean 17 / 5 = 3.4, one low
    const t = tallyScores([5, 4, 4, 3, 1]);
    expect(t).toEqual({ answered: 5, scoreSum: 17, satisfied: 3, low: 1 });
    expect(csatPercent(t)).toBe(60);
    expect(meanScore(t)).toBe(3.4);
    // two of three: 66.7 %, mean 11 / 3 = 3.67
    const u = tallyScores([5, 4, 2]);
    expect(csatPercent(u)).toBe(66.7);
    expect(meanScore(u)).toBe(3.67);
  });

  it("has no figure without an answer (never 0 % or NaN)", () => {
    expect(csatPercent(EMPTY_TALLY)).toBeNull();
    expect(meanScore(EMPTY_TALLY)).toBeNull();
  });

  it("stays within 0–100 and the score scale for any scores", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: MIN_SCORE, max: MAX_SCORE }), { minLength: 1, maxLength: 200 }), (scores) => {
        const t = tallyScores(scores);
        const c = csatPercent(t)!;
        const m = meanScore(t)!;
        expect(c).toBeGreaterThanOrEqual(0);
        expect(c).toBeLessThanOrEqual(100);
        expect(m).toBeGreaterThanOrEqual(MIN_SCORE);
        expect(m).toBeLessThanOrEqual(MAX_SCORE);
        expect(t.satisfied + t.low).toBeLessThanOrEqual(t.answered);
      }),
    );
  });
});

describe("feedback categories", () => {
  it("is a small fixed vocabulary with an 'other'", () => {
    expect(FEEDBACK_CATEGORIES).toContain("other");
    expect(new Set(FEEDBACK_CATEGORIES).size).toBe(FEEDBACK_CATEGORIES.length);
    expect(isFeedbackCategory("delay")).toBe(true);
    expect(isFeedbackCategory("Delay")).toBe(false);
    expect(isFeedbackCategory(null)).toBe(false);
    expect(isFeedbackKind("suggestion")).toBe(true);
    expect(isFeedbackKind("praise")).toBe(false);
  });

  it("counts an unclassified complaint ticket as a complaint, in its own bucket", () => {
    expect(feedbackKindOf(null)).toBe("complaint");
    expect(feedbackKindOf("suggestion")).toBe("suggestion");
    expect(feedbackBucketOf(null)).toBe("unclassified");
    expect(feedbackBucketOf("parts")).toBe("parts");
  });
});

describe("after a low score", () => {
  it("reads the complaint's status as its follow-through", () => {
    expect(followThroughOf(null)).toBe("no_complaint");
    expect(followThroughOf("new")).toBe("open");
    expect(followThroughOf("in_progress")).toBe("open");
    expect(followThroughOf("completed")).toBe("open");
    expect(followThroughOf("closed")).toBe("resolved");
    expect(followThroughOf("cancelled")).toBe("cancelled");
  });

  it("measures the time to resolve from opening to closing", () => {
    expect(resolveSeconds("2026-11-01T08:00:00Z", "2026-11-02T10:30:00Z")).toBe(26.5 * 3600);
    expect(resolveSeconds("2026-11-01T08:00:00Z", null)).toBeNull();
  });

  it("counts a call-back only when an outbound call was answered", () => {
    expect(calledBack([])).toBe(false);
    expect(calledBack([{ direction: "inbound", answeredAt: "2026-11-01T08:00:00Z" }])).toBe(false);
    expect(calledBack([{ direction: "outbound", answeredAt: null }])).toBe(false);
    expect(calledBack([{ direction: "outbound", answeredAt: null }, { direction: "outbound", answeredAt: "2026-11-01T08:00:00Z" }])).toBe(true);
  });
});

describe("repeat breakdowns", () => {
  const job = (id: number, registeredAt: string, over: Partial<JobFacts> = {}): JobFacts => ({ id, type: "breakdown", customerProductId: 7, problemCategoryId: 1, registeredAt, ...over });
  const isRepeatBreakdown = (previousAt: string, at: string, windowDays?: number) => isRepeatOf(job(1, previousAt), job(2, at), repeatBreakdownRuleOf(windowDays));
  it("is a later breakdown of the same serial within the window", () => {
    const first = "2026-08-01T08:00:00Z";
    expect(REPEAT_WINDOW_DAYS).toBe(90);
    expect(isRepeatBreakdown(first, "2026-08-01T08:00:00Z")).toBe(false);
    expect(isRepeatBreakdown(first, "2026-08-20T08:00:00Z")).toBe(true);
    // exactly 90 days later is still within; a minute more is not
    expect(isRepeatBreakdown(first, "2026-10-30T08:00:00Z")).toBe(true);
    expect(isRepeatBreakdown(first, "2026-10-30T08:01:00Z")).toBe(false);
    expect(isRepeatBreakdown(first, "2026-08-20T08:00:00Z", 10)).toBe(false);
    expect(daysBetween(first, "2026-08-20T20:00:00Z")).toBe(19.5);
  });
  it("is core/repeat-job.ts's rule: from the earlier breakdown's registration, any problem, neither cancelled, the latest earlier one", () => {
    const rule = repeatBreakdownRuleOf();
    expect(rule).toEqual({ windowDays: 90, anchor: "registered", earlierTypes: "breakdown", sameProblem: false, skipCancelled: true });
    const first = job(1, "2026-08-01T08:00:00Z");
    const later = job(9, "2026-09-01T08:00:00Z", { problemCategoryId: 2 });
    expect(isRepeatOf(first, later, rule)).toBe(true); // another problem still counts
    expect(isRepeatOf({ ...first, type: "installation" }, later, rule)).toBe(false);
    expect(isRepeatOf({ ...first, cancelled: true }, later, rule)).toBe(false);
    expect(isRepeatOf(first, { ...later, cancelled: true }, rule)).toBe(false);
    expect(isRepeatOf(first, { ...later, customerProductId: 8 }, rule)).toBe(false);
    expect(isRepeatOf(first, { ...later, type: "complaint" }, rule)).toBe(false);
    // not completed does not matter: the window runs from the registration
    expect(isRepeatOf({ ...first, completedAt: null }, later, rule)).toBe(true);
    const second = job(5, "2026-08-15T08:00:00Z");
    expect(repeatedJob([first, second, later], later, rule)).toBe(second);
  });
});

describe("Jalali months of a range", () => {
  it("splits a range at Tehran midnights where the Jalali month changes", async () => {
    const { jalaliMonthSpans, jalaliMonthOfDay } = await import("../../core/jalali");
    // 1405-08-15 .. 1405-09-10 (Tehran): 1 Azar 1405 = 2026-11-22
    const from = new Date("2026-11-06T00:00:00+03:30");
    const to = new Date("2026-12-02T00:00:00+03:30");
    const spans = jalaliMonthSpans(from, to);
    expect(spans.map((s) => [s.month, s.from.toISOString(), s.toExclusive.toISOString()])).toEqual([
      ["1405-08", from.toISOString(), new Date("2026-11-22T00:00:00+03:30").toISOString()],
      ["1405-09", new Date("2026-11-22T00:00:00+03:30").toISOString(), to.toISOString()],
    ]);
    expect(jalaliMonthOfDay("2026-11-21")).toBe("1405-08");
    expect(jalaliMonthOfDay("2026-11-22")).toBe("1405-09");
    expect(jalaliMonthSpans(to, from)).toEqual([]);
  });
});
