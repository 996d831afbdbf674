import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// The workers' timed steps (issue 12, section 1):
//  - ticket_events.event_type held to the history's vocabulary (core/ticket.ts TICKET_EVENT_TYPES), with the
//    new 'offer_expired', 'sla_at_risk' and 'sla_breached';
//  - sla_marks: which SLA stage of a ticket was marked at risk / breached, once each (the sweep's state:
//    the primary key makes two sweeps racing write one mark);
//  - supervisor_alerts: what the SLA sweep tells supervisors (the manager home's list);
//  - partial indexes on the accept and visit due times over the tickets whose stage is still open (the
//    resolve stage has tickets_unresolved_due_idx), so the sweep reads a range of one index, never every ticket;
//  - dispatch_offers_agency_ticket_idx also carries the deadline (an agency's scope ends at it);
//  - recording_downloads: a recording Asterisk has but we failed to download, retried by a job;
//  - worker_nodes: one row per worker process with its heartbeat (/healthz).

const EVENT_TYPES = `('created','status_changed','offer_sent','offer_rejected','note','call_attached',
  'offer_expired','sla_at_risk','sla_breached')`;

export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    sql`alter table ticket_events add constraint ticket_events_event_type_check check (event_type in ${sql.raw(EVENT_TYPES)})`,

    sql`create table sla_marks (
      ticket_id bigint not null references tickets(id),
      stage text not null check (stage in ('accept','visit','resolve')),
      level text not null check (level in ('at_risk','breached')),
      due_at timestamptz not null,
      marked_at timestamptz not null default now(),
      primary key (ticket_id, stage, level)
    )`,

    sql`create table supervisor_alerts (
      id bigint generated always as identity primary key,
      created_at timestamptz not null default now(),
      kind text not null check (kind in ('sla_at_risk','sla_breached')),
      ticket_id bigint not null references tickets(id),
      stage text not null check (stage in ('accept','visit','resolve')),
      due_at timestamptz not null,
      acknowledged_at timestamptz,
      acknowledged_by bigint references users(id),
      check ((acknowledged_at is null) = (acknowledged_by is null))
    )`,
    sql`create index supervisor_alerts_open_idx on supervisor_alerts (created_at desc) where acknowledged_at is null`,
    sql`create index supervisor_alerts_ticket_idx on supervisor_alerts (ticket_id)`,

    // the stage is open while the ticket is in these statuses (core/sla.ts SLA_STAGE_OPEN_STATUSES)
    sql`create index tickets_sla_accept_open_idx on tickets (sla_accept_due_at)
      where status in ('new','dispatching') and sla_accept_due_at is not null`,
    sql`create index tickets_sla_visit_open_idx on tickets (sla_visit_due_at)
      where status in ('new','dispatching','assigned','scheduled') and sla_visit_due_at is not null`,
    // (resolve: tickets_unresolved_due_idx of 2026_11_24_090000 serves, over the same statuses)

    // an agency's scope reads its pending offers whose deadline has not passed: the deadline joins the
    // index it reads them from (same name, same keys), so the check costs no visit to the table
    sql`drop index dispatch_offers_agency_ticket_idx`,
    sql`create index dispatch_offers_agency_ticket_idx on dispatch_offers (agency_id, status) include (ticket_id, deadline_at)`,

    sql`create table recording_downloads (
      call_id bigint primary key references calls(id),
      recording_name text not null,
      status text not null default 'pending' check (status in ('pending','done','failed')),
      attempts integer not null default 0 check (attempts >= 0),
      last_error text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`,
    sql`create index recording_downloads_pending_idx on recording_downloads (created_at) where status = 'pending'`,

    sql`create table worker_nodes (
      node_id text primary key,
      host text not null,
      pid integer not null,
      concurrency integer not null check (concurrency >= 1),
      started_at timestamptz not null default now(),
      heartbeat_at timestamptz not null default now(),
      stopped_at timestamptz
    )`,
    sql`create index worker_nodes_heartbeat_idx on worker_nodes (heartbeat_at)`,
  ];
  for (const s of statements) await s.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  const statements = [
    sql`drop table if exists worker_nodes`,
    sql`drop table if exists recording_downloads`,
    sql`drop index if exists tickets_sla_visit_open_idx`,
    sql`drop index if exists tickets_sla_accept_open_idx`,
    sql`drop index if exists dispatch_offers_agency_ticket_idx`,
    sql`create index dispatch_offers_agency_ticket_idx on dispatch_offers (agency_id, status) include (ticket_id)`,
    sql`drop table if exists supervisor_alerts`,
    sql`drop table if exists sla_marks`,
    sql`alter table ticket_events drop constraint if exists ticket_events_event_type_check`,
  ];
  for (const s of statements) await s.execute(db);
}
