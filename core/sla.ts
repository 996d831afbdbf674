import type { Priority, TicketType } from "./ticket";

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
  if (type !== "breakdown") {
    return { acceptDueAt: null, visitDueAt: null, resolveDueAt: new Date(t + IN_HOUSE_RESOLVE_DAYS * 24 * HOUR_MS) };
  }
  const target = SLA_TARGETS[priority];
  return {
    acceptDueAt: new Date(t + target.acceptHours * HOUR_MS),
    visitDueAt: new Date(t + target.visitHours * HOUR_MS),
    resolveDueAt: new Date(t + target.resolveDays * 24 * HOUR_MS),
  };
}
