/**
 * The working-day clock's calendars for the services that compute deadlines (intake's SLA due times, the
 * SLA sweep, dispatch's offer deadlines, complaint deadlines, the loaner/replacement sweep). The holidays come
 * from official_holidays; each process caches them with the calendars built from them (one per set of weekly
 * hours) and re-reads them only when working_calendar_state.version has moved (a trigger moves it on every
 * change an admin makes, from any process): one tiny read per use — together with the admin's rule values
 * (service_rule_settings) — no LISTEN needed, and a change is seen by the next deadline.
 */
import type { DueClock } from "../core/delays";
import { serviceRulesOf, type ServiceRules } from "../core/service-rules";
import { DEFAULT_OFFICE_HOURS, makeWorkingCalendar, weeklyHoursKey, type WeeklyHours, type WorkingCalendar } from "../core/working-time";
import type { DB } from "../db/connection";
import { allHolidayDays, clockState, type ClockState } from "../db/repos/holidays";

export interface WorkingCalendars {
  /** the calendar of the given weekly hours (an agency's), or the call centre's (null) */
  of(hours: WeeklyHours | null): WorkingCalendar;
  /** the call centre's calendar (DEFAULT_OFFICE_HOURS) */
  readonly office: WorkingCalendar;
  /** the admin's consumer-protection rule values (core/service-rules.ts) */
  readonly rules: ServiceRules;
  /** the clock of a due time on the given hours (null: the call centre's) */
  dueClock(hours: WeeklyHours | null): DueClock;
}

let cache: { version: number; holidays: string[]; calendars: Map<string, WorkingCalendar>; byObject: WeakMap<object, WorkingCalendar> } | null = null;

const keyOf = (hours: WeeklyHours | null): string => (hours === null ? "office" : weeklyHoursKey(hours));

/**
 * The calendars with the holidays as they are now (cached per process; db may be a transaction). `state`: the
 * clock state the caller already read in its own statement (db/repos/holidays.ts CLOCK_STATE_COLUMNS), which
 * saves the round trip that reads it.
 */
export async function workingCalendars(db: DB, state?: ClockState): Promise<WorkingCalendars> {
  state ??= await clockState(db);
  if (!cache || cache.version !== state.version) cache = { version: state.version, holidays: await allHolidayDays(db), calendars: new Map(), byObject: new WeakMap() };
  const c = cache;
  const rules = serviceRulesOf(state.rules);
  const of = (hours: WeeklyHours | null): WorkingCalendar => {
    // the same hours object again (dispatch asks once per candidate row): no key to build
    const known = hours === null ? undefined : c.byObject.get(hours);
    if (known) return known;
    const key = keyOf(hours);
    let cal = c.calendars.get(key);
    if (!cal) {
      // a process sees a handful of distinct hours (the agencies'); bound the cache all the same
      if (c.calendars.size > 500) c.calendars.clear();
      cal = makeWorkingCalendar(hours ?? DEFAULT_OFFICE_HOURS, c.holidays);
      c.calendars.set(key, cal);
    }
    if (hours !== null) c.byObject.set(hours, cal);
    return cal;
  };
  return { of, office: of(null), rules, dueClock: (hours) => ({ calendar: of(hours), complaintResolveDays: rules.complaint_resolve_days }) };
}
