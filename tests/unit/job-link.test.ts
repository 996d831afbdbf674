import { describe, expect, it } from "vitest";
import {
  checkVisitWindow,
  JOB_ACTION_FROM,
  JOB_ACTION_TO,
  JOB_ACTIONS,
  jobActionsFor,
  jobLinkState,
  jobLinkThrottled,
  MAX_JOB_LINK_FAILURES_PER_IP,
  visitWindowText,
} from "../../core/job-link";
import { canTransition } from "../../core/ticket";

const NOW = new Date("2026-12-01T08:00:00Z");
const DAY = 86_400_000;
const link = {
  revokedAt: null,
  expiresAt: new Date(NOW.getTime() + 30 * DAY),
  technicianId: 5,
  agencyId: 2,
  ticketTechnicianId: 5,
  ticketAgencyId: 2,
  ticketClosedAt: null,
};

describe("jobLinkState", () => {
  it("is valid while its job is still its technician's and agency's, and time is left", () => {
    expect(jobLinkState(link, NOW, 7)).toBe("valid");
  });
  it("is revoked, reassigned (another technician or agency) or expired (hard cap, or closed + days)", () => {
    expect(jobLinkState({ ...link, revokedAt: NOW }, NOW, 7)).toBe("revoked");
    expect(jobLinkState({ ...link, ticketTechnicianId: 6 }, NOW, 7)).toBe("reassigned");
    expect(jobLinkState({ ...link, ticketAgencyId: 3 }, NOW, 7)).toBe("reassigned");
    expect(jobLinkState({ ...link, ticketTechnicianId: null }, NOW, 7)).toBe("reassigned");
    expect(jobLinkState({ ...link, expiresAt: NOW }, NOW, 7)).toBe("expired");
    expect(jobLinkState({ ...link, ticketClosedAt: new Date(NOW.getTime() - 6 * DAY) }, NOW, 7)).toBe("valid");
    expect(jobLinkState({ ...link, ticketClosedAt: new Date(NOW.getTime() - 7 * DAY) }, NOW, 7)).toBe("expired");
    expect(jobLinkState({ ...link, ticketClosedAt: NOW }, NOW, 0)).toBe("expired");
  });
});

describe("the presses", () => {
  it("each moves the ticket only along the life cycle", () => {
    for (const action of JOB_ACTIONS) {
      const to = JOB_ACTION_TO[action];
      for (const from of JOB_ACTION_FROM[action]) {
        // `done` goes through the completion report from in_progress; the rest are single legal moves or none
        if (to !== null && to !== from) expect(canTransition(from, to), `${action}: ${from} → ${to}`).toBe(true);
      }
    }
  });
  it("are offered by status", () => {
    expect(jobActionsFor("scheduled")).toEqual(["on_the_way", "arrived", "needs_parts", "cannot_repair"]);
    expect(jobActionsFor("in_progress")).toEqual(["done", "needs_parts", "cannot_repair"]);
    expect(jobActionsFor("completed")).toEqual([]);
    expect(jobActionsFor("cancelled")).toEqual([]);
  });
});

describe("the visit window", () => {
  const at = (h: number) => new Date(NOW.getTime() + h * 3_600_000);
  it("must be in order, not long past, not longer than a day's work, not months ahead", () => {
    expect(checkVisitWindow(at(2), at(4), NOW)).toBeNull();
    expect(checkVisitWindow(at(4), at(2), NOW)).toBe("order");
    expect(checkVisitWindow(at(2), at(2), NOW)).toBe("order");
    expect(checkVisitWindow(at(-3), at(1), NOW)).toBe("past");
    expect(checkVisitWindow(at(2), at(20), NOW)).toBe("tooLong");
    expect(checkVisitWindow(at(24 * 90), at(24 * 90 + 2), NOW)).toBe("tooFar");
  });
  it("reads in the Jalali calendar with Persian digits, Tehran time", () => {
    // 2026-12-01 10:00–12:00 Tehran (06:30–08:30 UTC) is Tuesday 10 Azar 1405
    expect(visitWindowText(new Date("2026-12-01T06:30:00Z"), new Date("2026-12-01T08:30:00Z"))).toBe("سه‌شنبه ۱۴۰۵/۰۹/۱۰ ساعت ۱۰:۰۰ تا ۱۲:۰۰");
  });
});

describe("the rate limit", () => {
  it("refuses from the limit on", () => {
    expect(jobLinkThrottled(MAX_JOB_LINK_FAILURES_PER_IP - 1)).toBe(false);
    expect(jobLinkThrottled(MAX_JOB_LINK_FAILURES_PER_IP)).toBe(true);
  });
});
