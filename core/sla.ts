import type { Priority, TicketStatus, TicketType } from "./ticket";
import { isDispatchedType } from "./ticket";

/**
 * Service-level targets of a request, counted from its registration: the agency must accept within
 * `acceptHours`, visit within `visitHours` and resolve within `resolveDays`. Requests handled in-house
 * (follow-ups, complaints) are not dispatched and only have a resolution target.
 * (Working-day clocks and per-region targets arrive with the Iranian-rules issue.)
 */
export const SLA_TARGETS = {
  urgent: { acceptHours: 1, visitHours: 24, resolveDays: 3 },
  high: { acceptHours: 2, visitHours: 36, resolveDays: 5 },
  normal: { acceptHours: 4, visitHours: 48, resolveDays: 7 },
  low: { acceptHours: 8, visitHours: 72, resolveDays: 10 },
} as const satisfies Record<Priority, { acceptHours: number; visitHours: number; resolveDays: number }>;

export const IN_HOUSE_RESOLVE_DAYS = 3;

const HOUR_MS = 3_600_000;

export interface SlaDueTimes {
  acceptDueAt: Date | null;
  visitDueAt: Date | null;
  resolveDueAt: Date;
}

export function slaDueTimes(createdAt: Date, priority: Priority, type: TicketType): SlaDueTimes {
  const t = createdAt.getTime();
  if (!isDispatchedType(type)) {
    return { acceptDueAt: null, visitDueAt: null, resolveDueAt: new Date(t + IN_HOUSE_RESOLVE_DAYS * 24 * HOUR_MS) };
  }
  const target = SLA_TARGETS[priority];
  return {
    acceptDueAt: new Date(t + target.acceptHours * HOUR_MS),
    visitDueAt: new Date(t + target.visitHours * HOUR_MS),
    resolveDueAt: new Date(t + target.resolveDays * 24 * HOUR_MS),
  };
}

// ---------------------------------------------------------------------------------------------------------
// The SLA sweep's rule (workers/tasks/sla__sweep.ts): each stage's clock runs from registration to its due
// time; past a share of it (default 80 %) the stage is at risk, past the due time it is breached. A stage
// counts only while it is still open, i.e. while the ticket is in one of its statuses.

export const SLA_STAGES = ["accept", "visit", "resolve"] as const;
export type SlaStage = (typeof SLA_STAGES)[number];

export const SLA_LEVELS = ["at_risk", "breached"] as const;
export type SlaLevel = (typeof SLA_LEVELS)[number];

/**
 * While the ticket is in one of these statuses the stage's target is still to be met: an agency has not
 * accepted yet (accept), no technician has started work (visit), work is still owed (resolve). The
 * migration 2026_12_01_130000 indexes each due time over exactly these statuses (a test holds them together).
 */
export const SLA_STAGE_OPEN_STATUSES = {
  accept: ["new", "dispatching"],
  visit: ["new", "dispatching", "assigned", "scheduled"],
  resolve: ["new", "dispatching", "assigned", "scheduled", "in_progress", "on_hold"],
} as const satisfies Record<SlaStage, readonly TicketStatus[]>;

/** The share of a stage's time after which it is at risk, by default (the admin's rule: core/service-rules.ts sla_at_risk_percent). */
export const DEFAULT_SLA_AT_RISK_SHARE = 0.8;

export function isSlaStageOpen(stage: SlaStage, status: TicketStatus): boolean {
  return (SLA_STAGE_OPEN_STATUSES[stage] as readonly TicketStatus[]).includes(status);
}

/** The longest a stage's clock can run (its largest target): bounds the sweep's look-ahead on the due time. */
export function slaStageMaxMs(stage: SlaStage): number {
  const targets = Object.values(SLA_TARGETS);
  switch (stage) {
    case "accept":
      return Math.max(...targets.map((t) => t.acceptHours)) * HOUR_MS;
    case "visit":
      return Math.max(...targets.map((t) => t.visitHours)) * HOUR_MS;
    case "resolve":
      return Math.max(IN_HOUSE_RESOLVE_DAYS, ...targets.map((t) => t.resolveDays)) * 24 * HOUR_MS;
  }
}

