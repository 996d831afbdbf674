/**
 * The vocabulary of the call centre, defined once: a call's direction, phase and outcome, the IVR menu,
 * an operator's availability, one ringing attempt's result and the desk's real-time events. The database's
 * CHECK constraints, zod enums and the UIs are tested against (or derive from) these arrays.
 */

export const CALL_DIRECTIONS = ["inbound", "outbound"] as const;
export type CallDirection = (typeof CALL_DIRECTIONS)[number];

/**
 * Where a live call is. `ivr`: answered by the app, playing the menu; `queued`: waiting in the holding
 * bridge; `ringing`: an operator's phone is ringing for it; `connected`: caller and operator talk in the
 * mixing bridge (recorded); `ended`: hung up, the call-detail record is final.
 */
export const CALL_STATES = ["ivr", "queued", "ringing", "connected", "ended"] as const;
export type CallState = (typeof CALL_STATES)[number];

/** Phases that still hold a channel on Asterisk: what is reconciled after a reconnect. */
export const LIVE_CALL_STATES = ["ivr", "queued", "ringing", "connected"] as const satisfies readonly CallState[];

/**
 * How a call ended. `answered`: an operator talked to the caller; `abandoned`: the caller hung up while
 * waiting; `missed`: nobody answered (an outbound call the customer did not pick up, or no operator at all);
 * `busy`: the far end was busy (outbound); `failed`: the call could not be set up.
 */
export const CALL_DISPOSITIONS = ["answered", "missed", "abandoned", "busy", "failed"] as const;
export type CallDisposition = (typeof CALL_DISPOSITIONS)[number];

/** The IVR menu: the digit a caller presses and the queue it leads to. No key (or another key) → breakdown. */
export const IVR_CHOICES = ["breakdown", "follow_up", "complaint"] as const;
export type IvrChoice = (typeof IVR_CHOICES)[number];

const IVR_DIGITS: Record<string, IvrChoice> = { "1": "breakdown", "2": "follow_up", "3": "complaint" };

export function ivrChoiceForDigit(digit: string | null | undefined): IvrChoice {
  return (digit && IVR_DIGITS[digit]) || "breakdown";
}

/** The digit of each menu entry, for prompts and the simulator. */
export function digitForIvrChoice(choice: IvrChoice): string {
  return Object.entries(IVR_DIGITS).find(([, c]) => c === choice)![0];
}

/** A queue is named after the IVR choice; an operator's skills are the queues they take. */
export const CALL_QUEUES = IVR_CHOICES;
export type CallQueue = IvrChoice;

/** The key a caller presses while waiting to ask to be called back, keeping their place. */
export const CALLBACK_DIGIT = "9";

/** The key that ends the ticket number a follow-up caller types (they may also just wait). */
export const TICKET_NUMBER_END_DIGIT = "#";

/** Ticket numbers are 8 digits and start at 10000001 (the ticket_number_seq). */
export function parseKeyedTicketNumber(digits: string): number | null {
  const clean = digits.replace(/[^0-9]/g, "");
  if (!/^[1-9][0-9]{7}$/.test(clean)) return null;
  return Number(clean);
}

export const OPERATOR_PRESENCES = ["available", "on_break", "offline"] as const;
export type OperatorPresence = (typeof OPERATOR_PRESENCES)[number];

/**
 * The result of ringing one operator for one call. `ringing` while it rings; `answered`; `no_answer`
 * (nobody picked up within the ring time, or cause 19); `busy` (cause 17); `rejected` (cause 21);
 * `failed` (any other cause, or the originate failed); `cancelled` (the caller hung up, or another
 * operator took the call, while this one rang).
 */
export const ATTEMPT_OUTCOMES = ["ringing", "answered", "no_answer", "busy", "rejected", "failed", "cancelled"] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

/** Q.850 hangup causes Asterisk reports in ChannelDestroyed / ChannelHangupRequest. */
export const HANGUP_CAUSES = {
  NORMAL_CLEARING: 16,
  USER_BUSY: 17,
  NO_USER_RESPONSE: 18,
  NO_ANSWER: 19,
  CALL_REJECTED: 21,
} as const;

