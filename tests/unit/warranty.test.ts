import { describe, expect, it } from "vitest";
import { addMonths, warrantyDaysLeft, warrantyExpiry, warrantyStatusOn } from "../../core/warranty";

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
