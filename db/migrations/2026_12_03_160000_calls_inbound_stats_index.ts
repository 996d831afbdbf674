import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// The manager home's call figures (answered, missed, mean wait since Tehran midnight) read only inbound calls.
// A partial covering index of inbound calls by start time serves them from the index alone and is never
// outcosted by the call-centre report's other partial inbound index (by end time), which cannot bound a
// start-time range; it replaces the covering index over every call.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index calls_inbound_started_stats_idx on calls (started_at) include (disposition, wait_seconds) where direction = 'inbound'`.execute(db);
  await sql`drop index if exists calls_started_stats_idx`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`create index calls_started_stats_idx on calls (started_at) include (direction, disposition, wait_seconds)`.execute(db);
  await sql`drop index if exists calls_inbound_started_stats_idx`.execute(db);
}
