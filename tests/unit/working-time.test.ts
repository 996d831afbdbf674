import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { holidayIsoDays, OFFICIAL_HOLIDAYS_SEED } from "../../core/holidays";
import { jalaliToGregorian } from "../../core/jalali";
import {
  addWorkingDays,
  addWorkingMinutes,
  addWorkingMs,
  DAY_MS,
  DEFAULT_OFFICE_HOURS,
  isWorkingTime,
  makeWorkingCalendar,
  MINUTE_MS,
  nextWorkingStart,
  sameWeeklyHours,
  tehranDayNumber,
  weekdayOfDay,
  weeklyHoursKey,
  workingDaysBetween,
  workingMinutesBetween,
  workingMsBetween,
  type WeeklyHours,
  type WorkingCalendar,
} from "../../core/working-time";

const at = (s: string) => new Date(`${s}+03:30`);
const j = (year: number, month: number, day: number) => jalaliToGregorian({ year, month, day })!;

const OFFICIAL = holidayIsoDays(OFFICIAL_HOLIDAYS_SEED);
// the end of 1403 (a leap year: 30 Esfand exists) and its Nowruz, for the year-end cases
const YEAR_END_1403 = [j(1403, 12, 29), j(1404, 1, 1), j(1404, 1, 2), j(1404, 1, 3), j(1404, 1, 4), j(1404, 1, 12), j(1404, 1, 13)];
const office = makeWorkingCalendar(DEFAULT_OFFICE_HOURS, [...OFFICIAL, ...YEAR_END_1403]);

