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
import { isDispatchedType, isTakeBack } from "./ticket";
import { IN_HOUSE_RESOLVE_DAYS, SLA_TARGETS, type SlaStage } from "./sla";
import { regionTierOf, type RegionTier } from "./region-tier";
import { addWorkingDays, addWorkingMinutes, addWorkingMs, workingMsBetween, type WorkingCalendar } from "./working-time";

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

function isTakeBackEvent(e: HistoryEvent): boolean {
  return e.type === "status_changed" && isTakeBack(e.from, e.to);
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
  const takeBack = maxAt(events, isTakeBackEvent);
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
      if (isTakeBackEvent(e)) c.reassignment++;
      if (isHold && (e.data.action === "needs_parts" || parts.test(reason))) c.waiting_parts++;
      if ((isHold || isTakeBackEvent(e)) && (e.data.cause === "customer_unavailable" || customer.test(reason))) c.customer_unavailable++;
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
  /** issue 15 §2: the region tier (core/region-tier.ts); null or absent: any */
  regionTier?: RegionTier | null;
}

/** A ticket's key into the SLA target rules: its priority, category, province and the tier of its place. */
export function slaTargetKeyOf(t: { priority: Priority; categoryId: number | null; province: string | null; city: string | null }): SlaTargetKey {
  return { priority: t.priority, categoryId: t.categoryId, province: t.province, regionTier: regionTierOf(t.province, t.city) };
}

