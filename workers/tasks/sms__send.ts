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
 */
import { sql } from "kysely";
import type { Task } from "graphile-worker";
import { z } from "zod";
import { smsSenderFor, smsStatusFromProvider, type SmsSenderLines } from "../../core/sms";
import type { DB } from "../../db/connection";
import { KavenegarError, type KavenegarClient } from "../../platform/kavenegar";
import { SMS_SEND_TASK, smsJobKey } from "../../services/outbox";

export const smsSendPayload = z.object({ smsId: z.number().int().positive() });

export interface SmsSendDeps {
  db: DB;
  client: KavenegarClient;
  /** which line sends which purpose; default: none configured (Kavenegar's account default line) */
  lines?: SmsSenderLines;
}

export type SmsSendResult =
  | { result: "sent" | "already_sent" | "recovered" | "failed" | "not_found" }
  /** the circuit breaker refused the call: nothing was sent; try again in `retryInMs` */
  | { result: "deferred"; retryInMs: number };

const NO_LINES: SmsSenderLines = { byPurpose: {} };

/** The step itself (tests call it directly); throws a KavenegarError when the send must be retried. */
export async function sendQueuedSms(deps: SmsSendDeps, smsId: number, now: () => Date = () => new Date()): Promise<SmsSendResult> {
  const { db, client } = deps;
  // Claim and count the attempt before it is made (committed): a process killed mid-send leaves the row
  // 'sending' with attempts > 0, and the next attempt asks Kavenegar before sending.
  const row = await db
    .updateTable("sms_messages")
    .set({ attempts: sql`attempts + 1`, status: "sending", status_at: now() })
    .where("id", "=", smsId)
    .where("direction", "=", "outbound")
    .where("status", "in", ["queued", "sending"])
    .returning(["id", "receptor", "body", "sender", "purpose", "attempts"])
    .executeTakeFirst();
  if (!row) {
    const exists = await db.selectFrom("sms_messages").select("status").where("id", "=", smsId).executeTakeFirst();
    return { result: exists ? "already_sent" : "not_found" };
  }
  const localid = String(row.id);
  try {
    if (row.attempts > 1) {
      const [found] = await client.statusByLocalId([localid]);
      if (found?.messageid) {
        await markAccepted(db, row.id, found.messageid, found.status, now());
        return { result: "recovered" };
      }
    }
    const sent = await client.send({
      receptor: row.receptor,
      message: row.body,
      sender: smsSenderFor(row, deps.lines ?? NO_LINES),
      localid,
    });
    await markAccepted(db, row.id, sent.messageid, sent.status, now());
    return { result: "sent" };
  } catch (e) {
    if (e instanceof KavenegarError && e.outcome === "permanent") {
      await db
        .updateTable("sms_messages")
        .set({ status: "failed", status_at: now(), last_error: e.message.slice(0, 500) })
        .where("id", "=", row.id)
        .where("status", "=", "sending")
        .execute();
      return { result: "failed" };
    }
    const refused = e instanceof KavenegarError && e.failure === "circuit_open";
    await db
      .updateTable("sms_messages")
      .set({
        status: "queued",
        status_at: now(),
        // refused by the breaker: this attempt never reached Kavenegar, so it does not count
        ...(refused ? { attempts: sql`greatest(attempts - 1, 0)` } : { last_error: e instanceof Error ? e.message.slice(0, 500) : String(e) }),
      })
      .where("id", "=", row.id)
      .where("status", "=", "sending")
      .execute();
    if (refused) return { result: "deferred", retryInMs: (e as KavenegarError).retryInMs ?? 0 };
    throw e;
  }
}

/** Kavenegar has the message: its id, and the status its answer gave (1 queued → 'sent'; 14 → 'blocked'…). */
async function markAccepted(db: DB, id: number, providerMessageId: string, providerStatus: number, at: Date) {
  const status = smsStatusFromProvider(providerStatus) ?? "sent";
  await db
    .updateTable("sms_messages")
    .set({
      status,
      status_at: at,
      provider_message_id: providerMessageId,
      provider_status: providerStatus,
      sent_at: at,
      last_error: null,
      ...(status === "delivered" ? { delivered_at: at } : {}),
    })
    .where("id", "=", id)
    .where("status", "=", "sending")
    .execute();
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
