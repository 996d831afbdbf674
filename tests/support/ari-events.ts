/**
 * A raw ARI events WebSocket for tests: connects to /ari/events like an application, keeps every event it
 * receives (exact JSON, no client library in between) and waits for the ones a test expects.
 */
import { WebSocket } from "ws";

export type AriEvent = Record<string, unknown> & { type: string };

export class EventSocket {
  readonly events: AriEvent[] = [];
  private waiters: { pred: (e: AriEvent) => boolean; resolve: (e: AriEvent) => void; from: number }[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      const event = JSON.parse(String(data)) as AriEvent;
      this.events.push(event);
      const index = this.events.length - 1;
      this.waiters = this.waiters.filter((w) => {
        if (index >= w.from && w.pred(event)) {
          w.resolve(event);
          return false;
        }
        return true;
      });
    });
  }

  static connect(baseUrl: string, app: string, user: string, password: string): Promise<EventSocket> {
    const url = `${baseUrl.replace(/^http/, "ws")}/ari/events?app=${encodeURIComponent(app)}&api_key=${encodeURIComponent(user)}:${encodeURIComponent(password)}`;
    const ws = new WebSocket(url);
    return new Promise((resolve, reject) => {
      ws.once("open", () => resolve(new EventSocket(ws)));
      ws.once("error", reject);
    });
  }

  /** The next event (from now, or from `mark()`) that matches; times out with the events seen so far. */
  next(pred: (e: AriEvent) => boolean, opts: { from?: number; timeoutMs?: number } = {}): Promise<AriEvent> {
    const from = opts.from ?? this.events.length;
    const seen = this.events.slice(from).find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`no matching event within ${opts.timeoutMs ?? 10_000} ms; seen: ${this.events.slice(from).map((e) => e.type).join(", ")}`));
      }, opts.timeoutMs ?? 10_000);
      this.waiters.push({
        pred,
        from,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      });
    });
  }

  /** Index to wait from: events after this point. */
  mark(): number {
    return this.events.length;
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once("close", () => resolve());
      this.ws.close();
    });
  }
}

export const channelOf = (e: AriEvent) => e.channel as { id: string; state: string; name: string } | undefined;
