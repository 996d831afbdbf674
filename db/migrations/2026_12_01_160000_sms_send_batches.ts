import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// Outbound SMS are sent in batches (workers/tasks/sms__send.ts): the send job of one message (the batch's
// carrier) takes up to N other due messages, completes their own send jobs in the same statement and sends
// them all in one `sms/sendarray`. `batch_of` names the carrier whose job now owns the message until it is
// sent or failed: a carrier run again (its process was killed, or a retryable error) takes its companions
// again. The index serves that lookup; it holds only unfinished companions.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table sms_messages add column batch_of bigint references sms_messages (id)`.execute(db);
  await sql`create index sms_messages_batch_of_idx on sms_messages (batch_of) where batch_of is not null and status in ('queued', 'sending')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index sms_messages_batch_of_idx`.execute(db);
  await sql`alter table sms_messages drop column batch_of`.execute(db);
}
