/**
 * `satisfaction__sweep` (crontab, every minute; job key `satisfaction-sweep`): the follow-ups' safety net.
 * Breakdown jobs completed without a follow-up (completed by a path that did not schedule one) get it when it
 * falls due; automated follow-ups due now get their call job; a survey whose call ended without a report (a
 * telephony process stopped mid-call) takes its no-answer path; SMS surveys past their reply deadline end as no
 * answer. Each step is idempotent (unique follow-up per ticket, job keys, conditional updates).
 */
import type { Task } from "graphile-worker";
import { z } from "zod";
import type { DB } from "../../db/connection";
import type { SurveyConfig } from "../../core/satisfaction";
import { createDueFollowUps, sweepFollowUps } from "../../services/satisfaction";

/** graphile-worker's crontab payload ({_cron: {ts, backfilled}}), or an empty object when queued by hand. */
export const cronPayload = z.object({ _cron: z.object({ ts: z.string(), backfilled: z.boolean().optional() }).optional() }).passthrough();

export async function runSatisfactionSweep(deps: { db: DB; config: SurveyConfig }) {
  const created = await createDueFollowUps(deps.db, deps.config);
  const swept = await sweepFollowUps(deps.db, deps.config);
  return { created, ...swept };
}

export function satisfactionSweepTask(deps: { db: DB; config: SurveyConfig }): Task {
  return async (payload, helpers) => {
    if (!cronPayload.safeParse(payload ?? {}).success) {
      helpers.logger.error(`satisfaction__sweep: invalid payload ${JSON.stringify(payload)?.slice(0, 200)}`);
      return;
    }
    const r = await runSatisfactionSweep(deps);
    if (r.created || r.callsDue || r.orphaned || r.smsExpired) {
      helpers.logger.info(`follow-ups: ${r.created} scheduled, ${r.callsDue} calls due, ${r.orphaned} orphaned calls, ${r.smsExpired} SMS surveys expired`);
    }
  };
}
