import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// Quality and the agency scorecard (issue 15 §5, core/quality.ts):
//  - quality_settings: the admin's one row (rework window, probation length in months and in jobs);
//  - reworks: a breakdown registered within the rework window after a completion of the same serial, naming
//    the job (and so the agency and technician) it counts against; kept by a watermark roll-up;
//  - job_quality: one row per completed job: holds, reopened, reworked, first-time fix (by agency,
//    technician and model, by completion time);
//  - agency_scorecards: the counts per agency and Jalali month, recomputed for the recent months by the
//    agency__performance task (scorecard_state: its progress);
//  - agency_probation: an admin ended an agency's probation early;
//  - agency_performance: dispatch's one row per agency gains the scorecard's other counts and the probation
//    flag (the sums of the last months of agency_scorecards).
// The roll-ups are built from the existing data by their first refresh (db/repos/quality.ts).

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    sql`create table quality_settings (
      id boolean primary key default true check (id),
      rework_window_days integer not null default 30 check (rework_window_days between 1 and 365),
      probation_months integer not null default 3 check (probation_months between 0 and 24),
      probation_jobs integer not null default 20 check (probation_jobs between 0 and 1000),
      updated_by bigint references users(id),
      updated_at timestamptz not null default now()
    )`,
    sql`insert into quality_settings (id) values (true)`,

    sql`create table reworks (
      ticket_id bigint primary key references tickets(id) on delete cascade,
      completed_ticket_id bigint not null references tickets(id) on delete cascade,
      agency_id bigint not null references agencies(id),
      technician_id bigint references technicians(id),
      customer_product_id bigint not null,
      model_id bigint,
      registered_at timestamptz not null,
      completed_at timestamptz not null,
      window_days integer not null
    )`,
    sql`create index reworks_completed_ticket_idx on reworks (completed_ticket_id)`,
    sql`create index reworks_agency_idx on reworks (agency_id, completed_at)`,

    // a roll-up (tickets are never deleted): no foreign key, whose check would cost more than the row on a backfill
    sql`create table job_quality (
      ticket_id bigint primary key,
      agency_id bigint not null,
      technician_id bigint,
      model_id bigint,
      completed_at timestamptz not null,
      holds smallint not null default 0,
      reopened boolean not null default false,
      rework_ticket_id bigint,
      first_time_fix boolean not null
    )`,
    sql`create index job_quality_completed_idx on job_quality (completed_at) include (agency_id, technician_id, model_id, first_time_fix, rework_ticket_id)`,
    sql`create index job_quality_agency_idx on job_quality (agency_id, completed_at)`,

    sql`create table agency_scorecards (
      period text not null,
      agency_id bigint not null references agencies(id) on delete cascade,
      offers_decided integer not null default 0,
      offers_accepted integer not null default 0,
      answers integer not null default 0,
      answer_seconds_sum bigint not null default 0,
      visits_due integer not null default 0,
      visits_on_time integer not null default 0,
      sla_due integer not null default 0,
      sla_met integer not null default 0,
      csat_count integer not null default 0,
      csat_sum integer not null default 0,
      jobs integer not null default 0,
      reworks integer not null default 0,
      ftf integer not null default 0,
      refreshed_at timestamptz not null default now(),
      primary key (period, agency_id)
    )`,
    sql`create index agency_scorecards_agency_idx on agency_scorecards (agency_id, period)`,

    sql`create table scorecard_state (
      id boolean primary key default true check (id),
      reworks_last_ticket_id bigint not null default 0,
      jobs_last_report_id bigint not null default 0,
      jobs_last_event_id bigint not null default 0,
      built_from timestamptz,
      refreshed_at timestamptz
    )`,

    sql`create table agency_probation (
      agency_id bigint primary key references agencies(id) on delete cascade,
      ended_at timestamptz not null default now(),
      ended_by bigint references users(id),
      reason text not null
    )`,

    sql`alter table agency_performance
      add column answers integer not null default 0,
      add column answer_seconds_sum bigint not null default 0,
      add column sla_due integer not null default 0,
      add column sla_met integer not null default 0,
      add column jobs integer not null default 0,
      add column reworks integer not null default 0,
      add column ftf integer not null default 0,
      add column jobs_total integer not null default 0,
      add column on_probation boolean not null default false`,

    // the scorecard's month ranges: due visits and resolutions by their due time (offers: by agency and offer
    // time, dispatch_offers_agency_history_idx)
    sql`create index ticket_milestones_visit_due_idx on ticket_milestones (visit_due_at) include (agency_id, visited_at) where agency_id is not null`,
    sql`create index ticket_milestones_resolve_due_idx on ticket_milestones (resolve_due_at) include (agency_id, done_at) where agency_id is not null`,
  ]) {
    await statement.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const s of [
    sql`drop index if exists ticket_milestones_resolve_due_idx`,
    sql`drop index if exists ticket_milestones_visit_due_idx`,
    sql`alter table agency_performance drop column if exists answers, drop column if exists answer_seconds_sum,
      drop column if exists sla_due, drop column if exists sla_met, drop column if exists jobs, drop column if exists reworks,
      drop column if exists ftf, drop column if exists jobs_total, drop column if exists on_probation`,
    sql`drop table if exists agency_probation`,
    sql`drop table if exists scorecard_state`,
    sql`drop table if exists agency_scorecards`,
    sql`drop table if exists job_quality`,
    sql`drop table if exists reworks`,
    sql`drop table if exists quality_settings`,
  ]) {
    await s.execute(db);
  }
}
