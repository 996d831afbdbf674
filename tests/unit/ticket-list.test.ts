import { describe, expect, it } from "vitest";
import { jalaliToGregorian, nextSortDirection, parseDayInput, tehranDayStart } from "../../core/ticket-list";

describe("the ticket list's date filter", () => {
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
      const [gy, gm, gd] = jalaliToGregorian(n("year"), n("month"), n("day"));
      expect(Date.UTC(gy, gm - 1, gd)).toBe(t);
    }
  });

  it("a day starts at Tehran midnight", () => {
    expect(tehranDayStart("2026-11-22").toISOString()).toBe("2026-11-21T20:30:00.000Z");
  });
});

describe("sortable headers", () => {
  it("flip the direction of the current sort and open a new one the way people read it", () => {
    expect(nextSortDirection("created_at", { sort: "created_at", dir: "desc" })).toBe("asc");
    expect(nextSortDirection("created_at", { sort: "created_at", dir: "asc" })).toBe("desc");
    expect(nextSortDirection("number", { sort: "created_at", dir: "desc" })).toBe("desc");
    expect(nextSortDirection("sla_due", { sort: "created_at", dir: "desc" })).toBe("asc");
    expect(nextSortDirection("status", { sort: "number", dir: "asc" })).toBe("asc");
  });
});
