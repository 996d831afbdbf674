import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bandEnd,
  bandOf,
  bandsOn,
  canClaimTransition,
  claimPayable,
  claimTotal,
  CLAIM_STATUSES,
  decideClaim,
  distanceKm,
  labourTariffOn,
  lineAmount,
  mustReturn,
  serialMatches,
  type LabourTariff,
  type TravelBand,
} from "../../core/claims";

const band = (id: number, fromKm: number, amountRials: number, effectiveFrom = "2026-01-01", effectiveTo: string | null = null): TravelBand => ({
  id, fromKm, amountRials, effectiveFrom, effectiveTo,
});

describe("warranty claim rules (core/claims.ts)", () => {
  it("the labour tariff in force on a day, per category and service type", () => {
    const tariffs: LabourTariff[] = [
      { id: 1, categoryId: 7, serviceType: "repair", amountRials: 1_000_000, effectiveFrom: "2026-01-01", effectiveTo: "2026-06-01" },
      { id: 2, categoryId: 7, serviceType: "repair", amountRials: 1_200_000, effectiveFrom: "2026-06-01", effectiveTo: null },
      { id: 3, categoryId: 7, serviceType: "installation", amountRials: 800_000, effectiveFrom: "2026-01-01", effectiveTo: null },
      { id: 4, categoryId: 8, serviceType: "repair", amountRials: 2_000_000, effectiveFrom: "2026-01-01", effectiveTo: null },
    ];
    expect(labourTariffOn(tariffs, 7, "repair", "2026-05-31")?.id).toBe(1);
    // the day a tariff ends belongs to the next one
    expect(labourTariffOn(tariffs, 7, "repair", "2026-06-01")?.id).toBe(2);
    expect(labourTariffOn(tariffs, 7, "installation", "2026-09-01")?.amountRials).toBe(800_000);
    expect(labourTariffOn(tariffs, 7, "inspection", "2026-09-01")).toBeNull();
    expect(labourTariffOn(tariffs, 7, "repair", "2025-12-31")).toBeNull();
  });

  it("the band of a distance: 0–10, 10–30, 30–60, over 60 km; a boundary belongs to the farther band", () => {
    const bands = [band(1, 0, 0), band(2, 10, 300_000), band(3, 30, 600_000), band(4, 60, 1_000_000)];
    expect(bandOf(0, bands)?.id).toBe(1);
    expect(bandOf(9.9, bands)?.id).toBe(1);
    expect(bandOf(10, bands)?.id).toBe(2);
    expect(bandOf(29.9, bands)?.id).toBe(2);
    expect(bandOf(30, bands)?.id).toBe(3);
    expect(bandOf(60, bands)?.id).toBe(4);
    expect(bandOf(450, bands)?.id).toBe(4);
    expect(bandOf(null, bands)).toBeNull();
    expect(bandOf(-1, bands)).toBeNull();
    expect(bandEnd(bands[1]!, bands)).toBe(30);
    expect(bandEnd(bands[3]!, bands)).toBeNull();
  });

  it("the bands in force on a day: one per start, the latest dated wins", () => {
    const all = [band(1, 10, 300_000, "2026-01-01", "2026-07-01"), band(2, 10, 350_000, "2026-07-01"), band(3, 0, 0), band(4, 60, 900_000, "2027-01-01")];
    expect(bandsOn(all, "2026-06-30").map((b) => b.id)).toEqual([3, 1]);
    expect(bandsOn(all, "2026-07-01").map((b) => b.id)).toEqual([3, 2]);
    expect(bandsOn(all, "2027-02-01").map((b) => b.id)).toEqual([3, 2, 4]);
  });

  it("every distance ≥ 0 falls in exactly one band when a band starts at 0", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 500 }), { maxLength: 6 }), fc.double({ min: 0, max: 2000, noNaN: true }), (starts, d) => {
        const bands = [0, ...starts].map((s, i) => band(i + 1, s, i));
        const b = bandOf(d, bands)!;
        expect(b.fromKm).toBeLessThanOrEqual(d);
        const end = bandEnd(b, bands);
        expect(end === null || d < end).toBe(true);
      }),
    );
  });

  it("distance: Tehran (Azadi) to Karaj is about 33 km; a point to itself is 0", () => {
    const azadi = { lat: 35.6997, lng: 51.338 };
    const karaj = { lat: 35.8355, lng: 50.9915 };
    const d = distanceKm(azadi, karaj);
    expect(d).toBeGreaterThan(32);
    expect(d).toBeLessThan(36);
    expect(distanceKm(azadi, azadi)).toBe(0);
  });

  it("a claim's total is the sum of quantity × unit price of its lines", () => {
    expect(claimTotal([
      { kind: "labour", quantity: 1, unitRials: 1_200_000 },
      { kind: "travel", quantity: 1, unitRials: 300_000 },
      { kind: "part", quantity: 2, unitRials: 450_000 },
    ])).toBe(2_400_000);
    expect(() => lineAmount({ kind: "part", quantity: 0, unitRials: 1 })).toThrow(RangeError);
    expect(() => lineAmount({ kind: "part", quantity: 1, unitRials: -1 })).toThrow(RangeError);
  });

  it("states: draft → submitted → approved/partly_approved/rejected; owed → paid; nothing else", () => {
    expect(canClaimTransition("draft", "submitted")).toBe(true);
    expect(canClaimTransition("submitted", "partly_approved")).toBe(true);
    expect(canClaimTransition("approved", "paid")).toBe(true);
    expect(canClaimTransition("partly_approved", "paid")).toBe(true);
    expect(canClaimTransition("draft", "approved")).toBe(false);
    expect(canClaimTransition("rejected", "paid")).toBe(false);
    expect(canClaimTransition("submitted", "paid")).toBe(false);
    for (const s of CLAIM_STATUSES) expect(canClaimTransition("paid", s)).toBe(false);
  });

  it("the decision: in full, in part with a reason, or nothing (rejected)", () => {
    const lines = [
      { claimedRials: 1_000_000, approvedRials: 1_000_000, reason: null },
      { claimedRials: 500_000, approvedRials: 200_000, reason: "بیش از تعرفه" },
    ];
    expect(decideClaim(lines)).toEqual({ status: "partly_approved", approvedRials: 1_200_000 });
    expect(decideClaim([{ claimedRials: 10, approvedRials: 10, reason: null }])).toEqual({ status: "approved", approvedRials: 10 });
    expect(decideClaim([{ claimedRials: 10, approvedRials: 0, reason: "تکراری" }])).toEqual({ status: "rejected", approvedRials: 0 });
    expect(decideClaim([{ claimedRials: 10, approvedRials: 5, reason: " " }])).toEqual({ problem: "reasonRequired" });
    expect(decideClaim([{ claimedRials: 10, approvedRials: 11, reason: null }])).toEqual({ problem: "approvedInvalid" });
    expect(decideClaim([{ claimedRials: 10, approvedRials: -1, reason: "x" }])).toEqual({ problem: "approvedInvalid" });
    expect(decideClaim([])).toEqual({ problem: "noLines" });
  });

  it("payable only when every serialized part it pays for is back", () => {
    const part = { kind: "part" as const, serialized: true, approvedRials: 450_000, returned: false };
    const labour = { kind: "labour" as const, serialized: false, approvedRials: 1_000_000, returned: false };
    expect(mustReturn(part)).toBe(true);
    expect(mustReturn({ ...part, approvedRials: 0 })).toBe(false);
    expect(mustReturn({ ...part, serialized: false })).toBe(false);
    expect(claimPayable("approved", [labour, part])).toBe(false);
    expect(claimPayable("partly_approved", [labour, { ...part, returned: true }])).toBe(true);
    expect(claimPayable("submitted", [labour])).toBe(false);
    expect(claimPayable("approved", [labour, { ...part, approvedRials: 0 }])).toBe(true);
  });

  it("serials match as typed: case, spaces, dashes and Persian digits ignored", () => {
    expect(serialMatches("CMP-2026-۰۰۱۲", "cmp 2026 0012")).toBe(true);
    expect(serialMatches("CMP-1", "CMP-2")).toBe(false);
    expect(serialMatches("", "")).toBe(false);
  });
});
