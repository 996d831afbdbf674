import { describe, expect, it } from "vitest";
import {
  TICKET_STATUSES,
  allowedTransitions,
  assertTransition,
  canTransition,
  IllegalTransitionError,
  isOpen,
  isOverdue,
  UNRESOLVED_STATUSES,
} from "../../core/ticket";

describe("ticket status machine", () => {
  it("walks the whole breakdown path from registration to closure", () => {
    const path = ["new", "dispatching", "assigned", "scheduled", "in_progress", "completed", "closed"] as const;
    for (let i = 1; i < path.length; i++) expect(canTransition(path[i - 1]!, path[i]!)).toBe(true);
  });

  it("rejects skipping the agency's acceptance and leaving a terminal state", () => {
    expect(canTransition("new", "scheduled")).toBe(false);
    expect(canTransition("dispatching", "completed")).toBe(false);
    expect(allowedTransitions("closed")).toEqual([]);
    expect(allowedTransitions("cancelled")).toEqual([]);
    expect(() => assertTransition("closed", "new")).toThrow(IllegalTransitionError);
  });

  it("sends a ticket back to the queue when every agency declined", () => {
    expect(canTransition("dispatching", "new")).toBe(true);
  });

  it("never dispatches follow-ups or complaints to agencies", () => {
    expect(canTransition("new", "dispatching", "complaint")).toBe(false);
    expect(canTransition("new", "dispatching", "follow_up")).toBe(false);
    expect(canTransition("new", "in_progress", "complaint")).toBe(true);
    expect(allowedTransitions("new", "follow_up")).not.toContain("dispatching");
  });

  it("reaches every status from `new` and treats only closed/cancelled as terminal", () => {
    const seen = new Set<string>(["new"]);
    const queue: string[] = ["new"];
    while (queue.length) {
      const s = queue.shift()! as (typeof TICKET_STATUSES)[number];
      for (const to of allowedTransitions(s)) {
        if (!seen.has(to)) {
          seen.add(to);
          queue.push(to);
        }
      }
    }
    expect([...seen].sort()).toEqual([...TICKET_STATUSES].sort());
    expect(TICKET_STATUSES.filter((s) => !isOpen(s))).toEqual(["closed", "cancelled"]);
  });
});

describe("unresolved work and SLA delay", () => {
  const now = new Date("2026-11-23T10:00:00Z");
  it("counts a ticket overdue only while work is still owed", () => {
    expect(isOverdue("in_progress", "2026-11-23T09:00:00Z", now)).toBe(true);
    expect(isOverdue("in_progress", "2026-11-23T11:00:00Z", now)).toBe(false);
    expect(isOverdue("completed", "2026-11-23T09:00:00Z", now)).toBe(false);
    expect(isOverdue("new", null, now)).toBe(false);
    expect(UNRESOLVED_STATUSES).not.toContain("completed");
  });
});
