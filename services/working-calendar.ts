/**
 * The working-day clock's calendars for the services that compute deadlines (intake's SLA due times, the
 * SLA sweep, dispatch's offer deadlines, complaint deadlines). The holidays come from official_holidays;
 * each process caches them with the calendars built from them (one per set of weekly hours) and re-reads
 * them only when working_calendar_state.version has moved (a trigger bumps it on every change an admin
 * makes, in any process): one tiny read per use, no LISTEN needed, and a change is seen by the next deadline.
 */
import { DEFAULT_OFFICE_HOURS, makeWorkingCalendar, type WeeklyHours, type WorkingCalendar } from "../core/working-time";
import type { DB } from "../db/connection";
import { allHolidayDays, workingCalendarVersion } from "../db/repos/holidays";

export interface WorkingCalendars {
  /** the calendar of the given weekly hours (an agency's), or the call centre's (null) */
  of(hours: WeeklyHours | null): WorkingCalendar;
  /** the call centre's calendar (DEFAULT_OFFICE_HOURS) */
  readonly office: WorkingCalendar;
}

let cache: { version: number; holidays: string[]; calendars: Map<string, WorkingCalendar> } | null = null;

/** Stored hours as the clock reads them: a well-formed value, else the call centre's hours. */
function keyOf(hours: WeeklyHours | null): string {
  return hours === null ? "office" : JSON.stringify(hours);
}

/** The calendars with the holidays as they are now (cached per process; db may be a transaction). */
export async function workingCalendars(db: DB): Promise<WorkingCalendars> {
  const version = await workingCalendarVersion(db);
  if (!cache || cache.version !== version) cache = { version, holidays: await allHolidayDays(db), calendars: new Map() };
  const c = cache;
  const of = (hours: WeeklyHours | null): WorkingCalendar => {
    const key = keyOf(hours);
    let cal = c.calendars.get(key);
    if (!cal) {
      // a process sees a handful of distinct hours (the agencies'); bound the cache all the same
      if (c.calendars.size > 500) c.calendars.clear();
      cal = makeWorkingCalendar(hours ?? DEFAULT_OFFICE_HOURS, c.holidays);
      c.calendars.set(key, cal);
    }
    return cal;
  };
  return { of, office: of(null) };
}

/** Forgets the cached calendars (tests that change the table behind the trigger's back). */
export function forgetWorkingCalendars(): void {
  cache = null;
}
