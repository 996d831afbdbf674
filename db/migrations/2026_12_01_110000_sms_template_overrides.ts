import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// The texts of the SMS the product sends (issue 12), as an admin changed them: one row per message kind
// that differs from its default (core/sms-templates.ts SMS_TEMPLATE_KINDS on this date; a test holds the
// CHECK to the list). No row: the default text is sent. Who changed it last and when; every change is also
// in the audit log.

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    sql`create table sms_template_overrides (
      kind text primary key check (kind = any (array[
        'ticket_registered', 'complaint_registered', 'agency_accepted', 'ticket_completed',
        'agency_offer', 'technician_job', 'satisfaction_survey'
      ]::text[])),
      body text not null check (length(btrim(body)) between 1 and 500),
      updated_by bigint references users(id) on delete set null,
      updated_at timestamptz not null default now()
    )`,
  ]) {
    await statement.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists sms_template_overrides`.execute(db);
}
