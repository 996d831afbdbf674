/**
 * Dispatch on the working-day clock (issue 15 §2): an agency is closed on an official holiday (a distinct
 * reason, 'holiday', unless it is open around the clock), its offer deadline is counted in its working time
 * across holiday runs (Nowruz, Tasua/Ashura), and the next opening skips a Friday followed by holidays.
 * The calendars are core/working-time.ts's with the seeded holiday table (core/holidays.ts).
 */
import { describe, expect, it } from "vitest";
import { ALWAYS_OPEN, closedReason, holdReason, rankCandidates, type CandidateFacts, type WorkingHours } from "../../core/dispatch";
import { holidayIsoDays, OFFICIAL_HOLIDAYS_SEED } from "../../core/holidays";
import { weekly } from "../support/weekly-calendar";
import { addWorkingMinutes, DEFAULT_OFFICE_HOURS, makeWorkingCalendar, nextWorkingStart } from "../../core/working-time";

const HOLIDAYS = holidayIsoDays(OFFICIAL_HOLIDAYS_SEED);
const at = (s: string) => new Date(`${s}+03:30`);
const OFFICE: WorkingHours = DEFAULT_OFFICE_HOURS;
const office = makeWorkingCalendar(OFFICE, HOLIDAYS);
const allDay = makeWorkingCalendar(ALWAYS_OPEN, HOLIDAYS);
const calendarOf = (hours: WorkingHours) => (hours === ALWAYS_OPEN ? allDay : office);

const facts = (o: Partial<CandidateFacts>): CandidateFacts => ({
  agencyId: 1,
  code: "THR-001",
  name: "الف",
  status: "active",
  authorized: true,
  areaMatch: true,
  serviceRadiusKm: 20,
  distanceKm: 5,
  workingHours: OFFICE,
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
  ...o,
});

describe("closed on an official holiday", () => {
  it("Tasua (Wednesday 1405/04/03) at 10:00: 'holiday', not 'closed'; the day before and the Saturday after: open", () => {
    expect(closedReason(office, at("2026-06-24T10:00:00"))).toBe("holiday");
    expect(closedReason(office, at("2026-06-25T10:00:00"))).toBe("holiday"); // Ashura, Thursday
    expect(closedReason(office, at("2026-06-23T10:00:00"))).toBeNull();
    expect(closedReason(office, at("2026-06-27T10:00:00"))).toBeNull();
  });

  it("outside its hours on a holiday, or on a Friday that is also a holiday, is plain 'closed'", () => {
    expect(closedReason(office, at("2026-06-24T20:00:00"))).toBe("closed"); // Tasua evening: closed anyway
    expect(closedReason(office, at("2026-06-05T10:00:00"))).toBe("closed"); // 15 Khordad, a Friday
  });

  it("an agency open around the clock stays open on holidays", () => {
    expect(closedReason(allDay, at("2026-06-24T10:00:00"))).toBeNull();
    expect(closedReason(allDay, at("2027-03-21T03:00:00"))).toBeNull(); // Nowruz night
    expect(closedReason(makeWorkingCalendar({}, HOLIDAYS), at("2027-03-21T03:00:00"))).toBeNull();
  });

  it("the small hours of a night range belong to the holiday they fall on", () => {
    const night = makeWorkingCalendar({ tue: ["22:00", "06:00"] }, HOLIDAYS);
    expect(closedReason(night, at("2026-06-23T23:00:00"))).toBeNull(); // Tuesday evening: a working day
    expect(closedReason(night, at("2026-06-24T03:00:00"))).toBe("holiday"); // after midnight: Tasua
  });

  it("rankCandidates excludes it with the reason 'holiday'; every suitable agency off → held 'all_closed'", () => {
    const r = rankCandidates([facts({ agencyId: 1 }), facts({ agencyId: 2, workingHours: ALWAYS_OPEN })], at("2026-06-24T10:00:00"), undefined, calendarOf);
    expect(r.ranked.map((c) => c.agencyId)).toEqual([2]);
    expect(r.excluded).toEqual([{ agencyId: 1, code: "THR-001", reasons: ["holiday"] }]);
    const held = rankCandidates([facts({ agencyId: 1 }), facts({ agencyId: 3, dailyJobCapacity: 0 })], at("2026-06-24T10:00:00"), undefined, calendarOf);
    expect(held.ranked).toEqual([]);
    expect(holdReason(held.excluded)).toBe("all_closed"); // agency 3 is full, but off today as well
    expect(holdReason([{ agencyId: 1, code: "A", reasons: ["holiday"] }, { agencyId: 2, code: "B", reasons: ["closed"] }])).toBe("all_closed");
  });

  it("without the holiday table (the default calendars) the weekly hours alone decide", () => {
    expect(rankCandidates([facts({})], at("2026-06-24T10:00:00"), undefined, weekly).ranked).toHaveLength(1);
  });
});

describe("offer deadlines across holiday runs", () => {
  it("Tuesday 16:50 before Tasua/Ashura + 30 working minutes → Saturday 08:20 (Wed, Thu holidays, Fri off)", () => {
    expect(addWorkingMinutes(at("2026-06-23T16:50:00"), 30, office)).toEqual(at("2026-06-27T08:20:00"));
  });

  it("Thursday 12:50 before Nowruz 1406 + 30 → Thursday 1406/01/05 08:20 (Fri off, 29 Esfand and 1–4 Farvardin holidays)", () => {
    expect(addWorkingMinutes(at("2027-03-18T12:50:00"), 30, office)).toEqual(at("2027-03-25T08:20:00"));
  });

  it("a 24/7 agency's deadline is plain minutes, holiday or not", () => {
    expect(addWorkingMinutes(at("2027-03-21T10:00:00"), 30, allDay)).toEqual(at("2027-03-21T10:30:00"));
  });
});

describe("the next opening", () => {
  it("after a Friday and a holiday (Saturday 1405/11/03): Sunday 08:00", () => {
    expect(nextWorkingStart(at("2027-01-22T10:00:00"), office)).toEqual(at("2027-01-24T08:00:00"));
  });

  it("Friday before Nowruz 1406: Saturday 29 Esfand and 1–4 Farvardin skipped → Thursday 08:00", () => {
    expect(nextWorkingStart(at("2027-03-19T09:00:00"), office)).toEqual(at("2027-03-25T08:00:00"));
  });
});
