/**
 * The delay audit (issue 14 §1), as pure rules: the stages of a request from registration to its end, how
 * each stage's start and end are read from the request's history (ticket_events), the causes of delay the
 * history shows, and the SLA targets configured by priority, category and province (most specific match).
 *
 * Stages (each one ends where the next begins):
 *   registered ──offer──▶ offered ──accept──▶ accepted ──visit──▶ visited ──repair──▶ done ──close──▶ closed
 *
 * Milestones, from the history (status_changed rows and the dispatch rows):
 *  - registered: the ticket's created_at;
 *  - offered: the first 'offer_sent' row or move to `dispatching`, whichever is first;
 *  - a "take-back": a move to `dispatching` from `assigned` or `scheduled` (the agency handed the job back, or
 *    a supervisor reassigned it) — acceptance and visit count again from there;
 *  - accepted: the last move to `assigned` after the last take-back (none yet: null);
 *  - visited: the first move to `in_progress` at or after the acceptance (and after the last take-back): the
 *    technician arrived and the work began (in-house requests go `new` → `in_progress`: that is their visit);
 *  - done: the last move to `completed`, unless the job was reopened (`completed` → `in_progress`) after it;
 *  - closed: the last move to `closed` or `cancelled` (cancelled says which).
 *
 * Its SQL twin is the function `ticket_milestones_compute` of migration 2026_12_03_100000 (which keeps the
 * roll-up table ticket_milestones); tests/integration/delays.test.ts holds the two together on the same
 * histories.
 */
import type { Priority, TicketEventType, TicketStatus, TicketType } from "./ticket";
import { isDispatchedType } from "./ticket";
import { IN_HOUSE_RESOLVE_DAYS, SLA_TARGETS, type SlaStage } from "./sla";

export const DELAY_STAGES = ["offer", "accept", "visit", "repair", "close"] as const;
export type DelayStage = (typeof DELAY_STAGES)[number];

export const MILESTONES = ["registered", "offered", "accepted", "visited", "done", "closed"] as const;
export type Milestone = (typeof MILESTONES)[number];

/** Each stage runs from one milestone to the next. */
export const STAGE_BOUNDS: Readonly<Record<DelayStage, readonly [Milestone, Milestone]>> = {
  offer: ["registered", "offered"],
  accept: ["offered", "accepted"],
  visit: ["accepted", "visited"],
  repair: ["visited", "done"],
  close: ["done", "closed"],
};

/** One history row, as far as the delay audit reads it. */
export interface HistoryEvent {
  at: Date;
  type: TicketEventType;
  from: TicketStatus | null;
  to: TicketStatus | null;
  data: Record<string, unknown>;
}

export type Milestones = Record<Milestone, Date | null> & { cancelled: boolean };

const TAKE_BACK_FROM: readonly TicketStatus[] = ["assigned", "scheduled"];

function isTakeBack(e: HistoryEvent): boolean {
  return e.type === "status_changed" && e.to === "dispatching" && e.from !== null && TAKE_BACK_FROM.includes(e.from);
}

function maxAt(events: readonly HistoryEvent[], pred: (e: HistoryEvent) => boolean): Date | null {
  let best: Date | null = null;
  for (const e of events) if (pred(e) && (!best || e.at.getTime() > best.getTime())) best = e.at;
  return best;
}

function minAt(events: readonly HistoryEvent[], pred: (e: HistoryEvent) => boolean): Date | null {
  let best: Date | null = null;
  for (const e of events) if (pred(e) && (!best || e.at.getTime() < best.getTime())) best = e.at;
  return best;
}

/** The milestones of one request from its registration time and history (any order). */
export function milestonesOf(createdAt: Date, events: readonly HistoryEvent[]): Milestones {
  const status = (e: HistoryEvent, to: TicketStatus) => e.type === "status_changed" && e.to === to;
  const offered = minAt(events, (e) => e.type === "offer_sent" || status(e, "dispatching"));
  const takeBack = maxAt(events, isTakeBack);
  const after = (e: HistoryEvent, t: Date | null) => t === null || e.at.getTime() > t.getTime();
  const accepted = maxAt(events, (e) => status(e, "assigned") && after(e, takeBack));
  const visited = minAt(
    events,
    (e) => status(e, "in_progress") && after(e, takeBack) && (accepted === null || e.at.getTime() >= accepted.getTime()),
  );
  const lastDone = maxAt(events, (e) => status(e, "completed"));
  const reopened = maxAt(events, (e) => status(e, "in_progress") && e.from === "completed");
  const done = lastDone && (reopened === null || lastDone.getTime() > reopened.getTime()) ? lastDone : null;
  const closed = maxAt(events, (e) => status(e, "closed") || status(e, "cancelled"));
  const cancelled = events.some((e) => status(e, "cancelled"));
  return { registered: createdAt, offered, accepted, visited, done, closed, cancelled };
}

