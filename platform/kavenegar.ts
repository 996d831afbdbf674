/**
 * Our own small client for Kavenegar's REST API (https://kavenegar.com/rest.html), instead of the
 * `kavenegar` npm package (2.0.2 sends the API key over plain HTTP, has no timeout and reports errors
 * inconsistently).
 *
 *   POST {baseUrl}/{API-KEY}/{scope}/{method}.json   form-encoded parameters, over HTTPS
 *   → {"return":{"status":200,"message":"…"},"entries":[…]}
 *
 * An error answer has the same envelope with `return.status` ≠ 200 (and, from Kavenegar, the same number
 * as HTTP status). Every failure is thrown as a KavenegarError whose `outcome` says what to do with the
 * message: `permanent` (give up and show why) or `retry` (send again later — safe for `send`, because the
 * message's `localid` makes Kavenegar return the first message instead of sending a second one).
 *
 * The API key is part of the URL path: no error message, log line or thrown error carries the URL.
 */
import { z } from "zod";
import { toIranLocalMobile } from "../core/phone";
import {
  KAVENEGAR_OK,
  smsCodeText,
  smsDeliveryStatus,
  smsOutcome,
  type SmsDeliveryStatus,
  type SmsOutcome,
} from "../core/sms";
import type { CircuitBreaker } from "./circuit-breaker";

export const KAVENEGAR_DEFAULT_BASE_URL = "https://api.kavenegar.com/v1";

export interface KavenegarOptions {
  apiKey: string;
  /** default https://api.kavenegar.com/v1 */
  baseUrl?: string;
  /** per request, default 10 000 ms */
  timeoutMs?: number;
  /** refuses calls (as `retry`, failure `circuit_open`) while the provider is considered down */
  breaker?: CircuitBreaker;
}

/** Why a call failed. `provider`: Kavenegar answered with a non-200 `return.status` (in `code`). */
export type KavenegarFailure = "provider" | "http" | "timeout" | "network" | "protocol" | "circuit_open" | "invalid_request";

