import { describe, expect, it } from "vitest";
import { bearsReferralFee, referralFeeRials } from "../../core/referral-fee";
import { IN_HOUSE_RESOLVE_DAYS, SLA_TARGETS, slaDueTimes } from "../../core/sla";
import { PRIORITIES } from "../../core/ticket";

describe("SLA due times", () => {
  const created = new Date("2026-11-23T06:30:00Z");
  it("gives a breakdown accept, visit and resolve targets by priority", () => {
    const d = slaDueTimes(created, "normal", "breakdown");
    expect(d.acceptDueAt?.toISOString()).toBe("2026-11-23T10:30:00.000Z");
    expect(d.visitDueAt?.toISOString()).toBe("2026-11-25T06:30:00.000Z");
    expect(d.resolveDueAt.toISOString()).toBe("2026-11-30T06:30:00.000Z");
  });
  it("is tighter for more urgent work, for every priority", () => {
    const order = ["urgent", "high", "normal", "low"] as const;
    expect([...order].sort()).toEqual([...PRIORITIES].sort());
    for (let i = 1; i < order.length; i++) {
      const a = SLA_TARGETS[order[i - 1]!];
      const b = SLA_TARGETS[order[i]!];
      expect(a.acceptHours).toBeLessThan(b.acceptHours);
      expect(a.visitHours).toBeLessThan(b.visitHours);
      expect(a.resolveDays).toBeLessThan(b.resolveDays);
    }
  });
  it("gives in-house work (follow-ups, complaints) only a resolution target", () => {
    const d = slaDueTimes(created, "urgent", "complaint");
    expect(d.acceptDueAt).toBeNull();
    expect(d.visitDueAt).toBeNull();
    expect(d.resolveDueAt.getTime() - created.getTime()).toBe(IN_HOUSE_RESOLVE_DAYS * 86_400_000);
  });
});

describe("referral fee", () => {
  it("is the contract percentage of the invoice in whole rials, rounded half up", () => {
    expect(referralFeeRials(12_500_000, 12)).toBe(1_500_000);
    expect(referralFeeRials(1_005, 10)).toBe(101); // 100.5 → 101, as PostgreSQL's round()
    expect(referralFeeRials(0, 15)).toBe(0);
    expect(referralFeeRials(3_333_333, 12.5)).toBe(416_667);
  });
  it("refuses nonsense instead of writing it to the ledger", () => {
    expect(() => referralFeeRials(-1, 10)).toThrow(RangeError);
    expect(() => referralFeeRials(1.5, 10)).toThrow(RangeError);
    expect(() => referralFeeRials(100, 101)).toThrow(RangeError);
    expect(() => referralFeeRials(100, Number.NaN)).toThrow(RangeError);
  });
  it("is owed only on invoiced work outside the warranty", () => {
    expect(bearsReferralFee("out_of_warranty", 1_000_000)).toBe(true);
    expect(bearsReferralFee("unknown", 1_000_000)).toBe(true);
    expect(bearsReferralFee("in_warranty", 1_000_000)).toBe(false);
    expect(bearsReferralFee("out_of_warranty", 0)).toBe(false);
  });
});
