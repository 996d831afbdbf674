import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// dispatch_offers_deadline_idx (pending offers by deadline alone) kept offering the planner a wrong way to
// count one agency's pending offers: on statistics taken when few offers were pending it read every pending
// offer of the country and filtered by agency, once per dispatch candidate (32 per decision) — and a
// prepared statement keeps such a plan. Three queries had been written around it. Its one rightful reader,
// the crontab's sweep for overdue offers, reads the pending offers through dispatch_offers_agency_live_idx
// instead (pending offers only: a few thousand at most, once a minute). Without it the agency's own partial
// index is the only one holding pending offers.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists dispatch_offers_deadline_idx`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`create index dispatch_offers_deadline_idx on dispatch_offers (deadline_at) where status = 'pending'`.execute(db);
}
