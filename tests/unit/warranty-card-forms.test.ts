import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toPersianDigits } from "../../core/digits";
import {
  cardCodesCsv,
  cardReplySms,
  decideCardCheck,
  readCardSerials,
  readCardText,
} from "../../core/warranty-card";

const CODE = "4817209355613028";
const arabic = (s: string) => s.replace(/\d/g, (d) => String.fromCharCode(0x0660 + Number(d)));
const jalali = (iso: string) => `J${iso}`;

describe("readCardText: what an SMS to the service line asks of a card", () => {
  it("the code alone (or with words, any digits, any grouping) activates", () => {
    expect(readCardText(CODE)).toEqual({ intent: "activate", code: CODE });
    expect(readCardText(`کد ${toPersianDigits("4817 2093-5561 3028")}`)).toEqual({ intent: "activate", code: CODE });
    expect(readCardText(arabic("4817-2093-5561-3028"))).toEqual({ intent: "activate", code: CODE });
  });

  it("a check keyword or a question mark first, or a question mark last, only checks", () => {
    for (const text of [
      `استعلام ${CODE}`,
      `استعلام ${toPersianDigits("4817-2093-5561-3028")}`,
      `  \u200fاستعلام:${arabic("4817 2093 5561 3028")}`,
      `اصالت ${CODE}`,
      `check ${CODE}`,
      `CHECK 4817-2093-5561-3028`,
      `?${CODE}`,
      `؟ ${toPersianDigits(CODE)}`,
      `${CODE}?`,
      `${toPersianDigits("4817 2093 5561 3028")} ؟`,
    ]) {
      expect(readCardText(text), text).toEqual({ intent: "check", code: CODE });
    }
  });

  it("a text without exactly one 16-digit code is no card text, keyword or not", () => {
    expect(readCardText("استعلام")).toBeNull();
    expect(readCardText("استعلام 123456789012345")).toBeNull();
    expect(readCardText("5")).toBeNull();
    expect(readCardText(`check ${CODE} ${CODE}`)).toBeNull();
  });

  it("any 16-digit code in any digits and grouping reads back the same, with or without the keyword", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9]\d{15}$/), fc.boolean(), fc.constantFrom("latin", "persian", "arabic"), (code, check, script) => {
        const grouped = code.replace(/(\d{4})(?=\d)/g, "$1 ");
        const shown = script === "persian" ? toPersianDigits(grouped) : script === "arabic" ? arabic(grouped) : grouped;
        expect(readCardText(check ? `استعلام ${shown}` : shown)).toEqual({ intent: check ? "check" : "activate", code });
      }),
    );
  });
});

describe("a check never activates", () => {
  const fresh = { activatedAt: null, activatedPhone: null, expiresOn: null, activateBy: "2030-01-01" };
  it("a card not activated is genuine, even with the sender's number", () => {
    expect(decideCardCheck(fresh, "+989121110001", "2026-12-01")).toEqual({ kind: "genuine" });
  });
  it("an activated card says by which masked number, and whether it is the sender's", () => {
    const used = { activatedAt: "2026-01-01T00:00:00Z", activatedPhone: "+989121110001", expiresOn: "2028-01-01", activateBy: null };
    expect(decideCardCheck(used, "+989121110001", "2026-12-01")).toEqual({ kind: "already_activated", maskedPhone: "0912***0001", mine: true, expiresOn: "2028-01-01" });
    expect(decideCardCheck(used, null, "2026-12-01")).toMatchObject({ kind: "already_activated", mine: false });
  });
  it("expired stays expired", () => {
    expect(decideCardCheck({ ...fresh, activateBy: "2026-01-01" }, "+989121110001", "2026-12-01")).toEqual({ kind: "expired", expiresOn: null });
  });
  it("the check's SMS says genuine and how to activate; an activated card is genuine and already activated", () => {
    expect(cardReplySms({ kind: "genuine" }, jalali, "3028", "check")).toBe("کارت گارانتی …۳۰۲۸ اصل است و هنوز فعال نشده است. برای فعال‌سازی، همین کد را بدون «استعلام» بفرستید.");
    expect(cardReplySms({ kind: "already_activated", maskedPhone: "0912***0001", mine: false, expiresOn: "2028-01-01" }, jalali, "3028", "check")).toBe(
      "کارت گارانتی …۳۰۲۸ اصل است و پیش‌تر با شماره ۰۹۱۲***۰۰۰۱ فعال شده است و تا J2028-01-01 معتبر است.",
    );
    expect(cardReplySms({ kind: "not_genuine" }, jalali, "3028", "check")).toContain("کارت اصل نیست");
  });
});

describe("readCardSerials: a batch's serials, pasted or from a CSV", () => {
  it("reads one a line, Persian digits made Latin, blank lines and a header skipped, the CSV's first column", () => {
    const rows = readCardSerials("\ufeffserial,model\r\nRF-۱۰۰۱,x\n\n\"RF-1002\";y\n  rf-1003\t\n");
    expect(rows).toEqual([
      { row: 2, serial: "RF-1001", problem: null },
      { row: 4, serial: "RF-1002", problem: null },
      { row: 5, serial: "rf-1003", problem: null },
    ]);
    expect(readCardSerials("شماره سریال\nAB-1")).toEqual([{ row: 2, serial: "AB-1", problem: null }]);
  });

  it("names bad rows and duplicates (core/serial.ts serialKey: without case, spaces, dashes) by their line, the duplicate with the line it repeats", () => {
    expect(readCardSerials("AB-1\nx\nab-1\nAB 2\n" + "Z".repeat(61) + "\n---\nab 1")).toEqual([
      { row: 1, serial: "AB-1", problem: null },
      { row: 2, serial: "x", problem: "invalid" },
      { row: 3, serial: "ab-1", problem: "duplicate", duplicateOf: 1 },
      // a space inside is a serial as intake always took it (core/serial.ts: the union of the rules)
      { row: 4, serial: "AB 2", problem: null },
      { row: 5, serial: "Z".repeat(61), problem: "invalid" },
      { row: 6, serial: "---", problem: "invalid" },
      { row: 7, serial: "ab 1", problem: "duplicate", duplicateOf: 1 },
    ]);
  });

  it("the printer's CSV: serial and the code in four groups, one line a card", () => {
    expect(cardCodesCsv([{ serial: "RF-1", code: CODE }])).toBe("serial,code\r\nRF-1,4817-2093-5561-3028\r\n");
  });
});
