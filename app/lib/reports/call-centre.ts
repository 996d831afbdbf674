import type { KpiFigures } from "../../../core/call-kpis";
import type { MessageKey } from "~/i18n";
import type { ReportColumn } from "~/lib/report-table";

/*
 * The call-centre report's tables (issue 14 §4), defined once for the page (/manager/calls) and its CSV/XLSX
 * export: by queue, by operator, by Tehran day and by hour of day. Every figure links to the calls behind it
 * (/manager/calls/list with the page's filters, the row's own dimension and the figure's kind).
 */

export const CALL_TABLES = ["queue", "operator", "day", "hour"] as const;
export type CallTable = (typeof CALL_TABLES)[number];

export interface CallKpiTableRow extends KpiFigures {
  /** the row's label: the queue's name, the operator's name, the day (ISO 'YYYY-MM-DD') or the hour ('09:00') */
  label: string;
  /** the row's own filter on the call list: queue=…, operator=…, day=…, hour=… */
  dimension: string;
  value: string;
}

/** The page's filters as query parameters (from, to, queue, operator). */
export type CallFilterQuery = Record<string, string>;

export type CallListKind = "offered" | "answered" | "abandoned" | "missed" | "within";

export function callListHref(base: CallFilterQuery, extra: Record<string, string | number | null | undefined>): string {
  const params = new URLSearchParams(base);
  for (const [k, v] of Object.entries(extra)) if (v !== null && v !== undefined && v !== "") params.set(k, String(v));
  return `/manager/calls/list?${params.toString()}`;
}

const LABEL_HEADER: Record<CallTable, MessageKey> = {
  queue: "callCentre.report.queue",
  operator: "callCentre.report.operator",
  day: "callCentre.report.day",
  hour: "callCentre.report.hour",
};

/** The columns of one table; `base` (the page's filters) makes the drill-down links, none for an export. */
export function callKpiColumns(table: CallTable, base: CallFilterQuery | null): ReportColumn<CallKpiTableRow>[] {
  const to = (kind: CallListKind) =>
    base ? (row: CallKpiTableRow) => callListHref(base, { [row.dimension]: row.value, kind }) : undefined;
  const operator = table === "operator";
  const cols: (ReportColumn<CallKpiTableRow> | null)[] = [
    { key: "label", header: LABEL_HEADER[table], kind: table === "day" ? "date" : "text" },
    { key: "offered", header: operator ? "callCentre.kpi.offeredOperator" : "callCentre.kpi.offered", kind: "number", href: to("offered") },
    { key: "answered", header: "callCentre.kpi.answered", kind: "number", href: to("answered") },
    operator ? null : { key: "abandoned", header: "callCentre.kpi.abandoned", kind: "number", href: to("abandoned") },
    { key: "missed", header: "callCentre.kpi.missed", kind: "number", href: to("missed") },
    { key: "serviceLevel", header: "callCentre.kpi.serviceLevelShort", kind: "percent", href: to("within") },
    { key: "averageSpeedOfAnswer", header: "callCentre.kpi.asa", kind: "duration", href: to("answered") },
    { key: "averageHandleTime", header: "callCentre.kpi.aht", kind: "duration", href: to("answered") },
    { key: "longestWait", header: "callCentre.kpi.longestWait", kind: "duration", href: to(operator ? "answered" : "offered") },
    operator ? null : { key: "abandonRate", header: "callCentre.kpi.abandonRate", kind: "percent", href: to("abandoned") },
  ];
  return cols.filter((c): c is ReportColumn<CallKpiTableRow> => c !== null);
}

/** One call of the drill-down list. */
export interface CallListTableRow {
  id: number;
  startedAt: string;
  callerNumber: string | null;
  queue: string;
  operatorName: string | null;
  disposition: string;
  waitSeconds: number | null;
  talkSeconds: number | null;
  missedBy: string | null;
  ticketId: number | null;
  ticketNumber: number | null;
}

export function callListColumns(withLinks: boolean): ReportColumn<CallListTableRow>[] {
  return [
    { key: "startedAt", header: "callCentre.list.startedAt", kind: "datetime" },
    { key: "callerNumber", header: "callCentre.list.caller", kind: "code" },
    { key: "queue", header: "callCentre.report.queue", kind: "text" },
    { key: "disposition", header: "callCentre.list.disposition", kind: "text" },
    { key: "waitSeconds", header: "callCentre.list.wait", kind: "duration" },
    { key: "talkSeconds", header: "callCentre.list.talk", kind: "duration" },
    { key: "operatorName", header: "callCentre.list.answeredBy", kind: "text" },
    { key: "missedBy", header: "callCentre.list.missedBy", kind: "text" },
    {
      key: "ticketNumber",
      header: "callCentre.list.ticket",
      kind: "code",
      href: withLinks ? (r) => (r.ticketId ? `/manager/tickets/${r.ticketId}` : null) : undefined,
    },
  ];
}
