// The SQL twin of core/repeat-job.ts's window ("a repeat of an earlier job"), used by every query that finds
// repeats: the scorecard's reworks (db/repos/quality.ts refreshReworks), the replacement task's repeat fault
// (services/supervisor-tasks.ts sweepServiceTasks) and the voice-of-customer report's repeat breakdowns
// (db/repos/voice.ts refreshRepeatBreakdowns). tests/integration/repeat-jobs.test.ts holds the three to core.
import { sql, type RawBuilder } from "kysely";

/**
 * core/repeat-job.ts withinRepeatWindow in SQL: anchor < at ≤ anchor + windowDays days, each day 24 hours (an
 * interval of hours, never of days: a day interval follows the session time zone's daylight saving).
 */
export function withinRepeatWindowSql(anchor: RawBuilder<unknown>, at: RawBuilder<unknown>, windowDays: number): RawBuilder<boolean> {
  return sql<boolean>`(${anchor} < ${at} and ${anchor} >= ${at} - make_interval(hours => ${Math.round(windowDays * 24)}))`;
}
