import { describe, expect, it } from "vitest";
import {
  addJalaliDays, jalaliDateText, jalaliMonthStart, jalaliToGregorian, jalaliYearMonth, parseDayInput, startOfTehranDay,
  tehranDay, tehranDayStart, tehranJalaliDate,
} from "../../core/jalali";

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

describe("Jalali dates as typed in report filters", () => {
  it("converts every Tehran day of seventy years there and back", () => {
    let checked = 0;
    for (let ms = Date.UTC(1990, 0, 1, 12); ms < Date.UTC(2060, 0, 1); ms += 86_400_000) {
      const j = tehranJalaliDate(new Date(ms));
      expect(jalaliToGregorian(j)).toBe(new Date(ms).toISOString().slice(0, 10));
      checked++;
    }
    expect(checked).toBeGreaterThan(25_000);
  });

  it("knows the leap Esfand and refuses days that do not exist", () => {
    expect(jalaliToGregorian({ year: 1403, month: 12, day: 30 })).toBe("2025-03-20");
    expect(jalaliToGregorian({ year: 1404, month: 12, day: 30 })).toBeNull();
    expect(jalaliToGregorian({ year: 1405, month: 7, day: 31 })).toBeNull();
    expect(jalaliToGregorian({ year: 1405, month: 13, day: 1 })).toBeNull();
    expect(jalaliToGregorian({ year: 1405, month: 1, day: 1 })).toBe("2026-03-21");
  });

  it("gives Tehran's midnight, steps days and months across the year", () => {
    expect(tehranDayStart(jalaliToGregorian({ year: 1405, month: 9, day: 10 })!).toISOString()).toBe("2026-11-30T20:30:00.000Z");
    expect(addJalaliDays({ year: 1405, month: 1, day: 1 }, -1)).toEqual({ year: 1404, month: 12, day: 29 });
    expect(addJalaliDays({ year: 1405, month: 6, day: 31 }, 1)).toEqual({ year: 1405, month: 7, day: 1 });
    expect(jalaliMonthStart({ year: 1405, month: 1, day: 5 }, -1)).toEqual({ year: 1404, month: 12, day: 1 });
    expect(jalaliMonthStart({ year: 1405, month: 12, day: 29 }, 1)).toEqual({ year: 1406, month: 1, day: 1 });
    expect(jalaliDateText({ year: 1405, month: 9, day: 1 })).toBe("1405/09/01");
    // 20:15 UTC on 30 November is 23:45 in Tehran, still 9 Azar; midnight Tehran turns the day
    expect(tehranJalaliDate(new Date("2026-11-30T20:15:00Z"))).toEqual({ year: 1405, month: 9, day: 9 });
    expect(tehranJalaliDate(new Date("2026-11-30T20:30:00Z"))).toEqual({ year: 1405, month: 9, day: 10 });
  });
});

describe("a day as typed (list filters, report ranges, visit days)", () => {
  it.each([
    ["۱۴۰۵/۰۹/۰۱", "2026-11-22"],
    ["1405/9/1", "2026-11-22"],
    ["١٤٠٥-٠٩-٠١", "2026-11-22"],
    ["1403/12/30", "2025-03-20"], // 1403 is a leap year
    ["1404/01/01", "2025-03-21"],
    ["2026-11-22", "2026-11-22"],
    ["2024-02-29", "2024-02-29"],
  ])("reads %s as %s", (input, iso) => {
    expect(parseDayInput(input)).toBe(iso);
  });

  it.each(["1404/12/30", "1405/13/01", "1405/00/10", "2026-02-30", "2025-02-29", "22/11/2026", "tomorrow", "", "1405/07/32", "0900/01/01"])(
    "refuses %j",
    (input) => {
      expect(parseDayInput(input)).toBeNull();
    },
  );

  it("agrees with Intl's Persian calendar on every day of three years", () => {
    const f = new Intl.DateTimeFormat("en-US-u-ca-persian-nu-latn", { timeZone: "UTC", year: "numeric", month: "numeric", day: "numeric" });
    for (let t = Date.UTC(2024, 0, 1); t < Date.UTC(2027, 0, 1); t += 86_400_000) {
      const parts = f.formatToParts(new Date(t + 12 * 3600_000));
      const n = (type: string) => Number(parts.find((p) => p.type === type)!.value.replace(/\D/g, ""));
      expect(jalaliToGregorian({ year: n("year"), month: n("month"), day: n("day") })).toBe(new Date(t).toISOString().slice(0, 10));
    }
  });

  it("a day starts at Tehran midnight", () => {
    expect(tehranDayStart("2026-11-22").toISOString()).toBe("2026-11-21T20:30:00.000Z");
  });
});
