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
