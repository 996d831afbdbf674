import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// The history's vocabulary gains 'survey_answered' (the customer's satisfaction score of a job). The two
// migrations of the same day were written side by side: 2026_12_01_120000 started writing this event and
// 2026_12_01_130000 held event_type to the list it knew, so the check is widened here.

const EVENT_TYPES = `('created','status_changed','offer_sent','offer_rejected','note','call_attached',
  'offer_expired','sla_at_risk','sla_breached','survey_answered')`;
const BEFORE = `('created','status_changed','offer_sent','offer_rejected','note','call_attached',
  'offer_expired','sla_at_risk','sla_breached')`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table ticket_events drop constraint ticket_events_event_type_check`.execute(db);
  await sql`alter table ticket_events add constraint ticket_events_event_type_check check (event_type in ${sql.raw(EVENT_TYPES)})`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from ticket_events where event_type = 'survey_answered'`.execute(db);
  await sql`alter table ticket_events drop constraint ticket_events_event_type_check`.execute(db);
  await sql`alter table ticket_events add constraint ticket_events_event_type_check check (event_type in ${sql.raw(BEFORE)})`.execute(db);
}
