import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// The dispatch engine counts each candidate agency's live pending offers (status 'pending', deadline not
// passed). dispatch_offers_agency_ticket_idx leads with (agency_id, status) but the planner, seeing many
// pending offers with deadlines after "now", preferred dispatch_offers_deadline_idx and filtered by agency
// afterwards (bench/dispatch: 60% of the candidate query's time). This partial index holds pending offers
// only (a few per agency at any time), by agency then deadline: one short range scan per candidate. It
// carries the ticket, so an agency's scope (its live pending offers' tickets, db/repos/scope.ts) reads it
// index-only too.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index dispatch_offers_agency_live_idx on dispatch_offers (agency_id, deadline_at) include (ticket_id) where status = 'pending'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists dispatch_offers_agency_live_idx`.execute(db);
}