/** Seconds spent in each stage; null when the stage has not both begun and ended. */
export function stageDurations(m: Milestones): Record<DelayStage, number | null> {
  const out = {} as Record<DelayStage, number | null>;
  for (const stage of DELAY_STAGES) {
    const [a, b] = STAGE_BOUNDS[stage];
    const start = m[a];
    const end = m[b];
    out[stage] = start && end ? Math.max(0, Math.round((end.getTime() - start.getTime()) / 1000)) : null;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Causes of delay, read from the history

export const DELAY_CAUSES = ["rejection", "deadline_missed", "waiting_parts", "customer_unavailable", "reassignment"] as const;
export type DelayCause = (typeof DELAY_CAUSES)[number];

/**
 * Words of a reason that say the job waits for a spare part / for the customer. The history keeps reasons as
 * people wrote them (Persian first), so these are phrases, matched case-insensitively; the patterns use only
 * syntax JavaScript and PostgreSQL (~*) read alike, and the migration's SQL twin holds a copy (a test compares).
 */
export const WAITING_PARTS_PATTERN = "قطعه|spare part|waiting for part";
export const CUSTOMER_UNAVAILABLE_PATTERN =
  "در دسترس نبود|در دسترس نیست|پاسخگو نبود|پاسخ نداد|حضور نداشت|منزل نبود|موکول کرد|customer unavailable|customer not available|not at home";

function reasonOf(e: HistoryEvent): string {
  const r = e.data.reason;
  return typeof r === "string" ? r : "";
}

/**
 * How often each cause shows in the history:
 *  - rejection: an agency declined the offer ('offer_rejected');
 *  - deadline_missed: an agency let the offer's deadline pass ('offer_expired');
 *  - waiting_parts: the job went on hold for a part (the technician's "needs parts", or a reason naming a part);
 *  - customer_unavailable: a hold or a hand-back whose reason says the customer was not there / put it off
 *    (data.cause 'customer_unavailable' too);
 *  - reassignment: the job left an agency — a supervisor's 'reassigned', or the agency handing it back
 *    (a take-back that is not a supervisor's reassignment).
 */
export function delayCauses(events: readonly HistoryEvent[]): Record<DelayCause, number> {
  const c: Record<DelayCause, number> = { rejection: 0, deadline_missed: 0, waiting_parts: 0, customer_unavailable: 0, reassignment: 0 };
  const parts = new RegExp(WAITING_PARTS_PATTERN, "i");
  const customer = new RegExp(CUSTOMER_UNAVAILABLE_PATTERN, "i");
  let takenBackBySupervisor = 0;
  for (const e of events) {
    if (e.type === "offer_rejected") c.rejection++;
    else if (e.type === "offer_expired") c.deadline_missed++;
    else if (e.type === "reassigned") {
      c.reassignment++;
      if (e.data.taken_back === true) takenBackBySupervisor++;
    } else if (e.type === "status_changed") {
      const reason = reasonOf(e);
      const isHold = e.to === "on_hold";
      if (isTakeBack(e)) c.reassignment++;
      if (isHold && (e.data.action === "needs_parts" || parts.test(reason))) c.waiting_parts++;
      if ((isHold || isTakeBack(e)) && (e.data.cause === "customer_unavailable" || customer.test(reason))) c.customer_unavailable++;
    }
  }
  // a supervisor's take-back writes both a move back to `dispatching` and 'reassigned': one reassignment
  c.reassignment -= takenBackBySupervisor;
  return c;
}

// ---------------------------------------------------------------------------------------------------------
// SLA targets: configurable by priority, category and province

/** Minutes from registration: accept, visit and resolve (done) due. */
export interface SlaTargetMinutes {
  acceptMinutes: number;
  visitMinutes: number;
  resolveMinutes: number;
}

/** A configured target: null in a key field means "any". */
export interface SlaTargetRule extends SlaTargetMinutes {
  priority: Priority | null;
  categoryId: number | null;
  province: string | null;
}

export interface SlaTargetKey {
  priority: Priority;
  categoryId: number | null;
  province: string | null;
}

/** The defaults (core/sla.ts SLA_TARGETS, per priority), as rules: what the migration seeds. */
export const DEFAULT_SLA_TARGET_RULES: readonly SlaTargetRule[] = (Object.keys(SLA_TARGETS) as Priority[]).map((priority) => ({
  priority,
  categoryId: null,
  province: null,
  acceptMinutes: SLA_TARGETS[priority].acceptHours * 60,
  visitMinutes: SLA_TARGETS[priority].visitHours * 60,
  resolveMinutes: SLA_TARGETS[priority].resolveDays * 24 * 60,
}));

/**
 * How specific a rule is: a category counts most, then a province, then a priority (a rule for "washing
 * machines" beats one for "Tehran", which beats one for "urgent"; a rule naming two beats one naming either).
 */
export function ruleSpecificity(r: Pick<SlaTargetRule, "priority" | "categoryId" | "province">): number {
  return (r.categoryId !== null ? 4 : 0) + (r.province !== null ? 2 : 0) + (r.priority !== null ? 1 : 0);
}

export function ruleMatches(r: Pick<SlaTargetRule, "priority" | "categoryId" | "province">, k: SlaTargetKey): boolean {
  return (
    (r.priority === null || r.priority === k.priority) &&
    (r.categoryId === null || r.categoryId === k.categoryId) &&
    (r.province === null || r.province === k.province)
  );
}

/**
 * THE target lookup (the one place it is decided — intake's due times and the sweep's look-ahead both come
 * from here; a working-day clock will change only this and `dueAfter`): the most specific matching rule,
 * else the default of the priority.
 */
export function slaTargetFor(rules: readonly SlaTargetRule[], key: SlaTargetKey): SlaTargetMinutes {
  let best: SlaTargetRule | null = null;
  for (const r of rules) {
    if (!ruleMatches(r, key)) continue;
    if (!best || ruleSpecificity(r) > ruleSpecificity(best)) best = r;
  }
  if (best) return { acceptMinutes: best.acceptMinutes, visitMinutes: best.visitMinutes, resolveMinutes: best.resolveMinutes };
  const d = DEFAULT_SLA_TARGET_RULES.find((r) => r.priority === key.priority)!;
  return { acceptMinutes: d.acceptMinutes, visitMinutes: d.visitMinutes, resolveMinutes: d.resolveMinutes };
}

function dueAfter(start: Date, minutes: number): Date {
  return new Date(start.getTime() + minutes * 60_000);
}

/** A request's due times at registration under the configured rules (in-house work: a resolution target only). */
export function configuredDueTimes(
  rules: readonly SlaTargetRule[],
  createdAt: Date,
  key: SlaTargetKey,
  type: TicketType,
): { acceptDueAt: Date | null; visitDueAt: Date | null; resolveDueAt: Date } {
  if (!isDispatchedType(type)) return { acceptDueAt: null, visitDueAt: null, resolveDueAt: dueAfter(createdAt, IN_HOUSE_RESOLVE_DAYS * 24 * 60) };
  const t = slaTargetFor(rules, key);
  return { acceptDueAt: dueAfter(createdAt, t.acceptMinutes), visitDueAt: dueAfter(createdAt, t.visitMinutes), resolveDueAt: dueAfter(createdAt, t.resolveMinutes) };
}

/** The longest clock of a sweep stage over the configured rules and the defaults: bounds the sweep's look-ahead. */
export function longestStageMs(rules: readonly SlaTargetRule[], stage: SlaStage): number {
  const all = [...rules, ...DEFAULT_SLA_TARGET_RULES];
  const minutes =
    stage === "accept"
      ? Math.max(...all.map((r) => r.acceptMinutes))
      : stage === "visit"
        ? Math.max(...all.map((r) => r.visitMinutes))
        : Math.max(IN_HOUSE_RESOLVE_DAYS * 24 * 60, ...all.map((r) => r.resolveMinutes));
  return minutes * 60_000;
}

/** A rule's minutes must be whole, positive, ordered (accept ≤ visit ≤ resolve) and under a year. */
export type SlaRuleProblem = "not_positive" | "out_of_order" | "too_long";
export const MAX_TARGET_MINUTES = 365 * 24 * 60;

export function checkSlaRule(t: SlaTargetMinutes): SlaRuleProblem | null {
  const v = [t.acceptMinutes, t.visitMinutes, t.resolveMinutes];
  if (v.some((m) => !Number.isInteger(m) || m <= 0)) return "not_positive";
  if (v.some((m) => m > MAX_TARGET_MINUTES)) return "too_long";
  if (t.acceptMinutes > t.visitMinutes || t.visitMinutes > t.resolveMinutes) return "out_of_order";
  return null;
}

// ---------------------------------------------------------------------------------------------------------
// Breaches, per milestone against its due time

export const SLA_CHECKS = ["accept", "visit", "resolve"] as const satisfies readonly SlaStage[];

/**
 * Whether a milestone missed its due time: reached after it, or not reached and the due time has passed while
 * the request is still open (a cancelled request breaches nothing it did not reach).
 */
export function breached(reachedAt: Date | null, dueAt: Date | null, now: Date, closedAt: Date | null): boolean {
  if (!dueAt) return false;
  if (reachedAt) return reachedAt.getTime() > dueAt.getTime();
  if (closedAt) return false;
  return now.getTime() > dueAt.getTime();
}

/** Median of numbers (null for none): the middle value, or the mean of the two middle values. */
export function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
