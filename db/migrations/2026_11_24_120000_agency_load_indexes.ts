import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    // an agency's offers (pending ones first of all) with their tickets, from the index alone
    sql`create index dispatch_offers_agency_ticket_idx on dispatch_offers (agency_id, status) include (ticket_id)`,
    sql`drop index if exists dispatch_offers_agency_idx`,
    // agencies' current load (assigned, scheduled, in_progress, on_hold: core AGENCY_LOAD_STATUSES on this date)
    sql`create index tickets_agency_load_idx on tickets (assigned_agency_id)
      where status in ('assigned', 'scheduled', 'in_progress', 'on_hold')`,
  ]) {
    await statement.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of [
    sql`drop index if exists tickets_agency_load_idx`,
    sql`create index if not exists dispatch_offers_agency_idx on dispatch_offers (agency_id, status)`,
    sql`drop index if exists dispatch_offers_agency_ticket_idx`,
  ]) {
    await statement.execute(db);
  }
}
