/**
 * `agency__import` (queued by services/agency-import.ts requestAgencyImport): validates an uploaded agency CSV
 * and imports it all-or-nothing, writing progress and the per-row error report to its agency_imports row.
 */
import type { Task } from "graphile-worker";
import type { DB } from "../../db/connection";
import { runAgencyImport } from "../../services/agency-import";

export function agencyImportTask(deps: { db: DB }): Task {
  return async (payload, helpers) => {
    const importId = Number((payload as { importId?: unknown }).importId);
    if (!Number.isSafeInteger(importId) || importId <= 0) {
      helpers.logger.error(`agency__import: bad payload ${JSON.stringify(payload)}`);
      return;
    }
    const r = await runAgencyImport(deps.db, importId);
    helpers.logger.info(`agency import ${importId}: ${r.status} (${r.imported} agencies, ${r.errors.length} errors)`);
  };
}
