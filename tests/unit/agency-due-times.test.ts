/**
 * core/delays.ts acceptedDueTimes: the visit and resolve due times once an agency accepts — the working minutes
 * before the acceptance on the call centre's clock, the rest on the agency's (holidays included).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { acceptedDueTimes, configuredDueTimes, type SlaTargetRule } from "../../core/delays";
import { holidayIsoDays, OFFICIAL_HOLIDAYS_SEED } from "../../core/holidays";
import { DEFAULT_OFFICE_HOURS, makeWorkingCalendar, type WeeklyHours } from "../../core/working-time";

const HOLIDAYS = holidayIsoDays(OFFICIAL_HOLIDAYS_SEED);
const at = (s: string) => new Date(`${s}+03:30`);
const office = { calendar: makeWorkingCalendar(DEFAULT_OFFICE_HOURS, HOLIDAYS) };
const LONG_DAYS: WeeklyHours = { sat: ["08:00", "20:00"], sun: ["08:00", "20:00"], mon: ["08:00", "20:00"], tue: ["08:00", "20:00"], wed: ["08:00", "20:00"], thu: ["08:00", "20:00"], fri: null };
const longDays = { calendar: makeWorkingCalendar(LONG_DAYS, HOLIDAYS) };
const RULES: SlaTargetRule[] = [{ priority: "urgent", categoryId: null, province: null, acceptMinutes: 60, visitMinutes: 240, resolveMinutes: 600 }];
const KEY = { priority: "urgent" as const, categoryId: null, province: null };

describe("acceptedDueTimes", () => {
  it("across Tasua/Ashura: Tuesday 16:00 registration, accepted 16:30 by an agency open till 20:00", () => {
    // 30 minutes used on the call centre's clock; visit 210 left: 16:30–20:00 = 210 → Tuesday 20:00;
    // resolve 570 left: 210 Tuesday, Wed/Thu holidays, Friday off, 360 on Saturday → 14:00
    expect(acceptedDueTimes(RULES, at("2026-06-23T16:00:00"), at("2026-06-23T16:30:00"), KEY, "breakdown", office, longDays)).toEqual({
      visitDueAt: at("2026-06-23T20:00:00"),
      resolveDueAt: at("2026-06-27T14:00:00"),
    });
  });

  it("a target used up before the acceptance keeps the call centre's due time", () => {
    const r = acceptedDueTimes(RULES, at("2026-11-21T08:00:00"), at("2026-11-21T13:00:00"), KEY, "breakdown", office, longDays)!;
    expect(r.visitDueAt).toEqual(at("2026-11-21T12:00:00"));
  });

  it("in-house requests have no agency stages", () => {
    expect(acceptedDueTimes(RULES, at("2026-11-21T08:00:00"), at("2026-11-21T09:00:00"), KEY, "complaint", office, longDays)).toBeNull();
  });

  it("an agency on the call centre's hours gets the registration's due times exactly", () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date("2026-01-01T00:00:00Z"), max: new Date("2027-12-01T00:00:00Z"), noInvalidDate: true }),
        fc.integer({ min: 0, max: 20 * 24 * 60 }),
        (created, afterMinutes) => {
          const accepted = new Date(created.getTime() + afterMinutes * 60_000);
          const r = acceptedDueTimes(RULES, created, accepted, KEY, "breakdown", office, office)!;
          const d = configuredDueTimes(RULES, created, KEY, "breakdown", office);
          expect(r).toEqual({ visitDueAt: d.visitDueAt, resolveDueAt: d.resolveDueAt });
        },
      ),
      { numRuns: 300 },
    );
  });
});
