import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// The ticket list (issue 11): sorting by status, priority and resolution due time, and search by a product's
// serial number, each served by an index at a million tickets.
//  - ticket_status_rank / ticket_priority_rank: the life-cycle order of a status and the order of a priority
//    (core/ticket.ts TICKET_STATUSES and PRIORITIES on this date; a test holds them together), so a list sorted
//    by status reads new → … → cancelled, not alphabetically. Immutable, so they can be indexed.
//  - ties are broken by creation time and id in the sort's own direction, so one index serves both directions.
//  - a serial is searched by its lower-case key (core/text.ts searchKey lower-cases, maps Persian digits);
//    its tickets through their customer product.

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    sql`create function ticket_status_rank(status text) returns integer
      language sql immutable parallel safe
      return array_position(array['new','dispatching','assigned','scheduled','in_progress','on_hold','completed','closed','cancelled']::text[], status)`,
    sql`create function ticket_priority_rank(priority text) returns integer
      language sql immutable parallel safe
      return array_position(array['low','normal','high','urgent']::text[], priority)`,
    sql`create index tickets_status_rank_idx on tickets (ticket_status_rank(status), created_at, id)`,
    sql`create index tickets_priority_rank_idx on tickets (ticket_priority_rank(priority), created_at, id)`,
    sql`create index tickets_resolve_due_idx on tickets (sla_resolve_due_at, id)`,
    sql`create index tickets_product_created_idx on tickets (customer_product_id, created_at) include (id)
      where customer_product_id is not null`,
    sql`create index customer_products_serial_key_idx on customer_products (lower(serial_number))`,
  ]) {
    await statement.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of [
    sql`drop index if exists customer_products_serial_key_idx`,
    sql`drop index if exists tickets_product_created_idx`,
    sql`drop index if exists tickets_resolve_due_idx`,
    sql`drop index if exists tickets_priority_rank_idx`,
    sql`drop index if exists tickets_status_rank_idx`,
    sql`drop function if exists ticket_priority_rank(text)`,
    sql`drop function if exists ticket_status_rank(text)`,
  ]) {
    await statement.execute(db);
  }
}
