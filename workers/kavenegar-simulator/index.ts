/**
 * A Kavenegar simulator: an HTTP server with the part of Kavenegar's REST API the system uses, so the
 * real client (platform/kavenegar.ts) runs its production code path in development and tests.
 *
 *   /v1/{API-KEY}/sms/send.json                 receptor, message, sender, localid, date, type
 *   /v1/{API-KEY}/sms/sendarray.json            receptor, sender, message (JSON arrays of one length), localmessageids, date
 *   /v1/{API-KEY}/verify/lookup.json            receptor, template, token, token2, token3, type
 *   /v1/{API-KEY}/sms/status.json               messageid (comma-separated)
 *   /v1/{API-KEY}/sms/statuslocalmessageid.json localid (comma-separated)
 *   /v1/{API-KEY}/sms/receive.json              linenumber, isread
 *   /sim/…                                      the control API (control.ts)
 *
 * GET or POST (form-encoded), answered with Kavenegar's envelope {"return":{"status","message"},"entries"}
 * and the same number as HTTP status; a wrong key gets 403. Every message is kept; a localid used before
 * returns the first message and sends nothing; delivery moves from 1 (queued) through 5 (at the operator)
 * to 10 (delivered), or 14 (blocked) for a number on the opt-out list. Faults for tests: the next N
 * requests fail with a code (5xx with a bare text body, as a gateway in front of the API would answer),
 * answers come late (the request is carried out first, as when a real answer is lost on the way back),
 * connections are dropped before the request is carried out.
 *
 * A development and test tool of the workers shell: it imports nothing of app/, telephony/ or the
 * database (Kavenegar knows nothing of our tables). See workers/README.md.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { KAVENEGAR_CODES } from "../../core/sms";
import { handleControl, type Faults, type MessageView } from "./control";
import { ApiFailure, simReceptor, SimStore, type SimMessage } from "./store";

export type { MessageView } from "./control";

export interface SimulatorLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface KavenegarSimulatorOptions {
  port: number;
  /** default 127.0.0.1 */
  host?: string;
  /** the key the API accepts in its path; any other gets 403 */
  apiKey: string;
  log?: SimulatorLog;
  /** the account's default line: used when `sender` is omitted, and where inbound SMS arrive; default 2000660110 */
  defaultSender?: string;
  /** the lines `sender` may name (others get 412); default: any line */
  senders?: readonly string[];
  /** numbers (any Iranian mobile form) on the operators' opt-out list: their messages end as 14, blocked */
  blockedNumbers?: readonly string[];
  /** ms from acceptance to the final delivery status; default 2000 */
  deliveryMs?: number;
  /** verify/lookup templates: name → text with %token, %token2, %token3 */
  templates?: Readonly<Record<string, string>>;
}

export interface KavenegarSimulator {
  /** http://host:port — the client's base URL is `${url}/v1` */
  url: string;
  /** stops listening, drops every connection */
  close(): Promise<void>;
  /** every message, outbound and inbound, oldest first */
  messages(): MessageView[];
  /** the next `count` API requests fail with `code` (a Kavenegar code, or 5xx) */
  failNext(code: number, count?: number): void;
  /** every API answer waits this long (after the request was carried out) */
  setLatencyMs(ms: number): void;
  /** while true, API requests are dropped (connection reset) before they are carried out */
  dropConnections(drop: boolean): void;
  /** a customer's phone sends an SMS to one of our lines (default: the default line) */
  injectInbound(m: { from: string; to?: string; message: string }): MessageView;
  /** sets an outbound message's delivery status number (e.g. 11 undelivered) */
  setDelivery(ref: { messageid: number } | { localid: string }, status: number): void;
  /** forgets every message and fault */
  reset(): void;
}

export const DEFAULT_TEMPLATES: Readonly<Record<string, string>> = {
  verify: "کد تأیید شما: %token",
  "ticket-registered": "درخواست شما با شماره %token ثبت شد. پیگیری: %token2",
};

/** a sendarray of 200 long Persian messages, form-encoded, stays under this */
const MAX_BODY_BYTES = 2 * 1024 * 1024;
const SILENT: SimulatorLog = { info() {}, warn() {} };

