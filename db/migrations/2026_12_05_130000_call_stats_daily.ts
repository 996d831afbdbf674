import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// The call-centre report over long ranges (issue 14 §4 and §7: a year of /manager/calls within 200 ms).
//  - call_stats_daily: the daily roll-up of call_stats_hourly, per Tehran day, queue and operator (0: no
//    operator), the same counters summed over the day's hours (longest wait: their maximum). The report's
//    totals and its tables by queue, operator and day read it (a year: 365 rows per queue and operator instead
//    of up to 24 times as many); the table by hour of day still reads the hourly rows. Kept by the worker's
//    call_stats__refresh in the same transaction as the hourly rows: the days whose hours it counted again are
//    summed again (everything on a full refresh). Backfilled here from the hourly rows.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table call_stats_daily (
    local_day date not null,
    queue text not null,
    operator_user_id bigint not null,
    offered integer not null default 0,
    answered integer not null default 0,
    abandoned integer not null default 0,
    answered_within integer not null default 0,
    answer_wait_seconds bigint not null default 0,
    talk_seconds bigint not null default 0,
    longest_wait_seconds integer not null default 0,
    rung integer not null default 0,
    missed integer not null default 0,
    primary key (local_day, queue, operator_user_id)
  )`.execute(db);
  await sql`insert into call_stats_daily (local_day, queue, operator_user_id, offered, answered, abandoned, answered_within,
      answer_wait_seconds, talk_seconds, longest_wait_seconds, rung, missed)
    select local_day, queue, operator_user_id, sum(offered), sum(answered), sum(abandoned), sum(answered_within),
      sum(answer_wait_seconds), sum(talk_seconds), max(longest_wait_seconds), sum(rung), sum(missed)
    from call_stats_hourly
    group by local_day, queue, operator_user_id`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists call_stats_daily`.execute(db);
}
