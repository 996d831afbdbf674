import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// Issue 15 §5: a claim decided, corrected or paid changes the scorecard of the month it was DECIDED in, which may
// be long past the rework window the refresh recomputes anyway. scorecard_state keeps how far the refresh has read
// claim_events (by id), so each run also recomputes the decision months of the claims with an event since.
// 0: the next refresh reads every claim event once (the months it names are recomputed; nothing else changes).

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table scorecard_state add column claims_last_event_id bigint not null default 0`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table scorecard_state drop column if exists claims_last_event_id`.execute(db);
}
