/**
 * The delay audit's report tables (issue 14 §1), defined once for the pages and their CSV/XLSX export
 * (browser-safe: types only from the data layer). Rows are flat; labels are translated when the rows are made
 * (the loader and the export know the reader's locale), so the export reads as the page does.
 */
import { DELAY_CAUSES, DELAY_STAGES, type DelayCause, type DelayStage } from "../../../core/delays";
import type { AgencyDelayRow, DelayTicketRow, SlaWatchRow } from "../../../db/repos/delays";
import type { MessageKey, Translate } from "~/i18n";
import type { ReportColumn } from "~/lib/report-table";

type StageCols<P extends string> = { [S in DelayStage as `${P}_${S}`]: number | null };

export type RankingRow = {
  agencyId: number;
  agency: string;
  code: string;
  tickets: number;
  breaches: number;
  breachRate: number;
} & StageCols<"median"> &
  StageCols<"mean">;

export type DelayTicketTableRow = {
  ticketId: number;
  number: string;
  status: string;
  priority: string;
  agency: string;
  province: string;
  category: string;
  registeredAt: string;
  breached: string;
  causes: string;
} & StageCols<"s">;

export type WatchRow = {
  ticketId: number;
  number: string;
  status: string;
  priority: string;
  agency: string;
  stage: string;
  level: string;
  dueAt: string;
  markedAt: string | null;
};

export const DELAYS_PATH = "/manager/delays";
export const DELAY_TICKETS_PATH = "/manager/delays/tickets";
export const DELAYS_EXPORT_PATH = "/manager/delays/export";
/** The longest drill-down export (the newest registrations first). */
export const DELAY_TICKET_LIMIT = 500;
/** The drill-down page's rows at a time (older ones a keyset page further). */
export const DELAY_TICKET_PAGE = 100;
export const ticketHref = (ticketId: number) => `/manager/tickets/${ticketId}`;

/** `rangeSearch`: from/to of the page, so a drill-down keeps the range. */
export function delayTicketsHref(rangeSearch: string, extra: Record<string, string | number>): string {
  const p = new URLSearchParams(rangeSearch);
  for (const [k, v] of Object.entries(extra)) p.set(k, String(v));
  return `${DELAY_TICKETS_PATH}?${p.toString()}`;
}

export function rankingColumns(rangeSearch: string): ReportColumn<RankingRow>[] {
  const agencyHref = (r: RankingRow) => delayTicketsHref(rangeSearch, { agency: r.agencyId });
  return [
    { key: "agency", header: "delays.col.agency", kind: "text", href: agencyHref },
    { key: "code", header: "delays.col.agencyCode", kind: "text" },
    { key: "tickets", header: "delays.col.tickets", kind: "number", href: agencyHref },
    { key: "breaches", header: "delays.col.breaches", kind: "number", href: (r) => delayTicketsHref(rangeSearch, { agency: r.agencyId, breach: "any" }) },
    { key: "breachRate", header: "delays.col.breachRate", kind: "percent", href: (r) => delayTicketsHref(rangeSearch, { agency: r.agencyId, breach: "any" }) },
    ...DELAY_STAGES.map(
      (s): ReportColumn<RankingRow> => ({
        key: `median_${s}`,
        header: `delays.col.median.${s}` as MessageKey,
        kind: "duration",
        href: (r) => delayTicketsHref(rangeSearch, { agency: r.agencyId, stage: s }),
      }),
    ),
    ...DELAY_STAGES.map(
      (s): ReportColumn<RankingRow> => ({
        key: `mean_${s}`,
        header: `delays.col.mean.${s}` as MessageKey,
        kind: "duration",
        href: (r) => delayTicketsHref(rangeSearch, { agency: r.agencyId, stage: s }),
      }),
    ),
  ];
}

