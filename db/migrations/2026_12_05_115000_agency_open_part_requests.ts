import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// The agency's parts page (issue 15 §4): an agency sees its own open part requests (requested, ordered,
// shipped — core/parts.ts OPEN_PART_REQUEST_STATUSES on this date), oldest first. The desk's partial index
// (part_requests_open_idx) serves every agency at once; this one starts at the agency, so one agency's list
// reads only its own rows however many requests the others have open.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index part_requests_agency_open_idx on part_requests (agency_id, requested_at)
    where status in ('requested', 'ordered', 'shipped')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists part_requests_agency_open_idx`.execute(db);
}
