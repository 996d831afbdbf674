import { z } from "zod";
import type { DB } from "../../db/connection";
import { addJob } from "../../db/job-queue";
import { logger } from "../../platform/logger";
import { simControl, type SimResult } from "./sim-control.server";

const log = logger("dev-sms");

/*
 * The dev inbox page's only way to the Kavenegar simulator: its HTTP control API (/sim/numbers,
 * /sim/messages, /sim/inbound; workers/README.md), at the address the server is configured with
 * (env.kavenegarSimUrl). Never the simulator's module memory: it may be another process. Its answers are
 * outside input, so they are validated here; anything unexpected reads as "the simulator is unreachable".
 */

/** At most this many phones and messages are shown. */
const MAX_PHONES = 50;
const MAX_MESSAGES = 100;

const PhoneSchema = z.object({ number: z.string(), received: z.number(), sent: z.number(), lastAt: z.number() });
const MessageSchema = z.object({
  messageid: z.number(),
  direction: z.enum(["outbound", "inbound"]),
  sender: z.string(),
  receptor: z.string(),
  message: z.string(),
  date: z.number(),
  /** Kavenegar's delivery status number (50 for an inbound message); its Persian `statustext` is not shown */
  status: z.number(),
  statustext: z.string(),
});

export type SimPhone = z.infer<typeof PhoneSchema>;
export type SimInboxMessage = z.infer<typeof MessageSchema>;

const SMS_SIM = { name: "Kavenegar simulator", log };

/** The simulated phones, the most recently active first. */
export async function simPhones(base: string): Promise<SimResult<SimPhone[]>> {
  const r = await simControl(SMS_SIM, base, "/sim/numbers", z.array(PhoneSchema));
  return r.ok ? { ok: true, value: r.value.slice(0, MAX_PHONES) } : r;
}

/** A phone's messages (what it received and what it sent), newest first. `number` is 09… (validated by the caller). */
export async function simInbox(base: string, number: string): Promise<SimResult<SimInboxMessage[]>> {
  const r = await simControl(SMS_SIM, base, `/sim/messages?${new URLSearchParams({ number })}`, z.array(MessageSchema));
  if (!r.ok) return r;
  const newestFirst = [...r.value].sort((a, b) => b.date - a.date || b.messageid - a.messageid);
  return { ok: true, value: newestFirst.slice(0, MAX_MESSAGES) };
}

/** A customer's SMS to the service line, kept by the simulator until `sms/receive` hands it out. */
export async function simSendInbound(base: string, from: string, message: string): Promise<SimResult<{ messageid: number }>> {
  return simControl(SMS_SIM, base, "/sim/inbound", z.object({ messageid: z.number() }), { from, message });
}

/**
 * Asks the workers to read the service line now (the sms__poll_inbound cron job, moved to now under its own
 * key) instead of within the minute: a newcomer who texts from /dev/sms (a survey digit, a warranty card code)
 * sees the answer in a few seconds.
 */
export async function pollInboundSoon(db: DB): Promise<void> {
  await addJob(db, "sms__poll_inbound", {}, { jobKey: "sms-poll-inbound", jobKeyMode: "replace" });
}
