import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  cardAttemptThrottle,
  cardReplySms,
  decideCardAttempt,
  formatCardCode,
  maskMobile,
  MAX_CARD_FAILURES_PER_IP,
  MAX_CARD_FAILURES_PER_PHONE,
  parseCardCode,
} from "../../core/warranty-card";

describe("warranty card codes", () => {
  it("reads one 16-digit run, with Persian digits, separators and words around it", () => {
    expect(parseCardCode("4817209355613028")).toBe("4817209355613028");
    expect(parseCardCode("۴۸۱۷-۲۰۹۳-۵۵۶۱-۳۰۲۸")).toBe("4817209355613028");
    expect(parseCardCode("کد کارت: 4817 2093 5561 3028 لطفا فعال کنید")).toBe("4817209355613028");
  });

  it("leaves survey digits, mobile numbers, short or long runs, two codes and a leading 0 alone", () => {
    for (const text of ["۵", "09121234567", "+989121234567", "481720935561302", "48172093556130281", "4817209355613028 4817209355613029", "0817209355613028", "سلام"]) {
      expect(parseCardCode(text)).toBeNull();
    }
  });

  it("every printed form of a code reads back as the code", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9]\d{15}$/), (code) => {
        expect(parseCardCode(formatCardCode(code))).toBe(code);
      }),
    );
  });

  it("masks a mobile to its prefix and last four digits", () => {
    expect(maskMobile("+989121234567")).toBe("0912***4567");
    expect(maskMobile("garbage")).toBe("***");
  });
});

describe("the rate limit", () => {
  it("refuses from the fifth refused guess of a number (24 h) or the twentieth of an address (1 h)", () => {
    expect(cardAttemptThrottle({ forPhone: MAX_CARD_FAILURES_PER_PHONE - 1, forIp: MAX_CARD_FAILURES_PER_IP - 1 })).toEqual({ allowed: true });
    expect(cardAttemptThrottle({ forPhone: MAX_CARD_FAILURES_PER_PHONE, forIp: 0 })).toEqual({ allowed: false, retryAfterHours: 24 });
    expect(cardAttemptThrottle({ forPhone: 0, forIp: MAX_CARD_FAILURES_PER_IP })).toEqual({ allowed: false, retryAfterHours: 1 });
  });
});

describe("what an attempt on a card leads to", () => {
  const fresh = { activatedAt: null, activatedPhone: null, expiresOn: null, activateBy: "2027-01-01" };
  const used = { activatedAt: "2026-01-01T10:00:00Z", activatedPhone: "+989121234567", expiresOn: "2027-12-31", activateBy: null };

  it("activates a fresh card for a number; only checks it without one", () => {
    expect(decideCardAttempt(fresh, "+989120000000", "2026-06-01")).toEqual({ kind: "activate" });
    expect(decideCardAttempt(fresh, null, "2026-06-01")).toEqual({ kind: "genuine" });
  });

  it("a fresh card past its activation deadline has expired", () => {
    expect(decideCardAttempt(fresh, "+989120000000", "2027-01-02")).toEqual({ kind: "expired", expiresOn: null });
    expect(decideCardAttempt(fresh, "+989120000000", "2027-01-01")).toEqual({ kind: "activate" });
  });

  it("an activated card says so with the masked owner (and whether it is the asker), until its warranty ends", () => {
    expect(decideCardAttempt(used, "+989351111111", "2027-12-31")).toEqual({ kind: "already_activated", maskedPhone: "0912***4567", mine: false, expiresOn: "2027-12-31" });
    expect(decideCardAttempt(used, "+989121234567", "2027-06-01")).toMatchObject({ kind: "already_activated", mine: true });
    expect(decideCardAttempt(used, null, "2028-01-01")).toEqual({ kind: "expired", expiresOn: "2027-12-31" });
  });

  it("replies in Persian with the Jalali date the caller formats", () => {
    const j = (iso: string) => `J(${iso})`;
    expect(cardReplySms({ kind: "activated", expiresOn: "2027-12-31" }, j, "3028")).toBe("کارت گارانتی …۳۰۲۸ فعال شد. گارانتی دستگاه شما تا J(2027-12-31) معتبر است.");
    expect(cardReplySms({ kind: "already_activated", maskedPhone: "0912***4567", mine: false, expiresOn: null }, j, "3028")).toBe(
      "کارت گارانتی …۳۰۲۸ پیش‌تر با شماره ۰۹۱۲***۴۵۶۷ فعال شده است.",
    );
    expect(cardReplySms({ kind: "not_genuine" }, j, null)).toContain("ثبت نشده است");
  });
});
