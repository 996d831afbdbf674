/**
 * The SMS outbox. A message is a row in sms_messages written in the same transaction as the business
 * change that causes it, together with its `sms__send` job (graphile-worker's SQL `add_job`, in that
 * transaction): both exist or neither does. The job (workers/tasks/sms__send.ts) sends it, possibly with other
 * due messages in one batch; the row id is Kavenegar's `localid`, so a retry never sends twice.
 */
import { sql, type Kysely, type RawBuilder, type Transaction } from "kysely";
import { SMS_REQUEUE_MAX_AGE_MS, SMS_STUCK_AFTER_MS } from "../core/sms";
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

export interface StuckSmsResult {
  /** messages with no job at all, young enough: their send job was added again */
  requeued: number[];
  /** messages whose job used up its attempts (or too old to send now): marked 'failed' with the reason */
  failed: number[];
}

/**
 * The outbox's safety net (run by sms__poll_status every minute). An outbound message still 'queued' or
 * 'sending' SMS_STUCK_AFTER_MS after its last change with no live `sms__send` job (its own, or its batch
 * carrier's once a batch took it) is settled:
 *  - its job used up its attempts (graphile-worker keeps it, attempts = max_attempts, unlocked) → 'failed',
 *    with the attempts and the job's last error as the reason, so the ticket page says it was not sent and
 *    what to do. Not re-queued: the breaker's deferrals do not count as attempts, so the provider refused
 *    this very message with retryable answers ~25 times over about four days while it was considered up;
 *    another round would repeat that and, if it ever went, deliver a days-old message (a past visit window).
 *  - no job at all (removed by hand, lost in a restore) and younger than SMS_REQUEUE_MAX_AGE_MS → its send
 *    job is added again (same job key: at most one). The circuit breaker is not consulted here: it lives in
 *    each worker process, and sms__send already waits for it without spending attempts.
 *  - no job and older → 'failed' (too old to send now).
 * Rows are locked with SKIP LOCKED: two sweeps at once settle each message once.
 */
export async function recoverStuckSms(db: Kysely<Database>, now: Date = new Date(), limit = 500): Promise<StuckSmsResult> {
  const stuckBefore = new Date(now.getTime() - SMS_STUCK_AFTER_MS);
  const requeueAfter = new Date(now.getTime() - SMS_REQUEUE_MAX_AGE_MS);
  const { rows } = await sql<{ id: number; outcome: "requeued" | "failed" }>`
    with stuck as (
      select s.id, s.created_at, s.attempts, s.last_error, j.id as job_id, j.attempts as job_attempts, j.last_error as job_error
      from sms_messages s
      -- a message a batch took is owned by its carrier's job (sms__send: batch_of), not by its own
      left join graphile_worker._private_jobs j on j.key = 'sms:' || coalesce(s.batch_of, s.id)
      where s.direction = 'outbound' and s.status in ('queued', 'sending') and s.status_at < ${stuckBefore}
        and (j.id is null or (j.attempts >= j.max_attempts and j.locked_at is null))
      order by s.id
      limit ${limit}
      for update of s skip locked
    ), failed as (
      update sms_messages m
      set status = 'failed', status_at = ${now},
          last_error = left(case when st.job_id is not null
            then 'gave up after ' || st.job_attempts || ' attempts; last error: ' || coalesce(st.job_error, m.last_error, 'unknown')
            else 'never sent, and too old to send now' || coalesce('; last error: ' || m.last_error, '') end, 500)
      from stuck st
      where m.id = st.id and (st.job_id is not null or st.created_at < ${requeueAfter})
      returning m.id
    ), requeued as (
      select st.id, (graphile_worker.add_job(${SMS_SEND_TASK}, json_build_object('smsId', st.id), job_key := 'sms:' || st.id)).id as job_id
      from stuck st
      where st.job_id is null and st.created_at >= ${requeueAfter}
    ), reset as (
      update sms_messages m set status = 'queued', status_at = ${now}, batch_of = null
      from requeued r where m.id = r.id
      returning m.id
    )
    select id, 'failed' as outcome from failed
    union all select id, 'requeued' from reset`.execute(db);
  return {
    requeued: rows.filter((r) => r.outcome === "requeued").map((r) => Number(r.id)),
    failed: rows.filter((r) => r.outcome === "failed").map((r) => Number(r.id)),
  };
}
