/**
 * The SMS outbox. A message is a row in sms_messages written in the same transaction as the business
 * change that causes it, together with its `sms__send` job (graphile-worker's SQL `add_job`, in that
 * transaction): both exist or neither does. The job (workers/tasks/sms__send.ts) sends it; the row id is
 * Kavenegar's `localid`, so a retry never sends twice.
 */
import { sql, type Kysely, type Transaction } from "kysely";
import type { Database } from "../db/schema";

/** The graphile-worker task that sends one outbound SMS (workers/tasks/sms__send.ts). */
export const SMS_SEND_TASK = "sms__send";

/** The job key of a message's send job: at most one job per message. */
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
  const { rows } = await sql<{ id: number }>`
    with m as (
      insert into sms_messages (direction, receptor, body, purpose, sender, status, ticket_id, agency_id, technician_id, created_at)
      values ('outbound', ${m.receptor}, ${m.body}, ${m.purpose}, ${m.sender ?? null}, 'queued', ${m.ticketId ?? null},
              ${m.agencyId ?? null}, ${m.technicianId ?? null}, ${m.now})
      returning id
    )
    select m.id, (graphile_worker.add_job(${SMS_SEND_TASK}, json_build_object('smsId', m.id), job_key := 'sms:' || m.id)).id as job_id
    from m`.execute(trx);
  return { smsId: rows[0]!.id };
}