const METHODS = ["sms/send", "sms/sendarray", "verify/lookup", "sms/status", "sms/statuslocalmessageid", "sms/receive"] as const;
type ApiMethod = (typeof METHODS)[number];

function requestUrl(req: IncomingMessage): URL | null {
  try {
    return new URL(req.url ?? "/", "http://simulator");
  } catch {
    return null;
  }
}

export async function startKavenegarSimulator(opts: KavenegarSimulatorOptions): Promise<KavenegarSimulator> {
  const host = opts.host ?? "127.0.0.1";
  const log = opts.log ?? SILENT;
  const defaultSender = opts.defaultSender ?? "2000660110";
  const store = new SimStore({
    defaultSender,
    senders: opts.senders,
    blockedNumbers: (opts.blockedNumbers ?? []).map((n) => simReceptor(n) ?? n),
    deliveryMs: opts.deliveryMs ?? 2000,
    templates: opts.templates ?? DEFAULT_TEMPLATES,
    now: Date.now,
  });
  const faults: Faults = { failCode: 0, failCount: 0, latencyMs: 0, drop: false };
  const sockets = new Set<Socket>();
  /** answers held back by the latency fault: released (and dropped) on close */
  const waiting = new Map<NodeJS.Timeout, () => void>();

  const digest = (s: string) => createHash("sha256").update(s).digest();
  const expectedKey = digest(opts.apiKey);
  const keyOk = (key: string) => timingSafeEqual(digest(key), expectedKey);

  function view(m: SimMessage): MessageView {
    const e = store.entry(m);
    return {
      messageid: m.messageid,
      direction: m.direction,
      localid: m.localid,
      sender: m.sender,
      receptor: m.receptor,
      message: m.message,
      date: m.date,
      status: m.direction === "inbound" ? 50 : e.status,
      statustext: m.direction === "inbound" ? "دریافتی" : e.statustext,
      via: m.via,
      template: m.template,
      read: m.read,
    };
  }

  function sendJson(res: ServerResponse, status: number, body: unknown) {
    const text = JSON.stringify(body);
    res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(text) });
    res.end(text);
  }

  /** Kavenegar's answer: the envelope, with return.status as HTTP status. */
  function envelope(status: number, entries: unknown): { status: number; body: string; type: string } {
    const message = status === 200 ? "تایید شد" : (KAVENEGAR_CODES[status]?.fa ?? "خطا");
    return { status, body: JSON.stringify({ return: { status, message }, entries }), type: "application/json; charset=utf-8" };
  }

  function failure(code: number): { status: number; body: string; type: string } {
    // a 5xx comes from the gateway in front of the API: no envelope
    if (code >= 500) return { status: code, body: "<html><body><h1>Service Unavailable</h1></body></html>", type: "text/html" };
    return envelope(code, null);
  }

  async function readBody(req: IncomingMessage): Promise<string | null> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) return null;
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString("utf8");
  }

  function delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        waiting.delete(t);
        resolve();
      }, ms);
      waiting.set(t, resolve);
    });
  }

  async function onApi(req: IncomingMessage, res: ServerResponse, url: URL, key: string, method: string) {
    if (faults.drop) {
      req.socket.destroy();
      return;
    }
    let answer: { status: number; body: string; type: string };
    if (faults.failCount > 0) {
      faults.failCount--;
      answer = failure(faults.failCode);
    } else if (!keyOk(key)) {
      answer = envelope(403, null);
    } else if (req.method !== "GET" && req.method !== "POST") {
      answer = envelope(405, null);
    } else if (!(METHODS as readonly string[]).includes(method)) {
      answer = envelope(404, null);
    } else {
      const body = req.method === "POST" ? await readBody(req) : "";
      if (body === null) {
        answer = envelope(414, null);
      } else {
        const params = new URLSearchParams(url.search);
        for (const [k, v] of new URLSearchParams(body)) params.set(k, v);
        answer = run(method as ApiMethod, params);
      }
    }
    if (faults.latencyMs > 0) await delay(faults.latencyMs);
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(answer.status, { "Content-Type": answer.type, "Content-Length": Buffer.byteLength(answer.body) });
    res.end(answer.body);
  }

  function run(method: ApiMethod, p: URLSearchParams): { status: number; body: string; type: string } {
    try {
      switch (method) {
        case "sms/send": {
          const repeatedBefore = store.repeatedLocalIds;
          const entries = store.send(p);
          const repeated = store.repeatedLocalIds - repeatedBefore;
          log.info(
            `sms/send → ${entries.map((e) => `${e.receptor} #${e.messageid}`).join(", ")}${repeated ? ` (${repeated} repeated localid: not sent again)` : ""}`,
          );
          return envelope(200, entries);
        }
        case "sms/sendarray": {
          const repeatedBefore = store.repeatedLocalIds;
          const entries = store.sendArray(p);
          const repeated = store.repeatedLocalIds - repeatedBefore;
          log.info(
            `sms/sendarray → ${entries.map((e) => `${e.receptor} #${e.messageid}`).join(", ")}${repeated ? ` (${repeated} repeated localid: not sent again)` : ""}`,
          );
          return envelope(200, entries);
        }
        case "verify/lookup": {
          const entries = store.lookup(p);
          log.info(`verify/lookup → ${entries.map((e) => `${e.receptor} #${e.messageid}`).join(", ")}`);
          return envelope(200, entries);
        }
        case "sms/status":
          return envelope(200, store.status(p));
        case "sms/statuslocalmessageid":
          return envelope(200, store.statusByLocalId(p));
        case "sms/receive":
          return envelope(200, store.receive(p));
      }
    } catch (e) {
      if (e instanceof ApiFailure) return envelope(e.status, null);
      throw e;
    }
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse) {
    const url = requestUrl(req);
    if (!url) return sendJson(res, 400, { message: "malformed request URL" });
    const path = url.pathname;
    if (path === "/sim" || path.startsWith("/sim/")) {
      let body: unknown;
      if (req.method === "POST") {
        const text = await readBody(req);
        if (text === null) return sendJson(res, 413, { message: "request body too large" });
        if (text.trim()) {
          try {
            body = JSON.parse(text);
          } catch {
            return sendJson(res, 400, { message: "the body is not valid JSON" });
          }
        }
      }
      const result = handleControl({ store, faults, view }, req.method ?? "GET", url, body);
      return sendJson(res, result.status, result.body);
    }
    // /v1/{key}/{scope}/{method}.json
    const m = /^\/v1\/([^/]+)\/([a-z]+\/[a-z]+)\.json$/.exec(path);
    if (m) {
      let key: string;
      try {
        key = decodeURIComponent(m[1] ?? "");
      } catch {
        key = "";
      }
      return onApi(req, res, url, key, m[2] ?? "");
    }
    const e = envelope(404, null);
    res.writeHead(e.status, { "Content-Type": e.type });
    res.end(e.body);
  }

  const server = createServer((req, res) => {
    onRequest(req, res).catch((e: unknown) => {
      log.warn(`request failed: ${e instanceof Error ? e.message : String(e)}`);
      if (!res.headersSent && !res.destroyed) sendJson(res, 500, { message: "simulator error" });
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : opts.port;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  log.info(`Kavenegar simulator listening on ${url} (client base URL ${url}/v1)`);

  return {
    url,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      for (const [t, release] of waiting) {
        clearTimeout(t);
        release();
      }
      waiting.clear();
      await closed;
    },
    messages: () => store.messages().map(view),
    failNext(code, count = 1) {
      faults.failCode = code;
      faults.failCount = count;
    },
    setLatencyMs(ms) {
      faults.latencyMs = ms;
    },
    dropConnections(drop) {
      faults.drop = drop;
    },
    injectInbound({ from, to, message }) {
      return view(store.inbound(from, to, message));
    },
    setDelivery(ref, status) {
      const found = store.find(ref);
      if (!found || found.direction !== "outbound") throw new Error("no outbound message with this id");
      found.forcedStatus = status;
    },
    reset() {
      store.reset();
      Object.assign(faults, { failCode: 0, failCount: 0, latencyMs: 0, drop: false });
    },
  };
}
