import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// The delay audit (issue 14 §1):
//  - sla_targets: SLA targets configurable by priority, category (product_categories) and province; a null
//    key field means "any"; one rule per combination (nulls not distinct). Seeded with the defaults per
//    priority (core/sla.ts SLA_TARGETS, in minutes); the most specific matching rule wins (core/delays.ts).
//  - ticket_milestones: one row per ticket with each stage's start/end (registered, offered, accepted,
//    visited, done, closed), its agency, category, province, priority, due times and the causes of delay
//    counted from its history — the roll-up the delay reports read (a million tickets: no history scan).
//    Kept by triggers, so every writer of the history (the services, the seeds, bulk SQL) keeps it without
//    knowing: a statement-level trigger on ticket_events recomputes the tickets the statement touched
//    (whole-history recompute: insertion order never matters), and one on tickets copies the descriptive
//    columns when they change. ticket_milestones_refresh(ids) is the SQL twin of core/delays.ts
//    milestonesOf / delayCauses (tests/integration/delays.test.ts holds them together), and backfills here.

const EVENT_TYPES = `('status_changed','offer_sent','offer_rejected','offer_expired','reassigned')`;
// core/delays.ts WAITING_PARTS_PATTERN and CUSTOMER_UNAVAILABLE_PATTERN, copied (a test compares)
const PARTS = "قطعه|spare part|waiting for part";
const CUSTOMER =
  "در دسترس نبود|در دسترس نیست|پاسخگو نبود|پاسخ نداد|حضور نداشت|منزل نبود|موکول کرد|customer unavailable|customer not available|not at home";

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    sql`create table sla_targets (
      id bigint generated always as identity primary key,
      priority text check (priority in ('low','normal','high','urgent')),
      category_id bigint references product_categories(id) on delete cascade,
      province text check (province is null or length(province) between 1 and 100),
      accept_minutes integer not null check (accept_minutes > 0 and accept_minutes <= 525600),
      visit_minutes integer not null check (visit_minutes > 0 and visit_minutes <= 525600),
      resolve_minutes integer not null check (resolve_minutes > 0 and resolve_minutes <= 525600),
      check (accept_minutes <= visit_minutes and visit_minutes <= resolve_minutes),
      updated_by bigint references users(id),
      updated_at timestamptz not null default now(),
      unique nulls not distinct (priority, category_id, province)
    )`,
    sql`insert into sla_targets (priority, accept_minutes, visit_minutes, resolve_minutes) values
      ('urgent', 60, 1440, 4320), ('high', 120, 2160, 7200), ('normal', 240, 2880, 10080), ('low', 480, 4320, 14400)`,

    sql`create table ticket_milestones (
      ticket_id bigint primary key references tickets(id) on delete cascade,
      type text not null,
      priority text not null,
      category_id bigint,
      province text,
      agency_id bigint,
      registered_at timestamptz not null,
      offered_at timestamptz,
      accepted_at timestamptz,
      visited_at timestamptz,
      done_at timestamptz,
      closed_at timestamptz,
      cancelled boolean not null default false,
      accept_due_at timestamptz,
      visit_due_at timestamptz,
      resolve_due_at timestamptz,
      rejections smallint not null default 0,
      deadlines_missed smallint not null default 0,
      waiting_parts smallint not null default 0,
      customer_unavailable smallint not null default 0,
      reassignments smallint not null default 0,
      refreshed_at timestamptz not null default now()
    )`,
    // the reports: a registration-date range, over all agencies or one
    sql`create index ticket_milestones_registered_idx on ticket_milestones (registered_at)`,
    sql`create index ticket_milestones_agency_idx on ticket_milestones (agency_id, registered_at)`,

    sql.raw(`create function ticket_milestones_refresh(ids bigint[]) returns void language sql as $fn$
      insert into ticket_milestones as m (ticket_id, type, priority, category_id, province, agency_id, registered_at,
        offered_at, accepted_at, visited_at, done_at, closed_at, cancelled, accept_due_at, visit_due_at, resolve_due_at,
        rejections, deadlines_missed, waiting_parts, customer_unavailable, reassignments, refreshed_at)
      select t.id, t.type, t.priority, t.problem_category_id, t.province, t.assigned_agency_id, t.created_at,
        a.offered_at, b.accepted_at, c.visited_at,
        case when a.last_done is not null and (a.reopened is null or a.last_done > a.reopened) then a.last_done end,
        a.closed_at, coalesce(a.cancelled, false), t.sla_accept_due_at, t.sla_visit_due_at, t.sla_resolve_due_at,
        coalesce(a.rejections, 0), coalesce(a.deadlines_missed, 0), coalesce(a.waiting_parts, 0),
        coalesce(a.customer_unavailable, 0), coalesce(a.reassignments, 0), now()
      from tickets t
      cross join lateral (
        select
          min(e.at) filter (where e.event_type = 'offer_sent' or (e.event_type = 'status_changed' and e.to_status = 'dispatching')) as offered_at,
          max(e.at) filter (where e.event_type = 'status_changed' and e.to_status = 'dispatching' and e.from_status in ('assigned','scheduled')) as take_back,
          max(e.at) filter (where e.event_type = 'status_changed' and e.to_status = 'completed') as last_done,
          max(e.at) filter (where e.event_type = 'status_changed' and e.to_status = 'in_progress' and e.from_status = 'completed') as reopened,
          max(e.at) filter (where e.event_type = 'status_changed' and e.to_status in ('closed','cancelled')) as closed_at,
          bool_or(e.event_type = 'status_changed' and e.to_status = 'cancelled') as cancelled,
          count(*) filter (where e.event_type = 'offer_rejected') as rejections,
          count(*) filter (where e.event_type = 'offer_expired') as deadlines_missed,
          count(*) filter (where e.event_type = 'reassigned')
            + count(*) filter (where e.event_type = 'status_changed' and e.to_status = 'dispatching' and e.from_status in ('assigned','scheduled'))
            - count(*) filter (where e.event_type = 'reassigned' and e.data->>'taken_back' = 'true') as reassignments,
          count(*) filter (where e.event_type = 'status_changed' and e.to_status = 'on_hold'
            and (e.data->>'action' = 'needs_parts' or coalesce(e.data->>'reason', '') ~* '${PARTS}')) as waiting_parts,
          count(*) filter (where e.event_type = 'status_changed'
            and (e.to_status = 'on_hold' or (e.to_status = 'dispatching' and e.from_status in ('assigned','scheduled')))
            and (e.data->>'cause' = 'customer_unavailable' or coalesce(e.data->>'reason', '') ~* '${CUSTOMER}')) as customer_unavailable
        from ticket_events e
        where e.ticket_id = t.id and e.event_type in ${EVENT_TYPES}
      ) a
      cross join lateral (
        select max(e.at) as accepted_at from ticket_events e
        where e.ticket_id = t.id and e.event_type = 'status_changed' and e.to_status = 'assigned'
          and (a.take_back is null or e.at > a.take_back)
      ) b
      cross join lateral (
        select min(e.at) as visited_at from ticket_events e
        where e.ticket_id = t.id and e.event_type = 'status_changed' and e.to_status = 'in_progress'
          and (a.take_back is null or e.at > a.take_back) and (b.accepted_at is null or e.at >= b.accepted_at)
      ) c
      where t.id = any(ids)
      on conflict (ticket_id) do update set
        type = excluded.type, priority = excluded.priority, category_id = excluded.category_id, province = excluded.province,
        agency_id = excluded.agency_id, registered_at = excluded.registered_at, offered_at = excluded.offered_at,
        accepted_at = excluded.accepted_at, visited_at = excluded.visited_at, done_at = excluded.done_at,
        closed_at = excluded.closed_at, cancelled = excluded.cancelled, accept_due_at = excluded.accept_due_at,
        visit_due_at = excluded.visit_due_at, resolve_due_at = excluded.resolve_due_at, rejections = excluded.rejections,
        deadlines_missed = excluded.deadlines_missed, waiting_parts = excluded.waiting_parts,
        customer_unavailable = excluded.customer_unavailable, reassignments = excluded.reassignments, refreshed_at = now()
    $fn$`),

    sql.raw(`create function ticket_milestones_on_events() returns trigger language plpgsql as $fn$
      declare ids bigint[];
      begin
        select array_agg(distinct ticket_id) into ids from new_events where event_type in ${EVENT_TYPES} or event_type = 'created';
        if ids is not null then perform ticket_milestones_refresh(ids); end if;
        return null;
      end $fn$`),
    sql`create trigger ticket_events_milestones after insert on ticket_events referencing new table as new_events
      for each statement execute function ticket_milestones_on_events()`,

    sql`create function ticket_milestones_on_tickets() returns trigger language plpgsql as $fn$
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
      end $fn$`,
    sql`create trigger tickets_milestones after update on tickets referencing new table as new_rows
      for each statement execute function ticket_milestones_on_tickets()`,

    // the backfill, in batches of ids, by the same function
    sql`do $do$
      declare lo bigint; hi bigint; top bigint;
      begin
        select min(id), max(id) into lo, top from tickets;
        while lo is not null and lo <= top loop
          hi := lo + 50000;
          perform ticket_milestones_refresh(array(select id from tickets where id >= lo and id < hi));
          lo := hi;
        end loop;
      end $do$`,
    sql`analyze ticket_milestones`,
  ]) {
    await statement.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of [
    sql`drop trigger if exists tickets_milestones on tickets`,
    sql`drop trigger if exists ticket_events_milestones on ticket_events`,
    sql`drop function if exists ticket_milestones_on_tickets()`,
    sql`drop function if exists ticket_milestones_on_events()`,
    sql`drop function if exists ticket_milestones_refresh(bigint[])`,
    sql`drop table if exists ticket_milestones`,
    sql`drop table if exists sla_targets`,
  ]) {
    await statement.execute(db);
  }
}
