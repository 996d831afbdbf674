/**
 * The simulator's control API (/sim/…), for people, tests and the dev inbox page: the phones' side of the
 * world (each number's messages, a customer typing a reply) and how the provider misbehaves (fail the next
 * requests with a code, answer slowly, drop connections). Not part of Kavenegar and not authenticated (the
 * simulator listens on 127.0.0.1 by default). JSON in and out; every input is validated with zod, bad input
 * gets 400 with a message.
 */
import { z } from "zod";
import { KAVENEGAR_DELIVERY } from "../../core/sms";
import { MAX_MESSAGE_CHARS, simReceptor, type SimMessage, type SimStore } from "./store";

export interface ControlResult {
  status: number;
  body: unknown;
}

export interface Faults {
  /** HTTP/Kavenegar code and how many more API requests fail with it */
  failCode: number;
  failCount: number;
  latencyMs: number;
  drop: boolean;
}

const number = z
  .string()
  .trim()
  .regex(/^\+?\d{3,20}$/, "a phone number or line: digits, optionally a leading +");

export const InboundSchema = z
  .object({ from: number, to: number.optional(), message: z.string().min(1).max(MAX_MESSAGE_CHARS) })
  .strict();
export const FailSchema = z
  .object({
    code: z.number().int().min(400).max(599),
    count: z.number().int().min(1).max(100_000).default(1),
  })
  .strict();
export const LatencySchema = z.object({ ms: z.number().int().min(0).max(600_000) }).strict();
export const DropSchema = z.object({ drop: z.boolean() }).strict();
const deliveryCodes = Object.keys(KAVENEGAR_DELIVERY).map(Number).filter((c) => c !== 100);
export const DeliverySchema = z
  .object({
    messageid: z.number().int().positive().optional(),
    localid: z.string().regex(/^\d{1,19}$/, "digits").optional(),
    status: z.number().int().refine((s) => deliveryCodes.includes(s), `one of ${deliveryCodes.join(", ")}`),
  })
  .strict()
  .refine((d) => (d.messageid === undefined) !== (d.localid === undefined), "give either messageid or localid");

function bad(error: z.ZodError): ControlResult {
  const message = error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
  return { status: 400, body: { message } };
}

export interface MessageView {
  messageid: number;
  direction: "outbound" | "inbound";
  localid: string | null;
  sender: string;
  receptor: string;
  message: string;
  date: number;
  status: number;
  statustext: string;
  via: SimMessage["via"];
  template: string | null;
  read: boolean;
}

export interface ControlContext {
  store: SimStore;
  faults: Faults;
  view(m: SimMessage): MessageView;
}

/** The number a phone is known by in the inbox: a mobile as 09…, a line as given. */
function phoneKey(n: string): string {
  return simReceptor(n) ?? n.replace(/^\+/, "");
}

/** Serves one /sim request; `body` is the parsed JSON body (undefined when there was none). */
export function handleControl(ctx: ControlContext, method: string, url: URL, body: unknown): ControlResult {
  const parts = url.pathname.split("/").filter(Boolean); // ["sim", …]
  const { store, faults } = ctx;
  const route = `${method} /${parts.slice(1).join("/")}`;

  if (route === "GET /health") {
    return { status: 200, body: { status: "ok", messages: store.messages().length, repeatedLocalIds: store.repeatedLocalIds, faults } };
  }
  if (route === "GET /messages") {
    const numberRaw = url.searchParams.get("number");
    let list = store.messages();
    if (numberRaw !== null) {
      const parsed = number.safeParse(numberRaw);
      if (!parsed.success) return bad(parsed.error);
      const key = phoneKey(parsed.data);
      // a phone's inbox: what was sent to it and what it sent
      list = list.filter((m) => (m.direction === "outbound" ? m.receptor === key : phoneKey(m.sender) === key));
    }
    return { status: 200, body: list.map(ctx.view) };
  }
  if (route === "GET /numbers") {
    const phones = new Map<string, { number: string; received: number; sent: number; lastAt: number }>();
    for (const m of store.messages()) {
      const key = m.direction === "outbound" ? m.receptor : phoneKey(m.sender);
      const p = phones.get(key) ?? { number: key, received: 0, sent: 0, lastAt: 0 };
      if (m.direction === "outbound") p.received++;
      else p.sent++;
      p.lastAt = Math.max(p.lastAt, m.date);
      phones.set(key, p);
    }
    return { status: 200, body: [...phones.values()].sort((a, b) => b.lastAt - a.lastAt) };
  }
  if (route === "POST /inbound") {
    const parsed = InboundSchema.safeParse(body ?? {});
    if (!parsed.success) return bad(parsed.error);
    const m = store.inbound(parsed.data.from, parsed.data.to?.replace(/^\+/, ""), parsed.data.message);
    return { status: 201, body: ctx.view(m) };
  }
  if (route === "POST /fail") {
    const parsed = FailSchema.safeParse(body ?? {});
    if (!parsed.success) return bad(parsed.error);
    faults.failCode = parsed.data.code;
    faults.failCount = parsed.data.count;
    return { status: 200, body: { faults } };
  }
  if (route === "POST /latency") {
    const parsed = LatencySchema.safeParse(body ?? {});
    if (!parsed.success) return bad(parsed.error);
    faults.latencyMs = parsed.data.ms;
    return { status: 200, body: { faults } };
  }
  if (route === "POST /drop") {
    const parsed = DropSchema.safeParse(body ?? {});
    if (!parsed.success) return bad(parsed.error);
    faults.drop = parsed.data.drop;
    return { status: 200, body: { faults } };
  }
  if (route === "POST /delivery") {
    const parsed = DeliverySchema.safeParse(body ?? {});
    if (!parsed.success) return bad(parsed.error);
    const m = store.find(parsed.data);
    if (!m || m.direction !== "outbound") return { status: 404, body: { message: "no outbound message with this id" } };
    m.forcedStatus = parsed.data.status;
    return { status: 200, body: ctx.view(m) };
  }
  if (route === "POST /reset") {
    store.reset();
    Object.assign(faults, { failCode: 0, failCount: 0, latencyMs: 0, drop: false });
    return { status: 200, body: { status: "ok" } };
  }
  const known = ["health", "messages", "numbers", "inbound", "fail", "latency", "drop", "delivery", "reset"];
  if (parts.length === 2 && known.includes(parts[1] ?? "")) return { status: 405, body: { message: `method ${method} not allowed here` } };
  return { status: 404, body: { message: "unknown control path; see workers/README.md" } };
}
