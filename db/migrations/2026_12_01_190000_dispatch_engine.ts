import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// The dispatch engine (issue 13, section 1; core/dispatch.ts, db/repos/dispatch.ts, services/dispatch.ts):
//  - dispatch_decisions: every decision stored whole (the ranked candidates with their score components, the
//    excluded agencies with their reasons), so the operator and manager can see "why this agency";
//  - agency_performance: each agency's performance counts over the recent window (acceptance, on-time
//    visits, CSAT), refreshed by a worker job, so one dispatch decision reads one row per candidate instead
//    of aggregating its history;
//  - tickets.dispatch_held_at / dispatch_hold_reason: a ticket no agency could be offered waits in the
//    supervisors' queue (partial index: the queue page reads only held tickets);
//  - supervisor_alerts may say 'dispatch_held' (stage 'accept': the acceptance stage is what a held ticket
//    puts at risk);
//  - an agency's live pending offers, counted per candidate, read from dispatch_offers_agency_ticket_idx;
//    its offers of the last day from dispatch_offers_agency_history_idx (both exist).

// core/dispatch.ts HOLD_REASONS on this date
const HOLD_REASONS = `('no_authorized_agency','all_out_of_area','all_suspended','all_closed','all_full','offers_exhausted','no_candidate')`;

export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    sql`create table dispatch_decisions (
      id bigint generated always as identity primary key,
      ticket_id bigint not null references tickets(id),
      offer_id bigint references dispatch_offers(id),
      at timestamptz not null default now(),
      outcome text not null check (outcome in ('offered','held')),
      hold_reason text check (hold_reason in ${sql.raw(HOLD_REASONS)}),
      ranked jsonb not null default '[]'::jsonb,
      excluded jsonb not null default '[]'::jsonb,
      weights jsonb not null default '{}'::jsonb,
      authorized_elsewhere integer not null default 0 check (authorized_elsewhere >= 0),
      unauthorized_nearby integer not null default 0 check (unauthorized_nearby >= 0),
      check ((outcome = 'offered') = (offer_id is not null)),
      check ((outcome = 'held') = (hold_reason is not null))
    )`,
    sql`create index dispatch_decisions_ticket_idx on dispatch_decisions (ticket_id, at desc, id desc)`,

    sql`create table agency_performance (
      agency_id bigint primary key references agencies(id) on delete cascade,
      offers_accepted integer not null default 0 check (offers_accepted >= 0),
      offers_decided integer not null default 0 check (offers_decided >= offers_accepted),
      visits_on_time integer not null default 0 check (visits_on_time >= 0),
      visits_due integer not null default 0 check (visits_due >= visits_on_time),
      csat_sum integer not null default 0 check (csat_sum >= 0),
      csat_count integer not null default 0 check (csat_count >= 0),
      refreshed_at timestamptz not null default now()
    )`,

    sql`alter table tickets add column dispatch_held_at timestamptz`,
    sql`alter table tickets add column dispatch_hold_reason text check (dispatch_hold_reason in ${sql.raw(HOLD_REASONS)})`,
    sql`alter table tickets add constraint tickets_dispatch_hold_check check ((dispatch_held_at is null) = (dispatch_hold_reason is null))`,
    sql`create index tickets_dispatch_held_idx on tickets (dispatch_held_at) where dispatch_held_at is not null`,

    sql`alter table supervisor_alerts drop constraint supervisor_alerts_kind_check`,
    sql`alter table supervisor_alerts add constraint supervisor_alerts_kind_check check (kind in ('sla_at_risk','sla_breached','dispatch_held'))`,
  ];
  for (const s of statements) await s.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  const statements = [
    sql`delete from supervisor_alerts where kind = 'dispatch_held'`,
    sql`alter table supervisor_alerts drop constraint supervisor_alerts_kind_check`,
    sql`alter table supervisor_alerts add constraint supervisor_alerts_kind_check check (kind in ('sla_at_risk','sla_breached'))`,
    sql`drop index if exists tickets_dispatch_held_idx`,
    sql`alter table tickets drop constraint if exists tickets_dispatch_hold_check`,
    sql`alter table tickets drop column if exists dispatch_hold_reason`,
    sql`alter table tickets drop column if exists dispatch_held_at`,
    sql`drop table if exists agency_performance`,
    sql`drop table if exists dispatch_decisions`,
  ];
  for (const s of statements) await s.execute(db);
}
