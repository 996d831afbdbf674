import type { CallQueue, OperatorPresence } from "./call";

/**
 * Automatic call distribution: which operator's phone rings next for a waiting call. The facts come from
 * PostgreSQL (operators, their live calls and ringing attempts); the choice is this pure rule, so every
 * telephony process makes the same one.
 */
export interface AcdCandidate {
  userId: number;
  presence: OperatorPresence;
  skills: readonly string[];
  /** ringing for a call, or talking: not free */
  busy: boolean;
  /** since when the operator has had nothing to do: the later of their last call's end and becoming available */
  idleSince: Date | string | null;
}

/**
 * The longest-idle available, free operator with the queue's skill who has not already been tried for this
 * call; null when there is none (the caller keeps waiting). Ties go to the lower user id, so the choice is
 * deterministic. An operator never idle (null) counts as idle the longest.
 */
export function chooseOperator(
  candidates: readonly AcdCandidate[],
  queue: CallQueue,
  alreadyTried: ReadonlySet<number> | readonly number[] = [],
): AcdCandidate | null {
  const tried = alreadyTried instanceof Set ? alreadyTried : new Set(alreadyTried as readonly number[]);
  let best: AcdCandidate | null = null;
  for (const c of candidates) {
    if (c.presence !== "available" || c.busy || tried.has(c.userId) || !c.skills.includes(queue)) continue;
    if (!best || idleOrder(c, best) < 0) best = c;
  }
  return best;
}

function idleOrder(a: AcdCandidate, b: AcdCandidate): number {
  const ta = a.idleSince ? new Date(a.idleSince).getTime() : -Infinity;
  const tb = b.idleSince ? new Date(b.idleSince).getTime() : -Infinity;
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.userId - b.userId;
}

/**
 * When every available operator with the skill has been tried once and none answered, the round starts
 * again (the caller is still waiting): the set of operators to skip is cleared.
 */
export function nextRoundNeeded(candidates: readonly AcdCandidate[], queue: CallQueue, alreadyTried: ReadonlySet<number>): boolean {
  const eligible = candidates.filter((c) => c.presence === "available" && !c.busy && c.skills.includes(queue));
  return eligible.length > 0 && eligible.every((c) => alreadyTried.has(c.userId));
}

/** A caller who has waited this long is offered the call-back key. */
export function mayOfferCallback(enqueuedAt: Date | string, now: Date | number, offerAfterSeconds: number): boolean {
  return new Date(now).getTime() - new Date(enqueuedAt).getTime() >= offerAfterSeconds * 1000;
}

/**
 * Call-backs keep the caller's place: they are ordered with waiting calls by the time the caller first
 * joined the queue, so one who asked to be called back is not overtaken by those who came later.
 */
export function byPlaceInQueue<T extends { placeAt: Date | string; id: number }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => new Date(a.placeAt).getTime() - new Date(b.placeAt).getTime() || a.id - b.id);
}

/**
 * A caller waiting in the queue — at any live telephony process, not only the one planning — with the
 * operators already tried for the call (not ringing now) and the process that holds them (`nodeId`).
 */
export interface WaitingCall {
  kind: "call";
  id: number;
  queue: CallQueue;
  /** their place: when they joined the queue */
  placeAt: Date | string;
  nodeId: string | null;
  tried: readonly number[];
}

/** A call-back waiting for an operator (any process may dial it). */
export interface WaitingCallback {
  kind: "callback";
  id: number;
  queue: CallQueue;
  placeAt: Date | string;
}

export interface AcdPlan<C extends AcdCandidate> {
  /** calls to ring now, each with its own operator (never one operator for two calls), and the process holding each */
  offers: { callId: number; nodeId: string | null; operator: C }[];
  /** call-backs with a free operator held for them, in their place order (each is then assigned on its own) */
  callbacks: number[];
}

/**
 * The ACD's step for everything that waits at once, across every telephony process: in place order (core
 * byPlaceInQueue), each waiting call gets the operator chooseOperator gives it among those not yet given to an
 * earlier one (its own tried operators skipped, a new round when all were tried), and each waiting call-back
 * holds one operator of its skill. The same result as offering the calls one after another, oldest first.
 *
 * First come, first served across processes comes from the input, not from here: `items` are the waiting
 * calls of every live process, so whichever process plans, the plan is the same — the oldest caller gets the
 * free operator wherever they wait. Each process then acts on its own share (shareOfPlan).
 */
export function planOffers<C extends AcdCandidate>(
  items: readonly (WaitingCall | WaitingCallback)[],
  candidates: readonly C[],
  exclude: readonly number[] = [],
): AcdPlan<C> {
  const plan: AcdPlan<C> = { offers: [], callbacks: [] };
  let live: C[] = [...candidates];
  const take = (userId: number) => {
    live = live.map((c) => (c.userId === userId ? { ...c, busy: true } : c));
  };
  for (const item of byPlaceInQueue(items)) {
    if (item.kind === "callback") {
      const chosen = chooseOperator(live, item.queue);
      if (!chosen) continue;
      take(chosen.userId);
      plan.callbacks.push(item.id);
      continue;
    }
    let tried = new Set(item.tried);
    if (nextRoundNeeded(live, item.queue, tried)) tried = new Set();
    for (const id of exclude) tried.add(id);
    const chosen = chooseOperator(live, item.queue, tried) as C | null;
    if (!chosen) continue;
    take(chosen.userId);
    plan.offers.push({ callId: item.id, nodeId: item.nodeId, operator: chosen });
  }
  return plan;
}

/**
 * One process's share of a plan made over every process's callers: the offers it writes and rings — its own
 * callers who are waiting in its holding bridges now (`ownWaiting`) — and the other processes to wake, whose
 * callers the plan gave an operator to (the operator is left free for them: they ring it when they run their
 * own ACD and make the same plan). An offer for one of its own callers who is not waiting yet is neither rung
 * nor given to anyone else: that caller's process kicks its ACD as soon as they are.
 */
export function shareOfPlan<C extends AcdCandidate>(
  plan: AcdPlan<C>,
  nodeId: string,
  ownWaiting: ReadonlySet<number> | readonly number[],
): { mine: AcdPlan<C>["offers"]; wake: string[] } {
  const own = ownWaiting instanceof Set ? ownWaiting : new Set(ownWaiting as readonly number[]);
  const mine: AcdPlan<C>["offers"] = [];
  const wake = new Set<string>();
  for (const offer of plan.offers) {
    if (offer.nodeId === nodeId || own.has(offer.callId)) {
      if (own.has(offer.callId)) mine.push(offer);
    } else if (offer.nodeId !== null) wake.add(offer.nodeId);
  }
  return { mine, wake: [...wake] };
}
