import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// Consumer-protection rules of issue 15 §2 (core/service-rules.ts):
//  - service_rule_settings: the numbers an admin may change (one row per key; a missing row: the default):
//    complaint_resolve_days (working days to resolve a complaint, 7), loaner_after_days (a repair still open
//    after this many working days → a loaner task, 10), repeat_fault_days (the same fault again within this many
//    days → a replacement request, 30);
//  - supervisor_tasks: a loaner or replacement request raised for a ticket by the worker's sweep (or at once on
//    the technician's "cannot repair"), with its reason and evidence (ticket links, history) as jsonb; the
//    supervisor acknowledges it, then resolves it with a note. One task per ticket and kind.

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    sql`create table service_rule_settings (
      key text primary key check (key in ('complaint_resolve_days', 'loaner_after_days', 'repeat_fault_days')),
      value integer not null check (value between 1 and 365),
      updated_by bigint references users(id),
      updated_at timestamptz not null default now()
    )`,
    sql`create table supervisor_tasks (
      id bigint generated always as identity primary key,
      kind text not null check (kind in ('loaner', 'replacement')),
      reason text not null check (reason in ('open_too_long', 'cannot_repair', 'repeat_fault')),
      ticket_id bigint not null references tickets(id),
      evidence jsonb not null default '{}'::jsonb,
      status text not null default 'open' check (status in ('open', 'acknowledged', 'resolved')),
      created_at timestamptz not null default now(),
      acknowledged_at timestamptz,
      acknowledged_by bigint references users(id),
      resolved_at timestamptz,
      resolved_by bigint references users(id),
      resolution_note text check (resolution_note is null or length(resolution_note) <= 1000),
      unique (ticket_id, kind),
      check ((status = 'open') = (acknowledged_at is null)),
      check ((status = 'resolved') = (resolved_at is not null))
    )`,
    sql`create index supervisor_tasks_unresolved_idx on supervisor_tasks (created_at desc) where status <> 'resolved'`,
  ]) {
    await statement.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of [sql`drop table if exists supervisor_tasks`, sql`drop table if exists service_rule_settings`]) {
    await statement.execute(db);
  }
}
