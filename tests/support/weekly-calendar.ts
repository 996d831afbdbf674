import type { CalendarOf } from "../../core/dispatch";
import { makeWorkingCalendar, weeklyHoursKey, type WorkingCalendar } from "../../core/working-time";

const cache = new Map<string, WorkingCalendar>();

/**
 * An agency's calendar on its weekly hours alone, no holidays and no day table (core/working-time.ts
 * makeWorkingCalendar): the tests' stand-in for services/working-calendar.ts workingCalendars(db).of, which
 * adds the admin's official holidays.
 */
export const weekly: CalendarOf = (hours) => {
  const key = weeklyHoursKey(hours);
  let cal = cache.get(key);
  if (!cal) cache.set(key, (cal = makeWorkingCalendar(hours, [], { tableDays: 0 })));
  return cal;
};
