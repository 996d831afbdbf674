import { createRequire } from "node:module";
import { describeError, type Logger } from "../platform/logger";
import type { AriClient } from "./ari";

/**
 * The ARI connection, kept up for as long as the process runs. ari-client 2.2.0 has three ways of failing
 * for good that this module takes away from it:
 *  - it reconnects its WebSocket 10 times (~43 s) and then gives up: here its own reconnection is never
 *    used (the socket's close and error reach this module instead) and every loss of the connection starts
 *    again from scratch — a new client, the API description loaded again, a new WebSocket — with
 *    exponential backoff capped at `maxDelayMs` (30 s), forever;
 *  - it throws inside the WebSocket's message handler (an uncaught exception: the process dies) on an
 *    event type its API description does not know: such a message is logged, reported and dropped before
 *    it reaches ari-client;
 *  - a rejected login makes swagger-client throw from an HTTP callback (uncaught): its `fail` is patched to
 *    report the failure without throwing, so the connect attempt just fails and is retried.
 * The state (connected, last error, when, reconnects) is kept for the health report.
 */

const requireHere = createRequire(import.meta.url);

interface AriModule {
  connect(url: string, user: string, password: string): Promise<AriClient>;
}

let patched = false;
function loadAriClient(log: Logger): AriModule {
  const ari = requireHere("ari-client") as AriModule;
  if (!patched) {
    patched = true;
    const fromAri = createRequire(requireHere.resolve("ari-client"));
    const version = (fromAri("ari-client/package.json") as { version: string }).version;
    if (!version.startsWith("2.2.")) log.warn(`ari-client ${version}: the resilience patches were written for 2.2.x`);
    const swagger = fromAri("swagger-client") as { SwaggerApi: { prototype: { fail(message: unknown): void; failure(message: unknown): void } } };
    // swagger-client calls `failure` (ari-client rejects its connect promise) and then throws the message
    // from an HTTP callback, where nothing can catch it. Keep the first, drop the second.
    swagger.SwaggerApi.prototype.fail = function fail(message: unknown) {
      this.failure(message);
    };
  }
  return ari;
}

export interface ConnectionState {
  connected: boolean;
  lastError: string | null;
  lastErrorAt: Date | null;
  lastConnectedAt: Date | null;
  /** connection attempts after the first one */
  reconnects: number;
}

export interface AriConnectionOptions {
  url: string;
  user: string;
  password: string;
  app: string;
  log: Logger;
  /** first delay before reconnecting; doubled each failure up to maxDelayMs */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** a WebSocket ping this often; no pong within the next interval ends the connection */
  pingIntervalMs?: number;
  /** one attempt (API description + WebSocket) may take this long */
  connectTimeoutMs?: number;
  /** called with each new client once its WebSocket is open (register handlers, reconcile) */
  onConnected(client: AriClient): Promise<void> | void;
  /** called when a connected client is lost */
  onDisconnected?(): void;
  /** called whenever the state changes */
  onState?(state: ConnectionState): void;
}

export class AriConnection {
  readonly state: ConnectionState = { connected: false, lastError: null, lastErrorAt: null, lastConnectedAt: null, reconnects: 0 };
  private stopped = false;
  private client: AriClient | null = null;
  private wake: (() => void) | null = null;
  private closeCurrent: (() => void) | null = null;
  private loop: Promise<void> | null = null;

  constructor(private readonly o: AriConnectionOptions) {}

  /** The connected client, or null while disconnected. */
  get current(): AriClient | null {
    return this.state.connected ? this.client : null;
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    this.closeCurrent?.();
    await this.loop;
  }

  /** Records a problem for the health report without dropping the connection. */
  reportError(message: string): void {
    this.state.lastError = message;
    this.state.lastErrorAt = new Date();
    this.o.onState?.(this.state);
  }

