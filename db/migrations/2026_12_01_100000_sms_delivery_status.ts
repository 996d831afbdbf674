import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// Outbound SMS delivery status (issue 12): the statuses of core/sms.ts SMS_STATUSES on this date (queued,
// sending, sent, delivered, undelivered, failed, blocked, cancelled, and received for inbound messages;
// 'undeliverable' becomes 'undelivered'), and what the delivery-status poller (workers/tasks/sms__poll_status.ts)
// needs:
//  - provider_status: Kavenegar's last status number for the message (1, 2, 4, 5, 6, 10, 11, 13, 14, 100);
//  - status_checked_at: when Kavenegar was last asked (a poller claims a batch by setting it, so concurrent
//    pollers never ask twice for the same messages);
//  - status_at: when the row's status last changed (the ticket timeline's time);
//  - sms_messages_poll_idx: the messages still on their way, least recently asked first.

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    sql`alter table sms_messages add column provider_status smallint`,
    sql`alter table sms_messages add column status_checked_at timestamptz`,
    sql`alter table sms_messages add column status_at timestamptz`,
    sql`update sms_messages set status_at = coalesce(delivered_at, received_at, sent_at, created_at)`,
    sql`alter table sms_messages alter column status_at set default now(), alter column status_at set not null`,
    sql`alter table sms_messages drop constraint sms_messages_status_check`,
    sql`update sms_messages set status = 'undelivered' where status = 'undeliverable'`,
    sql`alter table sms_messages add constraint sms_messages_status_check check (status in
      ('queued','sending','sent','delivered','undelivered','failed','blocked','cancelled','received'))`,
    sql`create index sms_messages_poll_idx on sms_messages (status_checked_at nulls first, id)
      where direction = 'outbound' and status = 'sent' and provider_message_id is not null`,
  ]) {
    await statement.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of [
    sql`drop index if exists sms_messages_poll_idx`,
    sql`alter table sms_messages drop constraint sms_messages_status_check`,
    sql`update sms_messages set status = 'undeliverable' where status = 'undelivered'`,
    sql`update sms_messages set status = 'failed' where status in ('blocked','cancelled')`,
    sql`alter table sms_messages add constraint sms_messages_status_check check (status in
      ('queued','sending','sent','delivered','failed','undeliverable','received'))`,
    sql`alter table sms_messages drop column status_at`,
    sql`alter table sms_messages drop column status_checked_at`,
    sql`alter table sms_messages drop column provider_status`,
  ]) {
    await statement.execute(db);
  }
}