/** What ringing an operator's phone came to, from the cause of its channel's end before answer. */
export function attemptOutcomeForCause(cause: number | null | undefined): Exclude<AttemptOutcome, "ringing" | "answered" | "cancelled"> {
  switch (cause) {
    case HANGUP_CAUSES.USER_BUSY:
      return "busy";
    case HANGUP_CAUSES.NO_USER_RESPONSE:
    case HANGUP_CAUSES.NO_ANSWER:
      return "no_answer";
    case HANGUP_CAUSES.CALL_REJECTED:
      return "rejected";
    default:
      return "failed";
  }
}

/** The disposition of an outbound call (click-to-dial, call-back) whose far end never answered. */
export function outboundDispositionForCause(cause: number | null | undefined): CallDisposition {
  const outcome = attemptOutcomeForCause(cause);
  return outcome === "busy" ? "busy" : outcome === "failed" ? "failed" : "missed";
}

export const CALLBACK_STATUSES = ["waiting", "dialing", "done", "failed", "cancelled"] as const;
export type CallbackStatus = (typeof CALLBACK_STATUSES)[number];

/** Whole seconds between two instants, never negative (clock skew between hosts). */
export function secondsBetween(from: Date | string | null | undefined, to: Date | string | null | undefined): number | null {
  if (!from || !to) return null;
  return Math.max(0, Math.round((new Date(to).getTime() - new Date(from).getTime()) / 1000));
}

/**
 * The desk's real-time events. Telephony publishes them through PostgreSQL (NOTIFY on DESK_EVENTS_CHANNEL,
 * a small JSON payload with ids only); each web process LISTENs and forwards an event to the server-sent
 * event streams of the operators it names, who load what the pop-up shows with their own data scope.
 */
export const DESK_EVENTS_CHANNEL = "desk_events";

export type DeskEvent =
  /** the operator's phone rings for this call: pop it up */
  | { type: "call_offered"; operatorUserId: number; callId: number; at: string }
  /** the operator answered: the call is theirs to register */
  | { type: "call_connected"; operatorUserId: number; callId: number; at: string }
  /** the ringing stopped without an answer (caller hung up, timeout, another operator took it) */
  | { type: "call_withdrawn"; operatorUserId: number; callId: number; at: string }
  | { type: "call_ended"; operatorUserId: number; callId: number; at: string }
  /** the call's recording is stored and can be played */
  | { type: "recording_ready"; operatorUserId: number; callId: number; at: string }
  /** presence changed (by the operator, or by the ACD after missed calls) */
  | { type: "presence"; operatorUserId: number; presence: OperatorPresence; at: string }
  /** a caller asked to be called back and this operator is the one to dial */
  | { type: "callback_assigned"; operatorUserId: number; callbackId: number; at: string }
  /** (to each supervisor) a follow-up's low score opened this complaint ticket */
  | { type: "complaint_opened"; operatorUserId: number; ticketId: number; score: number; at: string };

export type DeskEventType = DeskEvent["type"];

/** Parses a NOTIFY payload; anything else (a foreign or future payload) is null, never a throw. */
export function parseDeskEvent(payload: string): DeskEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return null;
  }
  if (!value || typeof value !== "object") return null;
  const v = value as Record<string, unknown>;
  if (typeof v.type !== "string" || typeof v.operatorUserId !== "number" || typeof v.at !== "string") return null;
  switch (v.type) {
    case "call_offered":
    case "call_connected":
    case "call_withdrawn":
    case "call_ended":
    case "recording_ready":
      return typeof v.callId === "number" ? (v as DeskEvent) : null;
    case "presence":
      return (OPERATOR_PRESENCES as readonly unknown[]).includes(v.presence) ? (v as DeskEvent) : null;
    case "callback_assigned":
      return typeof v.callbackId === "number" ? (v as DeskEvent) : null;
    case "complaint_opened":
      return typeof v.ticketId === "number" && typeof v.score === "number" ? (v as DeskEvent) : null;
    default:
      return null;
  }
}
