/**
 * The simulated Kavenegar account: every message sent and received, delivery statuses that move on with
 * time, templates for verify/lookup. Answers each API method the way Kavenegar does — the same entry
 * fields, status numbers and return codes (core/sms.ts lists them, with the documentation they come from).
 */
import { countSmsParts, KAVENEGAR_DELIVERY_TEXT } from "../../core/sms";

export interface SimMessage {
  messageid: number;
  direction: "outbound" | "inbound";
  /** the caller's localid (outbound through sms/send), null otherwise */
  localid: string | null;
  sender: string;
  receptor: string;
  message: string;
  /** unix seconds, as Kavenegar reports it */
  date: number;
  /** ms; outbound: when it was accepted (or is scheduled for) */
  at: number;
  cost: number;
  /** outbound: sms/send or verify/lookup (with its template) */
  via: "send" | "lookup" | "inbound";
  template: string | null;
  /** outbound: the number is on the operators' opt-out list (ends as 14, blocked) */
  blocked: boolean;
  /** a status set through the control API, overriding the timeline */
  forcedStatus: number | null;
  /** inbound: already returned by sms/receive with isread=0 */
  read: boolean;
}

export class ApiFailure extends Error {
  constructor(readonly status: number) {
    super(String(status));
  }
}

export interface StoreOptions {
  /** the account's default line (used when `sender` is omitted; inbound messages arrive on it by default) */
  defaultSender: string;
  /** lines `sender` may name; undefined: any 3–20 digit line */
  senders?: readonly string[];
  /** 09… numbers on the opt-out list: their messages end as 14 (blocked) */
  blockedNumbers: readonly string[];
  /** ms from acceptance to the final status (half of it queued, half handed to the operator) */
  deliveryMs: number;
  /** verify/lookup templates: name → text with %token, %token2, %token3 */
  templates: Readonly<Record<string, string>>;
  now: () => number;
}

/** Kavenegar's accepted receptor forms (Latin digits only) → 09XXXXXXXXX, or null. */
export function simReceptor(input: string): string | null {
  const m = /^(?:\+98|0098|98|0)?(9\d{9})$/.exec(input.trim());
  return m ? `0${m[1]}` : null;
}

/** The longest text the simulator accepts in one request (Kavenegar refuses over-long texts with 413). */
export const MAX_MESSAGE_CHARS = 1000;
const MAX_RECEPTORS = 200;
const MAX_IDS = 500;
const RECEIVE_PAGE = 100;
/** Rials per part, roughly a Persian SMS on a public line. */
const COST_PER_PART = 1_200;

export interface SendEntry {
  messageid: number;
  message: string;
  status: number;
  statustext: string;
  sender: string;
  receptor: string;
  date: number;
  cost: number;
}

/**
 * The first message id of a simulator's life, from the clock (100 ids a millisecond), as Kavenegar's ids only
 * ever grow: a simulator started again never hands out an id an earlier one gave. The database keeps those ids
 * (sms_messages.provider_message_id is unique): a dev server started again on the same data, with the
 * simulator counting from a fixed number, failed every send with a duplicate key.
 */
export function firstMessageId(nowMs = Date.now()): number {
  return nowMs * 100;
}

export class SimStore {
  /** how many sms/send receptors were answered with an earlier message (a repeated localid) */
  repeatedLocalIds = 0;
  private readonly all: SimMessage[] = [];
  private readonly byLocalId = new Map<string, SimMessage>();
  private readonly byId = new Map<number, SimMessage>();
  private nextId = firstMessageId();

  constructor(private readonly opts: StoreOptions) {}

  reset(): void {
    this.repeatedLocalIds = 0;
    this.all.length = 0;
    this.byLocalId.clear();
    this.byId.clear();
  }

  messages(): SimMessage[] {
    return [...this.all];
  }

  /** The current Kavenegar status number of a message. */
  statusOf(m: SimMessage): number {
    if (m.direction === "inbound") return 50;
    if (m.forcedStatus !== null) return m.forcedStatus;
    const elapsed = this.opts.now() - m.at;
    if (elapsed < 0) return 2;
    if (elapsed < this.opts.deliveryMs / 2) return 1;
    if (elapsed < this.opts.deliveryMs) return 5;
    return m.blocked ? 14 : 10;
  }

  entry(m: SimMessage): SendEntry {
    const status = this.statusOf(m);
    return {
      messageid: m.messageid,
      message: m.message,
      status,
      statustext: KAVENEGAR_DELIVERY_TEXT[status] ?? "",
      sender: m.sender,
      receptor: m.receptor,
      date: m.date,
      cost: m.cost,
    };
  }

  find(ref: { messageid?: number; localid?: string }): SimMessage | undefined {
    if (ref.messageid !== undefined) return this.byId.get(ref.messageid);
    if (ref.localid !== undefined) return this.byLocalId.get(ref.localid);
    return undefined;
  }

  private sender(raw: string | undefined): string {
    const sender = raw?.trim() || this.opts.defaultSender;
    if (!/^\d{3,20}$/.test(sender)) throw new ApiFailure(412);
    if (this.opts.senders && !this.opts.senders.includes(sender)) throw new ApiFailure(412);
    return sender;
  }

