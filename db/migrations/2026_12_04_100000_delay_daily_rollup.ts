import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// The delay audit's daily roll-up (issue 14 §1, the benchmark point): the per-agency ranking and the summary
// of /manager/delays read it instead of every request's milestones of the range.
//  - delay_daily: per agency (0: no agency) and Tehran day of registration, the CUMULATIVE figures of the
//    breakdowns registered up to and including that day, as of the last refresh: counters (requests, late ones,
//    breaches per check, causes), seconds summed per stage and per-stage histograms of stage durations
//    (core/delays.ts DELAY_COUNTERS, DURATION_BUCKET_EDGES). A range's figures are one row minus another per
//    agency; the reports add what the clock changed since (open requests whose due time passed) live.
//  - delay_daily_state: one row: when it was last refreshed, up to which ticket_milestones.refreshed_at, and the
//    layout (edges and counters) its arrays were made with (another layout makes the next refresh a full one).
//  - ticket_milestones_refreshed_idx: the refresh's "milestones changed since"; ticket_milestones_*_due_open_idx:
//    the open breakdowns by the due time of a check they have not reached (the breaches the clock makes).
//  - ticket_milestones_on_tickets() now also stamps refreshed_at, so a ticket's new agency or due times count
//    as a change for the roll-up (the function is otherwise as in 2026_12_03_100000).

export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    sql`create table delay_daily (
      agency_id bigint not null,
      day date not null,
      cum_counts integer[] not null,
      cum_seconds double precision[] not null,
      cum_hist integer[] not null,
      primary key (agency_id, day)
    )`,
    sql`create table delay_daily_state (
      id smallint primary key default 1 check (id = 1),
      refreshed_at timestamptz not null,
      changed_before timestamptz not null,
      layout text not null
    )`,
    sql`create index ticket_milestones_refreshed_idx on ticket_milestones (refreshed_at)`,
    sql`create index ticket_milestones_accept_due_open_idx on ticket_milestones (accept_due_at)
      where closed_at is null and accepted_at is null and type = 'breakdown'`,
    sql`create index ticket_milestones_visit_due_open_idx on ticket_milestones (visit_due_at)
      where closed_at is null and visited_at is null and type = 'breakdown'`,
    sql`create index ticket_milestones_resolve_due_open_idx on ticket_milestones (resolve_due_at)
      where closed_at is null and done_at is null and type = 'breakdown'`,
    sql`create or replace function ticket_milestones_on_tickets() returns trigger language plpgsql as $fn$
      begin
        update ticket_milestones m set type = n.type, priority = n.priority, category_id = n.problem_category_id,
          province = n.province, agency_id = n.assigned_agency_id, registered_at = n.created_at,
          accept_due_at = n.sla_accept_due_at, visit_due_at = n.sla_visit_due_at, resolve_due_at = n.sla_resolve_due_at,
          refreshed_at = now()
        from new_rows n
        where m.ticket_id = n.id and (m.agency_id is distinct from n.assigned_agency_id or m.priority <> n.priority
          or m.category_id is distinct from n.problem_category_id or m.province is distinct from n.province
          or m.type <> n.type or m.registered_at <> n.created_at
          or m.accept_due_at is distinct from n.sla_accept_due_at or m.visit_due_at is distinct from n.sla_visit_due_at
          or m.resolve_due_at is distinct from n.sla_resolve_due_at);
        return null;
      end $fn$`,
  ];
  for (const s of statements) await s.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`create or replace function ticket_milestones_on_tickets() returns trigger language plpgsql as $fn$
      begin
        update ticket_milestones m set type = n.type, priority = n.priority, category_id = n.problem_category_id,
          province = n.province, agency_id = n.assigned_agency_id, registered_at = n.created_at,
          accept_due_at = n.sla_accept_due_at, visit_due_at = n.sla_visit_due_at, resolve_due_at = n.sla_resolve_due_at
        from new_rows n
        where m.ticket_id = n.id and (m.agency_id is distinct from n.assigned_agency_id or m.priority <> n.priority
          or m.category_id is distinct from n.problem_category_id or m.province is distinct from n.province
          or m.type <> n.type or m.registered_at <> n.created_at
          or m.accept_due_at is distinct from n.sla_accept_due_at or m.visit_due_at is distinct from n.sla_visit_due_at
          or m.resolve_due_at is distinct from n.sla_resolve_due_at);
        return null;
      end $fn$`.execute(db);
  await sql`drop index if exists ticket_milestones_resolve_due_open_idx`.execute(db);
  await sql`drop index if exists ticket_milestones_visit_due_open_idx`.execute(db);
  await sql`drop index if exists ticket_milestones_accept_due_open_idx`.execute(db);
  await sql`drop index if exists ticket_milestones_refreshed_idx`.execute(db);
  await sql`drop table if exists delay_daily_state`.execute(db);
  await sql`drop table if exists delay_daily`.execute(db);
}
