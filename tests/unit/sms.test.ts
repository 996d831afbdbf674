import { describe, expect, it } from "vitest";
import { toIranLocalMobile } from "../../core/phone";
import {
  countSmsParts,
  isFinalDelivery,
  KAVENEGAR_CODES,
  smsCodeText,
  smsDeliveryStatus,
  smsOutcome,
} from "../../core/sms";

describe("Kavenegar return codes → what happens to the message", () => {
  it.each([400, 401, 402, 403, 404, 405, 406, 407, 411, 412, 413, 414, 416, 417, 418, 419, 422, 424, 426, 428, 431, 432])(
    "%i is permanent: sending again would fail the same way",
    (code) => {
      expect(smsOutcome(code)).toBe("permanent");
    },
  );

  it.each([409, 429, 500, 502, 503, 504])("%i is transient: sent again later", (code) => {
    expect(smsOutcome(code)).toBe("retry");
  });

  it("an undocumented code is sent again rather than dropped on a guess", () => {
    expect(smsOutcome(499)).toBe("retry");
    expect(smsOutcome(408)).toBe("retry");
  });

  it("every documented code has Persian and English wording", () => {
    for (const [code, c] of Object.entries(KAVENEGAR_CODES)) {
      expect(c.fa.length, String(code)).toBeGreaterThan(3);
      expect(c.en.length, String(code)).toBeGreaterThan(3);
    }
    expect(smsCodeText(418)).toBe("اعتبار حساب شما کافی نیست");
    expect(smsCodeText(418, "en")).toBe("not enough credit");
    expect(smsCodeText(499)).toContain("499");
  });
});

describe("delivery status numbers", () => {
  it.each([
    [1, "queued", false],
    [2, "scheduled", false],
    [4, "sent", false],
    [5, "sent", false],
    [6, "failed", true],
    [10, "delivered", true],
    [11, "undelivered", true],
    [13, "cancelled", true],
    [14, "blocked", true],
    [100, "not_found", false],
  ] as const)("%i → %s (final: %s)", (code, status, final) => {
    expect(smsDeliveryStatus(code)).toBe(status);
    expect(isFinalDelivery(smsDeliveryStatus(code))).toBe(final);
  });

  it("an undocumented number keeps the message on its way (polled again)", () => {
    expect(smsDeliveryStatus(7)).toBe("sent");
  });
});

describe("SMS parts", () => {
  it("Latin text is GSM-7: 160 in one SMS, 153 per part beyond", () => {
    expect(countSmsParts("")).toMatchObject({ encoding: "gsm7", parts: 0 });
    expect(countSmsParts("a".repeat(160))).toMatchObject({ encoding: "gsm7", length: 160, parts: 1, remaining: 0 });
    expect(countSmsParts("a".repeat(161))).toMatchObject({ parts: 2, perPart: 153 });
    expect(countSmsParts("a".repeat(306))).toMatchObject({ parts: 2, remaining: 0 });
    expect(countSmsParts("a".repeat(307))).toMatchObject({ parts: 3 });
  });

  it("GSM-7 extension characters take two septets, and a part never splits one", () => {
    expect(countSmsParts("{}")).toMatchObject({ encoding: "gsm7", length: 4 });
    expect(countSmsParts("€".repeat(80))).toMatchObject({ length: 160, parts: 1 });
    // 152 plain + one € (2 septets) does not fit the first 153-septet part whole: it moves to the next
    expect(countSmsParts("a".repeat(152) + "€" + "a".repeat(10))).toMatchObject({ length: 164, parts: 2, remaining: 153 - 12 });
  });

  it("Persian text is UCS-2: 70 in one SMS, 67 per part beyond", () => {
    const word = "سلام"; // 4 letters
    expect(countSmsParts(word)).toMatchObject({ encoding: "ucs2", length: 4, parts: 1, perPart: 70, remaining: 66 });
    expect(countSmsParts("س".repeat(70))).toMatchObject({ parts: 1 });
    expect(countSmsParts("س".repeat(71))).toMatchObject({ parts: 2, perPart: 67 });
    expect(countSmsParts("س".repeat(134))).toMatchObject({ parts: 2, remaining: 0 });
    expect(countSmsParts("س".repeat(135))).toMatchObject({ parts: 3 });
  });

  it("one Persian digit or letter makes the whole text UCS-2", () => {
    expect(countSmsParts("Ticket ۱۲۳").encoding).toBe("ucs2");
    expect(countSmsParts("a".repeat(100) + "۱")).toMatchObject({ encoding: "ucs2", parts: 2 });
  });

  it("an emoji is two UTF-16 units and is not split between parts", () => {
    expect(countSmsParts("😀")).toMatchObject({ encoding: "ucs2", length: 2 });
    expect(countSmsParts("س".repeat(66) + "😀" + "س".repeat(5))).toMatchObject({ length: 73, parts: 2, remaining: 67 - 7 });
  });
});

describe("receptor in the form Kavenegar takes", () => {
  it.each([
    ["۰۹۱۲۳۴۵۶۷۸۹", "09123456789"],
    ["+989123456789", "09123456789"],
    ["0098 912 345 6789", "09123456789"],
    ["9123456789", "09123456789"],
  ])("%s → %s", (input, expected) => {
    expect(toIranLocalMobile(input)).toBe(expected);
  });

  it("a landline or garbage is refused", () => {
    expect(toIranLocalMobile("02188776655")).toBeNull();
    expect(toIranLocalMobile("abc")).toBeNull();
  });
});
