/**
 * "A repeat of an earlier job", defined once. Pure.
 *
 * A later job repeats an earlier one when:
 *  - the later one is a BREAKDOWN (the appliance failed again);
 *  - both are of the same appliance (customer_products row: one serial) and are two different tickets;
 *  - the later one is registered after the earlier one's anchor instant and at most `windowDays` days
 *    (24 h each) after it: anchor < registered ≤ anchor + windowDays;
 * and, as each use states it (the explicit parameters of `RepeatRule`):
 *  - `anchor`: from the earlier job's completion ("completed": the fix did not hold) or its registration
 *    ("registered": the appliance keeps failing, however long each repair took); an earlier job without
 *    that instant (not completed) repeats nothing;
 *  - `earlierTypes`: the earlier job may be of any type (a repair, an installation), or must be a breakdown;
 *  - `sameProblem`: both must name the same problem category (and name one);
 *  - `skipCancelled`: a cancelled ticket neither is nor causes a repeat.
 * When several earlier jobs qualify, the one repeated is the latest anchor (ties: the higher ticket id).
 *
 * The three uses:
 *  - rework (core/quality.ts; the scorecard's `reworks` roll-up, db/repos/quality.ts refreshReworks): from the
 *    completion, any earlier type, any problem, cancelled tickets skipped; the window is the quality setting
 *    `reworkWindowDays` (quality_settings, default 30) — `reworkRule`;
 *  - repeat fault (core/service-rules.ts; the replacement task, services/supervisor-tasks.ts sweepServiceTasks):
 *    from the earlier breakdown's registration, the same problem category, cancelled tickets not skipped (a fault
 *    reported twice is evidence even if the first ticket was cancelled); the window is the service rule
 *    `repeat_fault_days` (/admin/service-rules, default 30) — `repeatFaultRule`;
 *  - repeat breakdown (core/feedback.ts; the voice-of-customer report's repeat breakdowns of a serial, db/repos/voice.ts
 *    refreshRepeatBreakdowns): from the earlier breakdown's registration, any problem, cancelled tickets skipped (a
 *    duplicate registration or a mistake is no evidence for R&D); the window is core/feedback.ts
 *    `REPEAT_WINDOW_DAYS` (90) — `repeatBreakdownRule`.
 * Each SQL twin builds its window with db/repos/repeat-jobs.ts `withinRepeatWindowSql`, and
 * tests/integration/repeat-jobs.test.ts holds the three queries to `repeatedJob` on the same rows.
 */
import type { TicketType } from "./ticket";

const DAY_MS = 86_400_000;

export interface RepeatRule {
  /** days (24 h each) after the anchor within which a new breakdown is a repeat */
  windowDays: number;
  /** the earlier job's instant the window starts from */
  anchor: "completed" | "registered";
  /** which earlier jobs may be repeated */
  earlierTypes: "any" | "breakdown";
  /** both must name the same problem category */
  sameProblem: boolean;
  /** cancelled tickets neither are nor cause a repeat */
  skipCancelled: boolean;
}

/** Rework: a breakdown within the window after a completion of an earlier job of the same appliance. */
export function reworkRule(windowDays: number): RepeatRule {
  return { windowDays, anchor: "completed", earlierTypes: "any", sameProblem: false, skipCancelled: true };
}

/** Repeat fault: a breakdown of the same appliance and problem within the window after the earlier breakdown's registration. */
export function repeatFaultRule(windowDays: number): RepeatRule {
  return { windowDays, anchor: "registered", earlierTypes: "breakdown", sameProblem: true, skipCancelled: false };
}

/** Repeat breakdown: a breakdown of the same appliance within the window after an earlier breakdown's registration, neither cancelled. */
export function repeatBreakdownRule(windowDays: number): RepeatRule {
  return { windowDays, anchor: "registered", earlierTypes: "breakdown", sameProblem: false, skipCancelled: true };
}

export interface JobFacts {
  id: number;
  type: TicketType;
  customerProductId: number | null;
  problemCategoryId?: number | null;
  registeredAt: Date | string;
  /** its completion (the completion report); null: not completed */
  completedAt?: Date | string | null;
  cancelled?: boolean;
}

const ms = (d: Date | string) => new Date(d).getTime();

/** Whether an instant `at` lies within `windowDays` days after `anchorAt`: anchor < at ≤ anchor + window. */
export function withinRepeatWindow(anchorAt: Date | string, at: Date | string, windowDays: number): boolean {
  const gap = ms(at) - ms(anchorAt);
  return gap > 0 && gap <= windowDays * DAY_MS;
}

/** The earlier job's instant the rule's window starts from, or null (not completed, for a window from completion). */
export function repeatAnchor(earlier: Pick<JobFacts, "registeredAt" | "completedAt">, rule: Pick<RepeatRule, "anchor">): Date | string | null {
  return rule.anchor === "completed" ? (earlier.completedAt ?? null) : earlier.registeredAt;
}

/** Whether `later` repeats `earlier` under `rule`. */
export function isRepeatOf(earlier: JobFacts, later: JobFacts, rule: RepeatRule): boolean {
  if (earlier.id === later.id || later.type !== "breakdown") return false;
  if (rule.earlierTypes === "breakdown" && earlier.type !== "breakdown") return false;
  if (later.customerProductId === null || earlier.customerProductId !== later.customerProductId) return false;
  if (rule.sameProblem && (later.problemCategoryId == null || earlier.problemCategoryId !== later.problemCategoryId)) return false;
  if (rule.skipCancelled && (earlier.cancelled || later.cancelled)) return false;
  const anchor = repeatAnchor(earlier, rule);
  return anchor !== null && withinRepeatWindow(anchor, later.registeredAt, rule.windowDays);
}

/** Of `earlier` jobs, the one `later` repeats under `rule` (the latest anchor; ties: the higher id), or null. */
export function repeatedJob<J extends JobFacts>(earlier: readonly J[], later: JobFacts, rule: RepeatRule): J | null {
  let best: J | null = null;
  let bestAt = -Infinity;
  for (const j of earlier) {
    if (!isRepeatOf(j, later, rule)) continue;
    const t = ms(repeatAnchor(j, rule)!);
    if (!best || t > bestAt || (t === bestAt && j.id > best.id)) {
      best = j;
      bestAt = t;
    }
  }
  return best;
}
