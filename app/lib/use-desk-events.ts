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
];

export type LiveState = "connecting" | "live";

/**
 * The operator's live desk events, from EventSource('/desk/events'). `live` once the server says its
 * LISTEN is in place. The browser reconnects a dropped stream by itself (the server asks for 3 s); a
 * refused one (no session: 204, or the server answering with an error while it restarts) is retried here,
 * slower each time. Network failures are EventSource `error` events, never exceptions.
 */
export function useDeskEvents(enabled: boolean, onEvent: (event: DeskEvent) => void): LiveState {
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
      const es = new EventSource("/desk/events");
      source = es;
      es.addEventListener("ready", () => {
        delay = 1000;
        setState("live");
      });
      for (const type of EVENT_TYPES) {
        es.addEventListener(type, (message) => {
          let event: DeskEvent;
          try {
            event = JSON.parse((message as MessageEvent<string>).data) as DeskEvent;
          } catch {
            return;
          }
          handler.current(event);
        });
      }
      es.onerror = () => {
        setState("connecting");
        if (es.readyState === EventSource.CLOSED && !stopped) {
          es.close();
          retry = setTimeout(open, delay);
          delay = Math.min(delay * 2, 30_000);
        }
      };
    };
    open();
    return () => {
      stopped = true;
      clearTimeout(retry);
      source?.close();
    };
  }, [enabled]);
  return state;
}
