import { z } from "zod";
import { toLatinDigits } from "../../core/digits";
import { normalizeIranMobile } from "../../core/phone";
import { logger } from "../../platform/logger";
import { simControl, type SimResult } from "./sim-control.server";

const log = logger("ari-sim-client");

/*
 * The web shell's only way to the built-in ARI simulator: its HTTP control API (/sim/…; telephony/README.md),
 * at the address the server itself is configured with (env.ariUrl, the simulator's when ARI_URL is unset;
 * nothing from the browser names it). Never the simulator's module memory: it may run in another process.
 * Used by the desk's "simulate incoming call" panel and by the simulated phones page (/dev/phones). Its
 * answers are outside input, validated here.
 */

/** The number callers dial (the simulator's "to"). */
export const HOTLINE = "02191001570";

export type SimCallResult = { ok: true; id: string } | Exclude<SimResult<never>, { ok: true }>;

/**
 * The "simulate incoming call" form (the desk's panel and /dev/phones): the caller's number — an Iranian
 * mobile in any of its forms (sent as 09…), or another number of 4 to 15 digits — the IVR key, and for a
 * follow-up (2) the ticket number, keyed after it with #.
 */
export const SimulatedCallForm = z
  .object({
    from: z
      .string()
      .transform((v) => toLatinDigits(v).replace(/[\s\-()]/g, ""))
      .pipe(z.string().regex(/^\+?[0-9]{4,15}$/))
      .transform((v) => {
        const m = normalizeIranMobile(v);
        return m ? `0${m.slice(3)}` : v;
      }),
    digit: z.enum(["", "1", "2", "3"]).default(""),
    ticketNumber: z
      .string()
      .default("")
      .transform((v) => toLatinDigits(v).trim())
      .pipe(z.string().regex(/^([1-9][0-9]{7})?$/)),
  })
  .transform(({ from, digit, ticketNumber }) => ({ from, digit, ticketNumber, dtmf: digit + (ticketNumber ? `${ticketNumber}#` : "") }));

/**
 * Asks the simulator to place an inbound call to the hotline (POST /sim/calls): the caller dials, then keys
 * `dtmf` in the IVR.
 */
export async function placeSimulatedCall(ariUrl: string, call: { from: string; dtmf: string }): Promise<SimCallResult> {
  const r = await request(ariUrl, "/sim/calls", z.object({ id: z.unknown() }), { from: call.from, to: HOTLINE, dtmf: call.dtmf });
  return r.ok ? { ok: true, id: String(r.value.id ?? "") } : r;
}

const ARI_SIM = { name: "ARI simulator", log };

function request<T>(base: string, path: string, schema: z.ZodType<T>, body?: unknown): Promise<SimResult<T>> {
  return simControl(ARI_SIM, base, path, schema, body);
}

const ChannelSchema = z.object({
  id: z.string(),
  name: z.string(),
  state: z.string(),
  creationtime: z.string(),
  direction: z.enum(["inbound", "outbound"]),
  in_stasis: z.boolean(),
  moh: z.string().nullable(),
  outside_number: z.string().nullable(),
  playing: z.string().nullable(),
});

/** A live call on a customer's phone, as the simulated phones page shows it. */
export interface SimPhoneCall {
  id: string;
  /** the customer's number */
  number: string;
  /** inbound: the customer called us; outbound: we called the customer */
  direction: "inbound" | "outbound";
  /** ringing: the customer's phone rings (not answered yet); up: the call is connected */
  state: "ringing" | "up";
  /** the sound the customer hears now (an Asterisk media URI), or null */
  playing: string | null;
  /** music on hold class while the customer waits, or null */
  moh: string | null;
  /** ARI creation time */
  since: string;
}

/** At most this many calls are shown. */
const MAX_CALLS = 50;

/** The live calls on customers' phones (channels through the trunk), newest first. */
export async function simPhoneCalls(ariUrl: string): Promise<SimResult<SimPhoneCall[]>> {
  const r = await request(ariUrl, "/sim/calls", z.array(ChannelSchema));
  if (!r.ok) return r;
  const calls: SimPhoneCall[] = r.value
    .filter((c) => c.outside_number !== null)
    .map((c) => ({
      id: c.id,
      number: c.outside_number ?? "",
      direction: c.direction,
      state: c.state === "Up" ? ("up" as const) : ("ringing" as const),
      playing: c.playing,
      moh: c.moh,
      since: c.creationtime,
    }))
    .sort((a, b) => (a.since < b.since ? 1 : a.since > b.since ? -1 : a.id < b.id ? 1 : -1));
  return { ok: true, value: calls.slice(0, MAX_CALLS) };
}

/** Hang-up causes the page sends (Q.850): a normal hang-up, the phone is busy, the call is rejected. */
export const HANGUP_CAUSE = { hangup: 16, busy: 17, reject: 21 } as const;

/** The customer picks up a ringing call. */
export function simAnswer(ariUrl: string, id: string) {
  return request(ariUrl, `/sim/calls/${encodeURIComponent(id)}/answer`, z.unknown(), {});
}

/** The customer hangs up (or, while it rings, declines it as busy or rejected). */
export function simHangup(ariUrl: string, id: string, cause: number) {
  return request(ariUrl, `/sim/calls/${encodeURIComponent(id)}/hangup`, z.unknown(), { cause });
}

/** The customer presses keys on the phone's keypad. */
export function simDtmf(ariUrl: string, id: string, digits: string) {
  return request(ariUrl, `/sim/calls/${encodeURIComponent(id)}/dtmf`, z.unknown(), { digits });
}

const TrunkSchema = z.object({ answer: z.enum(["auto", "never", "busy", "reject"]), afterMs: z.number() });

/** How customers' phones answer a call from us (GET /sim/trunk): at once, or ringing until answered by hand. */
export async function simTrunkAnswer(ariUrl: string): Promise<SimResult<"auto" | "never" | "busy" | "reject">> {
  const r = await request(ariUrl, "/sim/trunk", TrunkSchema);
  return r.ok ? { ok: true, value: r.value.answer } : r;
}

export async function simSetTrunkAnswer(ariUrl: string, answer: "auto" | "never") {
  return request(ariUrl, "/sim/trunk", TrunkSchema, { answer, afterMs: answer === "auto" ? 1500 : 300 });
}
