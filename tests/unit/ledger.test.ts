import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { jalaliYearMonth } from "../../core/jalali";
import { checkAdjustment, nextPeriod, periodText, periodsBetween, previousPeriod, settlementAmount, splitRangeByMonth, statementState, summarizeStatement, type StatementEntry } from "../../core/ledger";
import { bearsReferralFee, referralFeeRials } from "../../core/referral-fee";

describe("Jalali statement periods", () => {
  it("steps across the year's end both ways", () => {
    expect(nextPeriod("1404-12")).toBe("1405-01");
    expect(nextPeriod("1405-08")).toBe("1405-09");
    expect(previousPeriod("1405-01")).toBe("1404-12");
    expect(periodsBetween("1404-11", "1405-02")).toEqual(["1404-11", "1404-12", "1405-01", "1405-02"]);
    expect(periodsBetween("1405-02", "1405-01")).toEqual([]);
    expect(() => nextPeriod("1405-13")).toThrow(RangeError);
  });

  it("splits a date range into whole months (the roll-up) and partial ones (the ledger)", () => {
    // 1 Azar 1405 = 2026-11-22, 1 Dey 1405 = 2026-12-22 (Tehran midnights)
    const azar1 = new Date("2026-11-22T00:00:00+03:30");
    const dey1 = new Date("2026-12-22T00:00:00+03:30");
    expect(splitRangeByMonth(azar1, dey1, jalaliYearMonth)).toEqual({ whole: ["1405-09"], partial: [] });
    const mid = new Date("2026-11-30T00:00:00+03:30");
    expect(splitRangeByMonth(mid, dey1, jalaliYearMonth)).toEqual({ whole: [], partial: ["1405-09"] });
    const later = new Date("2027-01-05T00:00:00+03:30");
    expect(splitRangeByMonth(mid, later, jalaliYearMonth)).toEqual({ whole: [], partial: ["1405-09", "1405-10"] });
    expect(splitRangeByMonth(new Date("2026-10-01T00:00:00+03:30"), later, jalaliYearMonth)).toEqual({
      whole: ["1405-08", "1405-09"],
      partial: ["1405-07", "1405-10"],
    });
    expect(splitRangeByMonth(dey1, azar1, jalaliYearMonth)).toEqual({ whole: [], partial: [] });
  });
});

describe("adjustments and statements", () => {
  it("checks an adjustment's amount and reason", () => {
    expect(checkAdjustment(-5000, "فاکتور اشتباه ثبت شده بود")).toBeNull();
    expect(checkAdjustment(0, "x")).toBe("amountInvalid");
    expect(checkAdjustment(1.5, "x")).toBe("amountInvalid");
    expect(checkAdjustment(2_000_000_000, "x")).toBe("amountInvalid");
    expect(checkAdjustment(100, "   ")).toBe("reasonRequired");
    expect(checkAdjustment(100, "x".repeat(501))).toBe("reasonTooLong");
  });

  it("sums a statement by kind, with its balance and state", () => {
    const entries: StatementEntry[] = [
      { kind: "referral_fee", amountRials: 120_000 },
      { kind: "referral_fee", amountRials: 80_000 },
      { kind: "fee_adjustment", amountRials: -20_000 },
    ];
    expect(summarizeStatement(entries)).toEqual({ fees: 200_000, adjustments: -20_000, claims: 0, due: 180_000, paid: 0, balance: 180_000, state: "open" });
    const settled = [...entries, { kind: "payment" as const, amountRials: settlementAmount(180_000)! }];
    expect(summarizeStatement(settled)).toMatchObject({ paid: 180_000, balance: 0, state: "settled" });
    expect(summarizeStatement([...settled, { kind: "fee_adjustment", amountRials: 5_000 }])).toMatchObject({ balance: 5_000, state: "partly_settled" });
    expect(settlementAmount(0)).toBeNull();
  });

  it("a statement always equals the sum of its entries, and settling leaves nothing", () => {
    const entry = fc.record({
      kind: fc.constantFrom("referral_fee" as const, "fee_adjustment" as const, "payment" as const),
      amountRials: fc.integer({ min: -10_000_000, max: 10_000_000 }),
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 30 }), (entries) => {
        const s = summarizeStatement(entries);
        expect(s.balance).toBe(entries.reduce((a, e) => a + e.amountRials, 0));
        const pay = settlementAmount(s.balance);
        if (pay !== null) expect(summarizeStatement([...entries, { kind: "payment", amountRials: pay }]).balance).toBe(0);
      }),
    );
  });

  it("the fee: rate × invoice, rounded half away from zero; only on paid work", () => {
    expect(referralFeeRials(1_250_000, 12)).toBe(150_000);
    expect(referralFeeRials(1_000_005, 10)).toBe(100_001);
    expect(bearsReferralFee("in_warranty", 1_000_000)).toBe(false);
    expect(bearsReferralFee("out_of_warranty", 0)).toBe(false);
    expect(bearsReferralFee("unknown", 1)).toBe(true);
  });
});

describe("a statement's state and its period as written", () => {
  it("is open until a payment, settled at a zero balance, partly settled otherwise", () => {
    expect(statementState({ payments: 0, balance: 120_000 })).toBe("open");
    expect(statementState({ payments: -120_000, balance: 0 })).toBe("settled");
    expect(statementState({ payments: -100_000, balance: 20_000 })).toBe("partly_settled");
    expect(periodText("1405-09")).toBe("1405/09");
  });
});
