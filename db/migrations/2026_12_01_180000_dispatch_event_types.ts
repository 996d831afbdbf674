import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// The history's vocabulary for dispatch (issue 13), added once before its parts are built side by side:
// an offer accepted or withdrawn, a ticket held for a supervisor (no candidate), a manual reassignment, a
// technician assigned (with a visit window), a technician's update from the job link, and the completion
// report (work done, parts, invoice).

const EVENT_TYPES = `('created','status_changed','offer_sent','offer_rejected','note','call_attached',
  'offer_expired','sla_at_risk','sla_breached','survey_answered',
  'offer_accepted','offer_withdrawn','dispatch_held','reassigned','technician_assigned','technician_update','job_report')`;
const BEFORE = `('created','status_changed','offer_sent','offer_rejected','note','call_attached',
  'offer_expired','sla_at_risk','sla_breached','survey_answered')`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table ticket_events drop constraint ticket_events_event_type_check`.execute(db);
  await sql`alter table ticket_events add constraint ticket_events_event_type_check check (event_type in ${sql.raw(EVENT_TYPES)})`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from ticket_events where event_type in ('offer_accepted','offer_withdrawn','dispatch_held','reassigned',
    'technician_assigned','technician_update','job_report')`.execute(db);
  await sql`alter table ticket_events drop constraint ticket_events_event_type_check`.execute(db);
  await sql`alter table ticket_events add constraint ticket_events_event_type_check check (event_type in ${sql.raw(BEFORE)})`.execute(db);
}
