/**
 * Solar Hijri (Jalali) calendar rules. Pure: no server-only imports, usable in the browser too.
 *
 * Referral fees and agency statements are grouped by the Jalali month of Tehran's wall clock, so
 * an invoice completed at 23:45 on 30 Aban (Tehran) belongs to Aban even though it is already
 * 20:15 UTC. Iran has kept UTC+03:30 all year since 2022; the IANA zone carries the older
 * daylight-saving history, so dates before that still come out right.
 */

import { toLatinDigits } from "./digits";

const TEHRAN = "Asia/Tehran";

let yearMonthFormat: Intl.DateTimeFormat | undefined;

function persianYearMonthFormat(): Intl.DateTimeFormat {
  if (!yearMonthFormat) {
    const f = new Intl.DateTimeFormat("en-US-u-ca-persian-nu-latn", {
      timeZone: TEHRAN,
      year: "numeric",
      month: "2-digit",
    });
    if (f.resolvedOptions().calendar !== "persian") {
      throw new Error("This JavaScript runtime has no Persian calendar (Intl without full ICU data)");
    }
    yearMonthFormat = f;
  }
  return yearMonthFormat;
}

function latinDigits(s: string): string {
  return toLatinDigits(s).replace(/\D/g, "");
}

const tehranDayFormat = new Intl.DateTimeFormat("en-CA", {
  timeZone: TEHRAN,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

/** The Tehran calendar day of an instant, 'YYYY-MM-DD' (Gregorian): "today" for warranty and daily counts. */
export function tehranDay(d: Date): string {
  const parts = tehranDayFormat.formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")}`;
}

/** Midnight in Tehran at the start of the instant's Tehran day (Iran has kept UTC+03:30 all year since 2022). */
export function startOfTehranDay(d: Date): Date {
  return new Date(`${tehranDay(d)}T00:00:00+03:30`);
}

/**
 * The Jalali year and month of an instant in Tehran, as 'YYYY-MM' with Latin digits:
 * 2026-11-23T08:00Z → '1405-09' (Azar 1405). This is the `period` of a referral fee.
 */
export function jalaliYearMonth(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new RangeError("jalaliYearMonth: invalid date");
  const parts = persianYearMonthFormat().formatToParts(date);
  const year = Number(latinDigits(parts.find((p) => p.type === "year")?.value ?? ""));
  const month = Number(latinDigits(parts.find((p) => p.type === "month")?.value ?? ""));
  if (!Number.isInteger(year) || year < 1 || !Number.isInteger(month) || month < 1 || month > 12) {
    throw new Error(`jalaliYearMonth: unexpected calendar output for ${date.toISOString()}`);
  }
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}`;
}

// ----- Jalali dates as people type them (report date ranges) -----

/** A Jalali calendar day. */
export interface JalaliDate {
  year: number;
  month: number;
  day: number;
}

const DAY_MS = 86_400_000;

let ymdFormat: Intl.DateTimeFormat | undefined;
function persianYmdInUtc(): Intl.DateTimeFormat {
  // UTC here: the conversion works on calendar days (noon UTC), not on Tehran instants
  ymdFormat ??= new Intl.DateTimeFormat("en-US-u-ca-persian-nu-latn", { timeZone: "UTC", year: "numeric", month: "numeric", day: "numeric" });
  return ymdFormat;
}

let tehranYmdFormat: Intl.DateTimeFormat | undefined;
function persianYmdInTehran(): Intl.DateTimeFormat {
  tehranYmdFormat ??= new Intl.DateTimeFormat("en-US-u-ca-persian-nu-latn", { timeZone: TEHRAN, year: "numeric", month: "numeric", day: "numeric" });
  return tehranYmdFormat;
}

function readYmd(f: Intl.DateTimeFormat, d: Date): JalaliDate {
  const parts = f.formatToParts(d);
  const num = (t: string) => Number(latinDigits(parts.find((p) => p.type === t)?.value ?? ""));
  return { year: num("year"), month: num("month"), day: num("day") };
}

/** The Jalali day of a Gregorian calendar day at noon UTC (used by the converter). */
function jalaliOfUtcDay(ms: number): JalaliDate {
  return readYmd(persianYmdInUtc(), new Date(ms));
}

/**
 * Converts a Jalali (Solar Hijri) date to the Gregorian calendar (the arithmetic of the jalaali algorithm,
 * valid for years 1–3177). Returns [year, month, day].
 */
function jalaliToGregorianParts(jy: number, jm: number, jd: number): [number, number, number] {
  const y = jy + 1595;
  let days =
    -355668 + 365 * y + Math.floor(y / 33) * 8 + Math.floor(((y % 33) + 3) / 4) + jd + (jm < 7 ? (jm - 1) * 31 : (jm - 7) * 30 + 186);
  let gy = 400 * Math.floor(days / 146097);
  days %= 146097;
  if (days > 36524) {
    days -= 1;
    gy += 100 * Math.floor(days / 36524);
    days %= 36524;
    if (days >= 365) days += 1;
  }
  gy += 4 * Math.floor(days / 1461);
  days %= 1461;
  if (days > 365) {
    gy += Math.floor((days - 1) / 365);
    days = (days - 1) % 365;
  }
  let gd = days + 1;
  const leap = (gy % 4 === 0 && gy % 100 !== 0) || gy % 400 === 0;
  const monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  let gm = 0;
  while (gm < 12 && gd > monthDays[gm]!) {
    gd -= monthDays[gm]!;
    gm += 1;
  }
  return [gy, gm + 1, gd];
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/**
 * A calendar day as a person types it (list filters, report ranges, visit days), as its Gregorian 'YYYY-MM-DD': Jalali (۱۴۰۵/۰۹/۰۱,
 * 1405-9-1) — the form people here write — or Gregorian (2026-11-22, what a date picker sends), in Persian,
 * Arabic-Indic or Latin digits, separated by / or -. Null for anything else or a day that does not exist
 * (1404/12/30 in a common year).
 */
export function parseDayInput(input: string): string | null {
  const m = /^(\d{4})[/\-.](\d{1,2})[/\-.](\d{1,2})$/.exec(toLatinDigits(input).trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  if (y >= 1200 && y < 1600) {
    const [gy, gm, gd] = jalaliToGregorianParts(y, mo, d);
    const iso = `${pad(gy, 4)}-${pad(gm)}-${pad(gd)}`;
    const back = jalaliOfUtcDay(Date.parse(`${iso}T12:00:00Z`));
    return back.year === y && back.month === mo && back.day === d ? iso : null;
  }
  if (y >= 1900 && y < 2200) {
    const iso = `${pad(y, 4)}-${pad(mo)}-${pad(d)}`;
    const date = new Date(`${iso}T12:00:00Z`);
    return date.toISOString().slice(0, 10) === iso ? iso : null;
  }
  return null;
}

/** The instant a Tehran calendar day ('YYYY-MM-DD') begins (Iran has kept UTC+03:30 all year since 2022). */
export function tehranDayStart(isoDay: string): Date {
  return new Date(`${isoDay}T00:00:00+03:30`);
}

/** The Gregorian day ('YYYY-MM-DD') of a Jalali day, or null when the day does not exist (31 Mehr, 30 Esfand of a common year). */
export function jalaliToGregorian(date: JalaliDate): string | null {
  const { year, month, day } = date;
  if (![year, month, day].every(Number.isInteger) || year < 1 || year > 3177 || month < 1 || month > 12 || day < 1 || day > 31) return null;
  const [gy, gm, gd] = jalaliToGregorianParts(year, month, day);
  const iso = `${pad(gy, 4)}-${pad(gm)}-${pad(gd)}`;
  const back = jalaliOfUtcDay(Date.parse(`${iso}T12:00:00Z`));
  return back.year === year && back.month === month && back.day === day ? iso : null;
}

/** The Jalali day of an instant on Tehran's wall clock. */
export function tehranJalaliDate(instant: Date): JalaliDate {
  if (Number.isNaN(instant.getTime())) throw new RangeError("tehranJalaliDate: invalid date");
  return readYmd(persianYmdInTehran(), instant);
}

/** '1405/09/10' (Latin digits; the screen turns them Persian). */
export function jalaliDateText(date: JalaliDate): string {
  return `${String(date.year).padStart(4, "0")}/${String(date.month).padStart(2, "0")}/${String(date.day).padStart(2, "0")}`;
}

/** The Jalali day `days` after (or before, when negative) the given one. */
export function addJalaliDays(date: JalaliDate, days: number): JalaliDate {
  const g = jalaliToGregorian(date);
  if (!g) throw new RangeError(`not a Jalali day: ${jalaliDateText(date)}`);
  return jalaliOfUtcDay(Date.parse(`${g}T12:00:00Z`) + days * DAY_MS);
}

/** The first day of the Jalali month `offset` months from the given day's month (0 = its own month). */
export function jalaliMonthStart(date: JalaliDate, offset = 0): JalaliDate {
  const index = date.year * 12 + (date.month - 1) + offset;
  return { year: Math.floor(index / 12), month: (index % 12) + 1, day: 1 };
}

/** The Jalali day of a Gregorian calendar day 'YYYY-MM-DD' (Tehran's: read at its midnight). */
export function jalaliOfGregorianDay(isoDay: string): JalaliDate {
  return tehranJalaliDate(tehranDayStart(isoDay));
}

/** A Gregorian day 'YYYY-MM-DD' as Jalali text 'YYYY/MM/DD' (Latin digits). */
export function gregorianDayToJalali(isoDay: string): string {
  return jalaliDateText(jalaliOfGregorianDay(isoDay));
}

/** A Tehran calendar day 'YYYY-MM-DD' (as the database's `(at time zone 'Asia/Tehran')::date` gives it) → its Jalali 'YYYY-MM'. */
export function jalaliMonthOfDay(isoDay: string): string {
  return jalaliYearMonth(new Date(`${isoDay}T12:00:00+03:30`));
}

/**
 * The Jalali months wholly inside the Tehran days [fromDay, toDayExclusive) ('YYYY-MM-DD'), as the first day of
 * the first one and the first day of the month after the last one; null when there is none. What a monthly
 * roll-up serves of a range (the days around them come from a finer one).
 */
export function wholeJalaliMonths(fromDay: string, toDayExclusive: string): { from: string; toExclusive: string } | null {
  if (fromDay >= toDayExclusive) return null;
  const first = jalaliOfGregorianDay(fromDay);
  const from = first.day === 1 ? fromDay : jalaliToGregorian(jalaliMonthStart(first, 1));
  const toExclusive = jalaliToGregorian(jalaliMonthStart(jalaliOfGregorianDay(toDayExclusive), 0));
  return from && toExclusive && from < toExclusive ? { from, toExclusive } : null;
}

/**
 * The Jalali months wholly inside the instants [from, toExclusive) (cut at Tehran midnights), as in
 * wholeJalaliMonths; null when there is none.
 */
export function wholeJalaliMonthsOf(from: Date, toExclusive: Date): { from: string; toExclusive: string } | null {
  const day = tehranDay(from);
  const fromDay = tehranDayStart(day).getTime() >= from.getTime() ? day : tehranDay(new Date(tehranDayStart(day).getTime() + DAY_MS + 3_600_000));
  return wholeJalaliMonths(fromDay, tehranDay(toExclusive));
}

export interface MonthSpan {
  /** Jalali 'YYYY-MM' */
  month: string;
  from: Date;
  toExclusive: Date;
}

/**
 * The Jalali months a range [from, toExclusive) touches, each clipped to the range, in order: what a
 * month's figure drills down to. Cut at Tehran midnights.
 */
export function jalaliMonthSpans(from: Date, toExclusive: Date): MonthSpan[] {
  const spans: MonthSpan[] = [];
  // walk one day at a time, from the day of `from` to the day before `toExclusive`
  for (let t = from; t.getTime() < toExclusive.getTime(); t = new Date(t.getTime() + DAY_MS)) {
    const month = jalaliYearMonth(t);
    const last = spans[spans.length - 1];
    if (!last || last.month !== month) {
      if (last) last.toExclusive = startOfTehranDay(t);
      spans.push({ month, from: spans.length === 0 ? from : startOfTehranDay(t), toExclusive });
    }
  }
  return spans;
}
