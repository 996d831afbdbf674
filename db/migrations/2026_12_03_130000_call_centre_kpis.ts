import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// Call-centre performance (issue 14 §4).
//  - call_stats_hourly: the hourly roll-up of the call-detail records, by Tehran day and hour of the call's
//    start, queue and operator (0: no operator — the calls nobody answered). Queue figures sum every row of
//    the queue; an operator's figures are their rows (rung: the calls their phone rang for or they answered;
//    missed: their unanswered ringings). Filled by the worker's call_stats__refresh (db/repos/call-kpis.ts),
//    incrementally: the hours of the calls ended since its last run.
//  - call_stats_state: one row: when the roll-up was last refreshed, up to which end time, and the
//    service-level threshold its counts were made with (another threshold makes the next refresh a full one).
//  - indexes: calls by end time (the refresh's "ended since"), outbound calls by number (has this caller
//    been called back since?) and the unanswered inbound calls by start (the abandoned-call list).

export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    sql`create table call_stats_hourly (
      local_day date not null,
      local_hour smallint not null check (local_hour between 0 and 23),
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
      primary key (local_day, local_hour, queue, operator_user_id)
    )`,
    sql`create table call_stats_state (
      id smallint primary key default 1 check (id = 1),
      refreshed_at timestamptz not null,
      ended_before timestamptz not null,
      threshold_seconds integer not null
    )`,
    sql`create index calls_ended_inbound_idx on calls (ended_at) where direction = 'inbound'`,
    sql`create index calls_called_outbound_idx on calls (called_number, started_at) where direction = 'outbound'`,
    sql`create index calls_unanswered_inbound_idx on calls (started_at) where direction = 'inbound' and disposition in ('abandoned', 'missed')`,
  ];
  for (const s of statements) await s.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists calls_unanswered_inbound_idx`.execute(db);
  await sql`drop index if exists calls_called_outbound_idx`.execute(db);
  await sql`drop index if exists calls_ended_inbound_idx`.execute(db);
  await sql`drop table if exists call_stats_state`.execute(db);
  await sql`drop table if exists call_stats_hourly`.execute(db);
}
