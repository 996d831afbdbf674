/**
 * Consumer-protection rules of issue 15 §2, on the working-day clock (core/working-time.ts). Pure.
 *
 *  - Complaints: a complaint ticket is due `complaint_resolve_days` working days after it is registered (the
 *    close of that working day; core/delays.ts configuredDueTimes). The SLA sweep warns the supervisors
 *    before (at risk) and when (breached) it passes, like any resolution target.
 *  - Loaner: a breakdown still unrepaired (any unresolved status) `loaner_after_days` working days after it was
 *    registered → a "loaner" task: the supervisor arranges a replacement appliance on loan.
 *  - Replacement request: the technician reported the appliance cannot be repaired ("cannot repair"), or the same
 *    fault (the same appliance — customer product — and the same problem category) came back within
 *    `repeat_fault_days` calendar days of the earlier breakdown's registration → a "replacement" task.
 * Each task carries its evidence (the tickets involved, the reason, the history rows that show it) and the
 * supervisor acknowledges, then resolves it (services/supervisor-tasks.ts).
 */
import { UNRESOLVED_STATUSES, type TicketStatus, type TicketType } from "./ticket";
import { addWorkingDays, type WorkingCalendar } from "./working-time";

export const SERVICE_RULE_KEYS = ["complaint_resolve_days", "loaner_after_days", "repeat_fault_days"] as const;
export type ServiceRuleKey = (typeof SERVICE_RULE_KEYS)[number];
export type ServiceRules = Record<ServiceRuleKey, number>;

export const SERVICE_RULE_DEFAULTS: Readonly<ServiceRules> = Object.freeze({
  complaint_resolve_days: 7,
  loaner_after_days: 10,
  repeat_fault_days: 30,
});

export const MAX_SERVICE_RULE_VALUE = 365;

/** The rules in force: the stored values over the defaults. */
export function serviceRulesOf(rows: readonly { key: string; value: number }[]): ServiceRules {
  const out: ServiceRules = { ...SERVICE_RULE_DEFAULTS };
  for (const r of rows) if ((SERVICE_RULE_KEYS as readonly string[]).includes(r.key) && isServiceRuleValue(r.value)) out[r.key as ServiceRuleKey] = r.value;
  return out;
}

export function isServiceRuleValue(v: number): boolean {
  return Number.isInteger(v) && v >= 1 && v <= MAX_SERVICE_RULE_VALUE;
}

export const SUPERVISOR_TASK_KINDS = ["loaner", "replacement"] as const;
export type SupervisorTaskKind = (typeof SUPERVISOR_TASK_KINDS)[number];
export const SUPERVISOR_TASK_REASONS = ["open_too_long", "cannot_repair", "repeat_fault"] as const;
export type SupervisorTaskReason = (typeof SUPERVISOR_TASK_REASONS)[number];
export const SUPERVISOR_TASK_STATUSES = ["open", "acknowledged", "resolved"] as const;
export type SupervisorTaskStatus = (typeof SUPERVISOR_TASK_STATUSES)[number];

/** The kind of task each reason raises. */
export const TASK_KIND_OF: Readonly<Record<SupervisorTaskReason, SupervisorTaskKind>> = {
  open_too_long: "loaner",
  cannot_repair: "replacement",
  repeat_fault: "replacement",
};

/** When a breakdown registered at `createdAt` calls for a loaner if still unrepaired. */
export function loanerDueAt(createdAt: Date, rules: ServiceRules, cal: WorkingCalendar): Date {
  return addWorkingDays(createdAt, rules.loaner_after_days, cal);
}

/** A breakdown still unrepaired past its loaner time. */
export function needsLoaner(t: { type: TicketType; status: TicketStatus; createdAt: Date }, now: Date, rules: ServiceRules, cal: WorkingCalendar): boolean {
  return t.type === "breakdown" && (UNRESOLVED_STATUSES as readonly TicketStatus[]).includes(t.status) && now.getTime() >= loanerDueAt(t.createdAt, rules, cal).getTime();
}

export interface FaultFacts {
  id: number;
  type: TicketType;
  customerProductId: number | null;
  problemCategoryId: number | null;
  createdAt: Date;
}

/**
 * The same fault again: two breakdowns of the same appliance with the same problem category, the later one
 * registered within `repeat_fault_days` days (calendar, 24 h each) after the earlier.
 */
export function isRepeatFault(earlier: FaultFacts, later: FaultFacts, rules: ServiceRules): boolean {
  if (earlier.id === later.id || earlier.type !== "breakdown" || later.type !== "breakdown") return false;
  if (earlier.customerProductId === null || earlier.customerProductId !== later.customerProductId) return false;
  if (earlier.problemCategoryId === null || earlier.problemCategoryId !== later.problemCategoryId) return false;
  const gap = later.createdAt.getTime() - earlier.createdAt.getTime();
  return gap > 0 && gap <= rules.repeat_fault_days * 86_400_000;
}

/** A task moves open → acknowledged → resolved (resolving an open task acknowledges it too). */
export function canMoveTask(from: SupervisorTaskStatus, to: "acknowledged" | "resolved"): boolean {
  return to === "acknowledged" ? from === "open" : from !== "resolved";
}
