import { useEffect, useRef, useState } from "react";
import type { DeskEvent, DeskEventType } from "../../core/call";

const EVENT_TYPES: readonly DeskEventType[] = [
  "call_offered",
  "call_connected",
  "call_withdrawn",
  "call_ended",
  "recording_ready",
  "presence",
  "callback_assigned",
  "complaint_opened",
];

export type LiveState = "connecting" | "live";

/**
 * The operator's live desk events, from EventSource('/desk/events'). `live` once the server says its
 * LISTEN is in place. A dropped or refused stream (a restart, no session: 204) is reopened here after 1 s,
 * 2 s, 4 s … up to 30 s, back to 1 s once live again. Network failures are EventSource `error` events,
 * never exceptions; Chromium still logs each failed attempt while the server is down ("Failed to load
 * resource: net::ERR_CONNECTION_REFUSED"), which no page code can prevent, hence the backoff.
 */
export function useDeskEvents(enabled: boolean, onEvent: (event: DeskEvent) => void): LiveState {
  return useServerEvents<DeskEvent>("/desk/events", EVENT_TYPES, enabled, onEvent);
}

/**
 * A server-sent event stream of this app (`ready` once its server LISTENs, `bye` when the server is going
 * away, `types` as JSON events), reopened with the same backoff as the desk's. `types` must be a constant.
 */
export function useServerEvents<E>(url: string, types: readonly string[], enabled: boolean, onEvent: (event: E) => void): LiveState {
  const handler = useRef(onEvent);
  useEffect(() => {
    handler.current = onEvent;
  });
  const [state, setState] = useState<LiveState>("connecting");
  useEffect(() => {
    if (!enabled || typeof EventSource === "undefined") return;
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let delay = 1000;
    let stopped = false;
    const open = () => {
      if (stopped) return;
      const es = new EventSource(url);
      source = es;
      es.addEventListener("ready", () => {
        delay = 1000;
        setState("live");
      });
      for (const type of types) {
        es.addEventListener(type, (message) => {
          let event: E;
          try {
            event = JSON.parse((message as MessageEvent<string>).data) as E;
          } catch {
            return;
          }
          handler.current(event);
        });
      }
      es.onerror = () => {
        // Reconnect on our own schedule, slower each time, rather than the browser's fixed 3 s: while the
        // server is down, each attempt is a failed request that Chromium logs.
        setState("connecting");
        es.close();
        if (stopped) return;
        retry = setTimeout(open, delay);
        delay = Math.min(delay * 2, 30_000);
      };
      // the server is going away on purpose (restart): come back after a short pause
      es.addEventListener("bye", () => {
        setState("connecting");
        es.close();
        if (stopped) return;
        retry = setTimeout(open, delay);
      });
    };
    open();
    return () => {
      stopped = true;
      clearTimeout(retry);
      source?.close();
      // a closed stream is not live: the next one (another URL, or enabled again) reports "live" afresh, so a
      // caller catching up on what it missed when its stream becomes live does so for every stream
      setState("connecting");
    };
    // `types` is a constant of the caller
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [enabled, url]);
  return state;
}
