/**
 * Agency and user administration (issue 14, section 5): the pure rules, each defined once.
 *
 *  - Fee rates: `agency_fee_rates` rows are half-open day ranges [effective_from, effective_to) (the table's
 *    exclusion constraint on `daterange(effective_from, effective_to)`). A new rate must start after the
 *    latest one's start; it closes the rate still open the day before it (its effective_to := the new
 *    start, so its last day is the day before). A rate a ledger entry used is never edited.
 *  - Users: an agency role needs an agency; every other role must have none.
 *  - Agency CSV import: the template's columns, the parser (RFC 4180 quoting) and every row's validation,
 *    with errors naming the row number (1 = the first data row), the column and a message key.
 */
import { toLatinDigits } from "./digits";
import { normalizeIranMobile } from "./phone";
import { isAgencyRole, type Role } from "./roles";
import { normalizePersian } from "./text";

// ---------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------

const DAY_MS = 86_400_000;

/** The day before a Gregorian day. */
export function dayBefore(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------
// Fee rates
// ---------------------------------------------------------------------------------------------

export interface FeeRatePeriod {
  id: number;
  effectiveFrom: string;
  /** exclusive; null: open */
  effectiveTo: string | null;
}

export type FeeRatePlan =
  | { ok: true; close: { id: number; effectiveTo: string } | null }
  | { ok: false; error: "notAfterLatest" };

/**
 * Where a new rate starting `from` goes: after the latest rate's start, closing the open rate (if any) the
 * day before. A rate starting on or before an existing rate's start would overlap it: refused.
 */
export function planNewFeeRate(existing: readonly FeeRatePeriod[], from: string): FeeRatePlan {
  const latest = [...existing].sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? 1 : -1))[0];
  if (!latest) return { ok: true, close: null };
  if (from <= latest.effectiveFrom) return { ok: false, error: "notAfterLatest" };
  if (latest.effectiveTo !== null && latest.effectiveTo <= from) return { ok: true, close: null };
  return { ok: true, close: { id: latest.id, effectiveTo: from } };
}

export function validRatePercent(n: number): boolean {
  return Number.isFinite(n) && n >= 0 && n <= 100 && Math.round(n * 100) === n * 100;
}

// ---------------------------------------------------------------------------------------------
// Users
// ---------------------------------------------------------------------------------------------

export type RoleAgencyError = "agencyRequired" | "agencyForbidden";

/** An agency user belongs to exactly one agency; nobody else belongs to any. */
export function roleAgencyError(role: Role, agencyId: number | null): RoleAgencyError | null {
  if (isAgencyRole(role)) return agencyId === null ? "agencyRequired" : null;
  return agencyId === null ? null : "agencyForbidden";
}

export const USERNAME_RE = /^[a-z][a-z0-9._-]{2,39}$/;
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 200;

// ---------------------------------------------------------------------------------------------
// Agencies
// ---------------------------------------------------------------------------------------------

/** The agencies table's own check on codes (upper-case Latin letters, digits, hyphens). */
export const AGENCY_CODE_RE = /^[A-Z0-9-]{2,20}$/;
export const MAX_RADIUS_KM = 500;
export const MAX_DAILY_CAPACITY = 1000;

/** A person's text: Persian spelling normalised (ي→ی, ك→ک, digits Latin) and spaces collapsed. */
export function cleanText(value: string): string {
  return normalizePersian(value);
}

/**
 * Why an agency's contact numbers will not do, or null. Customers are sent the agency's number by SMS when it
 * accepts their job (the agency_accepted template's {agency_phone}), so an agency needs a mobile or at least
 * one landline. The admin form and the CSV import both ask this.
 */
export function agencyContactProblem(contact: { mobile: string | null; phones: readonly string[] }): "contact" | null {
  return contact.mobile || contact.phones.some((p) => p.length > 0) ? null : "contact";
}

/** A service area as typed: 'استان/شهر' or 'استان' (the whole province). */
export function parseServiceArea(text: string): { province: string; city: string | null } | null {
  const [p, c, ...rest] = cleanText(text).split("/").map((s) => s.trim());
  if (!p || rest.length) return null;
  return { province: p, city: c ? c : null };
}

