import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// Spare-part requests (issue 15 §4):
//  - tickets.hold_reason / hold_expected_date: why a job is on hold and until when it is expected to wait
//    (core/ticket.ts TICKET_HOLD_REASONS on this date; a test holds the CHECK to the list). Only meaningful
//    while status = 'on_hold'; cleared when the job leaves it.
//  - part_requests: one catalogue part and quantity requested for a job, at the list price of the moment;
//    its life (core/parts.ts): requested → received (from the agency's stock) or requested → ordered → shipped
//    → received (central stock), or cancelled; every step dated. The serial of a serialized part once known.
//    Warranty claims and defective returns reference these rows by id.
//  - agency_part_stock: how many of each part an agency holds; filling a request from it decrements it in
//    the same transaction (never below zero).
//  - the parts-arrived SMS to the technician joins the message kinds an admin may edit.

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    sql`alter table tickets
      add column hold_reason text check (hold_reason in ('waiting_for_parts', 'cannot_repair', 'other')),
      add column hold_expected_date date`,
    sql`create table part_requests (
      id bigint generated always as identity primary key,
      ticket_id bigint not null references tickets(id),
      part_id bigint not null references spare_parts(id),
      agency_id bigint not null references agencies(id),
      quantity integer not null check (quantity between 1 and 20),
      unit_price_rials bigint not null check (unit_price_rials >= 0),
      status text not null default 'requested'
        check (status in ('requested', 'ordered', 'shipped', 'received', 'cancelled')),
      source text check (source in ('agency_stock', 'central')),
      expected_date date,
      note text check (length(note) <= 200),
      serial_number text check (length(serial_number) between 1 and 60),
      requested_by_kind text not null check (requested_by_kind in ('technician', 'agency', 'user')),
      requested_by_user_id bigint references users(id) on delete set null,
      technician_id bigint references technicians(id),
      requested_at timestamptz not null default now(),
      ordered_at timestamptz,
      shipped_at timestamptz,
      received_at timestamptz,
      cancelled_at timestamptz,
      cancel_reason text check (length(cancel_reason) <= 200),
      check (status <> 'received' or (received_at is not null and source is not null)),
      check (status <> 'ordered' or ordered_at is not null),
      check (status <> 'shipped' or shipped_at is not null),
      check (status <> 'cancelled' or cancelled_at is not null)
    )`,
    sql`create index part_requests_ticket_idx on part_requests (ticket_id)`,
    // the parts desk: open requests, oldest first
    sql`create index part_requests_open_idx on part_requests (requested_at) where status in ('requested', 'ordered', 'shipped')`,
    // the report: requests of a period, by part
    sql`create index part_requests_requested_idx on part_requests (requested_at) include (part_id, ticket_id, status, received_at, cancelled_at)`,
    sql`create index part_requests_part_idx on part_requests (part_id, requested_at)`,
    sql`create table agency_part_stock (
      agency_id bigint not null references agencies(id),
      part_id bigint not null references spare_parts(id),
      quantity integer not null check (quantity >= 0),
      updated_at timestamptz not null default now(),
      primary key (agency_id, part_id)
    )`,
    sql`alter table sms_template_overrides drop constraint sms_template_overrides_kind_check`,
    sql`alter table sms_template_overrides add constraint sms_template_overrides_kind_check check (kind = any (array[
        'ticket_registered', 'complaint_registered', 'agency_accepted', 'ticket_completed',
        'agency_offer', 'technician_job', 'satisfaction_survey', 'parts_arrived'
      ]::text[]))`,
  ]) {
    await statement.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from sms_template_overrides where kind = 'parts_arrived'`.execute(db);
  await sql`alter table sms_template_overrides drop constraint sms_template_overrides_kind_check`.execute(db);
  await sql`alter table sms_template_overrides add constraint sms_template_overrides_kind_check check (kind = any (array[
      'ticket_registered', 'complaint_registered', 'agency_accepted', 'ticket_completed',
      'agency_offer', 'technician_job', 'satisfaction_survey'
    ]::text[]))`.execute(db);
  await sql`drop table if exists agency_part_stock`.execute(db);
  await sql`drop table if exists part_requests`.execute(db);
  await sql`alter table tickets drop column if exists hold_reason, drop column if exists hold_expected_date`.execute(db);
}
