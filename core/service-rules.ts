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
 *    `repeat_fault_days` calendar days of the earlier breakdown's registration (a repeat of an earlier job,
 *    core/repeat-job.ts: `repeatFaultRuleOf`) → a "replacement" task.
 * Each task carries its evidence (the tickets involved, the reason, the history rows that show it) and the
 * supervisor acknowledges, then resolves it (services/supervisor-tasks.ts).
 */
import { repeatFaultRule, type RepeatRule } from "./repeat-job";
import { DEFAULT_SLA_AT_RISK_SHARE } from "./sla";
import { UNRESOLVED_STATUSES, type TicketStatus, type TicketType } from "./ticket";
import { EXTENSION_MONTHS_PER_WEEK, REPAIR_GRACE_DAYS } from "./warranty";
import { CARD_IP_WINDOW_HOURS, CARD_PHONE_WINDOW_HOURS, MAX_CARD_FAILURES_PER_IP, MAX_CARD_FAILURES_PER_PHONE, type CardLimits } from "./warranty-card";
import { addWorkingDays, addWorkingMs, workingMsBetween, type WorkingCalendar } from "./working-time";

/**
 * Every number of issue 15 an admin may change (/admin/service-rules; one row per key in service_rule_settings,
 * a missing row: the default). The consumer-protection numbers above, and:
 *  - complaint_warn_hours: the SLA sweep warns about a complaint ("at risk") once this many working hours (or
 *    fewer) are left before its due time, on the working-day clock (complaintAtRisk);
 *  - repair_grace_days / extension_months_per_week: a repair open longer than the grace days extends the
 *    warranty by this many months for each full week beyond (core/warranty.ts repairExtensionMonths);
 *  - card_failures_per_phone / card_phone_window_hours / card_failures_per_ip / card_ip_window_hours: the
 *    warranty-card guessing limit (core/warranty-card.ts cardAttemptThrottle);
 *  - sla_at_risk_percent: the SLA sweep (and the delays page's watch list) marks a stage at risk once this
 *    percentage of its time has passed (core/sla.ts slaLevel; slaAtRiskShareOf). It was the environment
 *    variable SLA_AT_RISK_SHARE, whose default (0.8) is this rule's default; the variable is no longer read.
 */
export const SERVICE_RULE_KEYS = [
  "complaint_resolve_days",
  "loaner_after_days",
  "repeat_fault_days",
  "complaint_warn_hours",
  "repair_grace_days",
  "extension_months_per_week",
  "card_failures_per_phone",
  "card_phone_window_hours",
  "card_failures_per_ip",
  "card_ip_window_hours",
  "sla_at_risk_percent",
] as const;
export type ServiceRuleKey = (typeof SERVICE_RULE_KEYS)[number];
export type ServiceRules = Record<ServiceRuleKey, number>;

export const SERVICE_RULE_DEFAULTS: Readonly<ServiceRules> = Object.freeze({
  complaint_resolve_days: 7,
  loaner_after_days: 10,
  repeat_fault_days: 30,
  // one full working day of the call centre (08:00–17:00)
  complaint_warn_hours: 9,
  repair_grace_days: REPAIR_GRACE_DAYS,
  extension_months_per_week: EXTENSION_MONTHS_PER_WEEK,
  card_failures_per_phone: MAX_CARD_FAILURES_PER_PHONE,
  card_phone_window_hours: CARD_PHONE_WINDOW_HOURS,
  card_failures_per_ip: MAX_CARD_FAILURES_PER_IP,
  card_ip_window_hours: CARD_IP_WINDOW_HOURS,
  sla_at_risk_percent: Math.round(DEFAULT_SLA_AT_RISK_SHARE * 100),
});

/** The largest value any rule may take (the table's CHECK); each rule has its own, tighter bounds below. */
export const MAX_SERVICE_RULE_VALUE = 365;

/** The unit each value is counted in (the page names it). */
export type ServiceRuleUnit = "working_days" | "days" | "working_hours" | "months" | "attempts" | "hours" | "percent";

