/**
 * The ticket list's vocabulary: the columns it may be sorted by (a whitelist: nothing else reaches ORDER BY),
 * the directions and page sizes, and the dates its range filter accepts. Pure: used by the web shell's parser,
 * the repository and the browser's table.
 */
import { toLatinDigits } from "./digits";

/**
 * Sortable columns. `status` and `priority` sort by their order in core/ticket.ts (life cycle, low → urgent),
 * `sla_due` by the resolution due time; ties are broken by creation time and id in the same direction.
 */
export const TICKET_SORTS = ["created_at", "number", "status", "priority", "sla_due"] as const;
export type TicketSort = (typeof TICKET_SORTS)[number];

export const SORT_DIRECTIONS = ["asc", "desc"] as const;
export type SortDirection = (typeof SORT_DIRECTIONS)[number];

export const DEFAULT_TICKET_SORT: TicketSort = "created_at";
export const DEFAULT_SORT_DIRECTION: SortDirection = "desc";

export const TICKET_PAGE_SIZES = [25, 50, 100] as const;
export const DEFAULT_TICKET_PAGE_SIZE = 25;
/** Deeper pages are refused (offset pagination reads every row before the page). */
export const MAX_TICKET_PAGE = 10_000;

/** The direction a header link asks for: the other one when the list is already sorted by it. */
export function nextSortDirection(column: TicketSort, current: { sort: TicketSort; dir: SortDirection }): SortDirection {
  if (column === current.sort) return current.dir === "asc" ? "desc" : "asc";
  // new columns open the way people read them: newest, highest number, most urgent, soonest due first
  return column === "sla_due" || column === "status" ? "asc" : "desc";
}

/**
 * Converts a Jalali (Solar Hijri) date to the Gregorian calendar (the arithmetic of the jalaali algorithm,
 * valid for years 1–3177). Returns [year, month, day].
 */
export function jalaliToGregorian(jy: number, jm: number, jd: number): [number, number, number] {
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

let persianDayFormat: Intl.DateTimeFormat | undefined;

/** The Jalali date of a Gregorian calendar day, as [year, month, day] (Intl's Persian calendar). */
function gregorianDayToJalali(iso: string): [number, number, number] {
  persianDayFormat ??= new Intl.DateTimeFormat("en-US-u-ca-persian-nu-latn", {
    timeZone: "UTC",
    year: "numeric",
    month: "numeric",
    day: "numeric",
  });
  const parts = persianDayFormat.formatToParts(new Date(`${iso}T12:00:00Z`));
  const get = (t: string) => Number(toLatinDigits(parts.find((p) => p.type === t)?.value ?? "").replace(/\D/g, ""));
  return [get("year"), get("month"), get("day")];
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/**
 * A calendar day typed in the list's date filter, as its Gregorian 'YYYY-MM-DD': Jalali (۱۴۰۵/۰۹/۰۱,
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
    const [gy, gm, gd] = jalaliToGregorian(y, mo, d);
    const iso = `${pad(gy, 4)}-${pad(gm)}-${pad(gd)}`;
    const back = gregorianDayToJalali(iso);
    return back[0] === y && back[1] === mo && back[2] === d ? iso : null;
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