export class KavenegarError extends Error {
  override readonly name = "KavenegarError";
  constructor(
    message: string,
    readonly outcome: SmsOutcome,
    readonly failure: KavenegarFailure,
    /** Kavenegar's return.status (failure `provider`) or the HTTP status (failure `http`) */
    readonly code: number | null = null,
    /** circuit_open: how long until the provider is tried again */
    readonly retryInMs: number | null = null,
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------------------------------------------
// Entries as Kavenegar documents them (numbers may arrive as numeric strings: accept both)

const int = z.union([z.number().int(), z.string().regex(/^-?\d+$/).transform(Number)]);
const id = z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform(String);
const text = z.union([z.string(), z.number().transform(String)]);

const envelopeSchema = z.object({
  return: z.object({ status: int, message: text.nullish().transform((m) => m ?? "") }),
  entries: z.unknown().optional(),
});

const sentSchema = z.object({
  messageid: id,
  message: text,
  status: int,
  statustext: text.nullish(),
  sender: text.nullish(),
  receptor: text,
  date: int,
  cost: z.union([z.number(), z.string().regex(/^\d+(\.\d+)?$/).transform(Number)]).nullish(),
});
const statusSchema = z.object({ messageid: id, status: int, statustext: text.nullish() });
const localStatusSchema = z.object({
  messageid: id.nullish(),
  localid: text,
  status: int,
  statustext: text.nullish(),
});
const receivedSchema = z.object({ messageid: id, message: text, sender: text, receptor: text, date: int });

/** A message Kavenegar accepted (sms/send, verify/lookup). */
export interface SentMessage {
  messageid: string;
  message: string;
  /** Kavenegar's status number, and ours */
  status: number;
  delivery: SmsDeliveryStatus;
  statustext: string;
  sender: string;
  receptor: string;
  /** when it was accepted (unix seconds) */
  date: number;
  /** in rials, as Kavenegar bills it */
  cost: number;
}

export interface MessageStatus {
  messageid: string;
  status: number;
  delivery: SmsDeliveryStatus;
  statustext: string;
}

export interface LocalMessageStatus {
  localid: string;
  /** null when Kavenegar has no message with this localid (status 100, delivery `not_found`) */
  messageid: string | null;
  status: number;
  delivery: SmsDeliveryStatus;
  statustext: string;
}

export interface ReceivedMessage {
  messageid: string;
  message: string;
  /** the customer's number as Kavenegar gives it */
  sender: string;
  /** our line */
  receptor: string;
  date: number;
}

export interface SendRequest {
  /** an Iranian mobile in any form (Persian digits, +98…): sent as 09… */
  receptor: string;
  message: string;
  /** the sender line; omitted: the account's default line */
  sender?: string;
  /** our sms_messages.id: a resend with the same localid returns the first message, never a second SMS */
  localid: string;
  /** unix seconds: scheduled send */
  date?: number;
  /** Kavenegar's `type` (for 3000-lines: where the message is stored on the phone) */
  type?: number;
}

export interface LookupRequest {
  receptor: string;
  template: string;
  token: string;
  token2?: string;
  token3?: string;
  /** sms (default) or call (the template read out by a voice call) */
  type?: "sms" | "call";
}

/** One message of an `sms/sendarray` request: every message names its sender line (Kavenegar requires it there). */
export interface SendArrayItem {
  receptor: string;
  message: string;
  sender: string;
  /** our sms_messages.id (Kavenegar's `localmessageids`): a resend returns the first message, never a second SMS */
  localid: string;
}

/** sms/sendarray: at most this many messages per request (Kavenegar's limit). */
export const KAVENEGAR_SENDARRAY_MAX = 200;

export interface KavenegarClient {
  send(req: SendRequest): Promise<SentMessage>;
  /**
   * sms/sendarray: different messages to different receptors from different lines in one request (1 to 200);
   * the answer's entries are in the order of the messages. The request is refused as a whole (one code for
   * all) or accepted as a whole.
   */
  sendArray(items: readonly SendArrayItem[]): Promise<SentMessage[]>;
  lookup(req: LookupRequest): Promise<SentMessage>;
  /** sms/status: up to 500 message ids */
  status(messageids: readonly string[]): Promise<MessageStatus[]>;
  /** sms/statuslocalmessageid: up to 500 localids; asks "did my message reach Kavenegar?" */
  statusByLocalId(localids: readonly string[]): Promise<LocalMessageStatus[]>;
  /** sms/receive: messages to `linenumber`; isread=false returns the unread ones and marks them read */
  receive(linenumber: string, isread?: boolean): Promise<ReceivedMessage[]>;
}

const MAX_IDS = 500;

function invalid(message: string): KavenegarError {
  return new KavenegarError(message, "permanent", "invalid_request");
}

function receptorOf(input: string): string {
  const r = toIranLocalMobile(input);
  if (!r) throw invalid(`not an Iranian mobile number: ${JSON.stringify(input.slice(0, 40))}`);
  return r;
}

function localIdOf(localid: string): string {
  if (!/^\d{1,19}$/.test(localid)) throw invalid("localid must be a number (the message's id)");
  return localid;
}

function idList(ids: readonly string[], what: string): string {
  if (ids.length === 0 || ids.length > MAX_IDS) throw invalid(`between 1 and ${MAX_IDS} ${what}s per request`);
  for (const i of ids) if (!/^\d{1,19}$/.test(i)) throw invalid(`${what} must be a number`);
  return ids.join(",");
}

function entriesArray(entries: unknown): unknown[] {
  if (entries === undefined || entries === null) return [];
  return Array.isArray(entries) ? entries : [entries];
}

export function createKavenegarClient(options: KavenegarOptions): KavenegarClient {
  const base = (options.baseUrl ?? KAVENEGAR_DEFAULT_BASE_URL).replace(/\/+$/, "");
  const timeoutMs = options.timeoutMs ?? 10_000;
  const keyPath = encodeURIComponent(options.apiKey);
  const breaker = options.breaker;

  /** One call: breaker → POST → envelope. Returns the entries of a 200 answer, throws KavenegarError otherwise. */
  async function call(method: string, params: Record<string, string | undefined>): Promise<unknown[]> {
    if (breaker) {
      const permit = breaker.request();
      if (!permit.allowed) {
        throw new KavenegarError("the SMS provider is considered down (circuit open)", "retry", "circuit_open", null, permit.retryInMs);
      }
    }
    try {
      const entries = await post(method, params);
      breaker?.success();
      return entries;
    } catch (e) {
      if (e instanceof KavenegarError && e.outcome === "retry") breaker?.failure();
      else breaker?.success(); // a permanent answer proves the provider is up
      throw e;
    }
  }

  async function post(method: string, params: Record<string, string | undefined>): Promise<unknown[]> {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) body.set(k, v);
    let res: Response;
    try {
      res = await fetch(`${base}/${keyPath}/${method}.json`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded; charset=utf-8", Accept: "application/json" },
        body: body.toString(),
        signal: AbortSignal.timeout(timeoutMs),
        redirect: "error",
      });
    } catch (e) {
      throw transportError(method, e);
    }
    let raw: string;
    try {
      raw = await res.text();
    } catch (e) {
      throw transportError(method, e);
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      json = undefined;
    }
    const parsed = envelopeSchema.safeParse(json);
    if (!parsed.success) {
      // no envelope: a proxy's or load balancer's page, or a truncated answer
      if (!res.ok) {
        throw new KavenegarError(`${method}: HTTP ${res.status} without a Kavenegar answer`, smsOutcome(res.status), "http", res.status);
      }
      throw new KavenegarError(`${method}: the answer is not Kavenegar's envelope`, "retry", "protocol");
    }
    const { status, message } = parsed.data.return;
    if (status !== KAVENEGAR_OK) {
      const why = message || smsCodeText(status, "en");
      throw new KavenegarError(`${method}: Kavenegar ${status}: ${why}`, smsOutcome(status), "provider", status);
    }
    return entriesArray(parsed.data.entries);
  }