describe("the working clock, hand-computed", () => {
  it("an offer sent at 16:55 on a Wednesday is due the next morning", () => {
    // Wed 1405/09/05 = 2026-11-26? no: 2026-11-25 is a Wednesday (4 Azar 1405)
    expect(addWorkingMinutes(at("2026-11-25T16:55:00"), 30, office)).toEqual(at("2026-11-26T08:25:00"));
    // Thursday closes at 13:00 and Friday is off
    expect(addWorkingMinutes(at("2026-11-26T12:50:00"), 30, office)).toEqual(at("2026-11-28T08:20:00"));
    // sent on a Friday: the clock starts on Saturday at 08:00
    expect(addWorkingMinutes(at("2026-11-27T10:00:00"), 60, office)).toEqual(at("2026-11-28T09:00:00"));
    // used up exactly at closing: due at the close, not the next morning
    expect(addWorkingMinutes(at("2026-11-25T16:00:00"), 60, office)).toEqual(at("2026-11-25T17:00:00"));
    // zero minutes: the next opening
    expect(addWorkingMinutes(at("2026-11-25T19:00:00"), 0, office)).toEqual(at("2026-11-26T08:00:00"));
  });

  it("skips Nowruz 1405 (and Eid al-Fitr on it) and the last Friday of 1404", () => {
    // Thu 28 Esfand 1404, 12:00: one hour on Thursday, Fri 29 Esfand, 1–4 Farvardin off, Wed 5 Farvardin 08:00 + 1 h
    expect(j(1404, 12, 28)).toBe("2026-03-19");
    expect(addWorkingMinutes(at("2026-03-19T12:00:00"), 120, office)).toEqual(at("2026-03-25T09:00:00"));
    expect(workingMinutesBetween(at("2026-03-19T12:00:00"), at("2026-03-25T09:00:00"), office)).toBe(120);
    expect(isWorkingTime(at("2026-03-23T10:00:00"), office)).toBe(false);
    expect(nextWorkingStart(at("2026-03-20T23:00:00"), office)).toEqual(at("2026-03-25T08:00:00"));
    // 12 and 13 Farvardin (Wed, Thu) then Friday: Tuesday 11 Farvardin 16:30 + 60 → Saturday 15 Farvardin 08:30
    expect(addWorkingMinutes(at("2026-03-31T16:30:00"), 60, office)).toEqual(at("2026-04-04T08:30:00"));
  });

  it("works the leap day 30 Esfand 1403 but not 29 Esfand (oil day) nor Nowruz 1404", () => {
    expect(j(1403, 12, 30)).toBe("2025-03-20");
    // Tue 28 Esfand 1403 (2025-03-18) 16:00 + 2 h: 1 h Tuesday, Wed 29 Esfand off, Thu 30 Esfand 08:00 + 1 h
    expect(addWorkingMinutes(at("2025-03-18T16:00:00"), 120, office)).toEqual(at("2025-03-20T09:00:00"));
    // Thu 30 Esfand 12:00 + 2 h: Thu 1 h, 1–4 Farvardin 1404 (Fri–Mon) off, Tue 5 Farvardin 09:00
    expect(addWorkingMinutes(at("2025-03-20T12:00:00"), 120, office)).toEqual(at("2025-03-25T09:00:00"));
  });

  it("counts 7 working days of a complaint across Nowruz", () => {
    // registered Wed 27 Esfand 1404: Thu 28 (1), Wed 5 Far (2), Thu 6 (3), Sat 8 (4), Sun 9 (5), Mon 10 (6), Tue 11 (7)
    const due = addWorkingDays(at("2026-03-18T10:00:00"), 7, office);
    expect(due).toEqual(at("2026-03-31T17:00:00"));
    expect(workingDaysBetween(at("2026-03-18T10:00:00"), due, office)).toBe(7);
    // a Thursday's close is 13:00
    expect(addWorkingDays(at("2026-11-25T10:00:00"), 1, office)).toEqual(at("2026-11-26T13:00:00"));
    expect(addWorkingDays(at("2026-11-25T10:00:00"), 0, office)).toEqual(at("2026-11-25T17:00:00"));
    expect(addWorkingDays(at("2026-11-25T18:00:00"), 0, office)).toEqual(at("2026-11-26T13:00:00"));
  });

  it("reads per-agency hours, overnight ranges and 24/7", () => {
    const night: WeeklyHours = { sat: ["20:00", "02:00"], sun: ["20:00", "02:00"], mon: null, tue: null, wed: null, thu: null, fri: null };
    const cal = makeWorkingCalendar(night, OFFICIAL);
    // Sat 2026-11-28 23:00 + 3 h: 1 h to midnight (Sat), 2 h Sunday small hours → Sun 02:00
    expect(addWorkingMinutes(at("2026-11-28T23:00:00"), 180, cal)).toEqual(at("2026-11-29T02:00:00"));
    // + 4 h: then Sunday evening 20:00 + 1 h
    expect(addWorkingMinutes(at("2026-11-28T23:00:00"), 240, cal)).toEqual(at("2026-11-29T21:00:00"));
    const always = makeWorkingCalendar({}, OFFICIAL);
    // open around the clock: plain minutes, even on Nowruz
    expect(addWorkingMinutes(at("2026-03-21T10:00:00"), 90, always)).toEqual(at("2026-03-21T11:30:00"));
    const never = makeWorkingCalendar({ sat: null }, OFFICIAL);
    expect(addWorkingMinutes(at("2026-03-21T10:00:00"), 90, never)).toEqual(at("2026-03-21T11:30:00"));
  });

  it("the seeded 1405 holidays fall where the official calendar puts them", () => {
    // 6 of them on a Thursday and 3 on a Friday (ILNA's count of the official list; 25 Farvardin aside)
    const days = holidayIsoDays(OFFICIAL_HOLIDAYS_SEED.filter((h) => h.year === 1405));
    const wd = (iso: string) => new Date(`${iso}T12:00:00Z`).getUTCDay();
    expect(days.filter((d) => wd(d) === 4)).toHaveLength(6);
    expect(days.filter((d) => wd(d) === 5)).toHaveLength(3);
    expect(days[0]).toBe("2026-03-21");
  });
});

// ---------------------------------------------------------------------------------------------------------
// properties

const FROM = at("2025-02-01T00:00:00").getTime(); // before the end of 1403 (leap)
const TO = at("2027-05-01T00:00:00").getTime(); // after Nowruz 1406
const instant = fc.integer({ min: FROM, max: TO });
const minuteInstant = fc.integer({ min: Math.floor(FROM / MINUTE_MS), max: Math.floor(TO / MINUTE_MS) }).map((m) => m * MINUTE_MS);
const hm = fc.integer({ min: 0, max: 48 }).map((q) => `${String(Math.floor(q / 2)).padStart(2, "0")}:${q % 2 ? "30" : "00"}`);
const dayHours = fc.oneof(fc.constant(null), fc.tuple(hm, hm).filter(([a, b]) => a !== b && a !== "24:00"));
const weeklyHours: fc.Arbitrary<WeeklyHours> = fc.oneof(
  fc.constant(DEFAULT_OFFICE_HOURS),
  fc.record({ sat: dayHours, sun: dayHours, mon: dayHours, tue: dayHours, wed: dayHours, thu: dayHours, fri: dayHours }),
);
/** runs of extra holidays (a week of mourning, a month of closures) on top of the official ones */
const holidayRuns = fc.array(fc.tuple(fc.integer({ min: 0, max: 800 }), fc.integer({ min: 1, max: 12 })), { maxLength: 4 }).map((runs) => {
  const out: string[] = [...OFFICIAL, ...YEAR_END_1403];
  const base = Math.floor((FROM + 3.5 * 3_600_000) / DAY_MS);
  for (const [start, len] of runs) for (let d = 0; d < len; d++) out.push(new Date((base + start + d) * DAY_MS).toISOString().slice(0, 10));
  return out;
});
const calendars = fc.tuple(weeklyHours, holidayRuns).map(([h, hol]) => ({
  fast: makeWorkingCalendar(h, hol),
  slow: makeWorkingCalendar(h, hol, { tableDays: 0 }),
  hours: h,
  hol: new Set(hol),
  // a counterexample names the hours and holidays, not the calendars' tables
  [fc.toStringMethod]: () => `hours ${JSON.stringify(h)}, holidays ${JSON.stringify(hol.slice(OFFICIAL.length + YEAR_END_1403.length))}`,
}));
const minutes = fc.integer({ min: 0, max: 20 * 8 * 60 });

