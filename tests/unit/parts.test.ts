import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  applyPartStep,
  checkPartLines,
  daysHeld,
  IllegalPartStepError,
  isOpenPartRequest,
  MAX_PART_QUANTITY,
  median,
  PART_REQUEST_STATUSES,
  PART_REQUEST_STEPS,
  partStepsFor,
  partsAllowResume,
} from "../../core/parts";
import { canTransition, isTicketHoldReason, TICKET_HOLD_REASONS } from "../../core/ticket";

describe("part request life cycle", () => {
  it("fills from the agency's stock at once, or from central stock in three dated steps", () => {
    expect(applyPartStep("requested", "fill_from_stock")).toBe("received");
    expect(applyPartStep("requested", "order")).toBe("ordered");
    expect(applyPartStep("ordered", "ship")).toBe("shipped");
    expect(applyPartStep("shipped", "receive")).toBe("received");
  });

  it("cancels only before shipping", () => {
    expect(applyPartStep("requested", "cancel")).toBe("cancelled");
    expect(applyPartStep("ordered", "cancel")).toBe("cancelled");
    expect(() => applyPartStep("shipped", "cancel")).toThrow(IllegalPartStepError);
  });

  it("refuses skipping a step or moving a settled request", () => {
    expect(() => applyPartStep("requested", "receive")).toThrow(IllegalPartStepError);
    expect(() => applyPartStep("requested", "ship")).toThrow(IllegalPartStepError);
    expect(() => applyPartStep("ordered", "fill_from_stock")).toThrow(IllegalPartStepError);
    for (const step of PART_REQUEST_STEPS) {
      expect(() => applyPartStep("received", step)).toThrow(IllegalPartStepError);
      expect(() => applyPartStep("cancelled", step)).toThrow(IllegalPartStepError);
    }
  });

  it("offers exactly the steps applyPartStep accepts", () => {
    for (const status of PART_REQUEST_STATUSES) {
      for (const step of PART_REQUEST_STEPS) {
        const offered = partStepsFor(status).includes(step);
        if (offered) expect(() => applyPartStep(status, step)).not.toThrow();
        else expect(() => applyPartStep(status, step)).toThrow(IllegalPartStepError);
      }
    }
  });

  it("every sequence of accepted steps ends open or settled, never leaves a settled state", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PART_REQUEST_STEPS), { maxLength: 8 }), (steps) => {
        let s: (typeof PART_REQUEST_STATUSES)[number] = "requested";
        let settled = false;
        for (const step of steps) {
          if (!partStepsFor(s).includes(step)) continue;
          expect(settled).toBe(false);
          s = applyPartStep(s, step);
          settled = !isOpenPartRequest(s);
        }
        expect(isOpenPartRequest(s)).toBe(!settled);
      }),
    );
  });
});

describe("partsAllowResume", () => {
  it("resumes once nothing is open and something arrived", () => {
    expect(partsAllowResume(["received"])).toBe(true);
    expect(partsAllowResume(["received", "cancelled"])).toBe(true);
    expect(partsAllowResume(["received", "shipped"])).toBe(false);
    expect(partsAllowResume(["requested"])).toBe(false);
  });
  it("does not resume a job whose every request was cancelled, or that has none", () => {
    expect(partsAllowResume(["cancelled"])).toBe(false);
    expect(partsAllowResume([])).toBe(false);
  });
});

describe("checkPartLines", () => {
  it("accepts one to five distinct parts of 1..20 each", () => {
    expect(checkPartLines([{ partId: 1, quantity: 1 }, { partId: 2, quantity: MAX_PART_QUANTITY }])).toBeNull();
  });
  it("names what is wrong", () => {
    expect(checkPartLines([])).toBe("none");
    expect(checkPartLines([1, 2, 3, 4, 5, 6].map((partId) => ({ partId, quantity: 1 })))).toBe("tooMany");
    expect(checkPartLines([{ partId: 1, quantity: 0 }])).toBe("quantity");
    expect(checkPartLines([{ partId: 1, quantity: 21 }])).toBe("quantity");
    expect(checkPartLines([{ partId: 1, quantity: 1.5 }])).toBe("quantity");
    expect(checkPartLines([{ partId: 1, quantity: 1 }, { partId: 1, quantity: 2 }])).toBe("duplicate");
  });
});

describe("days held and the median", () => {
  const t0 = new Date("2026-11-01T08:00:00Z");
  it("counts from the request to the receipt, or to now while open", () => {
    expect(daysHeld(t0, new Date("2026-11-04T08:00:00Z"), 0)).toBe(3);
    expect(daysHeld(t0, null, new Date("2026-11-02T20:00:00Z"))).toBe(1.5);
    expect(daysHeld(t0, new Date("2026-10-31T08:00:00Z"), 0)).toBe(0);
  });
  it("takes the middle value, or the mean of the middle two (as percentile_cont(0.5))", () => {
    expect(median([])).toBeNull();
    expect(median([5])).toBe(5);
    expect(median([9, 1, 4])).toBe(4);
    expect(median([1, 2, 3, 10])).toBe(2.5);
  });
});

describe("hold reasons", () => {
  it("are a list more reasons join; waiting for parts is one, and on_hold resumes to in_progress", () => {
    expect(TICKET_HOLD_REASONS).toContain("waiting_for_parts");
    expect(isTicketHoldReason("waiting_for_parts")).toBe(true);
    expect(isTicketHoldReason("lunch")).toBe(false);
    expect(canTransition("in_progress", "on_hold")).toBe(true);
    expect(canTransition("on_hold", "in_progress")).toBe(true);
  });
});
