import { describe, expect, it } from "vitest";
import {
  DEFAULT_SLA_AT_RISK_SHARE,
  isSlaStageOpen,
  SLA_STAGE_OPEN_STATUSES,
  SLA_STAGES,
  slaAtRiskAt,
  slaDueTimes,
  slaLevel,
  slaStageMaxMs,
  staleSlaMarks,
  type SlaMark,
} from "../../core/sla";
import { offerGrantsAccess, PRIORITIES, TICKET_STATUSES, UNRESOLVED_STATUSES } from "../../core/ticket";

const HOUR = 3_600_000;
const created = new Date("2026-11-30T08:00:00Z");
const due = new Date(created.getTime() + 10 * HOUR);
const at = (hours: number) => new Date(created.getTime() + hours * HOUR);

describe("slaLevel: at risk past the share of the stage's time, breached past its due time", () => {
  it("is on time before the share, at risk from it, breached only after the due instant", () => {
    expect(DEFAULT_SLA_AT_RISK_SHARE).toBe(0.8);
    expect(slaLevel(created, due, at(0))).toBeNull();
    expect(slaLevel(created, due, at(7.99))).toBeNull();
    expect(slaLevel(created, due, at(8))).toBe("at_risk");
    expect(slaLevel(created, due, at(10))).toBe("at_risk"); // the due instant itself is still on time
    expect(slaLevel(created, due, new Date(due.getTime() + 1))).toBe("breached");
    expect(slaLevel(created, due, at(500))).toBe("breached");
  });

  it("takes the configured share, clamped to 0…1", () => {
    expect(slaLevel(created, due, at(5), 0.5)).toBe("at_risk");
    expect(slaLevel(created, due, at(4.9), 0.5)).toBeNull();
    expect(slaAtRiskAt(created, due, 0.9)).toEqual(at(9));
    expect(slaAtRiskAt(created, due, 2)).toEqual(due);
    expect(slaAtRiskAt(created, due, -1)).toEqual(created);
  });

  it("a stage without a due time (in-house tickets have no accept or visit target) is never at risk", () => {
    const inHouse = slaDueTimes(created, "urgent", "complaint");
    expect(slaLevel(created, inHouse.acceptDueAt, at(1000))).toBeNull();
    expect(slaLevel(created, inHouse.visitDueAt, at(1000))).toBeNull();
    expect(slaLevel(created, inHouse.resolveDueAt, at(1000))).toBe("breached");
  });
});

describe("the stages' open statuses", () => {
  it("accept is open until an agency accepts, visit until work starts, resolve while work is owed", () => {
    expect(TICKET_STATUSES.filter((s) => isSlaStageOpen("accept", s))).toEqual(["new", "dispatching"]);
    expect(TICKET_STATUSES.filter((s) => isSlaStageOpen("visit", s))).toEqual(["new", "dispatching", "assigned", "scheduled"]);
    expect(SLA_STAGE_OPEN_STATUSES.resolve).toEqual(UNRESOLVED_STATUSES);
    for (const stage of SLA_STAGES) {
      expect(isSlaStageOpen(stage, "completed")).toBe(false);
      expect(isSlaStageOpen(stage, "closed")).toBe(false);
      expect(isSlaStageOpen(stage, "cancelled")).toBe(false);
    }
  });

  it("each stage's longest clock bounds every due time slaDueTimes gives", () => {
    for (const priority of PRIORITIES) {
      for (const type of ["breakdown", "follow_up", "complaint"] as const) {
        const d = slaDueTimes(created, priority, type);
        if (d.acceptDueAt) expect(d.acceptDueAt.getTime() - created.getTime()).toBeLessThanOrEqual(slaStageMaxMs("accept"));
        if (d.visitDueAt) expect(d.visitDueAt.getTime() - created.getTime()).toBeLessThanOrEqual(slaStageMaxMs("visit"));
        expect(d.resolveDueAt.getTime() - created.getTime()).toBeLessThanOrEqual(slaStageMaxMs("resolve"));
      }
    }
    expect(slaStageMaxMs("accept")).toBe(8 * HOUR);
    expect(slaStageMaxMs("visit")).toBe(72 * HOUR);
    expect(slaStageMaxMs("resolve")).toBe(10 * 24 * HOUR);
  });
});

describe("offerGrantsAccess: a pending offer grants the ticket only until its deadline", () => {
  const deadline = at(1);
  it("pending and before the deadline: yes; at or after it: no, even while still pending", () => {
    expect(offerGrantsAccess("pending", deadline, at(0.5))).toBe(true);
    expect(offerGrantsAccess("pending", deadline, deadline)).toBe(false);
    expect(offerGrantsAccess("pending", deadline.toISOString(), at(2))).toBe(false);
  });
  it("an answered, expired or withdrawn offer grants nothing", () => {
    for (const status of ["accepted", "rejected", "expired", "withdrawn"] as const) expect(offerGrantsAccess(status, deadline, at(0))).toBe(false);
  });
});

describe("staleSlaMarks: the sweep's marks a moved due time makes untrue", () => {
  const marks: SlaMark[] = [
    { stage: "visit", level: "at_risk" },
    { stage: "visit", level: "breached" },
    { stage: "resolve", level: "at_risk" },
  ];
  it("a due time moved later and not past: the breach and the at-risk mark go; an unmoved stage keeps its marks", () => {
    const now = at(11);
    expect(staleSlaMarks(marks, { visit: at(10), resolve: at(20) }, { visit: at(12), resolve: at(20) }, now)).toEqual([
      { stage: "visit", level: "at_risk" },
      { stage: "visit", level: "breached" },
    ]);
  });
  it("still past the new due time: the breach holds, and so does the at-risk mark", () => {
    expect(staleSlaMarks(marks, { visit: at(10) }, { visit: at(10.5) }, at(11))).toEqual([]);
  });
  it("a due time moved earlier keeps an at-risk mark (more at risk than before) but not a breach it is not past", () => {
    expect(staleSlaMarks(marks, { resolve: at(20), visit: at(14) }, { resolve: at(15), visit: at(13) }, at(12))).toEqual([{ stage: "visit", level: "breached" }]);
  });
  it("stages not recomputed are left alone; a stage left without a due time loses its marks", () => {
    expect(staleSlaMarks(marks, { visit: at(10) }, { visit: null }, at(11))).toEqual([
      { stage: "visit", level: "at_risk" },
      { stage: "visit", level: "breached" },
    ]);
    expect(staleSlaMarks(marks, {}, {}, at(11))).toEqual([]);
  });
});
