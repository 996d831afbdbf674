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
