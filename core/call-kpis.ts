import type { AttemptOutcome, CallDisposition, OperatorPresence } from "./call";

/**
 * The call centre's performance figures, defined once (issue 14 §4). The database keeps the call-detail
 * records (calls) and every ringing of an operator's phone (call_attempts); the hourly roll-up
 * (call_stats_hourly) and the live wall count with the SQL in db/repos/call-kpis.ts, which follows these
 * definitions and is tested against them on a hand-computed fixture.
 *
 * - offered: an inbound call that reached a queue (it has a wait: it was queued, or answered) and ended
 *   answered, abandoned or missed (the caller asked to be called back). A caller who hangs up in the IVR
 *   menu, before joining a queue, is not offered.
 * - answered: an offered call an operator talked to.
 * - abandoned: an offered call whose caller hung up while waiting in the queue.
 * - missed: a ringing of an operator's phone for an inbound call that the operator did not answer (no
 *   answer, busy, rejected) — counted per ringing, against that operator. A ringing cancelled because the
 *   caller hung up or another operator answered is not the operator's miss; a technical failure neither.
 * - average speed of answer (ASA): the mean wait, in seconds, of the answered calls.
 * - average handle time (AHT): the mean talk time, in seconds, of the answered calls (the system holds no
 *   after-call work time, so handle time is talk time).
 * - service level: the share (0..100) of offered calls answered within the threshold (default 20 s,
 *   CALL_SERVICE_LEVEL_SECONDS), i.e. answered ∧ wait ≤ threshold over offered.
 * - longest wait: the longest wait of any offered call, answered or not.
 * For an operator, "offered" is the calls their phone rang for (or they answered); their service level and
 * longest wait count the calls they answered.
 */

export const DEFAULT_SERVICE_LEVEL_SECONDS = 20;

/** The dispositions of an offered call (an inbound call that reached a queue). */
export const OFFERED_DISPOSITIONS = ["answered", "abandoned", "missed"] as const satisfies readonly CallDisposition[];

/** The ringing outcomes that count as the operator's miss. */
export const MISSED_ATTEMPT_OUTCOMES = ["no_answer", "busy", "rejected"] as const satisfies readonly AttemptOutcome[];

export function isMissedAttempt(outcome: AttemptOutcome): boolean {
  return (MISSED_ATTEMPT_OUTCOMES as readonly string[]).includes(outcome);
}

/** One call-detail record, as the figures see it. */
export interface CallRecord {
  direction: "inbound" | "outbound";
  disposition: CallDisposition | null;
  /** seconds from joining the queue to the answer (answered) or the hang-up (not answered); null: never queued */
  waitSeconds: number | null;
  talkSeconds: number | null;
}

export function isOffered(c: CallRecord): boolean {
  return c.direction === "inbound" && c.waitSeconds !== null && c.disposition !== null && (OFFERED_DISPOSITIONS as readonly string[]).includes(c.disposition);
}

export function isAnsweredWithin(c: CallRecord, thresholdSeconds: number): boolean {
  return isOffered(c) && c.disposition === "answered" && (c.waitSeconds ?? 0) <= thresholdSeconds;
}

/** Additive counts: what the hourly roll-up stores, and what sums over hours, queues and operators. */
export interface KpiCounts {
  offered: number;
  answered: number;
  abandoned: number;
  missed: number;
  answeredWithinThreshold: number;
  /** sum of the answered calls' waits */
  answerWaitSeconds: number;
  /** sum of the answered calls' talk times */
  talkSeconds: number;
  longestWaitSeconds: number;
}

export const ZERO_COUNTS: KpiCounts = {
  offered: 0,
  answered: 0,
  abandoned: 0,
  missed: 0,
  answeredWithinThreshold: 0,
  answerWaitSeconds: 0,
  talkSeconds: 0,
  longestWaitSeconds: 0,
};

export function addCounts(a: KpiCounts, b: KpiCounts): KpiCounts {
  return {
    offered: a.offered + b.offered,
    answered: a.answered + b.answered,
    abandoned: a.abandoned + b.abandoned,
    missed: a.missed + b.missed,
    answeredWithinThreshold: a.answeredWithinThreshold + b.answeredWithinThreshold,
    answerWaitSeconds: a.answerWaitSeconds + b.answerWaitSeconds,
    talkSeconds: a.talkSeconds + b.talkSeconds,
    longestWaitSeconds: Math.max(a.longestWaitSeconds, b.longestWaitSeconds),
  };
}

