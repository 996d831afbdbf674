/**
 * A ticket's timeline: its history rows and its text messages in one story, by time. A message stands where
 * it was written (queued or received), and carries its current delivery status and that status's time (the
 * delivery-status poller keeps both up to date). On a tie the history row comes first: a registration's
 * message is queued in the registration's own transaction, with the same time, and follows it.
 *
 * Pure (no server code), so the page and the tests share it.
 */

interface HistoryLike {
  at: string | Date;
}
interface SmsLike {
  created_at: string | Date;
}

export type TimelineEntry<E, S> = { kind: "event"; at: string | Date; event: E } | { kind: "sms"; at: string | Date; sms: S };

const time = (v: string | Date) => (v instanceof Date ? v.getTime() : Date.parse(v));

/** Merges the two lists, each already oldest first (as the repositories read them). */
export function ticketTimeline<E extends HistoryLike, S extends SmsLike>(history: readonly E[], sms: readonly S[]): TimelineEntry<E, S>[] {
  const out: TimelineEntry<E, S>[] = [];
  let i = 0;
  let j = 0;
  while (i < history.length || j < sms.length) {
    const e = history[i];
    const m = sms[j];
    if (e && (!m || time(e.at) <= time(m.created_at))) {
      out.push({ kind: "event", at: e.at, event: e });
      i++;
    } else if (m) {
      out.push({ kind: "sms", at: m.created_at, sms: m });
      j++;
    }
  }
  return out;
}
