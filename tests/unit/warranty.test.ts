import { describe, expect, it } from "vitest";
import {
  addMonths,
  extendWarranty,
  repairExtensionMonths,
  repairOpenDays,
  warrantyDaysLeft,
  warrantyExpiry,
  warrantyMonthsFor,
  warrantyStartDay,
  warrantyStatusOn,
} from "../../core/warranty";

describe("warranty", () => {
  it("adds months, clamping to the end of shorter months", () => {
    expect(addMonths("2025-01-31", 1)).toBe("2025-02-28");
    expect(addMonths("2024-01-31", 1)).toBe("2024-02-29");
    expect(addMonths("2025-06-15", 18)).toBe("2026-12-15");
  });

  it("covers up to the day before the same date N months later", () => {
    expect(warrantyExpiry("2025-06-15", 18)).toBe("2026-12-14");
    expect(warrantyExpiry(null, 18)).toBeNull();
  });

  it("decides in or out of warranty on a given day", () => {
    expect(warrantyStatusOn("2026-12-14", "2026-12-14")).toBe("in_warranty");
    expect(warrantyStatusOn("2026-12-14", "2026-12-15")).toBe("out_of_warranty");
    expect(warrantyStatusOn(null, "2026-12-15")).toBe("unknown");
  });

  it("counts the days left, negative once ended, across a leap day", () => {
    expect(warrantyDaysLeft("2026-12-14", "2026-12-14")).toBe(0);
    expect(warrantyDaysLeft("2026-12-14", "2026-12-04")).toBe(10);
    expect(warrantyDaysLeft("2026-12-14", "2026-12-17")).toBe(-3);
    expect(warrantyDaysLeft("2028-03-01", "2028-02-28")).toBe(2);
    expect(warrantyDaysLeft(null, "2026-12-17")).toBeNull();
  });
});

describe("warranty start rules and repair extensions (issue 15 §1)", () => {
  it("starts from the purchase or from the installation, as the category says", () => {
    expect(warrantyStartDay("purchase", { purchaseDate: "2026-03-01", installedOn: "2026-03-10" })).toBe("2026-03-01");
    expect(warrantyStartDay("installation", { purchaseDate: "2026-03-01", installedOn: "2026-03-10" })).toBe("2026-03-10");
    expect(warrantyStartDay("installation", { purchaseDate: "2026-03-01", installedOn: null })).toBeNull();
    expect(warrantyMonthsFor(24, 18)).toBe(24);
    expect(warrantyMonthsFor(null, 18)).toBe(18);
  });

  it("extends by one month for each full week a repair stays open beyond 15 days", () => {
    expect([15, 16, 21, 22, 28, 29, 36].map((d) => repairExtensionMonths(d))).toEqual([0, 0, 0, 1, 1, 2, 3]);
    expect(repairExtensionMonths(0)).toBe(0);
    expect(repairOpenDays(new Date("2026-01-01T10:00:00Z"), new Date("2026-01-23T09:59:59Z"))).toBe(21);
    expect(repairOpenDays(new Date("2026-01-01T10:00:00Z"), new Date("2026-01-23T10:00:00Z"))).toBe(22);
    expect(extendWarranty("2027-01-31", 1)).toBe("2027-02-28");
    expect(extendWarranty("2027-01-31", 0)).toBe("2027-01-31");
  });
});