// ---------------------------------------------------------------------------------------------
// CSV import
// ---------------------------------------------------------------------------------------------

/** The template's columns, in order (the header row names them). */
export const AGENCY_CSV_COLUMNS = [
  "code",
  "name",
  "manager_name",
  "mobile",
  "phones",
  "province",
  "city",
  "address",
  "lat",
  "lng",
  "service_radius_km",
  "daily_job_capacity",
  "service_areas",
] as const;
export type AgencyCsvColumn = (typeof AGENCY_CSV_COLUMNS)[number];
const REQUIRED_COLUMNS: readonly AgencyCsvColumn[] = ["code", "name", "province", "city"];

export const MAX_IMPORT_ROWS = 2000;
export const MAX_IMPORT_BYTES = 1_000_000;

export type CsvErrorCode =
  | "required"
  | "codeFormat"
  | "codeDuplicateInFile"
  | "codeExists"
  | "mobile"
  | "phone"
  | "contact"
  | "number"
  | "latLngPair"
  | "lat"
  | "lng"
  | "radius"
  | "capacity"
  | "area"
  | "tooLong"
  | "header"
  | "columns"
  | "empty"
  | "tooManyRows"
  | "quote";

export interface CsvRowError {
  /** 1 = the first data row; 0 = the file itself (its header) */
  row: number;
  column: AgencyCsvColumn | null;
  code: CsvErrorCode;
}

export interface AgencyImportRow {
  code: string;
  name: string;
  managerName: string | null;
  mobile: string | null;
  phones: string[];
  province: string;
  city: string;
  address: string | null;
  lat: number | null;
  lng: number | null;
  serviceRadiusKm: number | null;
  dailyJobCapacity: number;
  serviceAreas: { province: string; city: string | null }[];
}

/** RFC 4180 records ("" escapes a quote; quoted fields may hold commas and newlines). A UTF-8 BOM is dropped. */
export function parseCsv(text: string): { records: string[][]; error: "quote" | null } {
  const s = text.replace(/^\ufeff/, "");
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let quoted = false;
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"') {
        if (s[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += c;
      i++;
      continue;
    }
    if (c === '"' && field === "") quoted = true;
    else if (c === ",") {
      record.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && s[i + 1] === "\n") i++;
      record.push(field);
      records.push(record);
      record = [];
      field = "";
    } else field += c;
    i++;
  }
  if (quoted) return { records, error: "quote" };
  if (field !== "" || record.length) {
    record.push(field);
    records.push(record);
  }
  // blank lines carry nothing
  return { records: records.filter((r) => !(r.length === 1 && r[0]!.trim() === "")), error: null };
}


function landline(value: string): string | null {
  const d = toLatinDigits(value).replace(/[\s-]/g, "");
  return /^0\d{9,10}$/.test(d) ? d : null;
}

function num(value: string): number | null {
  const v = toLatinDigits(value).trim().replace("٫", ".");
  if (!/^-?\d+(\.\d+)?$/.test(v)) return null;
  return Number(v);
}

/**
 * Every row of an agency CSV checked against the rules, before anything is written: the rows to import, or
 * every error found (one per cell at most). Codes that already exist in the database are the caller's check
 * (`existingCodes`), so the verdict is whole here.
 */
