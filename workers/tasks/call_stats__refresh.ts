/**
 * `call_stats__refresh` (crontab, every minute): brings the call centre's hourly roll-up up to date
 * (db/repos/call-kpis.ts refreshCallStats: the Tehran hours of the calls ended since the last run are
 * counted again; everything when CALL_SERVICE_LEVEL_SECONDS changed). The /manager/calls report reads it.
 */
import type { Task } from "graphile-worker";
import type { DB } from "../../db/connection";
import { refreshCallStats } from "../../db/repos/call-kpis";

export function callStatsRefreshTask(deps: { db: DB; thresholdSeconds: number }): Task {
  return async (_payload, helpers) => {
    const r = await refreshCallStats(deps.db, deps.thresholdSeconds);
    helpers.logger.debug(`call stats refreshed (${r.full ? "in full" : `${r.hours} hours`})`);
  };
}
