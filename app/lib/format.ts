import { toPersianDigits } from "../../core/digits";
import { jalaliToGregorian } from "../../core/jalali";
import { formatIranMobile, normalizeIranMobile } from "../../core/phone";
import type { Locale } from "~/i18n";

/**
 * Display formatting. Dates are Solar Hijri (Jalali) through Intl's persian calendar in Tehran
 * time, so the server and the browser render the same text; Persian locale gives Persian digits.
 */
const TZ = "Asia/Tehran";
const tag = (locale: Locale) => (locale === "fa" ? "fa-IR-u-ca-persian-nu-arabext" : "en-US-u-ca-persian");

const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();
function dtf(locale: Locale, kind: "date" | "datetime" | "time"): Intl.DateTimeFormat {
  const key = `${locale}:${kind}`;
  let f = cache.get(key) as Intl.DateTimeFormat | undefined;
  if (!f) {
    const opts: Intl.DateTimeFormatOptions = { timeZone: TZ };
    if (kind !== "time") Object.assign(opts, { year: "numeric", month: "2-digit", day: "2-digit" });
    if (kind !== "date") Object.assign(opts, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    f = new Intl.DateTimeFormat(tag(locale), opts);
    cache.set(key, f);
  }
  return f;
}

function toDate(value: Date | string | number): Date {
  return value instanceof Date ? value : new Date(value);
}

/**
 * Texts already made, by kind, locale and instant: a list page shows the same few dozen moments on every
 * request, and Intl's Persian calendar is the costliest part of rendering a table row. Keyed by the exact
 * millisecond, so a cached text is always the one Intl would make; emptied whole when it grows large.
 */
const MAX_TEXTS = 20_000;
const texts = new Map<string, string>();
function remembered(kind: "d" | "t", locale: Locale, d: Date, make: (d: Date) => string): string {
  const ms = d.getTime();
  if (Number.isNaN(ms)) return make(d); // Intl's own error for an invalid date
  const key = `${kind}${locale}${ms}`;
  let text = texts.get(key);
  if (text === undefined) {
    text = make(d);
    if (texts.size >= MAX_TEXTS) texts.clear();
    texts.set(key, text);
  }
  return text;
}

function partsOf(parts: Intl.DateTimeFormatPart[]) {
  return (t: string) => parts.find((p) => p.type === t)?.value ?? "";
}

/** ۱۴۰۵/۰۹/۰۲ */
export function formatDate(value: Date | string | number | null | undefined, locale: Locale): string {
  if (value == null) return "—";
  return remembered("d", locale, toDate(value), (d) => {
    const get = partsOf(dtf(locale, "date").formatToParts(d));
    return `${get("year")}/${get("month")}/${get("day")}`;
  });
}

/** ۱۴۰۵/۰۹/۰۲ ۱۴:۳۰ */
export function formatDateTime(value: Date | string | number | null | undefined, locale: Locale): string {
  if (value == null) return "—";
  return remembered("t", locale, toDate(value), (d) => {
    const get = partsOf(dtf(locale, "datetime").formatToParts(d));
    return `${get("year")}/${get("month")}/${get("day")} ${get("hour")}:${get("minute")}`;
  });
}

export function formatNumber(value: number | null | undefined, locale: Locale): string {
  if (value == null) return "—";
  const key = `${locale}:number`;
  let f = cache.get(key) as Intl.NumberFormat | undefined;
  if (!f) {
    f = new Intl.NumberFormat(locale === "fa" ? "fa-IR" : "en-US", { maximumFractionDigits: 2 });
    cache.set(key, f);
  }
  return f.format(value);
}

/** Persian digits for identifiers that must not get thousands separators (tracking codes, phones). */
export function formatDigits(value: string | number, locale: Locale): string {
  return locale === "fa" ? toPersianDigits(value) : String(value);
}

export function formatRials(value: number | null | undefined, locale: Locale): string {
  if (value == null) return "—";
  return `${formatNumber(value, locale)} ${locale === "fa" ? "ریال" : "rials"}`;
}

/** A percentage with the reader's percent sign (Persian ٪, English %). */
export function formatPercent(value: number | null | undefined, locale: Locale): string {
  if (value == null) return "—";
  return `${formatNumber(value, locale)}${locale === "fa" ? "٪" : "%"}`;
}

/** A phone number as Iranians write it (0912 345 6789 for a mobile), in the reader's digits. */
export function formatPhone(value: string | null | undefined, locale: Locale): string {
  if (!value) return "—";
  const mobile = normalizeIranMobile(value);
  return formatDigits(mobile ? formatIranMobile(mobile) : value, locale);
}

/**
 * A span of time in words, to the two largest units: ۴۵ ثانیه, ۱۲ دقیقه, ۳ ساعت و ۱۰ دقیقه,
 * ۲ روز و ۵ ساعت. Delays run from seconds (speed of answer) to weeks (a repair waiting for parts).
 */
export function formatDuration(seconds: number | null | undefined, locale: Locale): string {
  if (seconds == null || !Number.isFinite(seconds)) return "—";
  const s = Math.max(0, Math.round(seconds));
  const fa = locale === "fa";
  const unit = (n: number, faWord: string, en: string) => `${formatNumber(n, locale)} ${fa ? faWord : n === 1 ? en : `${en}s`}`;
  const join = (a: string, b: string | null) => (b ? `${a}${fa ? " و " : " "}${b}` : a);
  if (s < 60) return unit(s, "ثانیه", "second");
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return unit(minutes, "دقیقه", "minute");
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return join(unit(hours, "ساعت", "hour"), minutes % 60 ? unit(minutes % 60, "دقیقه", "minute") : null);
  const days = Math.floor(hours / 24);
  return join(unit(days, "روز", "day"), hours % 24 ? unit(hours % 24, "ساعت", "hour") : null);
}

/** A Jalali month ('1405-09', a ledger period or report month) by name: «آذر ۱۴۰۵», "Azar 1405". */
export function formatJalaliMonth(period: string, locale: Locale): string {
  const [year, month] = period.split("-").map(Number);
  const day = year && month ? jalaliToGregorian({ year, month, day: 15 }) : null;
  if (!day) return formatDigits(period, locale);
  const key = `${locale}:month`;
  let f = cache.get(key) as Intl.DateTimeFormat | undefined;
  if (!f) {
    f = new Intl.DateTimeFormat(tag(locale), { timeZone: "UTC", year: "numeric", month: "long" });
    cache.set(key, f);
  }
  const get = partsOf(f.formatToParts(new Date(`${day}T12:00:00Z`)));
  return `${get("month")} ${get("year")}`;
}
