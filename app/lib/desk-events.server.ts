import pg from "pg";
import { AGENCY_IMPORT_CHANNEL, parseAgencyImportPayload, type AgencyImportEvent } from "../../core/agency-import-events";
import { AGENCY_OFFERS_CHANNEL, parseAgencyOffersPayload, type AgencyOffersEvent } from "../../core/agency-offers";
import { DESK_EVENTS_CHANNEL, parseDeskEvent, type DeskEvent } from "../../core/call";
import { CALL_CENTRE_CHANNEL } from "../../core/call-kpis";
import { parseSupervisorAlertEvent, SUPERVISOR_ALERTS_CHANNEL, type SupervisorAlertEvent } from "../../core/sla";
import { connectionConfig, connectionUrlOf, type DB } from "../../db/connection";
import { logger } from "../../platform/logger";

/*
 * The desk's real-time events inside one web process. Telephony (in this process or another one)
 * publishes them with NOTIFY on DESK_EVENTS_CHANNEL; each web process holds ONE dedicated LISTEN
 * connection (outside the pool: a pooled client is lent to others, and a LISTEN must stay on one
 * session), made with the pool's own settings, and fans each event out in memory to the server-sent
 * event streams of the operator it names. Only PostgreSQL is shared between processes, never memory.
 * The same connection also LISTENs on SUPERVISOR_ALERTS_CHANNEL (the SLA sweep's alerts, an alert marked
 * reviewed) and fans those out to every open manager home (alertEventStream), and on AGENCY_OFFERS_CHANNEL
 * (an agency's offers changed: the payload is the agency's id only) to that agency's open portal pages
 * (agencyOfferEventStream), never another agency's: still one connection per process, however many
 * browsers are open.
 */

const log = logger("desk-events");

export type DeskStreamMessage = { kind: "event"; event: DeskEvent } | { kind: "listening" } | { kind: "closing" };
type Subscriber = (message: DeskStreamMessage) => void;
export type AlertStreamMessage = { kind: "event"; event: SupervisorAlertEvent } | { kind: "listening" } | { kind: "closing" };
type AlertSubscriber = (message: AlertStreamMessage) => void;
export type AgencyStreamMessage = { kind: "event"; event: AgencyOffersEvent } | { kind: "listening" } | { kind: "closing" };
type AgencySubscriber = (message: AgencyStreamMessage) => void;
/** The supervisor's wall: something changed in the call centre (a caller queued, rang, answered, left; a presence). */
export type WallEvent = { type: "wall_changed"; cause: string };
export type WallStreamMessage = { kind: "event"; event: WallEvent } | { kind: "listening" } | { kind: "closing" };
type WallSubscriber = (message: WallStreamMessage) => void;
/** An agency CSV import's progress (AGENCY_IMPORT_CHANNEL), to the pages that follow that import. */
export type ImportStreamMessage = { kind: "event"; event: AgencyImportEvent } | { kind: "listening" } | { kind: "closing" };
type ImportSubscriber = (message: ImportStreamMessage) => void;

const MIN_BACKOFF_MS = 200;
const MAX_BACKOFF_MS = 10_000;

export class DeskEventHub {
  private client: pg.Client | null = null;
  private connecting = false;
  private listening = false;
  private backoffMs = MIN_BACKOFF_MS;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  private readonly byUser = new Map<number, Set<Subscriber>>();
  private readonly alertSubscribers = new Set<AlertSubscriber>();
  private readonly byAgency = new Map<number, Set<AgencySubscriber>>();
  private readonly wallSubscribers = new Set<WallSubscriber>();
  private readonly byImport = new Map<number, Set<ImportSubscriber>>();

  constructor(private readonly url: string) {}

  /** Delivers the events naming `userId` (and `listening` whenever the LISTEN is (re)established) until the returned function is called. */
  subscribe(userId: number, subscriber: Subscriber): () => void {
    let set = this.byUser.get(userId);
    if (!set) this.byUser.set(userId, (set = new Set()));
    set.add(subscriber);
    if (this.listening) queueMicrotask(() => set!.has(subscriber) && subscriber({ kind: "listening" }));
    else this.ensureConnected();
    return () => {
      const s = this.byUser.get(userId);
      if (!s) return;
      s.delete(subscriber);
      if (s.size === 0) this.byUser.delete(userId);
    };
  }

  /** Delivers every supervisor-alert event (and `listening` whenever the LISTEN is (re)established) until the returned function is called. */
  subscribeAlerts(subscriber: AlertSubscriber): () => void {
    this.alertSubscribers.add(subscriber);
    if (this.listening) queueMicrotask(() => this.alertSubscribers.has(subscriber) && subscriber({ kind: "listening" }));
    else this.ensureConnected();
    return () => {
      this.alertSubscribers.delete(subscriber);
    };
  }

