/**
 * The delay audit's duration buckets (core/delays.ts): the edges, the bucket of a duration, the median read
 * from a histogram within the documented bound of the exact median (fast-check), and the additive figures
 * the daily roll-up sums and subtracts.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addFigures,
  bucketSpan,
  counterOf,
  DELAY_COUNTERS,
  DELAY_STAGES,
  DURATION_BUCKET_EDGES,
  durationBucket,
  emptyFigures,
  HIST_BUCKETS,
  HIST_FIRST_EDGE_SECONDS,
  HIST_MEDIAN_RELATIVE_ERROR,
  histogramMedian,
  histogramOf,
  median,
  stageFigures,
  stageHistogram,
  subtractFigures,
} from "../../core/delays";

describe("duration buckets", () => {
  it("rise strictly from a minute, in whole seconds, eight to a doubling, to about two years", () => {
    expect(DURATION_BUCKET_EDGES[0]).toBe(60);
    expect(DURATION_BUCKET_EDGES.slice(0, 9)).toEqual([60, 65, 71, 78, 85, 93, 101, 110, 120]);
    expect(DURATION_BUCKET_EDGES.every((e, i) => Number.isInteger(e) && (i === 0 || e > DURATION_BUCKET_EDGES[i - 1]!))).toBe(true);
    expect(DURATION_BUCKET_EDGES.at(-1)).toBe(60 * 2 ** 20);
    expect(HIST_BUCKETS).toBe(DURATION_BUCKET_EDGES.length + 1);
    expect(HIST_MEDIAN_RELATIVE_ERROR).toBeCloseTo(7 / 71, 10); // 71 → 78 s, the widest after rounding
    expect(HIST_MEDIAN_RELATIVE_ERROR).toBeLessThan(0.1);
  });

  it("put a duration in the bucket whose span holds it (PostgreSQL's width_bucket: edges at or below it)", () => {
    expect(durationBucket(-5)).toBe(0);
    expect(durationBucket(0)).toBe(0);
    expect(durationBucket(59.99)).toBe(0);
    expect(durationBucket(60)).toBe(1);
    expect(durationBucket(64.9)).toBe(1);
    expect(durationBucket(65)).toBe(2);
    expect(durationBucket(3600)).toBe(48); // 3600 = 60 · 2^(47.26/8): edges 0..47 (the 47th: 3,521 s) lie at or below it
    expect(durationBucket(1e12)).toBe(HIST_BUCKETS - 1);
    fc.assert(
      fc.property(fc.double({ min: 0, max: 7e7, noNaN: true }), (s) => {
        const b = durationBucket(s);
        const [lo, hi] = bucketSpan(b);
        return (b === 0 || s >= lo) && (hi === null || s < hi);
      }),
    );
  });
});

describe("the median of a histogram", () => {
  it("is null for none, and within the documented bound of the exact median", () => {
    expect(histogramMedian(histogramOf([]))).toBeNull();
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 60 * 86400 }), { minLength: 1, maxLength: 60 }), (xs) => {
        const exact = median(xs)!;
        const est = histogramMedian(histogramOf(xs))!;
        const bound = Math.max(exact * HIST_MEDIAN_RELATIVE_ERROR, exact < HIST_FIRST_EDGE_SECONDS ? HIST_FIRST_EDGE_SECONDS : 0);
        return Math.abs(est - exact) <= bound + 1e-9;
      }),
      { numRuns: 2000 },
    );
  });

  it("reads hand-computed values: one duration is its bucket's middle, two the mean of theirs", () => {
    // 3,600 s lies in [3521, 3840) (60 · 2^(47/8), 60 · 2^6): one value is placed at the middle of its bucket
    const [lo, hi] = bucketSpan(durationBucket(3600));
    expect([lo, hi]).toEqual([3521, 3840]);
    expect(histogramMedian(histogramOf([3600]))).toBe((3521 + 3840) / 2);
    // 300 and 600 s: buckets [285, 311) and [571, 622); exact median 450
    expect(histogramMedian(histogramOf([300, 600]))).toBe(((285 + 311) / 2 + (571 + 622) / 2) / 2);
    // three in one bucket [571, 622): the middle one at lo + 1.5/3 of the width
    expect(histogramMedian(histogramOf([580, 600, 620]))).toBe(571 + (51 * 1.5) / 3);
  });
});

describe("the additive figures", () => {
  it("add and subtract element by element, and give medians from the buckets and exact means", () => {
    const a = emptyFigures();
    expect(a.counts).toHaveLength(DELAY_COUNTERS.length);
    expect(a.hist).toHaveLength(DELAY_STAGES.length * HIST_BUCKETS);
    a.counts[0] = 2;
    a.seconds[1] = 5400; // accept: 1,800 + 3,600
    a.hist[1 * HIST_BUCKETS + durationBucket(1800)]! += 1;
    a.hist[1 * HIST_BUCKETS + durationBucket(3600)]! += 1;
    const b = emptyFigures();
    b.counts[0] = 1;
    b.seconds[1] = 600;
    b.hist[1 * HIST_BUCKETS + durationBucket(600)]! += 1;
    const sum = addFigures(a, b);
    expect(counterOf(sum, "tickets")).toBe(3);
    expect(stageHistogram(sum, "accept")).toEqual(histogramOf([1800, 3600, 600]));
    const s = stageFigures(sum);
    expect(s.mean.accept).toBe(2000);
    expect(s.mean.offer).toBeNull();
    expect(s.median.accept).toBe(histogramMedian(histogramOf([1800])));
    expect(subtractFigures(sum, b)).toEqual(a);
  });
});
