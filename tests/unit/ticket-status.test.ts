import { describe, expect, it } from "vitest";
import {
  AGENCY_LOAD_STATUSES,
  DISPATCH_STATUSES,
  isUnresolved,
  TERMINAL_STATUSES,
  TICKET_STATUSES,
  allowedTransitions,
  assertTransition,
  canTransition,
  IllegalTransitionError,
  isAcceptedJob,
  isOpen,
  isOverdue,
  isTakeBack,
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

describe("status sets: one definition of open, unresolved and agency load", () => {
  const all = new Set<string>(TICKET_STATUSES);

  it("draw only on real statuses, without repeats", () => {
    for (const set of [UNRESOLVED_STATUSES, AGENCY_LOAD_STATUSES, TERMINAL_STATUSES, DISPATCH_STATUSES]) {
      for (const s of set) expect(all.has(s), s).toBe(true);
      expect(new Set(set).size).toBe(set.length);
    }
  });

  it("splits every status into unresolved, completed (awaiting closure) and terminal", () => {
    expect([...UNRESOLVED_STATUSES, "completed", ...TERMINAL_STATUSES].sort()).toEqual([...TICKET_STATUSES].sort());
    for (const s of UNRESOLVED_STATUSES) expect(TERMINAL_STATUSES as readonly string[]).not.toContain(s);
  });

  it("treats a completed ticket as open (not closed yet) but not as unresolved work", () => {
    expect(isOpen("completed")).toBe(true);
    expect(isUnresolved("completed")).toBe(false);
    for (const s of TICKET_STATUSES) {
      expect(isUnresolved(s), s).toBe((UNRESOLVED_STATUSES as readonly string[]).includes(s));
      expect(isOpen(s), s).toBe(!(TERMINAL_STATUSES as readonly string[]).includes(s));
    }
  });

  it("counts as an agency's load only jobs it accepted and has not finished", () => {
    expect([...AGENCY_LOAD_STATUSES]).toEqual(["assigned", "scheduled", "in_progress", "on_hold"]);
    for (const s of AGENCY_LOAD_STATUSES) expect(UNRESOLVED_STATUSES as readonly string[]).toContain(s);
    // registered or still being offered: no agency holds it yet
    expect(AGENCY_LOAD_STATUSES as readonly string[]).not.toContain("new");
    expect(AGENCY_LOAD_STATUSES as readonly string[]).not.toContain("dispatching");
    expect(AGENCY_LOAD_STATUSES as readonly string[]).not.toContain("completed");
  });

  it("an accepted job not yet started, and a move of one back to dispatch (a take-back)", () => {
    expect(TICKET_STATUSES.filter(isAcceptedJob)).toEqual(["assigned", "scheduled"]);
    for (const from of TICKET_STATUSES) {
      expect(isTakeBack(from, "dispatching")).toBe(isAcceptedJob(from));
      // a take-back is a legal move of the machine
      if (isTakeBack(from, "dispatching")) expect(canTransition(from, "dispatching")).toBe(true);
    }
    expect(isTakeBack("assigned", "in_progress")).toBe(false);
    expect(isTakeBack(null, "dispatching")).toBe(false);
  });

  it("keeps the dispatch statuses for breakdowns only", () => {
    for (const s of DISPATCH_STATUSES) {
      expect(UNRESOLVED_STATUSES as readonly string[]).toContain(s);
      expect(allowedTransitions("new", "complaint")).not.toContain(s);
    }
  });
});
