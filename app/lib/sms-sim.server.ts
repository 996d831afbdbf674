import { z } from "zod";
import { logger } from "../../platform/logger";

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

export type SimResult<T> = { ok: true; value: T } | { ok: false; url: string };

async function call<T>(base: string, path: string, schema: z.ZodType<T>, init?: RequestInit): Promise<SimResult<T>> {
  try {
    const res = await fetch(`${base}${path}`, { ...init, signal: AbortSignal.timeout(3000) });
    const body: unknown = await res.json();
    if (!res.ok) {
      log.warn(`the Kavenegar simulator answered ${res.status} to ${path}`);
      return { ok: false, url: base };
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      log.warn(`the Kavenegar simulator's answer to ${path} is not what its control API documents`);
      return { ok: false, url: base };
    }
    return { ok: true, value: parsed.data };
  } catch (err) {
    log.warn(`the Kavenegar simulator at ${base} does not answer: ${(err as Error).message}`);
    return { ok: false, url: base };
  }
}

/** The simulated phones, the most recently active first. */
export async function simPhones(base: string): Promise<SimResult<SimPhone[]>> {
  const r = await call(base, "/sim/numbers", z.array(PhoneSchema));
  return r.ok ? { ok: true, value: r.value.slice(0, MAX_PHONES) } : r;
}

/** A phone's messages (what it received and what it sent), newest first. `number` is 09… (validated by the caller). */
export async function simInbox(base: string, number: string): Promise<SimResult<SimInboxMessage[]>> {
  const r = await call(base, `/sim/messages?${new URLSearchParams({ number })}`, z.array(MessageSchema));
  if (!r.ok) return r;
  const newestFirst = [...r.value].sort((a, b) => b.date - a.date || b.messageid - a.messageid);
  return { ok: true, value: newestFirst.slice(0, MAX_MESSAGES) };
}

/** A customer's SMS to the service line, kept by the simulator until `sms/receive` hands it out. */
export async function simSendInbound(base: string, from: string, message: string): Promise<SimResult<{ messageid: number }>> {
  return call(base, "/sim/inbound", z.object({ messageid: z.number() }), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ from, message }),
  });
}