  /** Delivers the offer events of agency `agencyId` only (and `listening`) until the returned function is called. */
  subscribeAgency(agencyId: number, subscriber: AgencySubscriber): () => void {
    let set = this.byAgency.get(agencyId);
    if (!set) this.byAgency.set(agencyId, (set = new Set()));
    set.add(subscriber);
    if (this.listening) queueMicrotask(() => set!.has(subscriber) && subscriber({ kind: "listening" }));
    else this.ensureConnected();
    return () => {
      const s = this.byAgency.get(agencyId);
      if (!s) return;
      s.delete(subscriber);
      if (s.size === 0) this.byAgency.delete(agencyId);
    };
  }

  /** Delivers a `wall_changed` for every call-centre change (desk events of any operator, CALL_CENTRE_CHANNEL) until the returned function is called. */
  subscribeWall(subscriber: WallSubscriber): () => void {
    this.wallSubscribers.add(subscriber);
    if (this.listening) queueMicrotask(() => this.wallSubscribers.has(subscriber) && subscriber({ kind: "listening" }));
    else this.ensureConnected();
    return () => {
      this.wallSubscribers.delete(subscriber);
    };
  }

  /** Delivers the progress events of agency import `importId` only (and `listening`) until the returned function is called. */
  subscribeImport(importId: number, subscriber: ImportSubscriber): () => void {
    let set = this.byImport.get(importId);
    if (!set) this.byImport.set(importId, (set = new Set()));
    set.add(subscriber);
    if (this.listening) queueMicrotask(() => set!.has(subscriber) && subscriber({ kind: "listening" }));
    else this.ensureConnected();
    return () => {
      const s = this.byImport.get(importId);
      if (!s) return;
      s.delete(subscriber);
      if (s.size === 0) this.byImport.delete(importId);
    };
  }

  /** Streams open in this process (for tests and health). */
  get subscriberCount(): number {
    let n = this.alertSubscribers.size + this.wallSubscribers.size;
    for (const s of this.byUser.values()) n += s.size;
    for (const s of this.byAgency.values()) n += s.size;
    for (const s of this.byImport.values()) n += s.size;
    return n;
  }

  private get wanted(): boolean {
    return this.byUser.size > 0 || this.alertSubscribers.size > 0 || this.byAgency.size > 0 || this.wallSubscribers.size > 0 || this.byImport.size > 0;
  }

  /** Every subscriber, desk streams and alert streams alike (for `listening` and `closing`). */
  private everyone(message: { kind: "listening" } | { kind: "closing" }) {
    for (const set of this.byUser.values()) for (const s of [...set]) s(message);
    for (const s of [...this.alertSubscribers]) s(message);
    for (const set of this.byAgency.values()) for (const s of [...set]) s(message);
    for (const s of [...this.wallSubscribers]) s(message);
    for (const set of this.byImport.values()) for (const s of [...set]) s(message);
  }

  get isListening(): boolean {
    return this.listening;
  }

  async close(): Promise<void> {
    this.closed = true;
    // open streams end cleanly (a `bye` event, then the end of the response) instead of being cut off
    this.everyone({ kind: "closing" });
    if (this.retry) clearTimeout(this.retry);
    const c = this.client;
    this.client = null;
    this.listening = false;
    await c?.end().catch(() => {});
  }

  private ensureConnected() {
    if (this.closed || this.client || this.connecting || this.retry) return;
    this.connecting = true;
    void this.connect().finally(() => {
      this.connecting = false;
    });
  }

