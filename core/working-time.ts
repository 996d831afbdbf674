/**
 * The working-day clock (issue 15 §2): one clock for every deadline — SLA due times, dispatch offers,
 * complaint deadlines. Pure: no server-only imports.
 *
 * Working time is a set of minutes per Tehran calendar day:
 *  - each weekday has its hours (per agency from agencies.working_hours, or the call centre's default,
 *    DEFAULT_OFFICE_HOURS: Sat–Wed 08:00–17:00, Thu 08:00–13:00, Fri off) — the same stored shape as
 *    core/dispatch.ts WorkingHours: { sat: ["08:00", "17:00"], …, fri: null };
 *  - a range whose close is not after its open ("22:00"–"06:00") runs past midnight: its part after
 *    midnight belongs to the next calendar day (and is off when that day is a holiday);
 *  - official holidays (the admin's holiday table, per Jalali year) are off all day — except on a calendar
 *    that is open around the clock (every day 00:00–24:00, or {} = hours never recorded, as dispatch reads
 *    them): an agency that says it never closes does not close on holidays either;
 *  - hours with no working minute in the week at all: the clock runs on plain calendar time (as
 *    core/dispatch.ts offerDeadlineAt did), so no deadline is ever infinite.
 *
 * Tehran's wall clock: Iran has kept UTC+03:30 all year since 1401/1402 (2022, see core/jalali.ts), so a
 * Tehran day is [00:00+03:30, next 00:00+03:30): plain arithmetic, no time-zone database. The clock is for
 * deadlines from then on; instants before 2022 are read as +03:30 too (their old daylight-saving hour is
 * not modelled).
 *
 * Speed: a calendar carries a precomputed table of cumulative working milliseconds (and working days) per
 * day over Jalali 1400–1420, so a deadline is a binary search and a walk over one day's ranges
 * (bench/clock.ts: well over a million per second). Outside the table a day-by-day walk gives the same
 * answers (the property tests hold the two together).
 *
 * Semantics, for a start instant s:
 *  - nextWorkingStart(s): s itself when it is working time, else the next opening;
 *  - addWorkingMinutes(s, m): the earliest instant x ≥ s with exactly m working minutes in [s, x) — it lies in
 *    working time or at the close of a working range (a deadline "by 17:00"); m = 0 gives nextWorkingStart(s)
 *    (the clock starts at the next opening);
 *  - workingMinutesBetween(a, b): the working minutes in [a, b) (negative when b < a);
 *  - addWorkingDays(s, n): the close of the n-th working day after s's Tehran day (the day of s does not count:
 *    "within 7 working days" of a complaint registered on Saturday morning ends on the 7th working day after it);
 *    n = 0: the close of s's own day when it is a working day and s is before that close, else of the next one.
 */

/** Per weekday (sat … fri, Tehran local time): [open, close] as "HH:MM" ("24:00" allowed), or null: closed. */
export type WeeklyHours = Record<string, [string, string] | null>;

/** JS getUTCDay() order. */
export const CLOCK_WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;

/** The call centre's hours, and any office's unless it says otherwise. */
export const DEFAULT_OFFICE_HOURS: WeeklyHours = Object.freeze({
  sat: ["08:00", "17:00"],
  sun: ["08:00", "17:00"],
  mon: ["08:00", "17:00"],
  tue: ["08:00", "17:00"],
  wed: ["08:00", "17:00"],
  thu: ["08:00", "13:00"],
  fri: null,
}) as WeeklyHours;

export const TEHRAN_OFFSET_MS = 210 * 60_000;
export const DAY_MS = 86_400_000;
export const MINUTE_MS = 60_000;

/** Days since 1970-01-01 of a Gregorian day 'YYYY-MM-DD' (which is also its Tehran day number). */
export function dayNumberOfIso(isoDay: string): number {
  const t = Date.parse(`${isoDay}T00:00:00Z`);
  if (Number.isNaN(t)) throw new RangeError(`not a day: ${isoDay}`);
  return Math.round(t / DAY_MS);
}

/** The Tehran day number (days since 1970-01-01 on Tehran's wall clock) of an instant in epoch ms. */
export function tehranDayNumber(ms: number): number {
  return Math.floor((ms + TEHRAN_OFFSET_MS) / DAY_MS);
}

