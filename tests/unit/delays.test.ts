import { describe, expect, it } from "vitest";
import {
  breached,
  checkSlaRule,
  configuredDueTimes,
  CUSTOMER_UNAVAILABLE_PATTERN,
  DEFAULT_SLA_TARGET_RULES,
  delayCauses,
  longestStageMs,
  median,
  milestonesOf,
  slaTargetFor,
  stageDurations,
  WAITING_PARTS_PATTERN,
  type HistoryEvent,
  type SlaTargetRule,
} from "../../core/delays";
import { SLA_STAGES, slaDueTimes, slaStageMaxMs } from "../../core/sla";
import { PRIORITIES, type TicketStatus } from "../../core/ticket";

const T0 = new Date("2026-11-20T06:00:00Z");
const at = (min: number) => new Date(T0.getTime() + min * 60_000);
const move = (min: number, from: TicketStatus | null, to: TicketStatus, data: Record<string, unknown> = {}): HistoryEvent => ({
  at: at(min),
  type: "status_changed",
  from,
  to,
  data,
});
const ev = (min: number, type: HistoryEvent["type"], data: Record<string, unknown> = {}): HistoryEvent => ({ at: at(min), type, from: null, to: null, data });

describe("milestones and stage durations", () => {
  it("reads a plain job: offered, accepted, visited, done, closed", () => {
    const events = [
      ev(0, "created"),
      move(10, "new", "dispatching"),
      ev(10, "offer_sent"),
      move(40, "dispatching", "assigned"),
      move(60, "assigned", "scheduled"),
      move(300, "scheduled", "in_progress"),
      move(420, "in_progress", "completed"),
      move(2000, "completed", "closed"),
    ];
    const m = milestonesOf(T0, events);
    expect(m).toMatchObject({ offered: at(10), accepted: at(40), visited: at(300), done: at(420), closed: at(2000), cancelled: false });
    expect(stageDurations(m)).toEqual({ offer: 600, accept: 1800, visit: 260 * 60, repair: 120 * 60, close: 1580 * 60 });
  });

  it("counts acceptance and visit again after a hand-back, and the last completion after a reopening", () => {
    const events = [
      move(5, "new", "dispatching"),
      move(20, "dispatching", "assigned"),
      move(100, "assigned", "dispatching", { reason: "مشتری در زمان هماهنگ‌شده در دسترس نبود" }),
      move(160, "dispatching", "assigned"),
      move(200, "assigned", "in_progress"),
      move(260, "in_progress", "completed"),
      move(600, "completed", "in_progress"),
      move(700, "in_progress", "completed"),
    ];
    const m = milestonesOf(T0, events);
    expect(m).toMatchObject({ offered: at(5), accepted: at(160), visited: at(200), done: at(700), closed: null });
    // reopened and not completed again: not done
    expect(milestonesOf(T0, events.slice(0, 7)).done).toBeNull();
    // handed back and waiting: no acceptance, no visit
    expect(milestonesOf(T0, events.slice(0, 3))).toMatchObject({ accepted: null, visited: null });
    expect(stageDurations(milestonesOf(T0, events.slice(0, 3)))).toMatchObject({ offer: 300, accept: null, visit: null });
  });

  it("does not depend on the order the history arrives in", () => {
    const events = [move(5, "new", "dispatching"), move(20, "dispatching", "assigned"), move(50, "assigned", "in_progress"), move(80, "in_progress", "cancelled")];
    expect(milestonesOf(T0, [...events].reverse())).toEqual(milestonesOf(T0, events));
    expect(milestonesOf(T0, events)).toMatchObject({ closed: at(80), cancelled: true, done: null });
  });
});

describe("causes of delay", () => {
  it("counts rejections, missed deadlines, parts, an absent customer and reassignments once each", () => {
    const c = delayCauses([
      ev(1, "offer_sent"),
      ev(2, "offer_rejected", { reason: "ظرفیت تکمیل است" }),
      ev(3, "offer_expired"),
      move(10, "dispatching", "assigned"),
      move(20, "assigned", "dispatching", { reason: "مشتری در زمان هماهنگ‌شده در دسترس نبود و نمایندگی پرونده را برگرداند" }),
      move(30, "dispatching", "assigned"),
      // a supervisor's take-back: one move back and one 'reassigned' → one reassignment
      move(40, "assigned", "dispatching", { reason: "تأخیر زیاد" }),
      ev(40, "reassigned", { taken_back: true }),
      move(50, "dispatching", "assigned"),
      move(60, "assigned", "in_progress"),
      move(70, "in_progress", "on_hold", { action: "needs_parts", source: "link" }),
      ev(70, "technician_update", { action: "needs_parts" }),
      move(80, "on_hold", "in_progress"),
      move(90, "in_progress", "on_hold", { reason: "در انتظار رسیدن قطعه از انبار مرکزی" }),
      move(95, "on_hold", "in_progress"),
      move(99, "in_progress", "on_hold", { reason: "مشتری زمان مراجعه مجدد را به هفته بعد موکول کرد" }),
    ]);
    expect(c).toEqual({ rejection: 1, deadline_missed: 1, waiting_parts: 2, customer_unavailable: 2, reassignment: 2 });
  });

  it("keeps its phrase patterns to syntax PostgreSQL reads alike (alternations of plain words)", () => {
    for (const p of [WAITING_PARTS_PATTERN, CUSTOMER_UNAVAILABLE_PATTERN]) expect(p).toMatch(/^[^\\()[\]{}.*+?^$]+$/);
  });
});