/** When a stage registered at `createdAt`, due at `dueAt`, becomes at risk. */
export function slaAtRiskAt(createdAt: Date, dueAt: Date, share: number = DEFAULT_SLA_AT_RISK_SHARE): Date {
  const s = Math.min(Math.max(share, 0), 1);
  return new Date(createdAt.getTime() + s * (dueAt.getTime() - createdAt.getTime()));
}

/**
 * Where a stage stands at `now`: null while on time (or when it has no due time), 'at_risk' once the share
 * of its time has passed, 'breached' once the due time has passed (the due instant itself is still on time).
 */
export function slaLevel(createdAt: Date, dueAt: Date | null, now: Date, share: number = DEFAULT_SLA_AT_RISK_SHARE): SlaLevel | null {
  if (!dueAt) return null;
  if (now.getTime() > dueAt.getTime()) return "breached";
  if (now.getTime() >= slaAtRiskAt(createdAt, dueAt, share).getTime()) return "at_risk";
  return null;
}

/** A mark the SLA sweep wrote (sla_marks): a stage of a ticket found at risk or breached. */
export interface SlaMark {
  stage: SlaStage;
  level: SlaLevel;
}

/**
 * The marks that no longer hold once a stage's due time moved (the agency's clock at its acceptance, a job taken
 * back to the intake's due times): a 'breached' mark whose stage is no longer past its new due time, and an
 * 'at_risk' mark whose due time moved later and is not past — the sweep weighs the stage again against the new
 * due time, with the configured share, and marks it again if it still is at risk. A stage whose due time did
 * not change keeps its marks; one left with no due time loses them. Marks that still hold stay (a breach
 * already true under the new due time is not raised twice).
 */
export function staleSlaMarks(
  marks: readonly SlaMark[],
  before: Partial<Record<SlaStage, Date | null>>,
  after: Partial<Record<SlaStage, Date | null>>,
  now: Date,
): SlaMark[] {
  return marks.filter((m) => {
    if (!(m.stage in after)) return false;
    const was = before[m.stage] ?? null;
    const due = after[m.stage] ?? null;
    if (due === null) return was !== null;
    if (was !== null && was.getTime() === due.getTime()) return false;
    const past = now.getTime() > due.getTime();
    if (m.level === "breached") return !past;
    return !past && (was === null || due.getTime() > was.getTime());
  });
}

/**
 * The PostgreSQL NOTIFY channel on which the SLA sweep tells supervisors that it raised alerts
 * (payload: { type: "sla_alerts", stage, atRisk, breached, at }).
 */
export const SUPERVISOR_ALERTS_CHANNEL = "supervisor_alerts";

/**
 * What is said on SUPERVISOR_ALERTS_CHANNEL (ids and counts only; a page re-reads the list with its own
 * permission): the sweep raised alerts, or someone marked one reviewed.
 */
export type SupervisorAlertEvent =
  | { type: "sla_alerts"; stage: SlaStage; atRisk: number; breached: number; at: string }
  | { type: "alert_acknowledged"; alertId: number; at: string }
  /** services/dispatch.ts held a ticket for the supervisors (no agency could be offered it) */
  | { type: "dispatch_held"; ticketId: number; reason: string; at: string }
  /** services/technician-links.ts: the technician pressed "cannot repair" (the reason is read with the alert) */
  | { type: "cannot_repair"; ticketId: number; agencyId: number; at: string };

export type SupervisorAlertEventType = SupervisorAlertEvent["type"];

/** Parses a NOTIFY payload; anything else (a foreign or future payload) is null, never a throw. */
export function parseSupervisorAlertEvent(payload: string): SupervisorAlertEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return null;
  }
  if (!value || typeof value !== "object") return null;
  const v = value as Record<string, unknown>;
  if (typeof v.at !== "string") return null;
  if (v.type === "sla_alerts") {
    return (SLA_STAGES as readonly unknown[]).includes(v.stage) && typeof v.atRisk === "number" && typeof v.breached === "number"
      ? (v as SupervisorAlertEvent)
      : null;
  }
  if (v.type === "alert_acknowledged") return typeof v.alertId === "number" ? (v as SupervisorAlertEvent) : null;
  if (v.type === "dispatch_held") return typeof v.ticketId === "number" && typeof v.reason === "string" ? (v as SupervisorAlertEvent) : null;
  if (v.type === "cannot_repair") return typeof v.ticketId === "number" && typeof v.agencyId === "number" ? (v as SupervisorAlertEvent) : null;
  return null;
}
