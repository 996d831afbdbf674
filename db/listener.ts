import pg from "pg";
import type { Logger } from "../platform/logger";

/**
 * A dedicated PostgreSQL connection that LISTENs on channels and hands each notification to `onNotify`;
 * when the connection is lost it is opened again (backoff up to 10 s) and `onReconnect` runs, so the caller
 * can catch up on what it may have missed (a NOTIFY sent while nobody listened is gone).
 */
export interface Listener {
  close(): Promise<void>;
}

export function listen(
  url: string,
  channels: readonly string[],
  onNotify: (channel: string, payload: string) => void,
  o: { log: Logger; onReconnect?: () => void },
): Listener {
  let closed = false;
  let client: pg.Client | null = null;
  let delay = 250;
  let timer: NodeJS.Timeout | undefined;

  async function open(reconnect: boolean) {
    if (closed) return;
    const c = new pg.Client({ connectionString: url });
    client = c;
    c.on("notification", (n) => {
      try {
        onNotify(n.channel, n.payload ?? "");
      } catch (error) {
        o.log.error(`handling a notification on ${n.channel}`, error);
      }
    });
    c.on("error", (error) => {
      if (!closed) o.log.warn("listening connection error", error);
    });
    c.on("end", () => {
      if (client === c && !closed) schedule();
    });
    try {
      await c.connect();
      for (const ch of channels) await c.query(`listen ${c.escapeIdentifier(ch)}`);
      delay = 250;
      if (reconnect) o.onReconnect?.();
    } catch (error) {
      if (closed) return;
      o.log.warn("could not listen for notifications", error);
      await c.end().catch(() => {});
      if (client === c) schedule();
    }
  }

  function schedule() {
    if (closed || timer) return;
    client = null;
    timer = setTimeout(() => {
      timer = undefined;
      void open(true);
    }, delay);
    delay = Math.min(delay * 2, 10_000);
  }

  void open(false);
  return {
    async close() {
      closed = true;
      clearTimeout(timer);
      const c = client;
      client = null;
      await c?.end().catch(() => {});
    },
  };
}