  private store(m: Omit<SimMessage, "messageid">): SimMessage {
    const stored = { ...m, messageid: this.nextId++ };
    this.all.push(stored);
    this.byId.set(stored.messageid, stored);
    if (stored.localid !== null) this.byLocalId.set(stored.localid, stored);
    return stored;
  }

  /** sms/send: one message per receptor; a localid already used returns that message and sends nothing. */
  send(p: URLSearchParams): SendEntry[] {
    const receptorRaw = p.get("receptor")?.trim();
    const message = p.get("message") ?? "";
    if (!receptorRaw || !message.trim()) throw new ApiFailure(406);
    if (message.length > MAX_MESSAGE_CHARS) throw new ApiFailure(413);
    const receptors = receptorRaw.split(",").map((r) => r.trim());
    if (receptors.length > MAX_RECEPTORS) throw new ApiFailure(414);
    const normalized = receptors.map(simReceptor);
    if (normalized.some((r) => r === null)) throw new ApiFailure(411);
    const sender = this.sender(p.get("sender") ?? undefined);
    const localidRaw = p.get("localid")?.trim();
    const localids = localidRaw ? localidRaw.split(",").map((l) => l.trim()) : [];
    if (localids.length > 0 && localids.length !== receptors.length) throw new ApiFailure(419);
    if (localids.some((l) => !/^\d{1,19}$/.test(l))) throw new ApiFailure(400);
    const dateRaw = p.get("date")?.trim();
    const now = this.opts.now();
    let at = now;
    if (dateRaw && dateRaw !== "0") {
      if (!/^\d{1,12}$/.test(dateRaw)) throw new ApiFailure(417);
      at = Math.max(now, Number(dateRaw) * 1000);
    }
    return (normalized as string[]).map((receptor, i) => this.outbound({ receptor, sender, message, localid: localids[i] ?? null, at }));
  }

  /**
   * sms/sendarray: receptor, sender and message are JSON arrays of one length (419 otherwise), at most 200
   * (414); localmessageids, when given, a JSON array of numbers of the same length. The request is checked
   * whole before anything is sent: one bad receptor (411) or line (412) refuses it all, as Kavenegar does.
   */
  sendArray(p: URLSearchParams): SendEntry[] {
    const array = (name: string, required: boolean): unknown[] | null => {
      const raw = p.get(name)?.trim();
      if (!raw) {
        if (required) throw new ApiFailure(406);
        return null;
      }
      let v: unknown;
      try {
        v = JSON.parse(raw);
      } catch {
        throw new ApiFailure(400);
      }
      if (!Array.isArray(v)) throw new ApiFailure(400);
      return v;
    };
    const receptors = array("receptor", true)!;
    const senders = array("sender", true)!;
    const messages = array("message", true)!;
    // localmessageids as numbers; the raw text keeps ids past 2^53 exact
    const localRaw = p.get("localmessageids")?.trim();
    const localids = localRaw ? (/^\[\s*\d{1,19}(\s*,\s*\d{1,19})*\s*\]$/.test(localRaw) ? localRaw.slice(1, -1).split(",").map((l) => l.trim()) : null) : [];
    if (localids === null) throw new ApiFailure(400);
    const n = receptors.length;
    if (n === 0) throw new ApiFailure(406);
    if (n > MAX_RECEPTORS) throw new ApiFailure(414);
    if (senders.length !== n || messages.length !== n || (localids.length > 0 && localids.length !== n)) throw new ApiFailure(419);
    const items = receptors.map((r, i) => {
      const message = messages[i];
      if (typeof r !== "string" || typeof message !== "string" || !message.trim()) throw new ApiFailure(406);
      if (message.length > MAX_MESSAGE_CHARS) throw new ApiFailure(413);
      const receptor = simReceptor(r);
      if (!receptor) throw new ApiFailure(411);
      const rawSender = senders[i];
      if (typeof rawSender !== "string" && typeof rawSender !== "number") throw new ApiFailure(412);
      return { receptor, sender: this.sender(String(rawSender)), message, localid: localids[i] ?? null };
    });
    const dateRaw = p.get("date")?.trim();
    const now = this.opts.now();
    let at = now;
    if (dateRaw && dateRaw !== "0") {
      if (!/^\d{1,12}$/.test(dateRaw)) throw new ApiFailure(417);
      at = Math.max(now, Number(dateRaw) * 1000);
    }
    return items.map((it) => this.outbound({ ...it, at }));
  }

  /** One outbound message of sms/send or sms/sendarray; a localid used before returns that message and sends nothing. */
  private outbound(o: { receptor: string; sender: string; message: string; localid: string | null; at: number }): SendEntry {
    const earlier = o.localid === null ? undefined : this.byLocalId.get(o.localid);
    if (earlier) {
      this.repeatedLocalIds++;
      return this.entry(earlier);
    }
    const m = this.store({
      direction: "outbound",
      localid: o.localid,
      sender: o.sender,
      receptor: o.receptor,
      message: o.message,
      date: Math.floor(o.at / 1000),
      at: o.at,
      cost: countSmsParts(o.message).parts * COST_PER_PART,
      via: "send",
      template: null,
      blocked: this.opts.blockedNumbers.includes(o.receptor),
      forcedStatus: null,
      read: false,
    });
    return this.entry(m);
  }

