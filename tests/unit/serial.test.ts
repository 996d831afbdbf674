/**
 * One serial rule (core/serial.ts): the stored form, the key two spellings share, and the validator — the union
 * of the three rules it replaced (intake's 3–60 characters as typed, the card batches' Latin pattern, the claims'
 * comparison without case, spaces and dashes), so whatever each accepted stays accepted.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isValidSerial, normalizeSerial, sameSerial, serialKey, serialProblem } from "../../core/serial";

describe("normalizeSerial: the form stored and shown", () => {
  it("Persian and Arabic-Indic digits become Latin; edges (spaces, direction marks, ZWNJ) go; the rest stays as typed", () => {
    expect(normalizeSerial("  RF-۹۰۰۱\u200f ")).toBe("RF-9001");
    expect(normalizeSerial("\u200esn ٤٥٦-a\t")).toBe("sn 456-a");
    expect(normalizeSerial("ab 12")).toBe("ab 12");
  });
});

describe("serialKey: what two spellings of one serial share", () => {
  it("case, spaces, dashes, ZWNJ and digits' script are ignored; other marks are kept", () => {
    expect(serialKey("rf 9001")).toBe("RF9001");
    expect(serialKey("RF-۹۰۰۱")).toBe("RF9001");
    expect(serialKey("r\u200cf\u00a0-9001")).toBe("RF9001");
    expect(serialKey("RF/9001.A_1")).toBe("RF/9001.A_1");
    expect(sameSerial("CMP-2026-۰۰۱۲", "cmp 2026 0012")).toBe(true);
    expect(sameSerial("CMP-1", "CMP-2")).toBe(false);
    expect(sameSerial("", "")).toBe(false);
    expect(sameSerial("--", " ")).toBe(false);
  });
  it("is idempotent and ignores normalizeSerial (property)", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 70 }), (s) => {
        expect(serialKey(serialKey(s))).toBe(serialKey(s));
        expect(serialKey(normalizeSerial(s))).toBe(serialKey(s));
      }),
    );
  });
});

describe("serialProblem: the union of the rules it replaced", () => {
  it("every serial the cards' old pattern took is valid", () => {
    const oldCard = /^[A-Za-z0-9][A-Za-z0-9\-_/.]{2,59}$/;
    const chars = fc.constantFrom(..."ABCXYZabcxyz0123456789-_/.".split(""));
    fc.assert(
      fc.property(fc.array(chars, { minLength: 3, maxLength: 60 }), (a) => {
        const s = a.join("");
        if (oldCard.test(s)) expect(isValidSerial(normalizeSerial(s))).toBe(true);
      }),
    );
  });
  it("every serial intake took (3–60 characters after trimming) with a letter or digit is valid; the length is checked", () => {
    for (const s of ["ab 12", "سریال۱۲۳", "SN: 12/4", "x-1", "Z".repeat(60)]) expect(serialProblem(normalizeSerial(s))).toBeNull();
    expect(serialProblem("ab")).toBe("length");
    expect(serialProblem("Z".repeat(61))).toBe("length");
    // no letter or digit names no unit; control characters are no serial
    expect(serialProblem("---")).toBe("characters");
    expect(serialProblem("ab\u0001c")).toBe("characters");
  });
});
