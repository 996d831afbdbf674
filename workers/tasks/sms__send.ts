/**
 * `sms__send` {smsId}: sends one outbound message of the outbox (services/outbox.ts), once.
 *
 * One idempotent step. The row is claimed (`queued` → `sending`, the attempt counted and committed before
 * Kavenegar is called); a message already past `sending` is done. Before sending again (a previous attempt
 * may have reached Kavenegar and lost its answer, or its process was killed mid-send) Kavenegar is asked
 * whether it has a message with this localid (the row id), and if so that message is recorded instead of
 * sending a second. Then:
 *  - accepted → `sent` (or `delivered`/`blocked`… when the answer already says so), with Kavenegar's id;
 *  - a permanent provider answer (bad number, bad key, no credit…) → `failed` with the reason;
 *  - a retryable one (busy, 5xx, timeout, network) → back to `queued` and thrown: graphile-worker retries
 *    the job with its backoff;
 *  - the circuit breaker open (the provider is considered down: nothing was sent) → back to `queued`, the
 *    attempt not counted, and the job is queued again for when the breaker lets a call through. That does
 *    not use up the job's attempts: a long outage delays messages, it never drops them.
 * The sender line is the message's own, else its purpose's (KAVENEGAR_SENDERS), else KAVENEGAR_SENDER.
 *
 * Batches (`batchSize` > 1, SMS_SEND_BATCH_SIZE for the workers): the job carries, besides its own message, up
 * to batchSize − 1 other due messages of the outbox. In the claim's one statement it takes their `sms__send`
 * jobs (due, not locked by any worker: `for update skip locked`), completes them (graphile-worker's
 * `complete_jobs`) and marks their rows `batch_of` = its own message: from then on this job owns them, and if
 * its process dies or a retryable error comes back, its next run takes them again (`id = X or batch_of = X`,
 * still queued or sending). They go in one `sms/sendarray` (one `sms/send` when one message is left, or for
 * messages without a sender line, which sendarray requires); a message with an attempt before is first asked
 * for by its localid, all of the batch's in one `sms/statuslocalmessageid`. The request is accepted or refused
 * whole, so the whole batch shares its outcome (permanent → failed; retryable → queued, the job retried with
 * its backoff; breaker open → queued, the job deferred). A message whose number is not a mobile fails alone.
 * Its own message's job key (`sms:<id>`) stays the job's: one job per message until a batch takes it.
 */
import { sql } from "kysely";
import type { Task } from "graphile-worker";
import { z } from "zod";
import { toIranLocalMobile } from "../../core/phone";
import { smsSenderFor, smsStatusFromProvider, type SmsSenderLines } from "../../core/sms";
import type { DB } from "../../db/connection";
import { KAVENEGAR_SENDARRAY_MAX, KavenegarError, type KavenegarClient, type SentMessage } from "../../platform/kavenegar";
import { SMS_SEND_TASK, smsJobKey } from "../../services/outbox";

export const smsSendPayload = z.object({ smsId: z.number().int().positive() });

export interface SmsSendDeps {
  db: DB;
  client: KavenegarClient;
  /** which line sends which purpose; default: none configured (Kavenegar's account default line) */
  lines?: SmsSenderLines;
  /** how many messages one run may send (its own and other due ones, in one sms/sendarray); default 1 */
  batchSize?: number;
}

export type SmsSendResult =
  | { result: "sent" | "already_sent" | "recovered" | "failed" | "not_found" }
  /** the circuit breaker refused the call: nothing was sent; try again in `retryInMs` */
  | { result: "deferred"; retryInMs: number };

const NO_LINES: SmsSenderLines = { byPurpose: {} };

interface Claimed {
  id: number;
  receptor: string;
  body: string;
  sender: string | null;
  purpose: string | null;
  attempts: number;
}

type Outcome = "sent" | "recovered" | "failed" | "deferred" | "retry";

/**
 * Claims the job's own message, the messages a previous run of it had taken (batch_of), and up to `more` other
 * due messages whose jobs nobody holds, completing those jobs: one statement, committed before anything is sent.
 * Each claimed row is 'sending' with its attempt counted (a process killed mid-send leaves it so, and the next
 * run asks Kavenegar before sending).
 */
