import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// Every incoming call looks its caller up by number (services/calls.ts startInboundCall): the customer's
// mobile (customers_mobile_idx) or one of their other phones. `caller = any(other_phones)` can use no index,
// so each call read every customer; `other_phones @> array[caller]` can use this GIN index (array_ops).

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index customers_other_phones_idx on customers using gin (other_phones)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists customers_other_phones_idx`.execute(db);
}
