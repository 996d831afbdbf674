/**
 * `agency__performance` (crontab, every 15 minutes): keeps the agency scorecard (issue 15 §5) and dispatch's
 * row of it — db/repos/dispatch.ts refreshAgencyPerformance: first the scorecard roll-ups (db/repos/quality.ts
 * refreshScorecards: reworks of the breakdowns registered since the last run, then job_quality and
 * agency_scorecards of the months the rework window touches and of the months of the claims decided or corrected
 * since the last run, however old, incremental and idempotent), then each agency's
 * sums of its last months and its probation, which the dispatch rule reads one row per candidate instead of
 * aggregating history in each decision. Answer times count on the agencies' working-day clock
 * (services/working-calendar.ts, cached per process and re-read when the holidays change).
 */
import type { Task } from "graphile-worker";
import { sql } from "kysely";
import type { DB } from "../../db/connection";
import { refreshAgencyPerformance } from "../../db/repos/dispatch";
import { workingCalendars } from "../../services/working-calendar";

export function agencyPerformanceTask(deps: { db: DB }): Task {
  return async (_payload, helpers) => {
    const now = (await sql<{ now: Date }>`select now() as now`.execute(deps.db)).rows[0]!.now;
    const calendars = await workingCalendars(deps.db);
    const n = await refreshAgencyPerformance(deps.db, now, { calendarOf: (hours) => calendars.of(hours) });
    helpers.logger.debug(`agency performance refreshed (${n} agencies)`);
  };
}