async function claim(db: DB, smsId: number, more: number, at: Date): Promise<Claimed[]> {
  const { rows } = await sql<Claimed>`
    with own as (
      select id from sms_messages
      where (id = ${smsId} or batch_of = ${smsId}) and direction = 'outbound' and status in ('queued', 'sending')
      for update
    ), due as (
      select j.id, j.key from graphile_worker._private_jobs j
      where ${more} > 0
        and j.task_id = (select t.id from graphile_worker._private_tasks t where t.identifier = ${SMS_SEND_TASK})
        and j.is_available and j.run_at <= now() and j.job_queue_id is null
        and j.key like 'sms:%' and j.key <> ${smsJobKey(smsId)}
      order by j.priority, j.run_at, j.id
      limit ${more}
      for update of j skip locked
    ), taken as (
      select m.id as sms_id, due.id as job_id from due
      join sms_messages m on m.id = substring(due.key from 5)::bigint
      where m.status = 'queued' and m.direction = 'outbound' and m.batch_of is null
        -- a carrier of an earlier batch stays with its own job: taking it would complete the job its companions
        -- (batch_of = it) wait on, and they would wait for the outbox's sweep instead
        and not exists (select 1 from sms_messages c where c.batch_of = m.id and c.status in ('queued', 'sending'))
      for update of m skip locked
    ), completed as (
      -- complete_jobs only when something was taken (called with nothing, it still costs a planned delete)
      select unnest(case when exists (select 1 from taken) then array(
        select substring(c.key from 5)::bigint from graphile_worker.complete_jobs(array(select job_id from taken)) c) end) as id
    ), batch as (
      select id from own union select id from completed
    )
    update sms_messages s
    set attempts = s.attempts + 1, status = 'sending', status_at = ${at},
        batch_of = case when s.id = ${smsId} then s.batch_of else ${smsId}::bigint end
    from batch
    where s.id = batch.id
    returning s.id, s.receptor, s.body, s.sender, s.purpose, s.attempts`.execute(db);
  return rows.map((r) => ({ ...r, id: Number(r.id) })).sort((a, b) => a.id - b.id);
}

/** The step itself (tests call it directly); throws a KavenegarError when the send must be retried. */
export async function sendQueuedSms(deps: SmsSendDeps, smsId: number, now: () => Date = () => new Date()): Promise<SmsSendResult> {
  const { db, client } = deps;
  const batchSize = Math.max(1, Math.min(deps.batchSize ?? 1, KAVENEGAR_SENDARRAY_MAX));
  const rows = await claim(db, smsId, batchSize - 1, now());
  if (rows.length === 0) {
    const exists = await db.selectFrom("sms_messages").select("status").where("id", "=", smsId).executeTakeFirst();
    return { result: exists ? "already_sent" : "not_found" };
  }
  const outcome = new Map<number, Outcome>();
  const accepted: { id: number; sent: Pick<SentMessage, "messageid" | "status"> }[] = [];
  const failed: { ids: number[]; error: string }[] = [];
  let retry: KavenegarError | Error | null = null;
  let deferredInMs: number | null = null;

  /** One request's failure, for its messages. */
  const onError = (ids: number[], e: unknown) => {
    if (e instanceof KavenegarError && e.outcome === "permanent") {
      failed.push({ ids, error: e.message.slice(0, 500) });
      for (const id of ids) outcome.set(id, "failed");
    } else if (e instanceof KavenegarError && e.failure === "circuit_open") {
      deferredInMs = Math.max(deferredInMs ?? 0, e.retryInMs ?? 0);
      for (const id of ids) outcome.set(id, "deferred");
    } else {
      retry ??= e instanceof Error ? e : new Error(String(e));
      for (const id of ids) outcome.set(id, "retry");
    }
  };

  // a number that is not an Iranian mobile fails alone (the client would refuse the whole request)
  const sendable = rows.filter((r) => {
    if (toIranLocalMobile(r.receptor)) return true;
    onError([r.id], new KavenegarError(`not an Iranian mobile number: ${JSON.stringify(r.receptor.slice(0, 40))}`, "permanent", "invalid_request"));
    return false;
  });

  // Before sending again: does Kavenegar already have it? (all of the batch's earlier-attempted messages at once)
  let toSend = sendable;
  const askFirst = sendable.filter((r) => r.attempts > 1);
  if (askFirst.length > 0) {
    try {
      const found = await client.statusByLocalId(askFirst.map((r) => String(r.id)));
      const byLocal = new Map(found.map((f) => [f.localid, f]));
      for (const r of askFirst) {
        const f = byLocal.get(String(r.id));
        if (f?.messageid) {
          accepted.push({ id: r.id, sent: { messageid: f.messageid, status: f.status } });
          outcome.set(r.id, "recovered");
        }
      }
      toSend = sendable.filter((r) => !outcome.has(r.id));
    } catch (e) {
      // not knowing, nothing is sent: the earlier-attempted ones wait for the next run; the others go now
      onError(askFirst.map((r) => r.id), e);
      toSend = sendable.filter((r) => r.attempts <= 1);
    }
  }

  const lines = deps.lines ?? NO_LINES;
  const items = toSend.map((r) => ({ row: r, sender: smsSenderFor(r, lines) }));
  const arrayItems = items.length > 1 ? items.filter((i) => i.sender !== undefined) : [];
  const singles = items.filter((i) => !arrayItems.includes(i));
  if (arrayItems.length > 0 && deferredInMs === null) {
    const ids = arrayItems.map((i) => i.row.id);
    try {
      const sent = await client.sendArray(
        arrayItems.map((i) => ({ receptor: i.row.receptor, message: i.row.body, sender: i.sender!, localid: String(i.row.id) })),
      );
      sent.forEach((m, k) => {
        accepted.push({ id: ids[k]!, sent: m });
        outcome.set(ids[k]!, "sent");
      });
    } catch (e) {
      onError(ids, e);
    }
  } else if (arrayItems.length > 0) {
    onError(arrayItems.map((i) => i.row.id), new KavenegarError("the SMS provider is considered down (circuit open)", "retry", "circuit_open", null, deferredInMs));
  }
  for (const { row, sender } of singles) {
    if (deferredInMs !== null) {
      onError([row.id], new KavenegarError("the SMS provider is considered down (circuit open)", "retry", "circuit_open", null, deferredInMs));
      continue;
    }
    try {
      const sent = await client.send({ receptor: row.receptor, message: row.body, sender, localid: String(row.id) });
      accepted.push({ id: row.id, sent });
      outcome.set(row.id, "sent");
    } catch (e) {
      onError([row.id], e);
    }
  }

  await record(db, rows, outcome, accepted, failed, retry, now());
  // a retryable error: graphile-worker runs the job again with its backoff (the deferred ones come along)
  if (retry !== null) throw retry;
  if (deferredInMs !== null) return { result: "deferred", retryInMs: deferredInMs };
  const own = outcome.get(smsId);
  if (own === "sent" || own === "recovered" || own === "failed") return { result: own };
  return { result: "already_sent" }; // its own was done before; this run carried earlier companions
}

