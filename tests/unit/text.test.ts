import { describe, expect, it } from "vitest";
import { nameSearchKey, normalizePersian, searchKey } from "../../core/text";

describe("normalizePersian", () => {
  it("turns Persian (۰-۹) and Arabic-Indic (٠-٩) digits into Latin ones", () => {
    expect(normalizePersian("۱۰۰۰۰۲۹۸")).toBe("10000298");
    expect(normalizePersian("٠٩٣٥١٢٣٤٥٦٧")).toBe("09351234567");
    expect(normalizePersian("۰۹۱۲ ٣٤٥ 6789")).toBe("0912 345 6789");
  });

  it("writes Arabic yeh and kaf (and other Arabic forms) the Persian way", () => {
    expect(normalizePersian("صادقي")).toBe("صادقی");
    expect(normalizePersian("كريمي")).toBe("کریمی");
    expect(normalizePersian("موسى")).toBe("موسی");
    expect(normalizePersian("فاطمة")).toBe("فاطمه");
    expect(normalizePersian("أحمد إسلامي")).toBe("احمد اسلامی");
    expect(normalizePersian("مؤمن")).toBe("مومن");
  });

  it("turns the zero-width non-joiner and other invisible joiners into a space and collapses spaces", () => {
    expect(normalizePersian("محمد\u200cرضا")).toBe("محمد رضا");
    expect(normalizePersian("محمد رضا")).toBe("محمد رضا");
    expect(normalizePersian("  محمد \u200c  رضا\t\n")).toBe("محمد رضا");
    expect(normalizePersian("علی\u00a0\u2009احمدی")).toBe("علی احمدی");
    expect(normalizePersian("\u200fعلی\u200e")).toBe("علی");
  });

  it("drops diacritics and tatweel, which carry no meaning in search", () => {
    expect(normalizePersian("مُحَمَّد")).toBe("محمد");
    expect(normalizePersian("رضـــا")).toBe("رضا");
  });

  it("composes decomposed letters before mapping them (NFC)", () => {
    // alef + combining hamza above is أ, which becomes ا; alef + madda above is آ and stays
    expect(normalizePersian("\u0627\u0654حمد")).toBe("احمد");
    expect(normalizePersian("\u0627\u0653ب")).toBe("\u0622ب");
  });

  it("leaves already normal text alone", () => {
    for (const s of ["زینب مرادی", "Ali Rezaei", "10000298", "", "آ"]) expect(normalizePersian(s)).toBe(s);
  });
});

describe("searchKey", () => {
  it("gives every spelling of a name one key", () => {
    const key = searchKey("محمدرضا صادقی");
    expect(searchKey("محمدرضا صادقي")).toBe(key);
    expect(searchKey(" محمدرضا   صادقی ")).toBe(key);
    expect(searchKey("محمد\u200cرضا صادقی")).toBe(searchKey("محمد رضا صادقی"));
  });

  it("lower-cases letters with the one-to-one Unicode mapping (as PostgreSQL's builtin C.UTF-8 does)", () => {
    expect(searchKey("Ali REZAEI")).toBe("ali rezaei");
    expect(searchKey("ÉMILE Ö")).toBe("émile ö");
    expect(searchKey("İstanbul")).toBe("istanbul");
    expect(searchKey("ΟΔΟΣ")).toBe("οδοσ");
  });

  it("keys a tracking number or a mobile typed in any digits to Latin digits", () => {
    expect(searchKey("۱۰۰۰۰۲۹۸")).toBe("10000298");
    expect(searchKey("٠٩٣٥ ١٢٣ ٤٥٦٧")).toBe("0935 123 4567");
  });
});

describe("nameSearchKey", () => {
  it("keys the three spellings of a compound name (joined, spaced, ZWNJ) and Arabic letters alike", () => {
    const key = nameSearchKey("محمدرضا صادقی");
    expect(key).toBe("محمدرضاصادقی");
    for (const s of ["محمد رضا صادقی", "محمد\u200cرضا صادقي", " محمد‌رضا  صادقی "]) expect(nameSearchKey(s)).toBe(key);
  });
});
