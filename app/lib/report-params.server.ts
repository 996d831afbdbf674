import { addJalaliDays, jalaliOfGregorianDay, jalaliDateText, jalaliMonthStart, jalaliToGregorian, parseDayInput, tehranDayStart, tehranJalaliDate, type JalaliDate } from "../../core/jalali";
import { readSearchParams } from "~/lib/input.server";
import type { MessageKey } from "~/i18n";

/*
 * The date range of a report, from `?from=&to=` as people type Jalali days (۱۴۰۵/۰۹/۰۱; Gregorian
 * 2026-11-22 too), both days included, read on Tehran's clock. Bad input never fails the page: the
 * default range is used and the page says why.
 */

export interface DatePreset {
  label: MessageKey;
  from: string;
  to: string;
}

export interface DateRange {
  /** Tehran midnight at the start of the first day */
  from: Date;
  /** Tehran midnight after the last day (query with `< toExclusive`) */
  toExclusive: Date;
  /** the days as Jalali text with Latin digits ('1405/09/01'), for the form and links */
  fromText: string;
  toText: string;
  error: MessageKey | null;
  presets: DatePreset[];
}

/** Longer ranges are refused: a report over years is an export job, not a page. */
export const MAX_RANGE_DAYS = 3 * 366;

export function parseDateRange(request: Request | URL, now: Date = new Date(), defaultDays = 30): DateRange {
  const query = readSearchParams(request);
  const today = tehranJalaliDate(now);
  const presets = datePresets(today);
  const fallback = (error: MessageKey | null) => rangeOf(addJalaliDays(today, -(defaultDays - 1)), today, error, presets);
  const fromRaw = (query.from ?? "").trim();
  const toRaw = (query.to ?? "").trim();
  if (!fromRaw && !toRaw) return fallback(null);
  const toIso = toRaw ? parseDayInput(toRaw.slice(0, 20)) : jalaliToGregorian(today);
  if (!toIso) return fallback("report.range.invalid");
  const to = jalaliOfGregorianDay(toIso);
  const fromIso = fromRaw ? parseDayInput(fromRaw.slice(0, 20)) : jalaliToGregorian(addJalaliDays(to, -(defaultDays - 1)));
  if (!fromIso) return fallback("report.range.invalid");
  const from = jalaliOfGregorianDay(fromIso);
  const days = (tehranDayStart(toIso).getTime() - tehranDayStart(fromIso).getTime()) / 86_400_000 + 1;
  if (days < 1) return fallback("report.range.order");
  if (days > MAX_RANGE_DAYS) return fallback("report.range.tooLong");
  return rangeOf(from, to, null, presets);
}

function rangeOf(from: JalaliDate, to: JalaliDate, error: MessageKey | null, presets: DatePreset[]): DateRange {
  return {
    from: tehranDayStart(jalaliToGregorian(from)!),
    toExclusive: tehranDayStart(jalaliToGregorian(addJalaliDays(to, 1))!),
    fromText: jalaliDateText(from),
    toText: jalaliDateText(to),
    error,
    presets,
  };
}

/** This Jalali month so far, last month, the last 30 days, this Jalali year so far. */
export function datePresets(today: JalaliDate): DatePreset[] {
  const text = jalaliDateText;
  const monthStart = jalaliMonthStart(today);
  const lastMonthStart = jalaliMonthStart(today, -1);
  return [
    { label: "report.range.thisMonth", from: text(monthStart), to: text(today) },
    { label: "report.range.lastMonth", from: text(lastMonthStart), to: text(addJalaliDays(monthStart, -1)) },
    { label: "report.range.last30", from: text(addJalaliDays(today, -29)), to: text(today) },
    { label: "report.range.thisYear", from: text({ year: today.year, month: 1, day: 1 }), to: text(today) },
  ];
}
