/**
 * `voice__refresh_repeats` (crontab, every 5 minutes): brings the repeat_breakdowns roll-up up to date with
 * the breakdowns registered since its last run (db/repos/voice.ts refreshRepeatBreakdowns), which the voice
 * of the customer's "top failing models" report reads instead of comparing every breakdown with its serial's
 * history on each page.
 */
import type { Task } from "graphile-worker";
import type { DB } from "../../db/connection";
import { refreshRepeatBreakdowns } from "../../db/repos/voice";

export function voiceRefreshRepeatsTask(deps: { db: DB }): Task {
  return async (_payload, helpers) => {
    const n = await refreshRepeatBreakdowns(deps.db);
    helpers.logger.debug(`repeat breakdowns refreshed (${n} added)`);
  };
}
