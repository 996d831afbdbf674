import { CALL_QUEUES, type CallQueue } from "../../core/call";
import type { MessageKey } from "~/i18n";
import type { Locale } from "~/i18n";
import { formatDigits } from "~/lib/format";

/*
 * Browser-safe helpers of the call-centre pages (report, call list, wall, abandoned calls).
 */

/** A duration in seconds as m:ss (or h:mm:ss), in the locale's digits; "—" for none. */
export function formatSeconds(seconds: number | null | undefined, locale: Locale): string {
  if (seconds == null || !Number.isFinite(seconds)) return "—";
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  const text = h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
  return formatDigits(text, locale);
}

/** The label of a queue (a queue is named after the IVR choice, i.e. the ticket type). */
export function queueLabel(queue: string | null | undefined): MessageKey | null {
  return queue && (CALL_QUEUES as readonly string[]).includes(queue) ? (`type.${queue as CallQueue}` as MessageKey) : null;
}
