/**
 * `sms__poll_inbound` (crontab, every minute; job key `sms-poll-inbound`): reads the SMS customers sent to our
 * line (Kavenegar `sms/receive`) and stores each once (services/satisfaction.ts receiveInboundSms: unique on the
 * provider's message id), matched to the customer by number and to their latest ticket; a digit replying to a
 * pending SMS survey records the score.
 *
 * `sms/receive` with isread=0 marks what it returns as read, so a poll that died after reading and before
 * storing would lose those messages; each poll therefore also reads the latest read messages (isread=1) and
 * stores any it does not have yet.
 *
 * A message that carries a warranty card code (core/warranty-card.ts parseCardCode: one run of 16 digits) goes
 * to services/warranty-cards.ts receiveWarrantySms instead (activation or check, and the reply SMS); survey
 * replies (one digit) and every other text go on as before.
 */
import type { Task } from "graphile-worker";
import type { DB } from "../../db/connection";
import type { KavenegarClient, ReceivedMessage } from "../../platform/kavenegar";
import { parseCardCode } from "../../core/warranty-card";
import { receiveInboundSms } from "../../services/satisfaction";
import { receiveWarrantySms } from "../../services/warranty-cards";
import { cronPayload } from "./satisfaction__sweep";

export interface PollInboundDeps {
  db: DB;
  client: KavenegarClient;
  /** the line to read (env.smsInboundLine); null: nothing to poll */
  line: string | null;
  /** env.warrantyCodeSecret: card codes texted to the line are looked up by their keyed hash (unset: no card handling) */
  warrantyCodeSecret?: string;
}

export async function pollInboundSms(deps: PollInboundDeps): Promise<{ received: number; stored: number; scored: number; cards: number }> {
  if (!deps.line) return { received: 0, stored: 0, scored: 0, cards: 0 };
  const unread = await deps.client.receive(deps.line, false);
  const read = await deps.client.receive(deps.line, true);
  const seen = new Set<string>();
  const messages: ReceivedMessage[] = [];
  for (const m of [...unread, ...read]) {
    if (seen.has(m.messageid)) continue;
    seen.add(m.messageid);
    messages.push(m);
  }
  let stored = 0;
  let scored = 0;
  let cards = 0;
  for (const m of messages) {
    const msg = {
      messageId: m.messageid,
      from: m.sender,
      to: m.receptor,
      text: m.message,
      receivedAt: Number.isFinite(m.date) && m.date > 0 ? new Date(m.date * 1000) : new Date(),
    };
    if (deps.warrantyCodeSecret && parseCardCode(m.message) !== null) {
      const r = await receiveWarrantySms(deps.db, deps.warrantyCodeSecret, msg);
      if (r.stored) {
        stored++;
        cards++;
      }
      continue;
    }
    const r = await receiveInboundSms(deps.db, msg);
    if (r.stored) stored++;
    if (r.score?.recorded) scored++;
  }
  return { received: messages.length, stored, scored, cards };
}

export function smsPollInboundTask(deps: PollInboundDeps): Task {
  let warned = false;
  return async (payload, helpers) => {
    if (!cronPayload.safeParse(payload ?? {}).success) {
      helpers.logger.error(`sms__poll_inbound: invalid payload ${JSON.stringify(payload)?.slice(0, 200)}`);
      return;
    }
    if (!deps.line) {
      if (!warned) helpers.logger.warn("inbound SMS are not polled: set KAVENEGAR_INBOUND_LINE (or KAVENEGAR_SENDER)");
      warned = true;
      return;
    }
    const r = await pollInboundSms(deps);
    if (r.stored) helpers.logger.info(`inbound SMS: ${r.stored} new, ${r.scored} survey replies scored, ${r.cards} warranty cards`);
  };
}
