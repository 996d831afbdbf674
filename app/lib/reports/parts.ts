import type { ReportColumn } from "~/lib/report-table";

/*
 * The "parts that hold jobs up" report's rows and columns (issue 15 §4), defined once (browser-safe) for the
 * pages' tables and their CSV/XLSX exports (app/lib/parts-report.server.ts builds the rows).
 */

export interface HoldingPartRow {
  part_id: number;
  code: string;
  name: string;
  model: string;
  jobs: number;
  total_days: number;
  median_days: number;
  open_now: number;
  /** the tickets behind the figure */
  href: string;
}

export const HOLDING_PART_COLUMNS: ReportColumn<HoldingPartRow>[] = [
  { key: "code", header: "parts.col.code", kind: "code", href: (r) => r.href },
  { key: "name", header: "parts.col.part", kind: "text", href: (r) => r.href },
  { key: "model", header: "parts.col.model", kind: "text" },
  { key: "jobs", header: "parts.report.jobs", kind: "number", href: (r) => r.href },
  { key: "total_days", header: "parts.report.totalDays", kind: "number" },
  { key: "median_days", header: "parts.report.medianDays", kind: "number" },
  { key: "open_now", header: "parts.report.openNow", kind: "number", href: (r) => `${r.href}&open=1` },
];

export interface HoldingTicketRow {
  request_id: number;
  ticket_id: number;
  ticket_number: number;
  agency: string;
  quantity: number;
  status: string;
  requested_at: string;
  received_at: string | null;
  expected: string | null;
  days: number;
}

export const HOLDING_TICKET_COLUMNS: ReportColumn<HoldingTicketRow>[] = [
  { key: "ticket_number", header: "parts.col.ticket", kind: "code", href: (r) => `/manager/tickets/${r.ticket_id}` },
  { key: "agency", header: "parts.col.agency", kind: "text" },
  { key: "quantity", header: "parts.col.quantity", kind: "number" },
  { key: "status", header: "parts.col.status", kind: "text" },
  { key: "requested_at", header: "parts.col.requestedAt", kind: "datetime" },
  { key: "received_at", header: "parts.col.receivedAt", kind: "datetime" },
  { key: "expected", header: "parts.col.expected", kind: "date" },
  { key: "days", header: "parts.report.daysHeld", kind: "number" },
];
