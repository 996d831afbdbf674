import { describe, expect, it } from "vitest";
import { jalaliYearMonth, startOfTehranDay, tehranDay } from "../../core/jalali";

describe("jalaliYearMonth", () => {
  it("gives the Jalali year-month of Tehran's wall clock", () => {
    // 2026-11-23 11:30 Tehran = 2 Azar 1405
    expect(jalaliYearMonth(new Date("2026-11-23T08:00:00Z"))).toBe("1405-09");
  });

  it("turns the year at Nowruz in Tehran: 1 Farvardin 1405 is 2026-03-21", () => {
    // The March 2026 equinox falls at 18:16 Tehran time on the 20th, after noon, so Nowruz is the 21st.
    // Iran keeps UTC+03:30 all year (no daylight saving since 2022): midnight Tehran is 20:30 UTC.
    expect(jalaliYearMonth(new Date("2026-03-20T20:00:00Z"))).toBe("1404-12"); // 23:30 on 29 Esfand 1404
    expect(jalaliYearMonth(new Date("2026-03-20T20:29:59Z"))).toBe("1404-12");
    expect(jalaliYearMonth(new Date("2026-03-20T20:30:00Z"))).toBe("1405-01"); // 00:00 on 1 Farvardin 1405
  });

  it("uses Tehran's day, not UTC's, at a month boundary", () => {
    // 1 Azar 1405 = 2026-11-22; 20:30 UTC on the 21st is already midnight in Tehran
    expect(jalaliYearMonth(new Date("2026-11-21T20:29:59Z"))).toBe("1405-08");
    expect(jalaliYearMonth(new Date("2026-11-21T20:30:00Z"))).toBe("1405-09");
  });

  it("pads the month and uses Latin digits", () => {
    expect(jalaliYearMonth(new Date("2025-04-15T12:00:00Z"))).toMatch(/^1404-01$/);
    expect(jalaliYearMonth(new Date("2026-03-01T12:00:00Z"))).toBe("1404-12");
  });

  it("rejects an invalid date", () => {
    expect(() => jalaliYearMonth(new Date("nonsense"))).toThrow(RangeError);
  });
});

describe("Tehran calendar day", () => {
  it("starts the day at Tehran midnight, not UTC midnight", () => {
    // 21:00 UTC on the 22nd is 00:30 on the 23rd in Tehran.
    expect(tehranDay(new Date("2026-11-22T21:00:00Z"))).toBe("2026-11-23");
    expect(startOfTehranDay(new Date("2026-11-22T21:00:00Z")).toISOString()).toBe("2026-11-22T20:30:00.000Z");
  });
});
