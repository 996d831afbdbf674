/**
 * `agency__performance` (crontab, every 15 minutes): recomputes every agency's performance counts of the
 * recent window (db/repos/dispatch.ts refreshAgencyPerformance: acceptance, on-time visits, CSAT), which
 * the dispatch rule reads one row per candidate instead of aggregating history in each decision.
 */
import type { Task } from "graphile-worker";
import { sql } from "kysely";
import type { DB } from "../../db/connection";
import { refreshAgencyPerformance } from "../../db/repos/dispatch";

export function agencyPerformanceTask(deps: { db: DB }): Task {
  return async (_payload, helpers) => {
    const now = (await sql<{ now: Date }>`select now() as now`.execute(deps.db)).rows[0]!.now;
    const n = await refreshAgencyPerformance(deps.db, now);
    helpers.logger.debug(`agency performance refreshed (${n} agencies)`);
  };
}