/** The instant (epoch ms) a Tehran day number begins. */
export function tehranDayStartMs(day: number): number {
  return day * DAY_MS - TEHRAN_OFFSET_MS;
}

/** Weekday of a day number, JS order (0 = Sunday; 1970-01-01 was a Thursday). */
export function weekdayOfDay(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** "HH:MM" → minutes after midnight (24:00 allowed as a day's end); null when malformed. */
export function parseHm(s: string): number | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(s);
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59 || h > 24 || (h === 24 && min !== 0)) return null;
  return h * 60 + min;
}

/** Ranges [from, to) in ms from the start of the day, sorted and merged. */
type DayRanges = readonly (readonly [number, number])[];

export interface WorkingCalendar {
  /** per weekday (JS order): the working ranges of such a day, ms from its midnight */
  readonly week: readonly DayRanges[];
  /** per weekday: the working ms of such a day */
  readonly weekMs: readonly number[];
  /** Tehran day numbers that are official holidays (off all day unless `alwaysOpen`) */
  readonly holidays: ReadonlySet<number>;
  /** open around the clock: every instant is working time, holidays included */
  readonly alwaysOpen: boolean;
  /** no working minute in the week: plain calendar time */
  readonly plain: boolean;
  /** the precomputed table: day numbers [tableFrom, tableFrom + cumMs.length - 1) */
  readonly tableFrom: number;
  /** cumMs[i]: working ms in days [tableFrom, tableFrom + i) */
  readonly cumMs: Float64Array;
  /** cumDays[i]: working days in days [tableFrom, tableFrom + i) */
  readonly cumDays: Int32Array;
  /** kind[i]: the ranges of table day i — its weekday (JS order), or -1 when it is off (a holiday) */
  readonly kind: Int8Array;
}

/** Jalali 1400/01/01 (2021-03-21) … 1421/01/01 (2042-03-21): the precomputed table's default span. */
export const TABLE_FROM_DAY = dayNumberOfIso("2021-03-21");
export const TABLE_DAYS = dayNumberOfIso("2042-03-21") - TABLE_FROM_DAY;

export interface CalendarOptions {
  /** the first day number of the precomputed table (default: Jalali 1400/01/01) */
  tableFrom?: number;
  /** how many days it covers (default: Jalali 1400 to 1420; 0: no table, every answer walks day by day) */
  tableDays?: number;
}

