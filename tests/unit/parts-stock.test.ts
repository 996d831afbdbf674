import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checkStockAdjustment,
  daysHeld,
  defectiveReturnState,
  MAX_STOCK_QUANTITY,
  MAX_STOCK_REASON_LENGTH,
  PART_REQUEST_STATUSES,
} from "../../core/parts";

describe("checkStockAdjustment (the agency admin sets a part's counted quantity)", () => {
  it("accepts a whole number from 0 to the maximum with a reason, when it changes the quantity", () => {
    expect(checkStockAdjustment(3, 0, "قطعه معیوب")).toBeNull();
    expect(checkStockAdjustment(0, MAX_STOCK_QUANTITY, "رسیدن محموله")).toBeNull();
  });
  it("refuses a negative, fractional or too large quantity", () => {
    expect(checkStockAdjustment(3, -1, "x")).toBe("quantity");
    expect(checkStockAdjustment(3, 1.5, "x")).toBe("quantity");
    expect(checkStockAdjustment(3, MAX_STOCK_QUANTITY + 1, "x")).toBe("quantity");
    expect(checkStockAdjustment(3, Number.NaN, "x")).toBe("quantity");
  });
  it("needs a reason of at most the maximum length, spaces not counting", () => {
    expect(checkStockAdjustment(3, 4, "   ")).toBe("reason");
    expect(checkStockAdjustment(3, 4, "x".repeat(MAX_STOCK_REASON_LENGTH + 1))).toBe("reason");
    expect(checkStockAdjustment(3, 4, ` ${"x".repeat(MAX_STOCK_REASON_LENGTH)} `)).toBeNull();
  });
  it("records nothing for the quantity the shelf already has", () => {
    expect(checkStockAdjustment(7, 7, "شمارش")).toBe("unchanged");
  });
  it("any accepted adjustment is a whole number within bounds that differs from the current one", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_STOCK_QUANTITY }), fc.integer({ min: -50, max: MAX_STOCK_QUANTITY + 50 }), (current, quantity) => {
        const ok = checkStockAdjustment(current, quantity, "شمارش") === null;
        expect(ok).toBe(quantity >= 0 && quantity <= MAX_STOCK_QUANTITY && quantity !== current);
      }),
    );
  });
});

describe("defectiveReturnState (the defective part's way back beside each request)", () => {
  const claim = (status: string, approvedRials: number | null, returned = false) => ({ status, approvedRials, returned });
  it("nothing to return for a part without a serial, or one not fitted (not received)", () => {
    expect(defectiveReturnState({ status: "received", serialized: false, claim: claim("approved", 100) })).toBe("none");
    for (const status of PART_REQUEST_STATUSES.filter((s) => s !== "received")) {
      expect(defectiveReturnState({ status, serialized: true, claim: null })).toBe("none");
    }
  });
  it("a fitted serialized part: unclaimed, claimed (awaiting decision), due when paid for, returned, waived when approved at zero", () => {
    const base = { status: "received" as const, serialized: true };
    expect(defectiveReturnState({ ...base, claim: null })).toBe("unclaimed");
    expect(defectiveReturnState({ ...base, claim: claim("draft", null) })).toBe("claimed");
    expect(defectiveReturnState({ ...base, claim: claim("submitted", null) })).toBe("claimed");
    expect(defectiveReturnState({ ...base, claim: claim("approved", 45_000_000) })).toBe("due");
    expect(defectiveReturnState({ ...base, claim: claim("partly_approved", 1) })).toBe("due");
    expect(defectiveReturnState({ ...base, claim: claim("partly_approved", 0) })).toBe("waived");
    expect(defectiveReturnState({ ...base, claim: claim("approved", 45_000_000, true) })).toBe("returned");
    expect(defectiveReturnState({ ...base, claim: claim("paid", 45_000_000, true) })).toBe("returned");
  });
});

describe("daysHeld counts calendar days (a physical delay: Fridays and holidays count)", () => {
  it("a week over a Friday and Nowruz is seven days", () => {
    // 1405-01-01 (Nowruz) is 2026-03-21; a request on 2026-03-18 received on 2026-03-25
    expect(daysHeld("2026-03-18T09:00:00Z", "2026-03-25T09:00:00Z", 0)).toBe(7);
  });
  it("an open request counts up to now; never negative", () => {
    expect(daysHeld("2026-03-18T00:00:00Z", null, Date.parse("2026-03-19T12:00:00Z"))).toBe(1.5);
    expect(daysHeld("2026-03-18T00:00:00Z", "2026-03-17T00:00:00Z", 0)).toBe(0);
  });
});
