/**
 * The SMS outbox. A message is a row in sms_messages written in the same transaction as the business
 * change that causes it, together with its `sms__send` job (graphile-worker's SQL `add_job`, in that
 * transaction): both exist or neither does. The job (workers/tasks/sms__send.ts) sends it, possibly with other
 * due messages in one batch; the row id is Kavenegar's `localid`, so a retry never sends twice.
 */
import { sql, type Kysely, type RawBuilder, type Transaction } from "kysely";
import type { Database } from "../db/schema";

/** The graphile-worker task that sends one outbound SMS (workers/tasks/sms__send.ts). */
export const SMS_SEND_TASK = "sms__send";

/**
 * The job key of a message's send job: at most one job per message. Once a batch takes the message
 * (workers/tasks/sms__send.ts, `sms_messages.batch_of`), that job is completed and the carrier's job
 * (`smsJobKey(batch_of)`) owns it.
 */
export function smsJobKey(smsId: number): string {
  return `sms:${smsId}`;
}

export interface OutboundSms {
  receptor: string;
  body: string;
  purpose: string;
  sender?: string | null;
  ticketId?: number | null;
  agencyId?: number | null;
  technicianId?: number | null;
  now: Date;
}

/**
 * Writes an outbound message (status 'queued') and its send job, inside the caller's transaction.
 * Requires graphile-worker's schema (installed with the migrations: db/migrate.ts).
 */
export async function enqueueSms(trx: Transaction<Database> | Kysely<Database>, m: OutboundSms): Promise<{ smsId: number }> {
  const { rows } = await sql<{ id: number }>`with ${smsOutboxCtes(m)} select sms.id, sms_job.job_id from sms join sms_job on true`.execute(trx);
  return { smsId: rows[0]!.id };
}

/**
 * enqueueSms as two CTEs (`sms`: the message row; `sms_job`: its send job) for a service that writes the
 * message within a statement of its own: `with …, ${smsOutboxCtes(m, { ticketIdOf: "t" })} select … from …`.
 * `sms_job` is a SELECT, run only when the statement's final query reads it (e.g. `(select count(*) from sms_job)`).
 * `ticketIdOf` names a relation of that statement whose `id` is the ticket's (a ticket inserted by it).
 */
export function smsOutboxCtes(m: OutboundSms, o: { ticketIdOf?: string } = {}): RawBuilder<unknown> {
  const ticketId = o.ticketIdOf ? sql`${sql.ref(`${o.ticketIdOf}.id`)}` : sql`${m.ticketId ?? null}::bigint`;
  return sql`sms as (
      insert into sms_messages (direction, receptor, body, purpose, sender, status, ticket_id, agency_id, technician_id, created_at)
      select 'outbound', ${m.receptor}, ${m.body}, ${m.purpose}, ${m.sender ?? null}, 'queued', ${ticketId},
             ${m.agencyId ?? null}::bigint, ${m.technicianId ?? null}::bigint, ${m.now}::timestamptz
      ${o.ticketIdOf ? sql`from ${sql.table(o.ticketIdOf)}` : sql``}
      returning id
    ), sms_job as (
      select (graphile_worker.add_job(${SMS_SEND_TASK}, json_build_object('smsId', sms.id), job_key := 'sms:' || sms.id)).id as job_id from sms
    )`;
}
