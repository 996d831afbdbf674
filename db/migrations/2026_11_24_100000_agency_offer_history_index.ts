import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// An agency's offer history (/agency/offers) pages through its own offers, newest first. Without this
// index each page sorts all of the agency's offers (tens of thousands for a busy agency at 1,000,000
// tickets); with it a page reads only its own rows.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index dispatch_offers_agency_history_idx on dispatch_offers (agency_id, offered_at desc, id desc)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists dispatch_offers_agency_history_idx`.execute(db);
}
