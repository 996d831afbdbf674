import { describe, expect, it } from "vitest";
import { formatIranMobile, normalizeIranMobile, toLatinDigits } from "../../core/phone";

describe("Iranian mobile numbers", () => {
  it.each([
    ["09123456789", "+989123456789"],
    ["9123456789", "+989123456789"],
    ["+989123456789", "+989123456789"],
    ["00989123456789", "+989123456789"],
    ["989123456789", "+989123456789"],
    ["۰۹۱۲۳۴۵۶۷۸۹", "+989123456789"],
    ["٠٩١٢٣٤٥٦٧٨٩", "+989123456789"],
    ["0912 345 6789", "+989123456789"],
    ["0912-345-6789", "+989123456789"],
  ])("normalises %s", (input, expected) => {
    expect(normalizeIranMobile(input)).toBe(expected);
  });

  it.each(["", "02188776655", "0812345678", "091234567", "091234567890", "abc", "+1 202 555 0100"])(
    "rejects %s",
    (input) => {
      expect(normalizeIranMobile(input)).toBeNull();
    },
  );

  it("formats for display the way Iranians write it", () => {
    expect(formatIranMobile("+989123456789")).toBe("0912 345 6789");
    expect(toLatinDigits("۱۴۰۵/۰۹/۰۲")).toBe("1405/09/02");
  });
});
