import { gregorianDayToJalali, parseDayInput } from "../../core/jalali";
import { describe, expect, it } from "vitest";
import {
  agencyContactProblem,
  agencyCsvTemplate,
  dayBefore,
  planNewFeeRate,
  roleAgencyError,
  validateAgencyCsv,
  validRatePercent,
} from "../../core/agency-admin";
import { AUDIT_ACTIONS, AUDIT_ENTITY_TYPES } from "../../core/audit";
import { en } from "../../app/i18n/en";
import { fa } from "../../app/i18n/fa";

describe("Jalali days", () => {
  it("converts typed Jalali dates (Persian digits too) to Gregorian days and back", () => {
    expect(parseDayInput("1405/01/01")).toBe("2026-03-21");
    expect(parseDayInput("۱۴۰۵/۰۹/۰۱")).toBe("2026-11-22");
    expect(parseDayInput("1403-12-30")).toBe("2025-03-20"); // 1403 is a leap year
    expect(parseDayInput("1404/12/30")).toBeNull(); // 1404 is not
    expect(parseDayInput("1405/13/01")).toBeNull();
    expect(parseDayInput("1405/07/31")).toBeNull();
    expect(parseDayInput("tomorrow")).toBeNull();
    expect(gregorianDayToJalali("2026-11-22")).toBe("1405/09/01");
    expect(dayBefore("2026-03-01")).toBe("2026-02-28");
  });
});

describe("fee-rate periods", () => {
  const open = { id: 1, effectiveFrom: "2025-03-21", effectiveTo: null };
  it("closes the open rate the day before the new one starts", () => {
    expect(planNewFeeRate([open], "2026-01-01")).toEqual({ ok: true, close: { id: 1, effectiveTo: "2026-01-01" } });
    expect(planNewFeeRate([], "2026-01-01")).toEqual({ ok: true, close: null });
  });
  it("refuses a rate starting on or before the latest start (an overlap)", () => {
    expect(planNewFeeRate([open], "2025-03-21")).toEqual({ ok: false, error: "notAfterLatest" });
    expect(planNewFeeRate([{ id: 1, effectiveFrom: "2025-01-01", effectiveTo: "2025-06-01" }, { ...open, id: 2, effectiveFrom: "2025-06-01" }], "2025-05-01")).toEqual({
      ok: false,
      error: "notAfterLatest",
    });
  });
  it("leaves a rate already closed before the new start alone", () => {
    expect(planNewFeeRate([{ id: 1, effectiveFrom: "2025-01-01", effectiveTo: "2025-06-01" }], "2025-07-01")).toEqual({ ok: true, close: null });
  });
  it("accepts percentages 0..100 with two decimals", () => {
    expect(validRatePercent(12.5)).toBe(true);
    expect(validRatePercent(0)).toBe(true);
    expect(validRatePercent(100.01)).toBe(false);
    expect(validRatePercent(1.234)).toBe(false);
  });
});

describe("role and agency", () => {
  it("requires an agency for agency roles and forbids it otherwise", () => {
    expect(roleAgencyError("agency_admin", null)).toBe("agencyRequired");
    expect(roleAgencyError("agency_staff", 3)).toBeNull();
    expect(roleAgencyError("operator", 3)).toBe("agencyForbidden");
    expect(roleAgencyError("admin", null)).toBeNull();
  });
});