/** Every claimed message's outcome, in one statement. */
async function record(
  db: DB,
  rows: Claimed[],
  outcome: Map<number, Outcome>,
  accepted: { id: number; sent: Pick<SentMessage, "messageid" | "status"> }[],
  failed: { ids: number[]; error: string }[],
  retry: Error | null,
  at: Date,
) {
  const acc = accepted.map((a) => ({ id: a.id, mid: a.sent.messageid, ps: a.sent.status, st: smsStatusFromProvider(a.sent.status) ?? "sent" }));
  const fail = failed.flatMap((f) => f.ids.map((id) => ({ id, error: f.error })));
  const back = rows.filter((r) => outcome.get(r.id) === "retry" || outcome.get(r.id) === "deferred");
  const backIds = back.map((r) => r.id);
  const deferred = back.filter((r) => outcome.get(r.id) === "deferred").map((r) => r.id);
  const retryError = retry ? retry.message.slice(0, 500) : null;
  await sql`
    with accepted as (
      update sms_messages s
      set status = v.st, status_at = ${at}, provider_message_id = v.mid, provider_status = v.ps, sent_at = ${at}, last_error = null,
          delivered_at = case when v.st = 'delivered' then ${at}::timestamptz else s.delivered_at end
      from unnest(${acc.map((a) => a.id)}::bigint[], ${acc.map((a) => a.mid)}::text[], ${acc.map((a) => a.ps)}::int[], ${acc.map((a) => a.st)}::text[]) as v(id, mid, ps, st)
      where s.id = v.id and s.status = 'sending'
      returning s.id
    ), failed as (
      update sms_messages s set status = 'failed', status_at = ${at}, last_error = v.error
      from unnest(${fail.map((f) => f.id)}::bigint[], ${fail.map((f) => f.error)}::text[]) as v(id, error)
      where s.id = v.id and s.status = 'sending'
      returning s.id
    ), back as (
      -- to wait for the next run; refused by the breaker: the attempt never reached Kavenegar, so it does not count
      update sms_messages s
      set status = 'queued', status_at = ${at},
          attempts = case when s.id = any(${deferred}::bigint[]) then greatest(s.attempts - 1, 0) else s.attempts end,
          last_error = case when s.id = any(${deferred}::bigint[]) then s.last_error else coalesce(${retryError}, s.last_error) end
      where s.id = any(${backIds}::bigint[]) and s.status = 'sending'
      returning s.id
    )
    select (select count(*) from accepted) + (select count(*) from failed) + (select count(*) from back) as n`.execute(db);
}

/** A deferred message's job comes back after the breaker's cool-down, spread a little so they do not all come at once. */
export function deferredRunAt(retryInMs: number, now = Date.now(), random = Math.random): Date {
  return new Date(now + Math.max(retryInMs, 1000) + Math.floor(random() * 1000));
}

export function smsSendTask(deps: SmsSendDeps): Task {
  return async (payload, helpers) => {
    const parsed = smsSendPayload.safeParse(payload);
    if (!parsed.success) {
      // a malformed payload never becomes valid: log it and let the job end
      helpers.logger.error(`sms__send: invalid payload ${JSON.stringify(payload)?.slice(0, 200)}`);
      return;
    }
    const { smsId } = parsed.data;
    const outcome = await sendQueuedSms(deps, smsId);
    if (outcome.result === "failed") helpers.logger.warn(`sms ${smsId}: failed permanently (see sms_messages.last_error)`);
    if (outcome.result === "deferred") {
      // the same job key: this (running) job is detached and ends, a new one waits for the breaker
      await helpers.addJob(SMS_SEND_TASK, { smsId }, { jobKey: smsJobKey(smsId), runAt: deferredRunAt(outcome.retryInMs) });
    }
  };
}