export function validateAgencyCsv(text: string, existingCodes: ReadonlySet<string> = new Set()): { rows: AgencyImportRow[]; errors: CsvRowError[] } {
  const parsed = parseCsv(text);
  if (parsed.error) return { rows: [], errors: [{ row: 0, column: null, code: "quote" }] };
  const [header, ...data] = parsed.records;
  if (!header) return { rows: [], errors: [{ row: 0, column: null, code: "empty" }] };
  const names = header.map((h) => cleanText(h).toLowerCase());
  const missing = REQUIRED_COLUMNS.filter((c) => !names.includes(c));
  const unknown = names.some((n) => !(AGENCY_CSV_COLUMNS as readonly string[]).includes(n));
  if (missing.length || unknown) {
    return { rows: [], errors: [{ row: 0, column: missing[0] ?? null, code: "header" }] };
  }
  if (!data.length) return { rows: [], errors: [{ row: 0, column: null, code: "empty" }] };
  if (data.length > MAX_IMPORT_ROWS) return { rows: [], errors: [{ row: 0, column: null, code: "tooManyRows" }] };
  const rows: AgencyImportRow[] = [];
  const errors: CsvRowError[] = [];
  const seen = new Set<string>();
  data.forEach((record, index) => {
    const row = index + 1;
    if (record.length !== header.length) {
      errors.push({ row, column: null, code: "columns" });
      return;
    }
    const cell = (c: AgencyCsvColumn) => {
      const i = names.indexOf(c);
      return i < 0 ? "" : cleanText(record[i] ?? "");
    };
    const fail = (column: AgencyCsvColumn, code: CsvErrorCode) => errors.push({ row, column, code });
    const before = errors.length;
    for (const c of REQUIRED_COLUMNS) if (!cell(c)) fail(c, "required");
    for (const c of AGENCY_CSV_COLUMNS) if (cell(c).length > 300) fail(c, "tooLong");
    const code = cell("code").toUpperCase();
    if (code) {
      if (!AGENCY_CODE_RE.test(code)) fail("code", "codeFormat");
      else if (seen.has(code)) fail("code", "codeDuplicateInFile");
      else if (existingCodes.has(code)) fail("code", "codeExists");
      seen.add(code);
    }
    if (cell("name") && cell("name").length < 2) fail("name", "required");
    const mobile = cell("mobile") ? normalizeIranMobile(cell("mobile")) : null;
    if (cell("mobile") && !mobile) fail("mobile", "mobile");
    const phones = cell("phones")
      .split(/[;،]/)
      .map((p) => p.trim())
      .filter(Boolean);
    const cleanPhones = phones.map(landline);
    if (cleanPhones.some((p) => p === null)) fail("phones", "phone");
    // a number given but malformed has its own error above; none at all is this one
    if (agencyContactProblem({ mobile: cell("mobile") || null, phones })) fail("mobile", "contact");
    const lat = cell("lat") ? num(cell("lat")) : null;
    const lng = cell("lng") ? num(cell("lng")) : null;
    if (cell("lat") && (lat === null || lat < 24 || lat > 40)) fail("lat", "lat");
    if (cell("lng") && (lng === null || lng < 44 || lng > 64)) fail("lng", "lng");
    if (!!cell("lat") !== !!cell("lng")) fail(cell("lat") ? "lng" : "lat", "latLngPair");
    const radius = cell("service_radius_km") ? num(cell("service_radius_km")) : null;
    if (cell("service_radius_km") && (radius === null || !Number.isInteger(radius) || radius < 1 || radius > MAX_RADIUS_KM)) fail("service_radius_km", "radius");
    const capacity = cell("daily_job_capacity") ? num(cell("daily_job_capacity")) : 5;
    if (capacity === null || !Number.isInteger(capacity) || capacity < 0 || capacity > MAX_DAILY_CAPACITY) fail("daily_job_capacity", "capacity");
    const areas = cell("service_areas")
      .split(/[;،]/)
      .map((a) => a.trim())
      .filter(Boolean)
      .map(parseServiceArea);
    if (areas.some((a) => a === null)) fail("service_areas", "area");
    if (errors.length > before) return;
    rows.push({
      code,
      name: cell("name"),
      managerName: cell("manager_name") || null,
      mobile,
      phones: cleanPhones as string[],
      province: cell("province"),
      city: cell("city"),
      address: cell("address") || null,
      lat,
      lng,
      serviceRadiusKm: radius,
      dailyJobCapacity: capacity!,
      serviceAreas: areas as { province: string; city: string | null }[],
    });
  });
  return { rows: errors.length ? [] : rows, errors };
}

/** The downloadable template: the header and one example row. */
export function agencyCsvTemplate(): string {
  const example = ["THR-101", "نمایندگی نمونه", "علی رضایی", "09121234567", "02188776655", "تهران", "تهران", "خیابان ولیعصر، پلاک ۱۰", "35.7", "51.4", "20", "8", "تهران/تهران;تهران/شمیرانات"];
  return `\ufeff${AGENCY_CSV_COLUMNS.join(",")}\r\n${example.map((v) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(",")}\r\n`;
}