function merge(ranges: [number, number][]): [number, number][] {
  ranges.sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const r of ranges) {
    if (r[1] <= r[0]) continue;
    const last = out[out.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

/** Whether weekly hours are "always open": {} (never recorded) or every day 00:00–24:00. */
export function isAroundTheClock(hours: WeeklyHours): boolean {
  if (Object.keys(hours).length === 0) return true;
  return CLOCK_WEEKDAYS.every((d) => {
    const r = hours[d];
    return !!r && parseHm(r[0]) === 0 && parseHm(r[1]) === 24 * 60;
  });
}

/**
 * Weekly hours by what they mean, as one string: hours that mean the same week give the same key, whatever
 * the order of their days (a jsonb column gives them back in its own order), a missing day or null (closed),
 * or "8:00" for "08:00"; {} and every day 00:00–24:00 are both "24/7". The key of a change ("did the hours
 * change?") and of the calendars' caches.
 */
export function weeklyHoursKey(hours: WeeklyHours): string {
  if (isAroundTheClock(hours)) return "24/7";
  return CLOCK_WEEKDAYS.map((d) => {
    const r = hours[d];
    if (!r) return "-";
    const open = parseHm(r[0]);
    const close = parseHm(r[1]);
    return open === null || close === null ? `?${r[0]}-${r[1]}` : `${open}-${close}`;
  }).join(",");
}

/** Whether two sets of weekly hours mean the same week (weeklyHoursKey). */
export function sameWeeklyHours(a: WeeklyHours, b: WeeklyHours): boolean {
  return weeklyHoursKey(a) === weeklyHoursKey(b);
}

/**
 * A calendar: weekly hours + official holidays (Gregorian days 'YYYY-MM-DD' of Tehran, as the holiday table's
 * Jalali dates convert to). Build it once and reuse it (it carries a table of about 7,700 days).
 */
export function makeWorkingCalendar(hours: WeeklyHours, holidayDays: Iterable<string> = [], options: CalendarOptions = {}): WorkingCalendar {
  const alwaysOpen = isAroundTheClock(hours);
  const perDay: [number, number][][] = CLOCK_WEEKDAYS.map(() => []);
  if (alwaysOpen) {
    for (const d of perDay) d.push([0, DAY_MS]);
  } else {
    CLOCK_WEEKDAYS.forEach((name, wd) => {
      const r = hours[name];
      if (!r) return;
      const open = parseHm(r[0]);
      const close = parseHm(r[1]);
      if (open === null || close === null) return;
      if (close > open) perDay[wd]!.push([open * MINUTE_MS, close * MINUTE_MS]);
      else {
        // past midnight: the evening on this day, the small hours on the next
        perDay[wd]!.push([open * MINUTE_MS, DAY_MS]);
        perDay[(wd + 1) % 7]!.push([0, close * MINUTE_MS]);
      }
    });
  }
  const week = perDay.map(merge);
  const weekMs = week.map((rs) => rs.reduce((s, [a, b]) => s + (b - a), 0));
  const plain = weekMs.every((m) => m === 0);
  const holidays = new Set<number>();
  for (const iso of holidayDays) holidays.add(dayNumberOfIso(iso));
  const tableFrom = options.tableFrom ?? TABLE_FROM_DAY;
  const n = Math.max(0, options.tableDays ?? TABLE_DAYS);
  const cumMs = new Float64Array(n + 1);
  const cumDays = new Int32Array(n + 1);
  const kind = new Int8Array(n);
  const cal = { week, weekMs, holidays, alwaysOpen, plain, tableFrom, cumMs, cumDays, kind };
  for (let i = 0; i < n; i++) {
    const k = isOffDay(cal, tableFrom + i) ? -1 : weekdayOfDay(tableFrom + i);
    kind[i] = k;
    const w = k < 0 ? 0 : weekMs[k]!;
    cumMs[i + 1] = cumMs[i]! + w;
    cumDays[i + 1] = cumDays[i]! + (w > 0 ? 1 : 0);
  }
  return cal;
}

function isOffDay(cal: Pick<WorkingCalendar, "holidays" | "alwaysOpen">, day: number): boolean {
  return !cal.alwaysOpen && cal.holidays.has(day);
}

const NO_RANGES: DayRanges = [];

/** The working ranges of a Tehran day (ms from its midnight). */
function dayRanges(cal: WorkingCalendar, day: number): DayRanges {
  const i = day - cal.tableFrom;
  if (i >= 0 && i < cal.kind.length) {
    const k = cal.kind[i]!;
    return k < 0 ? NO_RANGES : cal.week[k]!;
  }
  return isOffDay(cal, day) ? NO_RANGES : cal.week[weekdayOfDay(day)]!;
}

function dayWorkMs(cal: Pick<WorkingCalendar, "weekMs" | "holidays" | "alwaysOpen" | "tableFrom" | "cumMs">, day: number): number {
  const i = day - cal.tableFrom;
  if (i >= 0 && i < cal.cumMs.length - 1) return cal.cumMs[i + 1]! - cal.cumMs[i]!;
  return isOffDay(cal, day) ? 0 : cal.weekMs[weekdayOfDay(day)]!;
}

function inTable(cal: WorkingCalendar, day: number): boolean {
  const i = day - cal.tableFrom;
  return i >= 0 && i < cal.cumMs.length - 1;
}

/** Working ms of day `day` before `offset` ms into it. */
function workBefore(ranges: DayRanges, offset: number): number {
  let s = 0;
  for (const [a, b] of ranges) {
    if (offset <= a) break;
    s += Math.min(offset, b) - a;
  }
  return s;
}

const msOf = (t: Date | number): number => (typeof t === "number" ? t : t.getTime());

/** Whether an instant is working time. */
export function isWorkingTime(at: Date | number, cal: WorkingCalendar): boolean {
  if (cal.plain) return true;
  const t = msOf(at);
  const day = tehranDayNumber(t);
  const off = t - tehranDayStartMs(day);
  for (const [a, b] of dayRanges(cal, day)) if (a <= off && off < b) return true;
  return false;
}

/** Whether a Tehran day (day number) has working time at all. */
export function isWorkingDay(day: number, cal: WorkingCalendar): boolean {
  return cal.plain || dayWorkMs(cal, day) > 0;
}

/** `at` itself when it is working time, else the next opening. */
export function nextWorkingStart(at: Date | number, cal: WorkingCalendar): Date {
  const t = msOf(at);
  if (cal.plain) return new Date(t);
  let day = tehranDayNumber(t);
  let off = t - tehranDayStartMs(day);
  // terminates: the week has working time and holidays are finite
  for (;;) {
    for (const [a, b] of dayRanges(cal, day)) {
      if (off < b) return new Date(tehranDayStartMs(day) + Math.max(a, off));
    }
    day++;
    off = 0;
    if (inTable(cal, day)) {
      // jump over days without work using the table
      const i = day - cal.tableFrom;
      if (cal.cumMs[i + 1] === cal.cumMs[i]) {
        const target = cal.cumMs[i]!;
        const j = firstIndexAbove(cal.cumMs, target, i + 1);
        if (j !== -1) day = cal.tableFrom + j - 1;
        else day = cal.tableFrom + cal.cumMs.length - 1;
      }
    }
  }
}

/** The smallest index k ≥ from with arr[k] > value, or -1. */
function firstIndexAbove(arr: Float64Array | Int32Array, value: number, from: number): number {
  let lo = from;
  let hi = arr.length - 1;
  if (hi < lo || arr[hi]! <= value) return -1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (arr[mid]! > value) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The smallest index k ≥ from with arr[k] ≥ value, or -1. */
function firstIndexAtLeast(arr: Float64Array | Int32Array, value: number, from: number): number {
  let lo = from;
  let hi = arr.length - 1;
  if (hi < lo || arr[hi]! < value) return -1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (arr[mid]! >= value) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The instant within day `day` after which `rem` (> 0) working ms of it have passed (rem ≤ the day's work). */
function instantInDay(cal: WorkingCalendar, day: number, rem: number): number {
  const start = tehranDayStartMs(day);
  for (const [a, b] of dayRanges(cal, day)) {
    const len = b - a;
    if (rem <= len) return start + a + rem;
    rem -= len;
  }
  throw new Error("working-time: day has less work than asked");
}

/** `ms` working milliseconds after `start` (see the file's comment for the exact meaning). */
export function addWorkingMs(start: Date | number, ms: number, cal: WorkingCalendar): Date {
  const t = msOf(start);
  if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError(`addWorkingMs: ${ms}`);
  if (cal.plain) return new Date(t + ms);
  if (ms === 0) return nextWorkingStart(t, cal);
  const day0 = tehranDayNumber(t);
  const ranges0 = dayRanges(cal, day0);
  const used0 = workBefore(ranges0, t - tehranDayStartMs(day0));
  const total0 = dayWorkMs(cal, day0);
  // the rest of the first day is enough
  if (used0 + ms <= total0) return new Date(instantInDay(cal, day0, used0 + ms));
  let left = ms - (total0 - used0);
  let day = day0 + 1;
  if (inTable(cal, day)) {
    const i = day - cal.tableFrom;
    const target = cal.cumMs[i]! + left;
    // the day k (index) whose end reaches the target: cum[k] < target ≤ cum[k + 1]
    const j = firstIndexAtLeast(cal.cumMs, target, i + 1);
    if (j !== -1) return new Date(instantInDay(cal, cal.tableFrom + j - 1, target - cal.cumMs[j - 1]!));
    const last = cal.cumMs.length - 1;
    left = target - cal.cumMs[last]!;
    day = cal.tableFrom + last;
  }
  for (;;) {
    const w = dayWorkMs(cal, day);
    if (left <= w) return new Date(instantInDay(cal, day, left));
    left -= w;
    day++;
  }
}

/** `minutes` working minutes after `start`. */
export function addWorkingMinutes(start: Date | number, minutes: number, cal: WorkingCalendar): Date {
  return addWorkingMs(start, Math.round(minutes * MINUTE_MS), cal);
}

/** Working ms in [tehranDayStart(dayA), tehranDayStart(dayB)) for dayA ≤ dayB. */
function workOfDays(cal: WorkingCalendar, dayA: number, dayB: number): number {
  let s = 0;
  let d = dayA;
  // before the table
  while (d < dayB && !inTable(cal, d) && d < cal.tableFrom) s += dayWorkMs(cal, d++);
  if (d < dayB && inTable(cal, d)) {
    const last = cal.tableFrom + cal.cumMs.length - 1;
    const e = Math.min(dayB, last);
    s += cal.cumMs[e - cal.tableFrom]! - cal.cumMs[d - cal.tableFrom]!;
    d = e;
  }
  while (d < dayB) s += dayWorkMs(cal, d++);
  return s;
}

/** Working ms in [a, b) (negative when b < a). */
export function workingMsBetween(a: Date | number, b: Date | number, cal: WorkingCalendar): number {
  const ta = msOf(a);
  const tb = msOf(b);
  if (tb < ta) return 0 - workingMsBetween(tb, ta, cal) + 0;
  if (cal.plain) return tb - ta;
  const da = tehranDayNumber(ta);
  const db = tehranDayNumber(tb);
  const wa = workBefore(dayRanges(cal, da), ta - tehranDayStartMs(da));
  const wb = workBefore(dayRanges(cal, db), tb - tehranDayStartMs(db));
  if (da === db) return wb - wa;
  if (inTable(cal, da) && inTable(cal, db)) return cal.cumMs[db - cal.tableFrom]! - cal.cumMs[da - cal.tableFrom]! - wa + wb;
  return workOfDays(cal, da, db) - wa + wb;
}

/** Working minutes in [a, b) (negative when b < a; fractions of a minute kept). */
export function workingMinutesBetween(a: Date | number, b: Date | number, cal: WorkingCalendar): number {
  return workingMsBetween(a, b, cal) / MINUTE_MS;
}

/** The close (end of the last working range) of a working day. */
function closeOfDay(cal: WorkingCalendar, day: number): number {
  const r = dayRanges(cal, day);
  return tehranDayStartMs(day) + r[r.length - 1]![1];
}

/**
 * The close of the n-th working day after the Tehran day of `start` (n ≥ 1); n = 0: the close of start's own
 * day when it is a working day not yet closed, else of the next working day. Plain calendars: n × 24 hours.
 */
export function addWorkingDays(start: Date | number, n: number, cal: WorkingCalendar): Date {
  const t = msOf(start);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`addWorkingDays: ${n}`);
  if (cal.plain) return new Date(t + n * DAY_MS);
  let day = tehranDayNumber(t);
  let left = n;
  if (n === 0) {
    if (dayWorkMs(cal, day) > 0 && t < closeOfDay(cal, day)) return new Date(closeOfDay(cal, day));
    left = 1;
  }
  day++;
  if (inTable(cal, day)) {
    const i = day - cal.tableFrom;
    const target = cal.cumDays[i]! + left;
    const j = firstIndexAtLeast(cal.cumDays, target, i + 1);
    if (j !== -1) return new Date(closeOfDay(cal, cal.tableFrom + j - 1));
    const last = cal.cumDays.length - 1;
    left = target - cal.cumDays[last]!;
    day = cal.tableFrom + last;
  }
  for (;;) {
    if (dayWorkMs(cal, day) > 0 && --left === 0) return new Date(closeOfDay(cal, day));
    day++;
  }
}

/** Working days (days with working time) among the Tehran days strictly after a's day up to and including b's day. */
export function workingDaysBetween(a: Date | number, b: Date | number, cal: WorkingCalendar): number {
  const da = tehranDayNumber(msOf(a));
  const db = tehranDayNumber(msOf(b));
  if (db <= da) return 0;
  if (cal.plain) return db - da;
  let s = 0;
  for (let d = da + 1; d <= db; d++) {
    if (inTable(cal, d) && inTable(cal, db)) {
      s += cal.cumDays[db - cal.tableFrom + 1]! - cal.cumDays[d - cal.tableFrom]!;
      break;
    }
    if (dayWorkMs(cal, d) > 0) s++;
  }
  return s;
}