describe("SLA targets by priority, category and province", () => {
  const rules: SlaTargetRule[] = [
    ...DEFAULT_SLA_TARGET_RULES,
    { priority: null, categoryId: 7, province: null, acceptMinutes: 30, visitMinutes: 600, resolveMinutes: 3000 },
    { priority: null, categoryId: null, province: "تهران", acceptMinutes: 90, visitMinutes: 900, resolveMinutes: 4000 },
    { priority: "urgent", categoryId: null, province: "تهران", acceptMinutes: 20, visitMinutes: 300, resolveMinutes: 2000 },
    { priority: null, categoryId: 7, province: "تهران", acceptMinutes: 10, visitMinutes: 100, resolveMinutes: 1000 },
  ];

  it("defaults to core/sla.ts SLA_TARGETS per priority", () => {
    for (const p of PRIORITIES) {
      const d = configuredDueTimes([], T0, { priority: p, categoryId: null, province: null }, "breakdown");
      expect(d).toEqual(slaDueTimes(T0, p, "breakdown"));
      expect(configuredDueTimes(DEFAULT_SLA_TARGET_RULES, T0, { priority: p, categoryId: 3, province: "فارس" }, "breakdown")).toEqual(d);
    }
    expect(configuredDueTimes(rules, T0, { priority: "urgent", categoryId: 7, province: "تهران" }, "complaint")).toEqual(slaDueTimes(T0, "urgent", "complaint"));
  });

  it("takes the most specific match: category over province over priority, two keys over one", () => {
    expect(slaTargetFor(rules, { priority: "normal", categoryId: 7, province: "فارس" }).acceptMinutes).toBe(30);
    expect(slaTargetFor(rules, { priority: "normal", categoryId: 3, province: "تهران" }).acceptMinutes).toBe(90);
    expect(slaTargetFor(rules, { priority: "urgent", categoryId: 3, province: "تهران" }).acceptMinutes).toBe(20);
    expect(slaTargetFor(rules, { priority: "urgent", categoryId: 7, province: "فارس" }).acceptMinutes).toBe(30);
    expect(slaTargetFor(rules, { priority: "urgent", categoryId: 7, province: "تهران" }).acceptMinutes).toBe(10);
    expect(slaTargetFor(rules, { priority: "low", categoryId: null, province: null }).acceptMinutes).toBe(480);
  });

  it("bounds the sweep's look-ahead by the longest configured clock", () => {
    for (const s of SLA_STAGES) expect(longestStageMs([], s)).toBe(slaStageMaxMs(s));
    const long: SlaTargetRule = { priority: null, categoryId: 1, province: null, acceptMinutes: 1000, visitMinutes: 10_000, resolveMinutes: 100_000 };
    expect(longestStageMs([long], "accept")).toBe(1000 * 60_000);
    expect(longestStageMs([long], "resolve")).toBe(100_000 * 60_000);
  });

  it("checks a rule's minutes", () => {
    expect(checkSlaRule({ acceptMinutes: 60, visitMinutes: 60, resolveMinutes: 120 })).toBeNull();
    expect(checkSlaRule({ acceptMinutes: 0, visitMinutes: 60, resolveMinutes: 120 })).toBe("not_positive");
    expect(checkSlaRule({ acceptMinutes: 1.5, visitMinutes: 60, resolveMinutes: 120 })).toBe("not_positive");
    expect(checkSlaRule({ acceptMinutes: 90, visitMinutes: 60, resolveMinutes: 120 })).toBe("out_of_order");
    expect(checkSlaRule({ acceptMinutes: 60, visitMinutes: 60, resolveMinutes: 600_000 })).toBe("too_long");
  });
});

describe("breaches and medians", () => {
  it("breaches when reached late, or not reached past due while open", () => {
    expect(breached(at(61), at(60), at(100), null)).toBe(true);
    expect(breached(at(60), at(60), at(100), null)).toBe(false);
    expect(breached(null, at(60), at(61), null)).toBe(true);
    expect(breached(null, at(60), at(59), null)).toBe(false);
    expect(breached(null, at(60), at(100), at(30))).toBe(false);
    expect(breached(null, null, at(100), null)).toBe(false);
  });
  it("takes the middle value", () => {
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
