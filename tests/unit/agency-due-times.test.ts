/**
 * core/delays.ts acceptedDueTimes: the visit and resolve due times once an agency accepts — the working minutes
 * before the acceptance on the call centre's clock, the rest on the agency's (holidays included).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { acceptedDueTimes, configuredDueTimes, dueTimesFor, slaTargetFor, type SlaTargetRule } from "../../core/delays";
import { holidayIsoDays, OFFICIAL_HOLIDAYS_SEED } from "../../core/holidays";
import { DEFAULT_OFFICE_HOURS, makeWorkingCalendar, type WeeklyHours } from "../../core/working-time";

const HOLIDAYS = holidayIsoDays(OFFICIAL_HOLIDAYS_SEED);
const at = (s: string) => new Date(`${s}+03:30`);
const office = { calendar: makeWorkingCalendar(DEFAULT_OFFICE_HOURS, HOLIDAYS) };
const LONG_DAYS: WeeklyHours = { sat: ["08:00", "20:00"], sun: ["08:00", "20:00"], mon: ["08:00", "20:00"], tue: ["08:00", "20:00"], wed: ["08:00", "20:00"], thu: ["08:00", "20:00"], fri: null };
const longDays = { calendar: makeWorkingCalendar(LONG_DAYS, HOLIDAYS) };
const RULES: SlaTargetRule[] = [{ priority: "urgent", categoryId: null, province: null, acceptMinutes: 60, visitMinutes: 240, resolveMinutes: 600 }];
const KEY = { priority: "urgent" as const, categoryId: null, province: null };
/** the target the tickets below were registered under (tickets.sla_*_minutes) */
const TARGET = slaTargetFor(RULES, KEY);

describe("acceptedDueTimes", () => {
  it("across Tasua/Ashura: Tuesday 16:00 registration, accepted 16:30 by an agency open till 20:00", () => {
    // 30 minutes used on the call centre's clock; visit 210 left: 16:30–20:00 = 210 → Tuesday 20:00;
    // resolve 570 left: 210 Tuesday, Wed/Thu holidays, Friday off, 360 on Saturday → 14:00
    expect(acceptedDueTimes(TARGET, at("2026-06-23T16:00:00"), at("2026-06-23T16:30:00"), "breakdown", office, longDays)).toEqual({
      visitDueAt: at("2026-06-23T20:00:00"),
      resolveDueAt: at("2026-06-27T14:00:00"),
    });
  });

  it("a target used up before the acceptance keeps the call centre's due time", () => {
    const r = acceptedDueTimes(TARGET, at("2026-11-21T08:00:00"), at("2026-11-21T13:00:00"), "breakdown", office, longDays)!;
    expect(r.visitDueAt).toEqual(at("2026-11-21T12:00:00"));
  });

  it("in-house requests have no agency stages", () => {
    expect(acceptedDueTimes(TARGET, at("2026-11-21T08:00:00"), at("2026-11-21T09:00:00"), "complaint", office, longDays)).toBeNull();
  });

  it("an agency on the call centre's hours gets the registration's due times exactly", () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date("2026-01-01T00:00:00Z"), max: new Date("2027-12-01T00:00:00Z"), noInvalidDate: true }),
        fc.integer({ min: 0, max: 20 * 24 * 60 }),
        (created, afterMinutes) => {
          const accepted = new Date(created.getTime() + afterMinutes * 60_000);
          const r = acceptedDueTimes(TARGET, created, accepted, "breakdown", office, office)!;
          const d = configuredDueTimes(RULES, created, KEY, "breakdown", office);
          expect(r).toEqual({ visitDueAt: d.visitDueAt, resolveDueAt: d.resolveDueAt });
        },
      ),
      { numRuns: 300 },
    );
  });

  it("counts the target the ticket kept, not a rule edited since its registration", () => {
    // registered under visit 240 / resolve 600; the rule is edited to visit 60 / resolve 120 before the acceptance
    const edited: SlaTargetRule[] = [{ ...RULES[0]!, visitMinutes: 60, resolveMinutes: 120 }];
    const created = at("2026-11-21T08:00:00");
    const accepted = at("2026-11-21T09:00:00");
    const kept = acceptedDueTimes(TARGET, created, accepted, "breakdown", office, longDays)!;
    // 60 minutes used on the call centre's clock: visit 180 left → 12:00, resolve 540 left → 18:00 on the agency's long day
    expect(kept).toEqual({ visitDueAt: at("2026-11-21T12:00:00"), resolveDueAt: at("2026-11-21T18:00:00") });
    expect(acceptedDueTimes(slaTargetFor(edited, KEY), created, accepted, "breakdown", office, longDays)!.visitDueAt).not.toEqual(kept.visitDueAt);
  });

  it("dueTimesFor the kept target is intake's configuredDueTimes (the due times a taken-back job returns to)", () => {
    const created = at("2026-06-23T16:00:00");
    expect(dueTimesFor(TARGET, created, "breakdown", office)).toEqual(configuredDueTimes(RULES, created, KEY, "breakdown", office));
    expect(dueTimesFor(TARGET, created, "complaint", office)).toEqual(configuredDueTimes(RULES, created, KEY, "complaint", office));
  });
});