  /** verify/lookup: the template's text with the tokens put in, sent from a service line. */
  lookup(p: URLSearchParams): SendEntry[] {
    const receptor = simReceptor(p.get("receptor") ?? "");
    const template = p.get("template")?.trim();
    const token = p.get("token") ?? "";
    if (!p.get("receptor") || !template || !token) throw new ApiFailure(406);
    if (!receptor) throw new ApiFailure(411);
    const text = this.opts.templates[template];
    if (text === undefined) throw new ApiFailure(424);
    const type = p.get("type")?.trim() || "sms";
    if (type !== "sms" && type !== "call") throw new ApiFailure(400);
    if (type === "call") throw new ApiFailure(428);
    const tokens: Record<string, string> = { token };
    for (const name of ["token2", "token3"]) {
      const v = p.get(name);
      if (v) tokens[name] = v;
    }
    // Kavenegar refuses tokens with spaces (and over 100 characters): 431
    for (const v of Object.values(tokens)) if (/\s/.test(v) || v.length > 100) throw new ApiFailure(431);
    let message = text;
    for (const name of ["token3", "token2", "token"]) {
      const v = tokens[name];
      if (v !== undefined) {
        if (!message.includes(`%${name}`)) throw new ApiFailure(432);
        message = message.split(`%${name}`).join(v);
      }
    }
    const now = this.opts.now();
    const m = this.store({
      direction: "outbound",
      localid: null,
      sender: this.opts.defaultSender,
      receptor,
      message,
      date: Math.floor(now / 1000),
      at: now,
      cost: countSmsParts(message).parts * COST_PER_PART,
      via: "lookup",
      template,
      blocked: false, // a service line reaches numbers on the opt-out list
      forcedStatus: null,
      read: false,
    });
    return [this.entry(m)];
  }

  private ids(raw: string | null, pattern: RegExp): string[] {
    const list = (raw ?? "").split(",").map((s) => s.trim()).filter(Boolean);
    if (list.length === 0) throw new ApiFailure(406);
    if (list.length > MAX_IDS) throw new ApiFailure(414);
    if (list.some((s) => !pattern.test(s))) throw new ApiFailure(400);
    return list;
  }

  /** sms/status: an unknown id gets status 100. */
  status(p: URLSearchParams): { messageid: number; status: number; statustext: string }[] {
    return this.ids(p.get("messageid"), /^\d{1,19}$/).map((raw) => {
      const m = this.byId.get(Number(raw));
      const status = m && m.direction === "outbound" ? this.statusOf(m) : 100;
      return { messageid: Number(raw), status, statustext: KAVENEGAR_DELIVERY_TEXT[status] ?? "" };
    });
  }

  /** sms/statuslocalmessageid: an unknown localid gets status 100 and messageid 0. */
  statusByLocalId(p: URLSearchParams): { messageid: number; localid: string; status: number; statustext: string }[] {
    return this.ids(p.get("localid"), /^\d{1,19}$/).map((localid) => {
      const m = this.byLocalId.get(localid);
      const status = m ? this.statusOf(m) : 100;
      return { messageid: m?.messageid ?? 0, localid, status, statustext: KAVENEGAR_DELIVERY_TEXT[status] ?? "" };
    });
  }

  /** sms/receive: messages to the line with the asked read state, at most 100; isread=0 marks them read. */
  receive(p: URLSearchParams): { messageid: number; message: string; sender: string; receptor: string; date: number }[] {
    const line = p.get("linenumber")?.trim();
    if (!line) throw new ApiFailure(406);
    if (!/^\d{3,20}$/.test(line)) throw new ApiFailure(400);
    const isreadRaw = p.get("isread")?.trim() ?? "0";
    if (isreadRaw !== "0" && isreadRaw !== "1") throw new ApiFailure(400);
    const isread = isreadRaw === "1";
    const found = this.all
      .filter((m) => m.direction === "inbound" && m.receptor === line && m.read === isread)
      .slice(0, RECEIVE_PAGE);
    if (!isread) for (const m of found) m.read = true;
    return found.map((m) => ({ messageid: m.messageid, message: m.message, sender: m.sender, receptor: m.receptor, date: m.date }));
  }

  /** A customer's phone sends an SMS to one of our lines. */
  inbound(from: string, to: string | undefined, message: string): SimMessage {
    const now = this.opts.now();
    return this.store({
      direction: "inbound",
      localid: null,
      sender: simReceptor(from) ?? from,
      receptor: to ?? this.opts.defaultSender,
      message,
      date: Math.floor(now / 1000),
      at: now,
      cost: 0,
      via: "inbound",
      template: null,
      blocked: false,
      forcedStatus: null,
      read: false,
    });
  }
}
