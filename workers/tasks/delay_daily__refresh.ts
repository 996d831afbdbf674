/**
 * `delay_daily__refresh` (crontab, every minute): brings the delay audit's daily roll-up up to date
 * (db/repos/delays.ts refreshDelayRollup): the Tehran registration days of the milestones changed since its
 * last run are counted again and the cumulative rows from the earliest of them on rebuilt; everything on the
 * first run or when the buckets' layout changed. The /manager/delays ranking and summary read it.
 */
import type { Task } from "graphile-worker";
import type { DB } from "../../db/connection";
import { refreshDelayRollup } from "../../db/repos/delays";

export function delayDailyRefreshTask(deps: { db: DB }): Task {
  return async (_payload, helpers) => {
    const r = await refreshDelayRollup(deps.db);
    helpers.logger.debug(`delay roll-up refreshed (${r.full ? "in full" : "incrementally"}: ${r.days} days, ${r.rows} rows)`);
  };
}