export interface SlaTargetKey {
  priority: Priority;
  categoryId: number | null;
  province: string | null;
  /** the address's tier (core/region-tier.ts regionTierOf); absent: matches only rules naming no tier */
  regionTier?: RegionTier | null;
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
 * How specific a rule is: a category counts most, then a province, then a region tier, then a priority (a rule
 * for "washing machines" beats one for "Tehran province", which beats one for "provincial centres", which beats
 * one for "urgent"; a rule naming two beats one naming either).
 */
export function ruleSpecificity(r: Pick<SlaTargetRule, "priority" | "categoryId" | "province" | "regionTier">): number {
  return (r.categoryId !== null ? 8 : 0) + (r.province !== null ? 4 : 0) + ((r.regionTier ?? null) !== null ? 2 : 0) + (r.priority !== null ? 1 : 0);
}

export function ruleMatches(r: Pick<SlaTargetRule, "priority" | "categoryId" | "province" | "regionTier">, k: SlaTargetKey): boolean {
  return (
    (r.priority === null || r.priority === k.priority) &&
    (r.categoryId === null || r.categoryId === k.categoryId) &&
    (r.province === null || r.province === k.province) &&
    ((r.regionTier ?? null) === null || r.regionTier === k.regionTier)
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

/**
 * The working-day clock of a due time (issue 15 §2): targets in minutes are working minutes on `calendar`
 * (the call centre's hours at registration, the agency's once one is assigned); in-house requests are due
 * after `inHouseResolveDays` working days, complaints after `complaintResolveDays` (the admin's setting,
 * DEFAULT_COMPLAINT_RESOLVE_DAYS) — each the close of that working day (core/working-time.ts addWorkingDays).
 */
export interface DueClock {
  calendar: WorkingCalendar;
  complaintResolveDays?: number;
  inHouseResolveDays?: number;
}

/** A complaint is resolved within this many working days unless an admin says otherwise (issue 15 §2). */
export const DEFAULT_COMPLAINT_RESOLVE_DAYS = 7;

function dueAfter(start: Date, minutes: number, clock: DueClock | undefined): Date {
  return clock ? addWorkingMinutes(start, minutes, clock.calendar) : new Date(start.getTime() + minutes * 60_000);
}

function inHouseDue(start: Date, type: TicketType, clock: DueClock | undefined): Date {
  if (!clock) return new Date(start.getTime() + IN_HOUSE_RESOLVE_DAYS * 24 * 60 * 60_000);
  const days = type === "complaint" ? (clock.complaintResolveDays ?? DEFAULT_COMPLAINT_RESOLVE_DAYS) : (clock.inHouseResolveDays ?? IN_HOUSE_RESOLVE_DAYS);
  return addWorkingDays(start, days, clock.calendar);
}

/**
 * A request's due times from its SLA target (in-house work: a resolution target only, `target` unused): with a
 * clock, counted in working time from `createdAt`; without one, in calendar minutes (history before issue 15).
 * Intake uses the rule in force at registration (configuredDueTimes); a job taken back from its agency goes back
 * to these due times, from the target the ticket kept (tickets.sla_*_minutes).
 */
export function dueTimesFor(
  target: SlaTargetMinutes,
  createdAt: Date,
  type: TicketType,
  clock?: DueClock,
): { acceptDueAt: Date | null; visitDueAt: Date | null; resolveDueAt: Date } {
  if (!isDispatchedType(type)) return { acceptDueAt: null, visitDueAt: null, resolveDueAt: inHouseDue(createdAt, type, clock) };
  return {
    acceptDueAt: dueAfter(createdAt, target.acceptMinutes, clock),
    visitDueAt: dueAfter(createdAt, target.visitMinutes, clock),
    resolveDueAt: dueAfter(createdAt, target.resolveMinutes, clock),
  };
}

/**
 * A request's due times at registration under the configured rules (slaTargetFor, then dueTimesFor).
 * With a clock, counted in working time; without one, in calendar minutes (history before issue 15).
 */
export function configuredDueTimes(
  rules: readonly SlaTargetRule[],
  createdAt: Date,
  key: SlaTargetKey,
  type: TicketType,
  clock?: DueClock,
): { acceptDueAt: Date | null; visitDueAt: Date | null; resolveDueAt: Date } {
  return dueTimesFor(slaTargetFor(rules, key), createdAt, type, clock);
}

/** The stages an agency answers for once it accepts a dispatched request: the visit and the repair (resolve). */
export const AGENCY_SLA_STAGES = ["visit", "resolve"] as const satisfies readonly SlaStage[];

/**
 * The due times of the agency's stages (AGENCY_SLA_STAGES) when it accepts a dispatched request (issue 15 §2:
 * targets counted in working time, per agency's hours). Each target still runs from registration, but on the
 * clock of whoever held the request: its working minutes up to the acceptance are counted on `before` (the call
 * centre's clock, on which intake set the due times), the rest on `agency` (the agency's weekly hours with the
 * official holidays) from the acceptance on. A target already used up before the acceptance keeps its due time
 * on `before` (already past: the agency took a late request). An agency with the call centre's hours gets the
 * registration's due times exactly; an agency open on Fridays is due sooner, one with shorter days later.
 * `target` is the one the request was registered under (tickets.sla_*_minutes, snapshotted at intake), never
 * the rules in force at the acceptance: editing a rule does not move an existing ticket's promise. After a
 * take-back the next agency's acceptance is counted the same way (the stretch before it, whoever held the job,
 * on the call centre's clock). Null for in-house requests (no agency).
 */
export function acceptedDueTimes(
  target: SlaTargetMinutes,
  createdAt: Date,
  acceptedAt: Date,
  type: TicketType,
  before: DueClock,
  agency: DueClock,
): { visitDueAt: Date; resolveDueAt: Date } | null {
  if (!isDispatchedType(type)) return null;
  const t = target;
  const from = acceptedAt.getTime() < createdAt.getTime() ? createdAt : acceptedAt;
  const usedMs = workingMsBetween(createdAt, from, before.calendar);
  const due = (minutes: number): Date => {
    const leftMs = minutes * 60_000 - usedMs;
    return leftMs > 0 ? addWorkingMs(from, leftMs, agency.calendar) : addWorkingMinutes(createdAt, minutes, before.calendar);
  };
  return { visitDueAt: due(t.visitMinutes), resolveDueAt: due(t.resolveMinutes) };
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

/**
 * On the working clock, the longest calendar time a stage's due time can lie after registration, for requests
 * registered in the `daysBack` days before `now` (hour by hour): the longest target in working minutes (or the
 * longest in-house / complaint days for resolve) measured from its worst start (before Nowruz, a Thursday
 * evening). The sweep's look-ahead is a share of it.
 */
export function longestStageSpanMs(rules: readonly SlaTargetRule[], stage: SlaStage, clock: DueClock, now: Date, daysBack = 60): number {
  const minutes = longestStageMs(rules, stage) / 60_000;
  const days = Math.max(clock.complaintResolveDays ?? DEFAULT_COMPLAINT_RESOLVE_DAYS, clock.inHouseResolveDays ?? IN_HOUSE_RESOLVE_DAYS);
  let worst = 0;
  for (let h = 0; h <= daysBack * 24; h++) {
    const start = new Date(now.getTime() - h * 3_600_000);
    worst = Math.max(worst, addWorkingMinutes(start, minutes, clock.calendar).getTime() - start.getTime());
    if (stage === "resolve") worst = Math.max(worst, addWorkingDays(start, days, clock.calendar).getTime() - start.getTime());
  }
  return worst;
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

// ---------------------------------------------------------------------------------------------------------
// Stage durations as histograms (the daily roll-up delay_daily and the live part of the reports)

/**
 * Bucket edges in seconds: bucket 0 holds everything under a minute (negative durations too), bucket i ≥ 1
 * holds [EDGES[i-1], EDGES[i]) — log-spaced, HIST_STEPS_PER_DOUBLING buckets per doubling from 1 minute to
 * 2^HIST_DOUBLINGS minutes (≈ 2 years), the last bucket open-ended. Edges are whole seconds, strictly rising,
 * so JavaScript and PostgreSQL (`width_bucket(secs, edges)`, the number of edges ≤ secs) place a duration in
 * the same bucket. Sums and counts of buckets add, so the histogram of any run of days is the sum of its days'.
 */
export const HIST_FIRST_EDGE_SECONDS = 60;
export const HIST_STEPS_PER_DOUBLING = 8;
export const HIST_DOUBLINGS = 20;
export const DURATION_BUCKET_EDGES: readonly number[] = Array.from({ length: HIST_STEPS_PER_DOUBLING * HIST_DOUBLINGS + 1 }, (_, i) =>
  Math.round(HIST_FIRST_EDGE_SECONDS * 2 ** (i / HIST_STEPS_PER_DOUBLING)),
);
/** Buckets per stage: one under the first edge, one from each edge on. */
export const HIST_BUCKETS = DURATION_BUCKET_EDGES.length + 1;
/**
 * The documented bound of a median read from the buckets: within this share of the exact median — the widest
 * bucket relative to its lower edge: 2^(1/8) − 1 ≈ 9.05 % in general, 9.86 % at most for the few buckets just
 * above a minute, whose edges are rounded to whole seconds — or within HIST_FIRST_EDGE_SECONDS when the exact
 * median is under a minute. Means are exact (sum ÷ count).
 */
export const HIST_MEDIAN_RELATIVE_ERROR = Math.max(
  ...DURATION_BUCKET_EDGES.slice(1).map((e, i) => (e - DURATION_BUCKET_EDGES[i]!) / DURATION_BUCKET_EDGES[i]!),
);

/** The bucket of a duration (seconds): the number of edges at or below it (PostgreSQL's width_bucket). */
export function durationBucket(seconds: number): number {
  let lo = 0;
  let hi = DURATION_BUCKET_EDGES.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (DURATION_BUCKET_EDGES[mid]! <= seconds) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A bucket's span in seconds: [lo, hi); the first from 0, the last open (hi null). */
export function bucketSpan(bucket: number): [number, number | null] {
  const lo = bucket === 0 ? 0 : DURATION_BUCKET_EDGES[bucket - 1]!;
  const hi = bucket < DURATION_BUCKET_EDGES.length ? DURATION_BUCKET_EDGES[bucket]! : null;
  return [lo, hi];
}

/** The histogram of some durations (HIST_BUCKETS counts). */
export function histogramOf(seconds: readonly number[]): number[] {
  const h = new Array<number>(HIST_BUCKETS).fill(0);
  for (const s of seconds) h[durationBucket(s)]!++;
  return h;
}

/**
 * The value of the r-th smallest duration (1-based) as the buckets tell it: the c durations of its bucket are
 * taken as spread evenly over it (the k-th at lo + (k − ½)/c of its width); the open last bucket gives its edge.
 */
function rankValue(counts: readonly number[], rank: number): number {
  let before = 0;
  for (let b = 0; b < counts.length; b++) {
    const c = counts[b]!;
    if (c > 0 && before + c >= rank) {
      const [lo, hi] = bucketSpan(b);
      if (hi === null) return lo;
      return lo + ((hi - lo) * (rank - before - 0.5)) / c;
    }
    before += c;
  }
  return bucketSpan(counts.length - 1)[0];
}

/**
 * The median of a histogram (null when empty), by the rule of core `median`: the middle duration, or the mean
 * of the two middle ones, each read by `rankValue`. Each lies in the same bucket as the exact order statistic,
 * so the result is within HIST_MEDIAN_RELATIVE_ERROR of the exact median (within a minute under a minute).
 */
export function histogramMedian(counts: readonly number[]): number | null {
  const n = counts.reduce((a, b) => a + b, 0);
  if (n === 0) return null;
  return n % 2 ? rankValue(counts, (n + 1) / 2) : (rankValue(counts, n / 2) + rankValue(counts, n / 2 + 1)) / 2;
}

/**
 * The additive figures of a set of requests (one roll-up row, a day's or a range's): counters, per-stage
 * sums of seconds and per-stage histograms. `late` is a request with at least one breached check.
 */
export const DELAY_COUNTERS = [
  "tickets",
  "late",
  "breach_accept",
  "breach_visit",
  "breach_resolve",
  ...DELAY_CAUSES.map((c) => `tickets_${c}` as const),
  ...DELAY_CAUSES.map((c) => `occurrences_${c}` as const),
] as const;
export type DelayCounter = (typeof DELAY_COUNTERS)[number];

export interface DelayFigures {
  /** DELAY_COUNTERS, in order */
  counts: number[];
  /** seconds summed per stage (DELAY_STAGES order) */
  seconds: number[];
  /** DELAY_STAGES.length × HIST_BUCKETS counts, stage after stage */
  hist: number[];
}

export function emptyFigures(): DelayFigures {
  return { counts: new Array<number>(DELAY_COUNTERS.length).fill(0), seconds: new Array<number>(DELAY_STAGES.length).fill(0), hist: new Array<number>(DELAY_STAGES.length * HIST_BUCKETS).fill(0) };
}

function zipWith(a: readonly number[], b: readonly number[], f: (x: number, y: number) => number): number[] {
  return a.map((x, i) => f(x, b[i] ?? 0));
}

export function addFigures(a: DelayFigures, b: DelayFigures): DelayFigures {
  const add = (x: number, y: number) => x + y;
  return { counts: zipWith(a.counts, b.counts, add), seconds: zipWith(a.seconds, b.seconds, add), hist: zipWith(a.hist, b.hist, add) };
}

export function subtractFigures(a: DelayFigures, b: DelayFigures): DelayFigures {
  const sub = (x: number, y: number) => x - y;
  return { counts: zipWith(a.counts, b.counts, sub), seconds: zipWith(a.seconds, b.seconds, sub), hist: zipWith(a.hist, b.hist, sub) };
}

export function counterOf(f: DelayFigures, c: DelayCounter): number {
  return f.counts[DELAY_COUNTERS.indexOf(c)] ?? 0;
}

/** A stage's histogram out of the figures. */
export function stageHistogram(f: DelayFigures, stage: DelayStage): number[] {
  const k = DELAY_STAGES.indexOf(stage);
  return f.hist.slice(k * HIST_BUCKETS, (k + 1) * HIST_BUCKETS);
}

/** Per stage: median (from the buckets) and mean (exact) seconds, null when no request passed the stage. */
export function stageFigures(f: DelayFigures): { median: Record<DelayStage, number | null>; mean: Record<DelayStage, number | null> } {
  const median = {} as Record<DelayStage, number | null>;
  const mean = {} as Record<DelayStage, number | null>;
  DELAY_STAGES.forEach((s, k) => {
    const h = stageHistogram(f, s);
    const n = h.reduce((a, b) => a + b, 0);
    median[s] = histogramMedian(h);
    mean[s] = n ? f.seconds[k]! / n : null;
  });
  return { median, mean };
}
