import type { AppLoadContext } from "@remix-run/node";
import { z } from "zod";
import { CALL_QUEUES, CALL_DISPOSITIONS } from "../../core/call";
import { tehranDay } from "../../core/jalali";
import type { CallKpiReport, CallListKind, KpiRow } from "../../db/repos/call-kpis";
import { translator, type MessageKey } from "~/i18n";
import type { AuthUser } from "~/lib/auth.server";
import { queueLabel } from "~/lib/call-centre";
import { callKpis } from "~/lib/db.server";
import { readSearchParams } from "~/lib/input.server";
import { resolveLocale } from "~/lib/locale.server";
import { parseDateRange, type DateRange } from "~/lib/report-params.server";
import type { CallFilterQuery, CallKpiTableRow, CallListTableRow, CallTable } from "~/lib/reports/call-centre";

/*
 * The call-centre report's request handling, shared by the page, its export and the call list: the Jalali date
 * range, the queue and operator filters (bad input → all, with a message, never a 500), the service-level
 * threshold the roll-up was made with, and the rows of each table in the reader's language.
 */

const Filters = z.object({
  queue: z.enum(CALL_QUEUES).optional().catch(undefined),
  operator: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional().catch(undefined),
});

export interface CallReportRequest {
  range: DateRange;
  fromDay: string;
  toDayExclusive: string;
  queue: (typeof CALL_QUEUES)[number] | null;
  operatorUserId: number | null;
  filterError: MessageKey | null;
  /** the page's filters as query parameters, for links and exports */
  query: CallFilterQuery;
  thresholdSeconds: number;
  refreshedAt: string | null;
  locale: Awaited<ReturnType<typeof resolveLocale>>;
}

export async function readCallReportRequest(request: Request, context: AppLoadContext, user: AuthUser): Promise<CallReportRequest> {
  const url = new URL(request.url);
  const range = parseDateRange(url, new Date());
  const raw = readSearchParams(url);
  const parsed = Filters.parse(raw);
  const filterError: MessageKey | null =
    (raw.queue && !parsed.queue) || (raw.operator && !parsed.operator) ? "callCentre.report.badFilter" : null;
  const query: CallFilterQuery = { from: range.fromText, to: range.toText };
  if (parsed.queue) query.queue = parsed.queue;
  if (parsed.operator) query.operator = String(parsed.operator);
  const state = await callKpis.callStatsState(context.db);
  return {
    range,
    fromDay: tehranDay(range.from),
    toDayExclusive: tehranDay(range.toExclusive),
    queue: parsed.queue ?? null,
    operatorUserId: parsed.operator ?? null,
    filterError,
    query,
    thresholdSeconds: state?.thresholdSeconds ?? context.env.CALL_SERVICE_LEVEL_SECONDS,
    refreshedAt: state ? state.refreshedAt.toISOString() : null,
    locale: await resolveLocale(request, user),
  };
}

export async function loadCallReport(context: AppLoadContext, r: CallReportRequest): Promise<CallKpiReport> {
  return callKpis.callKpiReport(context.db, { fromDay: r.fromDay, toDayExclusive: r.toDayExclusive, queue: r.queue, operatorUserId: r.operatorUserId, thresholdSeconds: r.thresholdSeconds });
}

/** The rows of one table of the report, labelled in the reader's language. */
export function tableRows(report: CallKpiReport, table: CallTable, locale: CallReportRequest["locale"]): CallKpiTableRow[] {
  const t = translator(locale);
  const row = (r: KpiRow, label: string, dimension: string, value: string): CallKpiTableRow => ({ ...r, label, dimension, value });
  switch (table) {
    case "queue":
      return report.byQueue.map((r) => {
        const key = queueLabel(r.key);
        return row(r, key ? t(key) : r.key, "queue", r.key);
      });
    case "operator":
      return report.byOperator.map((r) => row(r, r.name, "operator", String(r.operatorUserId)));
    case "day":
      return report.byDay.map((r) => row(r, r.key, "day", r.key));
    case "hour":
      return report.byHour.map((r) => row(r, `${r.key.padStart(2, "0")}:00`, "hour", r.key));
  }
}

const ListFilters = z.object({
  kind: z.enum(["offered", "answered", "abandoned", "missed", "within"]).catch("offered"),
  day: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional()
    .catch(undefined),
  hour: z.coerce.number().int().min(0).max(23).optional().catch(undefined),
});

export interface CallListRequest {
  kind: CallListKind;
  day: string | null;
  hour: number | null;
}

export function readCallListRequest(request: Request, r: CallReportRequest): CallListRequest {
  const parsed = ListFilters.parse(readSearchParams(request));
  // a day outside the range is ignored (the range is what the page says)
  const day = parsed.day && parsed.day >= r.fromDay && parsed.day < r.toDayExclusive ? parsed.day : null;
  return { kind: parsed.kind, day, hour: parsed.hour ?? null };
}

export async function loadCallList(context: AppLoadContext, r: CallReportRequest, l: CallListRequest): Promise<CallListTableRow[]> {
  const t = translator(r.locale);
  const rows = await callKpis.callsBehindFigure(context.db, {
    fromDay: r.fromDay,
    toDayExclusive: r.toDayExclusive,
    queue: r.queue,
    operatorUserId: r.operatorUserId,
    kind: l.kind,
    day: l.day,
    hour: l.hour,
    thresholdSeconds: r.thresholdSeconds,
  });
  return rows.map((c) => {
    const q = queueLabel(c.queue);
    return {
      ...c,
      queue: q ? t(q) : (c.queue ?? ""),
      disposition: c.disposition && (CALL_DISPOSITIONS as readonly string[]).includes(c.disposition) ? t(`disposition.${c.disposition}`) : "",
    };
  });
}
