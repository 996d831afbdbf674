import { describe, expect, it } from "vitest";
import { PROVINCE_CENTRES, regionTierOf } from "../../core/region-tier";

describe("region tiers", () => {
  it("Tehran, the provincial centres and other cities", () => {
    expect(regionTierOf("تهران", "تهران")).toBe("tehran");
    expect(regionTierOf("تهران", "اسلامشهر")).toBe("other");
    expect(regionTierOf("اصفهان", "اصفهان")).toBe("provincial_centre");
    expect(regionTierOf("اصفهان", "کاشان")).toBe("other");
    expect(regionTierOf("البرز", "کرج")).toBe("provincial_centre");
    expect(regionTierOf("لرستان", "خرم آباد")).toBe("provincial_centre");
    // Arabic letters and a zero-width non-joiner read the same
    expect(regionTierOf("خراسان رضوي", "مشهد")).toBe("provincial_centre");
    expect(regionTierOf("كرمان", "كرمان")).toBe("provincial_centre");
    expect(regionTierOf("کرمان", null)).toBe("other");
    expect(regionTierOf(null, "تهران")).toBe("other");
  });
  it("knows all 31 provinces", () => {
    expect(Object.keys(PROVINCE_CENTRES)).toHaveLength(31);
  });
});
