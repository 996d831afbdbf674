/**
 * `voice__refresh` (crontab, every 5 minutes): brings the voice of the customer's roll-ups up to date
 * (db/repos/voice.ts refreshVoiceRollups): repeat_breakdowns with the breakdowns registered since its last
 * run, csat_daily with the surveys answered since the day before. The satisfaction and voice pages read them
 * instead of joining every survey and comparing every breakdown with its serial's history on each request.
 */
import type { Task } from "graphile-worker";
import type { DB } from "../../db/connection";
import { refreshVoiceRollups } from "../../db/repos/voice";

export function voiceRefreshTask(deps: { db: DB }): Task {
  return async (_payload, helpers) => {
    const r = await refreshVoiceRollups(deps.db);
    helpers.logger.debug(`voice roll-ups refreshed (${r.repeats} repeat breakdowns added, ${r.csatRows} CSAT rows)`);
  };
}