/** The counts of a set of call records and the missed ringings that go with them. */
export function countCalls(calls: readonly CallRecord[], missedAttempts: number, thresholdSeconds: number): KpiCounts {
  let counts: KpiCounts = { ...ZERO_COUNTS, missed: missedAttempts };
  for (const c of calls) {
    if (!isOffered(c)) continue;
    const answered = c.disposition === "answered";
    counts = addCounts(counts, {
      offered: 1,
      answered: answered ? 1 : 0,
      abandoned: c.disposition === "abandoned" ? 1 : 0,
      missed: 0,
      answeredWithinThreshold: isAnsweredWithin(c, thresholdSeconds) ? 1 : 0,
      answerWaitSeconds: answered ? (c.waitSeconds ?? 0) : 0,
      talkSeconds: answered ? (c.talkSeconds ?? 0) : 0,
      longestWaitSeconds: c.waitSeconds ?? 0,
    });
  }
  return counts;
}

/** The figures shown, from counts. Averages and the service level are null when there is nothing to divide by. */
export interface KpiFigures {
  offered: number;
  answered: number;
  abandoned: number;
  missed: number;
  /** seconds */
  averageSpeedOfAnswer: number | null;
  /** seconds */
  averageHandleTime: number | null;
  /** 0..100 */
  serviceLevel: number | null;
  /** 0..100 of offered */
  abandonRate: number | null;
  /** seconds */
  longestWait: number;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

export function kpiFigures(c: KpiCounts): KpiFigures {
  return {
    offered: c.offered,
    answered: c.answered,
    abandoned: c.abandoned,
    missed: c.missed,
    averageSpeedOfAnswer: c.answered > 0 ? round1(c.answerWaitSeconds / c.answered) : null,
    averageHandleTime: c.answered > 0 ? round1(c.talkSeconds / c.answered) : null,
    serviceLevel: c.offered > 0 ? round1((100 * c.answeredWithinThreshold) / c.offered) : null,
    abandonRate: c.offered > 0 ? round1((100 * c.abandoned) / c.offered) : null,
    longestWait: c.longestWaitSeconds,
  };
}

/** The service-level threshold from its setting: whole seconds 1..600, the default when unset or invalid. */
export function serviceLevelSeconds(raw: string | number | null | undefined): number {
  const n = typeof raw === "number" ? raw : raw === null || raw === undefined || raw.trim() === "" ? NaN : Number(raw);
  return Number.isInteger(n) && n >= 1 && n <= 600 ? n : DEFAULT_SERVICE_LEVEL_SECONDS;
}

// -------------------------------------------------------------------------------------------------
// the live wall

export const WALL_OPERATOR_STATES = ["available", "ringing", "on_call", "wrap_up", "away"] as const;
export type WallOperatorState = (typeof WALL_OPERATOR_STATES)[number];

/**
 * After a call an available operator is shown in wrap-up this long (registering the ticket). The ACD does
 * not hold them back: a waiting call may still ring them.
 */
export const WRAP_UP_SECONDS = 60;

/**
 * An operator's state on the wall: on a call (talking, or their outbound call is being set up), ringing (a
 * call is offered to them), away (on a break or signed out of the queue), wrap-up (available, their last
 * call ended less than WRAP_UP_SECONDS ago), otherwise available.
 */
export function wallOperatorState(
  o: { presence: OperatorPresence; onCall: boolean; ringing: boolean; lastCallEndedAt: Date | string | null },
  now: Date | number,
  wrapUpSeconds = WRAP_UP_SECONDS,
): WallOperatorState {
  if (o.onCall) return "on_call";
  if (o.ringing) return "ringing";
  if (o.presence !== "available") return "away";
  if (o.lastCallEndedAt && new Date(now).getTime() - new Date(o.lastCallEndedAt).getTime() < wrapUpSeconds * 1000) return "wrap_up";
  return "available";
}

/** Whole seconds a caller has waited so far (the wall ticks it in the browser from the same start). */
export function waitedSeconds(since: Date | string, now: Date | number): number {
  return Math.max(0, Math.floor((new Date(now).getTime() - new Date(since).getTime()) / 1000));
}

/**
 * The real-time channel of the supervisor's wall: a NOTIFY (payload: the call id, or empty) whenever a
 * caller joins a queue or a call ends, besides the desk events (DESK_EVENTS_CHANNEL) for ringing, answers and
 * presence. The wall re-reads its snapshot from PostgreSQL on each.
 */
export const CALL_CENTRE_CHANNEL = "call_centre";