const isOff = (t: number, c: { hol: Set<string> }) => {
  const day = tehranDayNumber(t);
  return c.hol.has(new Date(day * DAY_MS).toISOString().slice(0, 10));
};

describe("the working clock, properties", () => {
  it("add then between gives back the minutes; the deadline is never on a Friday or a holiday of the office", () => {
    fc.assert(
      fc.property(instant, minutes, (s, m) => {
        const due = addWorkingMinutes(s, m, office);
        expect(workingMinutesBetween(s, due, office)).toBe(m);
        expect(due.getTime()).toBeGreaterThanOrEqual(s);
        if (m > 0) {
          // it lies in working time or at the close of a working range
          const inside = due.getTime() - 1;
          expect(isWorkingTime(inside, office)).toBe(true);
          expect(weekdayOfDay(tehranDayNumber(inside))).not.toBe(5);
          expect(isOff(inside, { hol: new Set([...OFFICIAL, ...YEAR_END_1403]) })).toBe(false);
        } else expect(isWorkingTime(due, office)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("round-trips under any hours and holiday runs, and the table agrees with the day-by-day walk", () => {
    fc.assert(
      fc.property(calendars, instant, minutes, ({ fast, slow, hol }, s, m) => {
        const due = addWorkingMinutes(s, m, fast);
        expect(addWorkingMinutes(s, m, slow)).toEqual(due);
        if (fast.plain) return;
        expect(workingMinutesBetween(s, due, fast)).toBe(m);
        expect(workingMsBetween(s, due, slow)).toBe(m * MINUTE_MS);
        expect(nextWorkingStart(s, fast)).toEqual(nextWorkingStart(s, slow));
        if (m > 0) {
          expect(isWorkingTime(due.getTime() - 1, fast)).toBe(true);
          if (!fast.alwaysOpen) expect(isOff(due.getTime() - 1, { hol })).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("is monotonic in the start and in the minutes", () => {
    fc.assert(
      fc.property(calendars, instant, instant, minutes, minutes, ({ fast }, a, b, m1, m2) => {
        const [s1, s2] = a <= b ? [a, b] : [b, a];
        const [k1, k2] = m1 <= m2 ? [m1, m2] : [m2, m1];
        expect(addWorkingMinutes(s1, k1, fast).getTime()).toBeLessThanOrEqual(addWorkingMinutes(s1, k2, fast).getTime());
        expect(addWorkingMinutes(s1, k1, fast).getTime()).toBeLessThanOrEqual(addWorkingMinutes(s2, k1, fast).getTime());
        expect(workingMsBetween(s1, s2, fast)).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 300 },
    );
  });

  it("adds in steps as in one go, and between is additive", () => {
    fc.assert(
      fc.property(calendars, instant, minutes, fc.integer({ min: 1, max: 3000 }), instant, instant, ({ fast }, s, m1, m2, b, c) => {
        expect(addWorkingMinutes(addWorkingMinutes(s, m1, fast), m2, fast)).toEqual(addWorkingMinutes(s, m1 + m2, fast));
        expect(workingMsBetween(s, b, fast) + workingMsBetween(b, c, fast)).toBe(workingMsBetween(s, c, fast));
      }),
      { numRuns: 300 },
    );
  });

  it("between counts the working minutes one by one", () => {
    fc.assert(
      fc.property(calendars, minuteInstant, fc.integer({ min: 0, max: 4 * 24 * 60 }), ({ fast }, a, span) => {
        let count = 0;
        for (let t = a; t < a + span * MINUTE_MS; t += MINUTE_MS) if (isWorkingTime(t, fast)) count++;
        expect(workingMinutesBetween(a, a + span * MINUTE_MS, fast)).toBe(count);
      }),
      { numRuns: 60 },
    );
  });

  it("working days: the n-th working day's close, the same with and without the table", () => {
    fc.assert(
      fc.property(calendars, instant, fc.integer({ min: 0, max: 30 }), ({ fast, slow, hol }, s, n) => {
        const due = addWorkingDays(s, n, fast);
        expect(addWorkingDays(s, n, slow)).toEqual(due);
        if (fast.plain) return;
        expect(due.getTime()).toBeGreaterThan(s);
        expect(isWorkingTime(due.getTime() - 1, fast)).toBe(true);
        expect(isWorkingTime(due.getTime(), fast) && tehranDayNumber(due.getTime()) === tehranDayNumber(due.getTime() - 1)).toBe(false);
        if (!fast.alwaysOpen) expect(isOff(due.getTime() - 1, { hol })).toBe(false);
        if (n > 0) expect(workingDaysBetween(s, due.getTime() - 1, fast)).toBe(n);
      }),
      { numRuns: 300 },
    );
  });
});

describe("calendar values", () => {
  it("a calendar is reusable and cheap to query far outside its table", () => {
    const cal: WorkingCalendar = makeWorkingCalendar(DEFAULT_OFFICE_HOURS, OFFICIAL, { tableDays: 30 });
    const s = at("2026-11-25T16:55:00");
    expect(addWorkingMs(s, 30 * MINUTE_MS, cal)).toEqual(addWorkingMs(s, 30 * MINUTE_MS, office));
    // 2050 is past the default table: the walk answers
    expect(addWorkingMinutes(at("2050-01-05T16:30:00"), 60, office).getTime()).toBeGreaterThan(at("2050-01-05T16:30:00").getTime());
  });
});

describe("weekly hours by meaning (weeklyHoursKey, sameWeeklyHours)", () => {
  const week: WeeklyHours = { sat: ["08:00", "17:00"], sun: ["08:00", "17:00"], thu: ["08:00", "13:00"], fri: null };
  it("the days' order, a missing day for null and '8:00' for '08:00' change nothing", () => {
    expect(sameWeeklyHours(week, { fri: null, thu: ["08:00", "13:00"], sun: ["8:00", "17:00"], sat: ["08:00", "17:00"] })).toBe(true);
    expect(sameWeeklyHours(week, { sat: ["08:00", "17:00"], sun: ["08:00", "17:00"], thu: ["08:00", "13:00"] })).toBe(true);
    expect(weeklyHoursKey(week)).toBe(weeklyHoursKey(JSON.parse(JSON.stringify({ thu: week.thu, sun: week.sun, sat: week.sat })) as WeeklyHours));
  });
  it("{} and every day 00:00–24:00 are the same week (around the clock); another range or day is another week", () => {
    const allDay = Object.fromEntries(["sun", "mon", "tue", "wed", "thu", "fri", "sat"].map((d) => [d, ["00:00", "24:00"]])) as WeeklyHours;
    expect(sameWeeklyHours({}, allDay)).toBe(true);
    expect(weeklyHoursKey({})).toBe("24/7");
    expect(sameWeeklyHours(week, { ...week, thu: ["08:00", "14:00"] })).toBe(false);
    expect(sameWeeklyHours(week, { ...week, fri: ["10:00", "12:00"] })).toBe(false);
    expect(sameWeeklyHours(week, {})).toBe(false);
  });
  it("hours with the same key make the same calendar (property)", () => {
    const hm = fc.tuple(fc.integer({ min: 0, max: 24 }), fc.constantFrom(0, 30)).map(([h, m]) => `${String(h).padStart(2, "0")}:${h === 24 ? "00" : String(m).padStart(2, "0")}`);
    const day = fc.option(fc.tuple(hm, hm), { nil: null });
    const hours = fc.dictionary(fc.constantFrom("sun", "mon", "tue", "wed", "thu", "fri", "sat"), day, { maxKeys: 7 }) as fc.Arbitrary<WeeklyHours>;
    fc.assert(
      fc.property(hours, (h) => {
        const shuffled = Object.fromEntries(Object.entries(h).reverse()) as WeeklyHours;
        expect(weeklyHoursKey(shuffled)).toBe(weeklyHoursKey(h));
        const a = makeWorkingCalendar(h, [], { tableDays: 0 });
        const b = makeWorkingCalendar(shuffled, [], { tableDays: 0 });
        expect(b.week).toEqual(a.week);
      }),
    );
  });
});