export const SERVICE_RULE_SPECS: Readonly<Record<ServiceRuleKey, { min: number; max: number; unit: ServiceRuleUnit }>> = Object.freeze({
  complaint_resolve_days: { min: 1, max: 60, unit: "working_days" },
  loaner_after_days: { min: 1, max: 90, unit: "working_days" },
  repeat_fault_days: { min: 1, max: 365, unit: "days" },
  complaint_warn_hours: { min: 1, max: 200, unit: "working_hours" },
  repair_grace_days: { min: 1, max: 90, unit: "days" },
  extension_months_per_week: { min: 1, max: 12, unit: "months" },
  card_failures_per_phone: { min: 1, max: 100, unit: "attempts" },
  card_phone_window_hours: { min: 1, max: 168, unit: "hours" },
  card_failures_per_ip: { min: 1, max: 365, unit: "attempts" },
  card_ip_window_hours: { min: 1, max: 168, unit: "hours" },
  // a share strictly between none and all of the stage's time (SLA_AT_RISK_SHARE was > 0 and < 1)
  sla_at_risk_percent: { min: 1, max: 99, unit: "percent" },
});

export function isServiceRuleKey(key: unknown): key is ServiceRuleKey {
  return typeof key === "string" && (SERVICE_RULE_KEYS as readonly string[]).includes(key);
}

/** Whether `v` is an allowed value of the rule (a whole number within its bounds). */
export function isServiceRuleValue(key: ServiceRuleKey, v: number): boolean {
  const spec = SERVICE_RULE_SPECS[key];
  return Number.isInteger(v) && v >= spec.min && v <= spec.max;
}

/** The rules in force: the stored values over the defaults (a value out of its bounds is ignored). */
export function serviceRulesOf(rows: readonly { key: string; value: number }[]): ServiceRules {
  const out: ServiceRules = { ...SERVICE_RULE_DEFAULTS };
  for (const r of rows) if (isServiceRuleKey(r.key) && isServiceRuleValue(r.key, r.value)) out[r.key] = r.value;
  return out;
}

/** The warranty-extension rule's numbers (core/warranty.ts repairExtensionMonths). */
export function extensionRuleOf(rules: ServiceRules): { graceDays: number; monthsPerWeek: number } {
  return { graceDays: rules.repair_grace_days, monthsPerWeek: rules.extension_months_per_week };
}

/** The card-guessing limit's numbers (core/warranty-card.ts cardAttemptThrottle). */
export function cardLimitsOf(rules: ServiceRules): CardLimits {
  return {
    perPhone: rules.card_failures_per_phone,
    phoneWindowHours: rules.card_phone_window_hours,
    perIp: rules.card_failures_per_ip,
    ipWindowHours: rules.card_ip_window_hours,
  };
}

/** The share of a stage's time after which the SLA sweep marks it at risk (core/sla.ts slaLevel's `share`). */
export function slaAtRiskShareOf(rules: ServiceRules): number {
  return rules.sla_at_risk_percent / 100;
}

const HOUR_MS = 3_600_000;

/**
 * A complaint is at risk once at most `warnHours` working hours are left before its due time, counted on the
 * working-day clock `cal` (a complaint due after Nowruz is warned about on the last working hours before it,
 * not days earlier by the calendar). Past the due time it is breached, not at risk.
 */
export function complaintAtRisk(now: Date, dueAt: Date, warnHours: number, cal: WorkingCalendar): boolean {
  if (now.getTime() > dueAt.getTime()) return false;
  return workingMsBetween(now, dueAt, cal) <= warnHours * HOUR_MS;
}

/**
 * The latest due time a complaint may have at `now` and be at risk, up to the non-working time right after
 * it: `warnHours` working hours after now. A due time at or before it is at risk (complaintAtRisk); the sweep
 * compares each open complaint's due time with this one instant (services/sla.ts).
 */
export function complaintWarnHorizon(now: Date, warnHours: number, cal: WorkingCalendar): Date {
  return addWorkingMs(now, warnHours * HOUR_MS, cal);
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

/**
 * The same fault again (core/repeat-job.ts repeatFaultRule): two breakdowns of the same appliance with the same
 * problem category, the later one registered within `repeat_fault_days` days (calendar, 24 h each) after the
 * earlier one's registration.
 */
export function repeatFaultRuleOf(rules: ServiceRules): RepeatRule {
  return repeatFaultRule(rules.repeat_fault_days);
}

/** The longest note a supervisor may write when resolving a task (the form's limit and the service's check). */
export const MAX_TASK_NOTE = 1000;

/** A task moves open → acknowledged → resolved (resolving an open task acknowledges it too). */
export function canMoveTask(from: SupervisorTaskStatus, to: "acknowledged" | "resolved"): boolean {
  return to === "acknowledged" ? from === "open" : from !== "resolved";
}