  private async connect() {
    const client = new pg.Client(connectionConfig(this.url));
    client.on("notification", (msg) => {
      if (msg.channel === SUPERVISOR_ALERTS_CHANNEL) {
        const event = parseSupervisorAlertEvent(msg.payload ?? "");
        if (event) this.dispatchAlert(event);
        else log.debug(`ignored a malformed supervisor alert: ${String(msg.payload).slice(0, 200)}`);
        return;
      }
      if (msg.channel === AGENCY_OFFERS_CHANNEL) {
        const event = parseAgencyOffersPayload(msg.payload ?? "");
        if (event) this.dispatchAgency(event);
        else log.debug(`ignored a malformed agency offers notification: ${String(msg.payload).slice(0, 200)}`);
        return;
      }
      if (msg.channel === AGENCY_IMPORT_CHANNEL) {
        const event = parseAgencyImportPayload(msg.payload ?? "");
        if (event) this.dispatchImport(event);
        else log.debug(`ignored a malformed agency import notification: ${String(msg.payload).slice(0, 200)}`);
        return;
      }
      if (msg.channel === CALL_CENTRE_CHANNEL) {
        this.dispatchWall({ type: "wall_changed", cause: "queue" });
        return;
      }
      if (msg.channel !== DESK_EVENTS_CHANNEL) return;
      const event = parseDeskEvent(msg.payload ?? "");
      if (!event) {
        log.debug(`ignored a malformed desk event: ${String(msg.payload).slice(0, 200)}`);
        return;
      }
      this.dispatch(event);
      this.dispatchWall({ type: "wall_changed", cause: event.type });
    });
    client.on("error", (err) => {
      // a server shutting down (57P01) is expected when PostgreSQL stops with the process
      if ((err as { code?: string }).code === "57P01") log.debug(`LISTEN connection closed by a server shutdown`);
      else log.warn(`LISTEN connection lost: ${err.message}`);
      this.lost(client);
    });
    client.on("end", () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${client.escapeIdentifier(DESK_EVENTS_CHANNEL)}; LISTEN ${client.escapeIdentifier(SUPERVISOR_ALERTS_CHANNEL)}; LISTEN ${client.escapeIdentifier(AGENCY_OFFERS_CHANNEL)}; LISTEN ${client.escapeIdentifier(CALL_CENTRE_CHANNEL)}; LISTEN ${client.escapeIdentifier(AGENCY_IMPORT_CHANNEL)}`);
    } catch (err) {
      log.warn(`cannot LISTEN for desk events (retrying in ${this.backoffMs} ms): ${(err as Error).message}`);
      await client.end().catch(() => {});
      this.scheduleRetry();
      return;
    }
    if (this.closed) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
    this.listening = true;
    this.backoffMs = MIN_BACKOFF_MS;
    this.everyone({ kind: "listening" });
  }

  private lost(client: pg.Client) {
    if (this.client !== client) return;
    this.client = null;
    this.listening = false;
    client.end().catch(() => {});
    if (!this.closed) this.scheduleRetry();
  }

  private scheduleRetry() {
    if (this.closed || this.retry) return;
    const wait = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
    this.retry = setTimeout(() => {
      this.retry = null;
      // Nobody listening any more: connect again when the next stream opens.
      if (this.wanted) this.ensureConnected();
    }, wait);
    this.retry.unref?.();
  }

  private dispatchAlert(event: SupervisorAlertEvent) {
    for (const s of [...this.alertSubscribers]) {
      try {
        s({ kind: "event", event });
      } catch (err) {
        log.warn(`an alert stream failed to take an event: ${(err as Error).message}`);
      }
    }
  }

  private dispatchWall(event: WallEvent) {
    for (const s of [...this.wallSubscribers]) {
      try {
        s({ kind: "event", event });
      } catch (err) {
        log.warn(`a wall stream failed to take an event: ${(err as Error).message}`);
      }
    }
  }

  private dispatchImport(event: AgencyImportEvent) {
    for (const s of [...(this.byImport.get(event.importId) ?? [])]) {
      try {
        s({ kind: "event", event });
      } catch (err) {
        log.warn(`an import stream failed to take an event: ${(err as Error).message}`);
      }
    }
  }

  private dispatchAgency(event: AgencyOffersEvent) {
    const set = this.byAgency.get(event.agencyId);
    if (!set) return;
    for (const s of [...set]) {
      try {
        s({ kind: "event", event });
      } catch (err) {
        log.warn(`an agency stream failed to take an event: ${(err as Error).message}`);
      }
    }
  }

  private dispatch(event: DeskEvent) {
    const set = this.byUser.get(event.operatorUserId);
    if (!set) return;
    for (const s of [...set]) {
      try {
        s({ kind: "event", event });
      } catch (err) {
        log.warn(`a desk stream failed to take an event: ${(err as Error).message}`);
      }
    }
  }
}

/** One hub per database server this process talks to: in practice one per web process. */
const hubs = new Map<string, DeskEventHub>();

export function deskEventHub(db: DB): DeskEventHub {
  const url = connectionUrlOf(db);
  if (!url) throw new Error("desk events: this database handle was not made by db/connection (no connection settings)");
  let hub = hubs.get(url);
  if (!hub) hubs.set(url, (hub = new DeskEventHub(url)));
  return hub;
}

/** Ends every hub's streams and LISTEN connection (shutdown, tests). */
export async function closeDeskEventHubs(): Promise<void> {
  const all = [...hubs.values()];
  hubs.clear();
  await Promise.all(all.map((h) => h.close()));
}

// server.ts ends the streams before it closes the web server; it reaches this (bundled) module's copy
// through a registered symbol, as it cannot import the web build's modules.
(globalThis as Record<symbol, unknown>)[Symbol.for("aftersales.deskEvents.close")] = closeDeskEventHubs;

export const HEARTBEAT_MS = 15_000;

/**
 * The server-sent event stream of one operator: `ready` once the LISTEN is in place (again after a
 * reconnect), each desk event naming them as an event of its type with the JSON payload, and a comment
 * every HEARTBEAT_MS so proxies keep the connection open. Ends when the browser goes away.
 */
export function deskEventStream(db: DB, userId: number, signal: AbortSignal | Request, heartbeatMs = HEARTBEAT_MS): Response {
  const hub = deskEventHub(db);
  return eventStream((on) => hub.subscribe(userId, on), `desk events for user ${userId}`, signal, heartbeatMs);
}

/**
 * The supervisor-alert stream of a manager home: `ready` once the LISTEN is in place, then each event of
 * SUPERVISOR_ALERTS_CHANNEL as an event of its type (`sla_alerts`, `alert_acknowledged`) with its JSON
 * payload (counts and ids only: the page re-reads the list itself). Same heartbeat and ending as the desk's.
 */
export function alertEventStream(db: DB, signal: AbortSignal | Request, heartbeatMs = HEARTBEAT_MS): Response {
  const hub = deskEventHub(db);
  return eventStream((on) => hub.subscribeAlerts(on), "supervisor alerts", signal, heartbeatMs);
}

/**
 * The live offers stream of one agency's portal page: `ready` once the LISTEN is in place, then
 * `offers_changed` whenever an offer of that agency (and only that agency) is made or changes. The event
 * carries no ticket or customer data: the page re-reads its offers through its scoped loader.
 */
export function agencyOfferEventStream(db: DB, agencyId: number, signal: AbortSignal | Request, heartbeatMs = HEARTBEAT_MS): Response {
  const hub = deskEventHub(db);
  return eventStream((on) => hub.subscribeAgency(agencyId, on), `offers of agency ${agencyId}`, signal, heartbeatMs);
}

/**
 * The supervisor's wall stream: `ready` once the LISTEN is in place, then `wall_changed` (no data beyond
 * what kind of change) whenever a caller joins a queue, rings, is answered or leaves, or an operator's
 * presence changes, from any process: the page re-reads its snapshot through its loader.
 */
export function wallEventStream(db: DB, signal: AbortSignal | Request, heartbeatMs = HEARTBEAT_MS): Response {
  const hub = deskEventHub(db);
  return eventStream((on) => hub.subscribeWall(on), "call-centre wall", signal, heartbeatMs);
}

/** The progress of agency import `importId` as server-sent events (`import_progress`). */
export function importEventStream(db: DB, importId: number, signal: AbortSignal | Request, heartbeatMs = HEARTBEAT_MS): Response {
  const hub = deskEventHub(db);
  return eventStream((on) => hub.subscribeImport(importId, on), "agency import", signal, heartbeatMs);
}

type StreamMessage = { kind: "event"; event: { type: string } } | { kind: "listening" } | { kind: "closing" };

/**
 * `from` is the request (or a signal): given the request, the stream holds it while open. Node's Request
 * passes its caller's abort on to `request.signal` only while the Request object lives (undici keeps its
 * controller by WeakRef): a stream holding only the signal could miss the browser going away once the
 * Request was garbage-collected, and keep its subscriber for good.
 */
function eventStream(subscribe: (on: (m: StreamMessage) => void) => () => void, label: string, from: AbortSignal | Request, heartbeatMs: number): Response {
  let _retained: Request | null = from instanceof Request ? from : null;
  const signal = from instanceof Request ? from.signal : from;
  const encoder = new TextEncoder();
  let cleanup = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      const send = (text: string) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          cleanup();
        }
      };
      const unsubscribe = subscribe((m) => {
        if (m.kind === "listening") send(`event: ready\ndata: {}\n\n`);
        else if (m.kind === "closing") {
          send(`event: bye\ndata: {}\n\n`);
          cleanup();
        } else send(`event: ${m.event.type}\ndata: ${JSON.stringify(m.event)}\n\n`);
      });
      const heartbeat = setInterval(() => send(`: heartbeat\n\n`), heartbeatMs);
      const onAbort = () => cleanup();
      cleanup = () => {
        if (!open) return;
        open = false;
        _retained = null; // held until now (see above)
        clearInterval(heartbeat);
        unsubscribe();
        signal.removeEventListener("abort", onAbort);
        try {
          controller.close();
        } catch {
          /* already closed */
        }
      };
      signal.addEventListener("abort", onAbort);
      if (signal.aborted) return cleanup();
      // the browser waits this long before reconnecting after the stream drops
      send(`retry: 3000\n: ${label}\n\n`);
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(stream, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    },
  });
}
