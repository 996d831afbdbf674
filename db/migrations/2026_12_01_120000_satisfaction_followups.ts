import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// Follow-up satisfaction surveys and inbound SMS (issue 12, section 5 and section 2's inbound SMS):
//  - satisfaction_surveys gets what a follow-up needs while it is pending: how it is made (`mode`: an automated
//    call, or a task on the operators' happy-call list), when it is due, when the next attempt may start, how many
//    attempts were made, the automated call in progress, the survey SMS sent as the fallback and when it stops
//    waiting for its reply, the reply that answered it. One follow-up per ticket (a unique index: scheduling twice
//    is one row). The seed's older rows have no mode (their follow-up was made before this date).
//  - the sweep finds jobs completed in a window of time through a partial index on their completion events.
//  - sms_messages: an inbound message keeps the provider's id of a received message in `inbound_message_id`
//    (unique among inbound messages: polling twice stores it once; Kavenegar's ids of received and sent messages
//    are not documented to be one sequence, so the outbound provider_message_id index is left to outbound
//    messages) and the customer its number matched.

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    sql`alter table satisfaction_surveys
      add column mode text check (mode in ('call','operator')),
      add column due_at timestamptz,
      add column next_attempt_at timestamptz,
      add column attempts integer not null default 0 check (attempts >= 0),
      add column call_id bigint references calls(id),
      add column sms_id bigint references sms_messages(id),
      add column sms_deadline_at timestamptz,
      add column reply_sms_id bigint references sms_messages(id),
      add column updated_at timestamptz not null default now()`,
    sql`drop index satisfaction_surveys_ticket_idx`,
    sql`create unique index satisfaction_surveys_ticket_idx on satisfaction_surveys (ticket_id)`,
    sql`create index satisfaction_surveys_next_attempt_idx on satisfaction_surveys (next_attempt_at)
      where status = 'pending' and next_attempt_at is not null`,
    sql`create index satisfaction_surveys_due_idx on satisfaction_surveys (due_at) where status = 'pending'`,
    sql`create index satisfaction_surveys_call_idx on satisfaction_surveys (call_id) where call_id is not null`,
    sql`create index satisfaction_surveys_sms_wait_idx on satisfaction_surveys (sms_deadline_at)
      where status = 'pending' and channel = 'sms'`,
    sql`create index ticket_events_completed_idx on ticket_events (at) include (ticket_id)
      where event_type = 'status_changed' and to_status = 'completed'`,
    sql`alter table sms_messages
      add column inbound_message_id text,
      add column customer_id bigint references customers(id),
      add constraint sms_messages_inbound_id_check check (inbound_message_id is null or direction = 'inbound')`,
    sql`create unique index sms_messages_inbound_idx on sms_messages (inbound_message_id) where inbound_message_id is not null`,
    sql`create index sms_messages_customer_idx on sms_messages (customer_id, created_at) where customer_id is not null`,
  ]) {
    await statement.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of [
    sql`drop index if exists sms_messages_customer_idx`,
    sql`drop index if exists sms_messages_inbound_idx`,
    sql`alter table sms_messages drop constraint if exists sms_messages_inbound_id_check,
      drop column if exists inbound_message_id, drop column if exists customer_id`,
    sql`drop index if exists ticket_events_completed_idx`,
    sql`drop index if exists satisfaction_surveys_sms_wait_idx`,
    sql`drop index if exists satisfaction_surveys_call_idx`,
    sql`drop index if exists satisfaction_surveys_due_idx`,
    sql`drop index if exists satisfaction_surveys_next_attempt_idx`,
    sql`drop index if exists satisfaction_surveys_ticket_idx`,
    sql`create index satisfaction_surveys_ticket_idx on satisfaction_surveys (ticket_id)`,
    sql`alter table satisfaction_surveys
      drop column if exists mode, drop column if exists due_at, drop column if exists next_attempt_at,
      drop column if exists attempts, drop column if exists call_id, drop column if exists sms_id,
      drop column if exists sms_deadline_at, drop column if exists reply_sms_id, drop column if exists updated_at`,
  ]) {
    await statement.execute(db);
  }
}
