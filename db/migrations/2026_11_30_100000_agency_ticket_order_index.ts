import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// An agency's ticket lists (its jobs page, its home's open jobs, its searches) walk the tickets assigned to
// it newest first and stop after one page. Without this index each list read all of a busy agency's tickets
// (about 49,000 for one agency at 1,000,000 tickets) and sorted them; a search for a common surname checked
// every one of them. The included columns let the walk filter by status, type and customer from the index
// alone.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index tickets_agency_created_idx on tickets (assigned_agency_id, created_at, id)
    include (status, type, customer_id) where assigned_agency_id is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists tickets_agency_created_idx`.execute(db);
}