describe("agency CSV", () => {
  const header = "code,name,mobile,province,city,lat,lng,service_radius_km,daily_job_capacity,service_areas";
  it("accepts the template and normalises Persian digits and Arabic yeh/kaf", () => {
    const r = validateAgencyCsv(agencyCsvTemplate());
    expect(r.errors).toEqual([]);
    expect(r.rows).toHaveLength(1);
    const csv = `${header}\nthr-201,نمايندگي كرج,۰۹۱۲۱۲۳۴۵۶۷,البرز,كرج,۳۵٫۸,۵۱,۱۵,۶,"البرز/كرج;البرز"\n`;
    const ok = validateAgencyCsv(csv);
    expect(ok.errors).toEqual([]);
    expect(ok.rows[0]).toMatchObject({
      code: "THR-201",
      name: "نمایندگی کرج",
      mobile: "+989121234567",
      province: "البرز",
      city: "کرج",
      lat: 35.8,
      lng: 51,
      serviceRadiusKm: 15,
      dailyJobCapacity: 6,
      serviceAreas: [{ province: "البرز", city: "کرج" }, { province: "البرز", city: null }],
    });
  });
  it("reports every bad cell with its row and column, and imports nothing", () => {
    const csv = [header, "A-1,خوب,09121234567,تهران,تهران,,,,,", "bad code!,x,0912,تهران,,35.7,,0,-1,/", "A-1,تکراری,09121234567,تهران,تهران,,,,,"].join("\n");
    const r = validateAgencyCsv(csv, new Set(["ZZ-9"]));
    expect(r.rows).toEqual([]);
    expect(r.errors).toEqual(
      expect.arrayContaining([
        { row: 2, column: "code", code: "codeFormat" },
        { row: 2, column: "name", code: "required" },
        { row: 2, column: "city", code: "required" },
        { row: 2, column: "mobile", code: "mobile" },
        { row: 2, column: "lng", code: "latLngPair" },
        { row: 2, column: "service_radius_km", code: "radius" },
        { row: 2, column: "daily_job_capacity", code: "capacity" },
        { row: 2, column: "service_areas", code: "area" },
        { row: 3, column: "code", code: "codeDuplicateInFile" },
      ]),
    );
    expect(r.errors.some((e) => e.row === 1)).toBe(false);
    expect(validateAgencyCsv(`${header}\nZZ-9,نام,09121234567,تهران,تهران,,,,,`, new Set(["ZZ-9"])).errors).toEqual([{ row: 1, column: "code", code: "codeExists" }]);
  });
  it("refuses a row with neither a mobile nor a landline (customers are sent the agency's number), once per row", () => {
    expect(agencyContactProblem({ mobile: null, phones: [] })).toBe("contact");
    expect(agencyContactProblem({ mobile: null, phones: [""] })).toBe("contact");
    expect(agencyContactProblem({ mobile: "+989121234567", phones: [] })).toBeNull();
    expect(agencyContactProblem({ mobile: null, phones: ["02188776655"] })).toBeNull();
    const h = "code,name,mobile,phones,province,city";
    const r = validateAgencyCsv([h, "A-1,نمایندگی یک,,,تهران,تهران", "A-2,نمایندگی دو,,۰۲۱۸۸۷۷۶۶۵۵,تهران,تهران", "A-3,نمایندگی سه,0912,,تهران,تهران", "A-4,نمایندگی چهار,۰۹۱۲۱۲۳۴۵۶۷,,تهران,تهران"].join("\n"));
    // a malformed number has its own error, not this one as well
    expect(r.errors).toEqual([
      { row: 1, column: "mobile", code: "contact" },
      { row: 3, column: "mobile", code: "mobile" },
    ]);
    expect(r.rows).toEqual([]);
    // a file without the mobile and phones columns at all: every row refused
    expect(validateAgencyCsv("code,name,province,city\nB-1,نمایندگی,تهران,تهران").errors).toEqual([{ row: 1, column: "mobile", code: "contact" }]);
    for (const messages of [fa, en] as Record<string, string>[]) expect(messages["agencyImport.error.contact"]).toBeTruthy();
  });
  it("refuses a file whose header does not match, or an unclosed quote", () => {
    expect(validateAgencyCsv("foo,bar\n1,2").errors).toEqual([{ row: 0, column: "code", code: "header" }]);
    expect(validateAgencyCsv(`${header}\n"A-1,`).errors).toEqual([{ row: 0, column: null, code: "quote" }]);
    expect(validateAgencyCsv(`${header}\n`).errors).toEqual([{ row: 0, column: null, code: "empty" }]);
  });
});

describe("the audit log reads in words", () => {
  it("has a sentence and a name for every audit action, in Persian and English", () => {
    const catalogues: Record<string, Record<string, string>> = { fa, en };
    for (const action of AUDIT_ACTIONS) {
      for (const [lang, messages] of Object.entries(catalogues)) {
        expect(messages[`audit.sentence.${action}`], `${lang} audit.sentence.${action}`).toBeTruthy();
        expect(messages[`audit.action.${action}`], `${lang} audit.action.${action}`).toBeTruthy();
      }
    }
    for (const type of AUDIT_ENTITY_TYPES) {
      expect(fa[`audit.entity.${type}` as keyof typeof fa], type).toBeTruthy();
    }
  });
});
