/**
 * `sms__poll_status` (crontab, every minute): asks Kavenegar where the messages still on their way are
 * (`sms/status`, up to 500 ids a request) and records what it says: delivered, undelivered, failed,
 * blocked, cancelled, or still on its way.
 *
 * Concurrent runs (a slow run overlapping the next minute's, several worker processes) are safe: a run
 * claims a batch by stamping `status_checked_at` on rows locked with SKIP LOCKED, so no two runs ask for
 * the same message, and a message is asked at most every SMS_STATUS_POLL_INTERVAL_MS. A message older
 * than SMS_STATUS_POLL_MAX_AGE_MS is no longer asked (it keeps its last known status). A failed request
 * ends the run quietly (logged): the next minute's run asks again. The row is only moved forward from
 * 'sent', so a late or repeated answer never overwrites a final status.
 *
 * Each run first settles the stuck messages of the outbox (services/outbox.ts recoverStuckSms): queued or
 * sending with no live send job — re-queued if the job is simply gone, marked failed with the reason if it
 * used up its attempts.
 */
import { sql } from "kysely";
import type { Task } from "graphile-worker";
import { KAVENEGAR_MAX_IDS, SMS_STATUS_POLL_INTERVAL_MS, SMS_STATUS_POLL_MAX_AGE_MS, smsStatusFromProvider } from "../../core/sms";
import type { DB } from "../../db/connection";
import { KavenegarError, type KavenegarClient } from "../../platform/kavenegar";
import { recoverStuckSms } from "../../services/outbox";

export interface SmsPollDeps {
  db: DB;
  client: KavenegarClient;
  /** ids per sms/status request (≤ 500) */
  batchSize?: number;
  /** requests per run at most */
  maxBatches?: number;
}

export interface SmsPollResult {
  /** messages asked about */
  asked: number;
  /** rows whose status changed */
  changed: number;
  /** why the run stopped early, if it did */
  stoppedBy: KavenegarError | null;
}

/** One run: claim a batch, ask, record; until nothing is due or maxBatches. */
export async function pollSmsStatus(deps: SmsPollDeps, now: () => Date = () => new Date()): Promise<SmsPollResult> {
  const batchSize = Math.min(deps.batchSize ?? KAVENEGAR_MAX_IDS, KAVENEGAR_MAX_IDS);
  const maxBatches = deps.maxBatches ?? 20;
  const out: SmsPollResult = { asked: 0, changed: 0, stoppedBy: null };
  for (let b = 0; b < maxBatches; b++) {
    const at = now();
    const dueBefore = new Date(at.getTime() - SMS_STATUS_POLL_INTERVAL_MS);
    const sentAfter = new Date(at.getTime() - SMS_STATUS_POLL_MAX_AGE_MS);
    const { rows: claimed } = await sql<{ id: number; provider_message_id: string }>`
      update sms_messages s set status_checked_at = ${at}
      where s.id in (
        select id from sms_messages
        where direction = 'outbound' and status = 'sent' and provider_message_id is not null
          and (status_checked_at is null or status_checked_at < ${dueBefore})
          and coalesce(sent_at, created_at) > ${sentAfter}
        order by status_checked_at nulls first, id
        limit ${batchSize}
        for update skip locked)
      and s.status = 'sent'
      returning s.id, s.provider_message_id`.execute(deps.db);
    if (claimed.length === 0) break;
    // Kavenegar's ids are numbers; a row whose id is not (written by hand) is never asked about
    const askable = claimed.filter((r) => /^\d{1,19}$/.test(r.provider_message_id));
    if (askable.length === 0) continue;
    let entries;
    try {
      entries = await deps.client.status(askable.map((r) => r.provider_message_id));
    } catch (e) {
      if (e instanceof KavenegarError) {
        out.stoppedBy = e;
        break;
      }
      throw e;
    }
    out.asked += askable.length;
    const byProviderId = new Map(askable.map((r) => [r.provider_message_id, r.id]));
    const ids: number[] = [];
    const codes: number[] = [];
    const statuses: string[] = [];
    for (const e of entries) {
      const id = byProviderId.get(e.messageid);
      if (id === undefined) continue;
      ids.push(id);
      codes.push(e.status);
      statuses.push(smsStatusFromProvider(e.status) ?? "sent");
    }
    if (ids.length === 0) continue;
    const { rows: changed } = await sql<{ id: number }>`
      update sms_messages s
      set provider_status = u.code,
          status = u.status,
          status_at = case when u.status <> s.status then ${at}::timestamptz else s.status_at end,
          delivered_at = case when u.status = 'delivered' then coalesce(s.delivered_at, ${at}::timestamptz) else s.delivered_at end
      from unnest(${ids}::bigint[], ${codes}::smallint[], ${statuses}::text[]) as u(id, code, status)
      where s.id = u.id and s.status = 'sent'
      returning case when u.status <> 'sent' then s.id end as id`.execute(deps.db);
    out.changed += changed.filter((r) => r.id !== null).length;
  }
  return out;
}

export function smsPollStatusTask(deps: SmsPollDeps): Task {
  return async (_payload, helpers) => {
    const stuck = await recoverStuckSms(deps.db);
    if (stuck.failed.length) helpers.logger.warn(`sms__poll_status: ${stuck.failed.length} stuck messages marked failed (${stuck.failed.join(", ")})`);
    if (stuck.requeued.length) helpers.logger.info(`sms__poll_status: ${stuck.requeued.length} messages with no send job queued again`);
    const r = await pollSmsStatus(deps);
    if (r.stoppedBy) helpers.logger.warn(`sms__poll_status: stopped after ${r.asked} messages: ${r.stoppedBy.message}`);
    else if (r.asked > 0) helpers.logger.debug(`sms__poll_status: asked about ${r.asked} messages, ${r.changed} changed`);
  };
}
