/**
 * The agency CSV import's progress, pushed (issue 14 §5): the `agency__import` job NOTIFYs on
 * AGENCY_IMPORT_CHANNEL whenever its agency_imports row moves (validating, each PROGRESS step, done or
 * failed); each web process LISTENs once (app/lib/desk-events.server.ts) and streams the events of the import a
 * page follows to it (EventSource). The payload is small and checked on arrival.
 */

export const AGENCY_IMPORT_CHANNEL = "agency_import";
export const AGENCY_IMPORT_STATUSES = ["pending", "validating", "importing", "done", "failed"] as const;
export type AgencyImportStatus = (typeof AGENCY_IMPORT_STATUSES)[number];

export interface AgencyImportEvent {
  type: "import_progress";
  importId: number;
  status: AgencyImportStatus;
  processed: number;
  total: number | null;
}

export function agencyImportPayload(e: Omit<AgencyImportEvent, "type">): string {
  return JSON.stringify({ importId: e.importId, status: e.status, processed: e.processed, total: e.total });
}

const count = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

export function parseAgencyImportPayload(payload: string): AgencyImportEvent | null {
  let v: unknown;
  try {
    v = JSON.parse(payload);
  } catch {
    return null;
  }
  if (typeof v !== "object" || v === null) return null;
  const o = v as Record<string, unknown>;
  if (!count(o.importId) || o.importId === 0 || !count(o.processed)) return null;
  if (!(AGENCY_IMPORT_STATUSES as readonly unknown[]).includes(o.status)) return null;
  if (o.total !== null && !count(o.total)) return null;
  return { type: "import_progress", importId: o.importId, status: o.status as AgencyImportStatus, processed: o.processed, total: o.total as number | null };
}

/** The progress bar's percent: 100 when done, else processed / total (0 while the total is unknown). */
export function importPercent(e: { status: string; processed: number; total: number | null }): number {
  if (e.status === "done") return 100;
  return e.total ? Math.min(100, Math.floor((e.processed / e.total) * 100)) : 0;
}