  function transportError(method: string, e: unknown): KavenegarError {
    const name = e instanceof Error ? e.name : "";
    if (name === "TimeoutError" || name === "AbortError") {
      return new KavenegarError(`${method}: no answer within ${timeoutMs} ms`, "retry", "timeout");
    }
    // undici: TypeError("fetch failed") with the system error as cause (ECONNREFUSED, ECONNRESET, …); never the URL
    const cause = e instanceof Error ? (e.cause as { code?: unknown } | undefined) : undefined;
    const code = typeof cause?.code === "string" ? cause.code : name || "error";
    return new KavenegarError(`${method}: network error (${code})`, "retry", "network");
  }

  function parseEntries<T extends z.ZodTypeAny>(method: string, schema: T, entries: unknown[]): z.output<T>[] {
    const out = z.array(schema).safeParse(entries);
    if (!out.success) {
      throw new KavenegarError(`${method}: unexpected entries (${out.error.issues[0]?.message ?? "invalid"})`, "retry", "protocol");
    }
    return out.data;
  }

  function sent(method: string, entries: unknown[]): SentMessage {
    const [e] = sentList(method, entries);
    if (!e) throw new KavenegarError(`${method}: Kavenegar accepted the request but returned no message`, "retry", "protocol");
    return e;
  }

  function sentList(method: string, entries: unknown[]): SentMessage[] {
    return parseEntries(method, sentSchema, entries).map((e) => ({
      messageid: e.messageid,
      message: e.message,
      status: e.status,
      delivery: smsDeliveryStatus(e.status),
      statustext: e.statustext ?? "",
      sender: e.sender ?? "",
      receptor: e.receptor,
      date: e.date,
      cost: e.cost ?? 0,
    }));
  }

  return {
    async send(req) {
      if (!req.message) throw invalid("the message is empty");
      if (req.sender !== undefined && !/^\d{3,20}$/.test(req.sender)) throw invalid("the sender line must be digits");
      const entries = await call("sms/send", {
        receptor: receptorOf(req.receptor),
        message: req.message,
        sender: req.sender,
        localid: localIdOf(req.localid),
        date: req.date === undefined ? undefined : String(Math.floor(req.date)),
        type: req.type === undefined ? undefined : String(req.type),
      });
      return sent("sms/send", entries);
    },

    async sendArray(items) {
      if (items.length === 0 || items.length > KAVENEGAR_SENDARRAY_MAX) throw invalid(`between 1 and ${KAVENEGAR_SENDARRAY_MAX} messages per sendarray`);
      const receptors: string[] = [];
      for (const it of items) {
        if (!it.message) throw invalid("the message is empty");
        if (!/^\d{3,20}$/.test(it.sender)) throw invalid("the sender line must be digits");
        receptors.push(receptorOf(it.receptor));
        localIdOf(it.localid);
      }
      // Kavenegar reads each parameter as a JSON array; localmessageids are numbers (written as they are:
      // a bigint id may be past JavaScript's safe integers)
      const entries = await call("sms/sendarray", {
        receptor: JSON.stringify(receptors),
        sender: JSON.stringify(items.map((it) => it.sender)),
        message: JSON.stringify(items.map((it) => it.message)),
        localmessageids: `[${items.map((it) => it.localid).join(",")}]`,
      });
      const out = sentList("sms/sendarray", entries);
      if (out.length !== items.length) {
        throw new KavenegarError(`sms/sendarray: ${items.length} messages sent, ${out.length} entries returned`, "retry", "protocol");
      }
      return out;
    },

    async lookup(req) {
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(req.template)) throw invalid("the template name: letters, digits, _ and - only");
      if (!req.token) throw invalid("token is required");
      const entries = await call("verify/lookup", {
        receptor: receptorOf(req.receptor),
        template: req.template,
        token: req.token,
        token2: req.token2,
        token3: req.token3,
        type: req.type,
      });
      return sent("verify/lookup", entries);
    },

    async status(messageids) {
      const entries = await call("sms/status", { messageid: idList(messageids, "messageid") });
      return parseEntries("sms/status", statusSchema, entries).map((e) => ({
        messageid: e.messageid,
        status: e.status,
        delivery: smsDeliveryStatus(e.status),
        statustext: e.statustext ?? "",
      }));
    },

    async statusByLocalId(localids) {
      const entries = await call("sms/statuslocalmessageid", { localid: idList(localids, "localid") });
      return parseEntries("sms/statuslocalmessageid", localStatusSchema, entries).map((e) => {
        const delivery = smsDeliveryStatus(e.status);
        return {
          localid: e.localid,
          messageid: delivery === "not_found" || !e.messageid || e.messageid === "0" ? null : e.messageid,
          status: e.status,
          delivery,
          statustext: e.statustext ?? "",
        };
      });
    },

    async receive(linenumber, isread = false) {
      if (!/^\d{3,20}$/.test(linenumber)) throw invalid("the line number must be digits");
      const entries = await call("sms/receive", { linenumber, isread: isread ? "1" : "0" });
      return parseEntries("sms/receive", receivedSchema, entries);
    },
  };
}
