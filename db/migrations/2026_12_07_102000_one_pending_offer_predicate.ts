import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// Counting one agency's pending offers (the dispatch engine does it for each of 32 candidates) must go by the
// agency's own index (dispatch_offers_agency_live_idx). Every other index whose predicate is just
// "status = 'pending'" let the planner, on statistics taken when few offers were pending, walk the pending
// offers of the whole country and filter them by agency instead: dispatch_offers_deadline_idx (dropped) and this
// unique one-pending-offer-per-ticket index. Its rule stays the same (ticket_id is never null); the added
// `ticket_id is not null` only means a query must name the ticket to read through it, as its readers do.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop index dispatch_offers_one_pending`.execute(db);
  await sql`create unique index dispatch_offers_one_pending on dispatch_offers (ticket_id) where status = 'pending' and ticket_id is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index dispatch_offers_one_pending`.execute(db);
  await sql`create unique index dispatch_offers_one_pending on dispatch_offers (ticket_id) where status = 'pending'`.execute(db);
}