  private async run(): Promise<void> {
    const initial = this.o.initialDelayMs ?? 500;
    const max = this.o.maxDelayMs ?? 30_000;
    let failures = 0;
    let first = true;
    while (!this.stopped) {
      if (!first) {
        this.state.reconnects++;
        this.o.onState?.(this.state);
      }
      first = false;
      let closed: Promise<string> | null = null;
      try {
        closed = (await this.connectOnce()).ended;
      } catch (error) {
        const message = describeLoginError(error);
        this.o.log.warn(`ARI connect to ${this.o.url} failed`, message);
        this.reportError(message);
      }
      if (closed) {
        failures = 0;
        const reason = await closed;
        this.state.connected = false;
        this.o.onState?.(this.state);
        if (this.stopped) break;
        this.o.log.warn(`ARI connection lost (${reason}); reconnecting`);
        this.reportError(`connection lost: ${reason}`);
        try {
          this.o.onDisconnected?.();
        } catch (error) {
          this.o.log.error("after the disconnection", error);
        }
      }
      if (this.stopped) break;
      const delay = Math.min(max, initial * 2 ** failures);
      failures = Math.min(failures + 1, 30);
      // A little jitter, so that many processes do not knock on a restarted Asterisk at the same instant.
      await this.sleep(delay * (0.85 + Math.random() * 0.3));
    }
    this.state.connected = false;
    this.o.onState?.(this.state);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    }).then(() => {
      this.wake = null;
    });
  }

  /**
   * One attempt: a new client, its API description, its WebSocket. Resolves, once the socket is open and
   * `onConnected` has run, with a promise of the reason the connection ends.
   */
  private async connectOnce(): Promise<{ ended: Promise<string> }> {
    const { log } = this.o;
    const ari = loadAriClient(log);
    const timeoutMs = this.o.connectTimeoutMs ?? 15_000;
    const connecting = ari.connect(this.o.url, this.o.user, this.o.password);
    connecting.catch(() => {}); // reported below (or, after a timeout, no longer of interest)
    const client = await withTimeout(connecting, timeoutMs, "loading the ARI description timed out");
    if (this.stopped) throw new Error("stopped");
    const knownEvents = new Set(Object.keys(client._swagger?.apis?.events?.models ?? {}));

    let endWith: (reason: string) => void = () => {};
    const ended = new Promise<string>((resolve) => (endWith = resolve));
    let isOpen = false;
    let lastPong = Date.now();
    let socket: WsLike | undefined;

    // Every WebSocket ari-client creates passes through here before it registers its listeners.
    Object.defineProperty(client, "_ws", {
      configurable: true,
      get: () => socket,
      set: (ws: WsLike) => {
        socket = ws;
        const on = ws.on.bind(ws);
        ws.on = (event: string, listener: (...args: unknown[]) => void) => {
          if (event === "message") {
            return on("message", (data: unknown, ...rest: unknown[]) => {
              const type = eventType(data);
              if (type === null || !knownEvents.has(type)) {
                const what = type === null ? "an ARI message that is not an event" : `an unknown ARI event type "${type}"`;
                log.warn(`ignored ${what}`);
                this.reportError(`ignored ${what}`);
                return;
              }
              try {
                listener(data, ...rest);
              } catch (error) {
                log.error(`handling ARI event ${type}`, error);
              }
            });
          }
          // ari-client's own reconnection (10 attempts, then it gives up) is replaced by ours.
          if (event === "close") return on("close", (code: unknown) => endWith(`WebSocket closed (${String(code)})`));
          if (event === "error") return on("error", (error: unknown) => endWith(describeError(error)));
          if (event === "pong") {
            return on("pong", (...args: unknown[]) => {
              lastPong = Date.now();
              listener(...args);
            });
          }
          return on(event, listener);
        };
      },
    });

    const opened = client.start(this.o.app).then(() => {
      isOpen = true;
    });
    opened.catch(() => {});
    const result = await Promise.race([opened.then(() => null), ended, sleepReject(timeoutMs, "opening the ARI WebSocket timed out")]);
    if (result !== null || !isOpen) {
      safely(() => client.stop());
      throw new Error(typeof result === "string" ? `WebSocket: ${result}` : "WebSocket did not open");
    }

    this.client = client;
    this.state.connected = true;
    this.state.lastConnectedAt = new Date();
    this.o.onState?.(this.state);
    log.info(`connected to ARI at ${this.o.url} as application "${this.o.app}"`);

    const pingEvery = this.o.pingIntervalMs ?? 10_000;
    const pinger = setInterval(() => {
      if (Date.now() - lastPong > pingEvery * 2.5) {
        endWith("no answer to WebSocket pings");
        safely(() => socket?.terminate?.());
        return;
      }
      safely(() => client.ping());
    }, pingEvery);
    pinger.unref?.();
    this.closeCurrent = () => endWith("stopped");

    ended.then(() => {
      clearInterval(pinger);
      this.closeCurrent = null;
      client.removeAllListeners();
      safely(() => client.stop());
      safely(() => socket?.terminate?.());
    });

    try {
      await this.o.onConnected(client);
    } catch (error) {
      log.error("setting up after connecting", error);
      this.reportError(`after connecting: ${describeError(error)}`);
    }
    return { ended };
  }
}

interface WsLike {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  terminate?(): void;
}

function eventType(data: unknown): string | null {
  try {
    const text = Buffer.isBuffer(data) ? data.toString("utf8") : String(data);
    const value = JSON.parse(text) as { type?: unknown };
    return typeof value?.type === "string" ? value.type : null;
  } catch {
    return null;
  }
}

/** swagger-client fails with a bare string such as "401 : Unauthorized http://…". */
function describeLoginError(error: unknown): string {
  const text = typeof error === "string" ? error : describeError(error);
  if (/^401\b|\b401\b.*Unauthorized|Unauthorized/i.test(text)) return `login rejected by ARI (check ARI_USER/ARI_PASSWORD): ${text}`;
  return text;
}

function safely(fn: () => void) {
  try {
    fn();
  } catch {
    /* closing what is already closed */
  }
}

function sleepReject(ms: number, message: string): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(message)), ms).unref?.());
}

async function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