export function rankingRows(rows: readonly AgencyDelayRow[]): RankingRow[] {
  return rows.map((r) => {
    const row: Record<string, unknown> = {
      agencyId: r.agencyId,
      agency: r.agencyName,
      code: r.agencyCode,
      tickets: r.tickets,
      breaches: r.breaches,
      breachRate: r.breachRate,
    };
    for (const s of DELAY_STAGES) {
      row[`median_${s}`] = r.median[s];
      row[`mean_${s}`] = r.mean[s];
    }
    return row as RankingRow;
  });
}

export function delayTicketColumns(): ReportColumn<DelayTicketTableRow>[] {
  return [
    { key: "number", header: "delays.col.number", kind: "code", href: (r) => ticketHref(r.ticketId) },
    { key: "registeredAt", header: "delays.col.registered", kind: "datetime" },
    { key: "status", header: "delays.col.status", kind: "text" },
    { key: "priority", header: "delays.col.priority", kind: "text" },
    { key: "agency", header: "delays.col.agency", kind: "text" },
    { key: "category", header: "delays.col.category", kind: "text" },
    { key: "province", header: "delays.col.province", kind: "text" },
    ...DELAY_STAGES.map((s): ReportColumn<DelayTicketTableRow> => ({ key: `s_${s}`, header: `delays.stage.${s}` as MessageKey, kind: "duration" })),
    { key: "breached", header: "delays.col.breached", kind: "text" },
    { key: "causes", header: "delays.col.causes", kind: "text" },
  ];
}

function causeText(t: Translate, causes: Record<DelayCause, number>): string {
  return DELAY_CAUSES.filter((c) => causes[c] > 0)
    .map((c) => (causes[c] > 1 ? `${t(`delays.cause.${c}`)} (${t("delays.times", { n: causes[c] })})` : t(`delays.cause.${c}`)))
    .join("، ");
}

export function delayTicketRows(rows: readonly DelayTicketRow[], t: Translate): DelayTicketTableRow[] {
  return rows.map((r) => {
    const row: Record<string, unknown> = {
      ticketId: r.ticketId,
      number: String(r.number),
      status: t(`status.${r.status}` as MessageKey),
      priority: t(`priority.${r.priority}` as MessageKey),
      agency: r.agencyName ?? "",
      province: r.province ?? "",
      category: r.categoryName ?? "",
      registeredAt: new Date(r.registeredAt).toISOString(),
      breached: (["accept", "visit", "resolve"] as const).filter((c) => r.breached[c]).map((c) => t(`delays.check.${c}`)).join("، "),
      causes: causeText(t, r.causes),
    };
    for (const s of DELAY_STAGES) row[`s_${s}`] = r.seconds[s];
    return row as DelayTicketTableRow;
  });
}

export function watchColumns(): ReportColumn<WatchRow>[] {
  return [
    { key: "number", header: "delays.col.number", kind: "code", href: (r) => ticketHref(r.ticketId) },
    { key: "level", header: "delays.col.level", kind: "text" },
    { key: "stage", header: "delays.col.stage", kind: "text" },
    { key: "dueAt", header: "delays.col.due", kind: "datetime" },
    { key: "status", header: "delays.col.status", kind: "text" },
    { key: "priority", header: "delays.col.priority", kind: "text" },
    { key: "agency", header: "delays.col.agency", kind: "text" },
    { key: "markedAt", header: "delays.col.marked", kind: "datetime" },
  ];
}

export function watchRows(rows: readonly SlaWatchRow[], t: Translate): WatchRow[] {
  return rows.map((r) => ({
    ticketId: r.ticketId,
    number: String(r.number),
    status: t(`status.${r.status}` as MessageKey),
    priority: t(`priority.${r.priority}` as MessageKey),
    agency: r.agencyName ?? "",
    stage: t(`delays.check.${r.stage}`),
    level: t(`delays.level.${r.level}`),
    dueAt: new Date(r.dueAt).toISOString(),
    markedAt: r.markedAt ? new Date(r.markedAt).toISOString() : null,
  }));
}
