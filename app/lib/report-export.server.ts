import { jalaliDateText, tehranJalaliDate } from "../../core/jalali";
import { writeXlsx, type XlsxCell } from "../../platform/xlsx";
import { translator, type Locale } from "~/i18n";
import { readSearchParams } from "~/lib/input.server";
import type { CellValue, ColumnKind, ReportColumn } from "~/lib/report-table";

/*
 * A report's table as a file: CSV (UTF-8 with a byte-order mark, so Excel reads Persian) or XLSX (a
 * right-to-left sheet for Persian). The same columns as the page; values raw where a spreadsheet
 * computes with them (rials, counts, durations), Jalali dates as text with Latin digits so they sort.
 */

export const EXPORT_FORMATS = ["csv", "xlsx"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** `?format=csv|xlsx` of the request, or null (a page, not a file). */
export function parseExportFormat(request: Request | URL): ExportFormat | null {
  const format = readSearchParams(request).format;
  return format === "csv" || format === "xlsx" ? format : null;
}

export interface ExportInput<Row> {
  format: ExportFormat;
  /** ASCII base name, e.g. "agency-delays": the date and extension are added */
  filename: string;
  columns: readonly ReportColumn<Row>[];
  rows: readonly Row[];
  locale: Locale;
  /** the sheet's tab name (XLSX); defaults to the file name */
  sheetName?: string;
  now?: Date;
}

export function exportResponse<Row>(input: ExportInput<Row>): Response {
  const t = translator(input.locale);
  const headers = input.columns.map((c) => t(c.header));
  const day = jalaliDateText(tehranJalaliDate(input.now ?? new Date())).replaceAll("/", "-");
  const base = `${input.filename.replace(/[^A-Za-z0-9_-]+/g, "-") || "report"}-${day}`;
  const value = (row: Row, key: string): CellValue => (row as Record<string, CellValue>)[key];
  if (input.format === "csv") {
    const lines = [headers.map(csvField), ...input.rows.map((row) => input.columns.map((c) => csvField(fileText(c.kind, value(row, c.key)))))];
    const body = "\ufeff" + lines.map((l) => l.join(",")).join("\r\n") + "\r\n";
    return fileResponse(body, `${base}.csv`, "text/csv; charset=utf-8");
  }
  const rows: XlsxCell[][] = [headers, ...input.rows.map((row) => input.columns.map((c) => xlsxCell(c.kind, value(row, c.key))))];
  const bytes = writeXlsx([{ name: input.sheetName ?? input.filename, rows, rightToLeft: input.locale === "fa" }]);
  return fileResponse(bytes, `${base}.xlsx`, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
}

function fileResponse(body: string | Buffer, filename: string, type: string): Response {
  // a Buffer is bytes; Response wants them as a plain Uint8Array over an ArrayBuffer
  return new Response(typeof body === "string" ? body : new Uint8Array(body), {
    headers: {
      "Content-Type": type,
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}

/** The text a file carries for a cell: raw numbers, Jalali dates with Latin digits, durations as h:mm. */
export function fileText(kind: ColumnKind, value: CellValue): string {
  if (value == null || value === "") return "";
  switch (kind) {
    case "date":
    case "datetime": {
      const d = new Date(value);
      if (Number.isNaN(d.getTime())) return String(value);
      const day = jalaliDateText(tehranJalaliDate(d));
      if (kind === "date") return day;
      const time = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Tehran", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(d);
      return `${day} ${time}`;
    }
    case "duration": {
      const s = Math.max(0, Math.round(Number(value)));
      return `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}`;
    }
    case "number":
    case "money":
    case "percent":
      return String(Number(value));
    default:
      return String(value);
  }
}

function xlsxCell(kind: ColumnKind, value: CellValue): XlsxCell {
  if (value == null || value === "") return null;
  switch (kind) {
    case "money":
      return { value: Number(value), format: "integer" };
    case "percent":
      return { value: Number(value), format: "decimal" };
    case "number":
      return Number(value);
    case "duration":
      return { value: Number(value), format: "duration" };
    default:
      return fileText(kind, value);
  }
}

/**
 * One CSV field, quoted when it must be. A text starting with = + - @ (or a tab/CR) is prefixed with an
 * apostrophe so a spreadsheet shows it instead of running it as a formula (CSV injection); numbers are
 * written by fileText without that risk ("-1200" is a number).
 */
export function csvField(text: string): string {
  let s = text;
  if (/^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
