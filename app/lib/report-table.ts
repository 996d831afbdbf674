import type { MessageKey } from "~/i18n";
import type { Locale } from "~/i18n";
import { formatDate, formatDateTime, formatDigits, formatDuration, formatNumber, formatPercent, formatRials } from "~/lib/format";

/*
 * A report's columns, defined once (browser-safe) and used by the page's table and by its CSV/XLSX
 * export, so the screen and the file never disagree on what a column is.
 */

export const COLUMN_KINDS = ["text", "number", "money", "percent", "date", "datetime", "duration", "code"] as const;
/**
 * text: as is · number: a count or measure · money: whole rials · percent: 0..100 · date / datetime: an
 * ISO instant shown as a Jalali day (and time) in Tehran · duration: seconds · code: digits that are an
 * identifier (ticket number, phone) — Persian digits on screen, no thousands separators.
 */
export type ColumnKind = (typeof COLUMN_KINDS)[number];

export type CellValue = string | number | null | undefined;

export interface ReportColumn<Row> {
  key: keyof Row & string;
  header: MessageKey;
  kind: ColumnKind;
  /** where the cell leads (drill-down to the tickets, calls or agency behind a figure) */
  href?: (row: Row) => string | null;
}

/** A cell as the reader sees it: Persian digits and Jalali dates for fa. */
export function formatCell(kind: ColumnKind, value: CellValue, locale: Locale): string {
  if (value == null || value === "") return "—";
  switch (kind) {
    case "text":
      return String(value);
    case "code":
      return formatDigits(String(value), locale);
    case "number":
      return formatNumber(Number(value), locale);
    case "money":
      return formatRials(Number(value), locale);
    case "percent":
      return formatPercent(Number(value), locale);
    case "date":
      return formatDate(value, locale);
    case "datetime":
      return formatDateTime(value, locale);
    case "duration":
      return formatDuration(Number(value), locale);
  }
}

/** Sorting compares the raw values: numbers as numbers, instants in time order, text in the reader's collation. */
export function compareCells(kind: ColumnKind, a: CellValue, b: CellValue, locale: Locale): number {
  if (a == null || a === "") return b == null || b === "" ? 0 : 1; // blanks last
  if (b == null || b === "") return -1;
  switch (kind) {
    case "number":
    case "money":
    case "percent":
    case "duration":
      return Number(a) - Number(b);
    case "date":
    case "datetime":
      return Date.parse(String(a)) - Date.parse(String(b));
    default:
      return String(a).localeCompare(String(b), locale === "fa" ? "fa" : "en", { numeric: true });
  }
}

/** A report's date range as a query string ('from=…&to=…'), so a link to the figures behind it keeps the range. */
export function rangeSearch(range: { fromText: string; toText: string }): string {
  return new URLSearchParams({ from: range.fromText, to: range.toText }).toString();
}

/**
 * A page of a newest-first list paged by a cursor (`before`: the last id of the page before): `rows` were read
 * with one row more than `limit`, so whether an older page exists is known without a count. Returns the page,
 * the older page's link (when there is one) and the newest page's link (when this is a later page); `query`
 * holds the list's other parameters.
 */
export function cursorPage<Row>(
  rows: readonly Row[],
  o: { limit: number; idOf: (row: Row) => number; path: string; query: URLSearchParams; before: number | undefined },
): { page: Row[]; olderHref: string | null; newestHref: string | null } {
  const page = rows.slice(0, o.limit);
  const base = new URLSearchParams(o.query);
  base.delete("before");
  const older = new URLSearchParams(base);
  if (rows.length > o.limit) older.set("before", String(o.idOf(page.at(-1)!)));
  return {
    page,
    olderHref: rows.length > o.limit ? `${o.path}?${older.toString()}` : null,
    newestHref: o.before === undefined ? null : `${o.path}?${base.toString()}`,
  };
}
