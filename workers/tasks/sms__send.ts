/**
 * `sms__send` {smsId}: sends one outbound message of the outbox (services/outbox.ts), once.
 *
 * One idempotent step: a message already sent is done; before sending again (a previous attempt may have
 * reached Kavenegar and lost its answer, or the process died mid-send) Kavenegar is asked whether it has a
 * message with this localid (the row id), and if so that message is recorded instead of sending a second.
 * A permanent provider answer (bad number, bad key, no credit…) marks the message failed with the reason;
 * a retryable one (busy, timeout, network, circuit open) throws, so graphile-worker retries it with its
 * backoff while the row stays 'queued'.
 */
import { sql } from "kysely";
import type { Task } from "graphile-worker";
import { z } from "zod";
import type { DB } from "../../db/connection";
import { KavenegarError, type KavenegarClient } from "../../platform/kavenegar";

export const smsSendPayload = z.object({ smsId: z.number().int().positive() });

export interface SmsSendDeps {
  db: DB;
  client: KavenegarClient;
  /** KAVENEGAR_SENDER; unset: the account's default line */
  sender?: string;
}

export type SmsSendResult = "sent" | "already_sent" | "recovered" | "failed" | "not_found";

/** The step itself (tests call it directly); throws a KavenegarError when the send must be retried. */
export async function sendQueuedSms(deps: SmsSendDeps, smsId: number, now: () => Date = () => new Date()): Promise<SmsSendResult> {
  const { db, client } = deps;
  // Count the attempt before it is made (committed): a process killed mid-send leaves attempts > 0,
  // and the next attempt asks Kavenegar before sending.
  const row = await db
    .updateTable("sms_messages")
    .set({ attempts: sql`attempts + 1` })
    .where("id", "=", smsId)
    .where("direction", "=", "outbound")
    .where("status", "in", ["queued", "sending"])
    .returning(["id", "receptor", "body", "sender", "attempts"])
    .executeTakeFirst();
  if (!row) {
    const exists = await db.selectFrom("sms_messages").select("status").where("id", "=", smsId).executeTakeFirst();
    return exists ? "already_sent" : "not_found";
  }
  const localid = String(row.id);
  try {
    if (row.attempts > 1) {
      const [found] = await client.statusByLocalId([localid]);
      if (found?.messageid) {
        await markSent(db, row.id, found.messageid, found.delivery === "delivered" ? "delivered" : "sent", now());
        return "recovered";
      }
    }
    const sent = await client.send({
      receptor: row.receptor,
      message: row.body,
      sender: row.sender ?? deps.sender,
      localid,
    });
    await markSent(db, row.id, sent.messageid, "sent", now());
    return "sent";
  } catch (e) {
    if (e instanceof KavenegarError && e.outcome === "permanent") {
      await db
        .updateTable("sms_messages")
        .set({ status: "failed", last_error: e.message.slice(0, 500) })
        .where("id", "=", row.id)
        .where("status", "in", ["queued", "sending"])
        .execute();
      return "failed";
    }
    if (e instanceof Error) {
      await db.updateTable("sms_messages").set({ last_error: e.message.slice(0, 500) }).where("id", "=", row.id).execute();
    }
    throw e;
  }
}

async function markSent(db: DB, id: number, providerMessageId: string, status: "sent" | "delivered", at: Date) {
  await db
    .updateTable("sms_messages")
    .set({
      status,
      provider_message_id: providerMessageId,
      sent_at: at,
      last_error: null,
      ...(status === "delivered" ? { delivered_at: at } : {}),
    })
    .where("id", "=", id)
    .where("status", "in", ["queued", "sending"])
    .execute();
}

export function smsSendTask(deps: SmsSendDeps): Task {
  return async (payload, helpers) => {
    const parsed = smsSendPayload.safeParse(payload);
    if (!parsed.success) {
      // a malformed payload never becomes valid: log it and let the job end
      helpers.logger.error(`sms__send: invalid payload ${JSON.stringify(payload)?.slice(0, 200)}`);
      return;
    }
    const result = await sendQueuedSms(deps, parsed.data.smsId);
    if (result === "failed") helpers.logger.warn(`sms ${parsed.data.smsId}: failed permanently (see sms_messages.last_error)`);
  };
}
