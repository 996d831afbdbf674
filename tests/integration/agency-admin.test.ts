/**
 * Agency and user administration (issue 14 §5) on real PostgreSQL: each service's validation, its audit row,
 * fee-rate periods (the previous rate closed the day before, overlaps and edits of a used rate refused),
 * technicians managed by a manager, the CSV import (all-or-nothing, per-row errors, progress), and users
 * (agency required for agency roles, sessions ended at once on disable / role change / password reset).
 */
import { beforeEach, describe, expect, it } from "vitest";
import { jalaliYearMonth } from "../../core/jalali";
import type { DB } from "../../db/connection";
import { agencyFeeRates, rateInForce } from "../../db/repos/fee-rates";
import { createSession, findSessionUser } from "../../db/repos/sessions";
import { addFeeRate, AgencyAdminError, createAgency, setAgencyAuthorizations, updateAgency, updateFeeRate, type AgencyDetails } from "../../services/agency-admin";
import { requestAgencyImport, runAgencyImport } from "../../services/agency-import";
import { addTechnician, setTechnicianActive, TechnicianError } from "../../services/technicians";
import { activateUser, createUser, deactivateUser, resetUserPassword, setUserRole, UserAdminError } from "../../services/users";
import { verifyPassword } from "../../platform/password";
import { getTestDb, resetDatabase } from "../support/db";
import { formRequest, testContext } from "../support/context";
import { sessionCookie } from "../../app/lib/auth.server";
import { newAgencyAction } from "../../app/lib/agency-admin.server";

let db: DB;
let managerId = 0;
let adminId = 0;
const manager = () => ({ kind: "user" as const, userId: managerId, ip: "10.0.0.9" });
const admin = () => ({ kind: "user" as const, userId: adminId, ip: "10.0.0.8" });

const details = (over: Partial<AgencyDetails> = {}): AgencyDetails => ({
  code: "KRJ-001",
  name: "نمایندگی کرج",
  managerName: null,
  mobile: "+989121234567",
  phones: ["02632223344"],
  email: null,
  province: "البرز",
  city: "کرج",
  addressText: null,
  lat: 35.83,
  lng: 50.99,
  serviceRadiusKm: 25,
  dailyJobCapacity: 6,
  workingHours: { sat: ["08:00", "18:00"] },
  serviceAreas: [{ province: "البرز", city: "کرج" }, { province: "البرز", city: null }],
  ...over,
});

async function auditRows(action: string) {
  return db.selectFrom("audit_log").select(["actor_user_id", "entity_type", "entity_id", "details", "ip"]).where("action", "=", action).execute();
}

beforeEach(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  const users = await db
    .insertInto("users")
    .values([
      { username: "manager", display_name: "مدیر", role: "manager", password_hash: "x" },
      { username: "admin", display_name: "ادمین", role: "admin", password_hash: "x" },
    ])
    .returning("id")
    .execute();
  [managerId, adminId] = users.map((u) => u.id) as [number, number];
});

describe("agencies", () => {
  it("creates an agency with its areas and an audit row; a taken code is refused", async () => {
    const { agencyId } = await createAgency(db, manager(), details());
    const a = await db.selectFrom("agencies").selectAll().where("id", "=", agencyId).executeTakeFirstOrThrow();
    expect(a).toMatchObject({ code: "KRJ-001", status: "active", lat: 35.83, service_radius_km: 25, daily_job_capacity: 6, working_hours: { sat: ["08:00", "18:00"] } });
    const areas = await db.selectFrom("agency_service_areas").select(["province", "city"]).where("agency_id", "=", agencyId).orderBy("city").execute();
    expect(areas).toEqual([{ province: "البرز", city: "کرج" }, { province: "البرز", city: null }]);
    const [audit] = await auditRows("agency.create");
    expect(audit).toMatchObject({ actor_user_id: managerId, entity_type: "agency", entity_id: String(agencyId), ip: "10.0.0.9" });
    await expect(createAgency(db, manager(), details({ name: "دیگری" }))).rejects.toMatchObject({ code: "codeExists" });
    expect(await db.selectFrom("agencies").select("id").execute()).toHaveLength(1);
  });

  it("refuses bad details before writing anything", async () => {
    for (const [over, code] of [
      [{ code: "lower" }, "code"],
      [{ lat: 35, lng: null }, "location"],
      [{ serviceRadiusKm: 0 }, "radius"],
      [{ dailyJobCapacity: -1 }, "capacity"],
      [{ workingHours: { sat: ["8", "18:00"] } as never }, "hours"],
      [{ workingHours: { funday: ["08:00", "18:00"] } as never }, "hours"],
      [{ mobile: null, phones: [] }, "contact"], // the service itself, not only the form and the CSV import
    ] as const) {
      await expect(createAgency(db, manager(), details(over as Partial<AgencyDetails>))).rejects.toEqual(new AgencyAdminError(code));
    }
    expect(await db.selectFrom("agencies").select("id").execute()).toEqual([]);
    expect(await auditRows("agency.create")).toEqual([]);
  });

  it("edits an agency: areas replaced, the audit row names what changed", async () => {
    const { agencyId } = await createAgency(db, manager(), details());
    const r = await updateAgency(db, manager(), agencyId, details({ dailyJobCapacity: 9, serviceAreas: [{ province: "تهران", city: "تهران" }], workingHours: {} }));
    expect(r.changed.sort()).toEqual(["daily_job_capacity", "service_areas", "working_hours"]);
    expect(await db.selectFrom("agency_service_areas").select(["province", "city"]).where("agency_id", "=", agencyId).execute()).toEqual([{ province: "تهران", city: "تهران" }]);
    const [audit] = await auditRows("agency.update");
    expect(audit!.details).toMatchObject({ code: "KRJ-001", changed: expect.arrayContaining(["daily_job_capacity"]) });
    await expect(updateAgency(db, manager(), agencyId + 99, details())).rejects.toMatchObject({ code: "notFound" });
  });

  it("working hours changed only when they mean another week: the days' order (jsonb keeps its own) is no change", async () => {
    const hours = { sat: ["08:00", "18:00"], sun: ["08:00", "18:00"], thu: ["08:00", "13:00"], fri: null } as Record<string, [string, string] | null>;
    const { agencyId } = await createAgency(db, manager(), details({ workingHours: hours }));
    // the same days written in another order (as the form or an import may send them), and "8:00" for "08:00"
    const reordered = { fri: null, thu: ["08:00", "13:00"], sun: ["8:00", "18:00"], sat: ["08:00", "18:00"] } as Record<string, [string, string] | null>;
    expect((await updateAgency(db, manager(), agencyId, details({ workingHours: reordered }))).changed).toEqual([]);
    // {} and every day 00:00–24:00 both mean around the clock
    await updateAgency(db, manager(), agencyId, details({ workingHours: {} }));
    const allDay = Object.fromEntries(["sat", "sun", "mon", "tue", "wed", "thu", "fri"].map((d) => [d, ["00:00", "24:00"]])) as Record<string, [string, string]>;
    expect((await updateAgency(db, manager(), agencyId, details({ workingHours: allDay }))).changed).toEqual([]);
    // a real change is named
    expect((await updateAgency(db, manager(), agencyId, details({ workingHours: { ...reordered, fri: ["09:00", "12:00"] } }))).changed).toEqual(["working_hours"]);
    const audits = await db.selectFrom("audit_log").select("details").where("action", "=", "agency.update").orderBy("id").execute();
    expect(audits.map((a) => (a.details as { changed: string[] }).changed)).toEqual([[], ["working_hours"], [], ["working_hours"]]);
  });

  it("sets authorisations as a whole, auditing what was added and removed", async () => {
    const { agencyId } = await createAgency(db, manager(), details());
    const b = await db.insertInto("brands").values({ code: "brand-b", name_fa: "ب", name_en: "B" }).returning("id").executeTakeFirstOrThrow();
    const cats = await db
      .insertInto("product_categories")
      .values([{ code: "cat-1", name_fa: "ی", name_en: "F" }, { code: "cat-2", name_fa: "ل", name_en: "W" }])
      .returning("id")
      .execute();
    expect(await setAgencyAuthorizations(db, manager(), { agencyId, pairs: [{ brandId: b.id, categoryId: cats[0]!.id }] })).toEqual({ added: 1, removed: 0 });
    expect(await setAgencyAuthorizations(db, manager(), { agencyId, pairs: [{ brandId: b.id, categoryId: cats[1]!.id }] })).toEqual({ added: 1, removed: 1 });
    const have = await db.selectFrom("agency_authorizations").select(["brand_id", "category_id"]).where("agency_id", "=", agencyId).execute();
    expect(have).toEqual([{ brand_id: b.id, category_id: cats[1]!.id }]);
    expect(await auditRows("agency.authorizations_update")).toHaveLength(2);
    await expect(setAgencyAuthorizations(db, manager(), { agencyId, pairs: [{ brandId: 999999, categoryId: cats[0]!.id }] })).rejects.toMatchObject({ code: "authorization" });
  });

  it("lets a manager add and deactivate an agency's technicians (services/technicians.ts), technician_count kept", async () => {
    const { agencyId } = await createAgency(db, manager(), details());
    const { technicianId } = await addTechnician(db, manager(), { agencyId, fullName: "رضا تکنسین", mobile: "09351112233" });
    expect((await db.selectFrom("agencies").select("technician_count").where("id", "=", agencyId).executeTakeFirstOrThrow()).technician_count).toBe(1);
    expect(await setTechnicianActive(db, manager(), { agencyId, technicianId, active: false })).toBe(true);
    expect((await db.selectFrom("agencies").select("technician_count").where("id", "=", agencyId).executeTakeFirstOrThrow()).technician_count).toBe(0);
    expect((await auditRows("technician.create"))[0]).toMatchObject({ actor_user_id: managerId, entity_id: String(technicianId) });
    // an operator holds no agencies:manage: naming an agency gives nothing
    const op = await db.insertInto("users").values({ username: "op7", display_name: "اپراتور", role: "operator", password_hash: "x" }).returning("id").executeTakeFirstOrThrow();
    await expect(addTechnician(db, { kind: "user", userId: op.id }, { agencyId, fullName: "کسی", mobile: "09351112234" })).rejects.toEqual(new TechnicianError("forbidden"));
  });
});

describe("fee rates", () => {
  async function ledgerEntry(agencyId: number, completedAt: string) {
    const c = await db.insertInto("customers").values({ full_name: "مشتری", mobile: "+989120000001" }).returning("id").executeTakeFirstOrThrow();
    const t = await db
      .insertInto("tickets")
      .values({ type: "breakdown", channel: "phone", customer_id: c.id, warranty_status: "out_of_warranty", assigned_agency_id: agencyId })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db
      .insertInto("completion_reports")
      .values({ ticket_id: t.id, agency_id: agencyId, completed_at: completedAt, work_description: "تعمیر", invoice_amount_rials: 1_000_000 })
      .execute();
    await db
      .insertInto("agency_ledger")
      .values({ agency_id: agencyId, kind: "referral_fee", ticket_id: t.id, period: jalaliYearMonth(new Date(completedAt)), invoice_amount_rials: 1_000_000, rate_percent: 10, amount_rials: 100_000 })
      .execute();
  }

  it("a new rate closes the previous one the day before; overlaps are refused", async () => {
    const { agencyId } = await createAgency(db, manager(), details());
    const first = await addFeeRate(db, manager(), { agencyId, ratePercent: 10, effectiveFrom: "2026-03-21" });
    expect(first.closedRateId).toBeNull();
    const second = await addFeeRate(db, manager(), { agencyId, ratePercent: 12.5, effectiveFrom: "2026-06-22" });
    expect(second.closedRateId).toBe(first.rateId);
    const rates = await agencyFeeRates(db, agencyId);
    expect(rates.map((r) => [r.rate_percent, r.effective_from, r.effective_to])).toEqual([
      [12.5, "2026-06-22", null],
      [10, "2026-03-21", "2026-06-22"],
    ]);
    // the rate lookup: the last day of the first rate is the day before the second
    expect(await rateInForce(db, agencyId, "2026-06-21")).toEqual({ id: first.rateId, ratePercent: 10 });
    expect(await rateInForce(db, agencyId, "2026-06-22")).toEqual({ id: second.rateId, ratePercent: 12.5 });
    expect(await rateInForce(db, agencyId, "2026-01-01")).toBeNull();
    await expect(addFeeRate(db, manager(), { agencyId, ratePercent: 11, effectiveFrom: "2026-05-01" })).rejects.toEqual(new AgencyAdminError("rateNotAfterLatest"));
    await expect(addFeeRate(db, manager(), { agencyId, ratePercent: 101, effectiveFrom: "2026-09-01" })).rejects.toEqual(new AgencyAdminError("rate"));
    const audits = await auditRows("agency.fee_rate_add");
    expect(audits).toHaveLength(2);
    expect(audits[1]!.details).toMatchObject({ from_percent: 10, to_percent: 12.5, effective_from: "2026-06-22", closed_rate_id: first.rateId });
  });

  it("never edits a rate a ledger entry used, nor closes it under a charged job", async () => {
    const { agencyId } = await createAgency(db, manager(), details());
    const first = await addFeeRate(db, manager(), { agencyId, ratePercent: 10, effectiveFrom: "2026-03-21" });
    await updateFeeRate(db, manager(), { rateId: first.rateId, ratePercent: 11 }); // unused: a correction is fine
    // a job completed on 2026-05-10 (Tehran) was charged at this rate
    await ledgerEntry(agencyId, "2026-05-10T08:00:00Z");
    expect((await agencyFeeRates(db, agencyId))[0]!.used).toBe(true);
    await expect(updateFeeRate(db, manager(), { rateId: first.rateId, ratePercent: 12 })).rejects.toEqual(new AgencyAdminError("rateUsed"));
    // a new rate from before that job would change what it was charged: refused; from after it: fine
    await expect(addFeeRate(db, manager(), { agencyId, ratePercent: 12, effectiveFrom: "2026-05-01" })).rejects.toEqual(new AgencyAdminError("rateUsed"));
    const next = await addFeeRate(db, manager(), { agencyId, ratePercent: 12, effectiveFrom: "2026-05-11" });
    expect(next.closedRateId).toBe(first.rateId);
    expect((await db.selectFrom("agency_fee_rates").select("rate_percent").where("id", "=", first.rateId).executeTakeFirstOrThrow()).rate_percent).toBe(11);
    expect(await auditRows("agency.fee_rate_update")).toHaveLength(1);
  });
});

describe("the agency form", () => {
  it("refuses an agency with neither a mobile nor a landline (customers are sent its number when it accepts), and saves it with either", async () => {
    const ctx = testContext(db);
    const s = await createSession(db, { userId: managerId, ip: "127.0.0.1", userAgent: "test" });
    const cookie = (await sessionCookie(ctx).serialize(s.id)).split(";")[0]!;
    const submit = (fields: Record<string, string>) =>
      newAgencyAction({
        request: formRequest("/manager/agencies/new", { code: "FRM-1", name: "نمایندگی فرم", province: "تهران", city: "تهران", dailyJobCapacity: "5", alwaysOpen: "on", ...fields }, { Cookie: cookie, Origin: "http://localhost" }),
        context: ctx,
        params: {},
      } as never);
    const refused = await submit({ mobile: "", phones: "" });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ form: "details", error: "agencyAdmin.error.contact" });
    expect(await db.selectFrom("agencies").select("code").execute()).toEqual([]);
    expect((await submit({ phones: "021-88776655" })).status).toBe(302);
    expect((await submit({ code: "FRM-2", mobile: "۰۹۱۲۱۲۳۴۵۶۷" })).status).toBe(302);
    expect(await db.selectFrom("agencies").select(["code", "mobile", "phones"]).orderBy("code").execute()).toEqual([
      { code: "FRM-1", mobile: null, phones: ["02188776655"] },
      { code: "FRM-2", mobile: "+989121234567", phones: [] },
    ]);
  });
});

describe("CSV import", () => {
  const header = "code,name,mobile,province,city,lat,lng,service_radius_km,daily_job_capacity,service_areas";
  const bytes = (s: string) => new TextEncoder().encode(s);

  it("imports nothing when one row is bad, and reports each error with row and column", async () => {
    await createAgency(db, manager(), details({ code: "OLD-1" }));
    const csv = [header, "NEW-1,نمايندگي يك,09121110000,تهران,تهران,35.7,51.4,20,5,تهران/تهران", "OLD-1,تکراری,09121110001,تهران,تهران,,,,,", "NEW-2,نمایندگی دو,0912,تهران,تهران,,,,,", "NEW-3,نمایندگی سه,,تهران,تهران,,,,,"].join("\r\n");
    const { importId } = await requestAgencyImport(db, manager(), { filename: "a.csv", bytes: bytes(csv) });
    const job = await db.selectFrom("graphile_worker.jobs" as never).select("task_identifier" as never).execute();
    expect(job).toEqual([{ task_identifier: "agency__import" }]);
    const r = await runAgencyImport(db, importId);
    expect(r.status).toBe("failed");
    expect(r.errors).toEqual([
      { row: 2, column: "code", code: "codeExists" },
      { row: 3, column: "mobile", code: "mobile" },
      // neither a mobile nor a landline: customers could not be told the agency's number
      { row: 4, column: "mobile", code: "contact" },
    ]);
    const row = await db.selectFrom("agency_imports").selectAll().where("id", "=", importId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "failed", imported_rows: 0, total_rows: 4 });
    expect(row.errors).toEqual(r.errors);
    expect(await db.selectFrom("agencies").select("code").execute()).toEqual([{ code: "OLD-1" }]);
  });

  it("imports every row in one transaction with progress at 100% and an audit row, Persian text normalised", async () => {
    const lines = [header];
    for (let i = 1; i <= 60; i++) lines.push(`IMP-${i},نمايندگي ${i},0912111${String(i).padStart(4, "0")},تهران,تهران,35.7,51.4,۲۰,۵,"تهران/تهران;البرز/كرج"`);
    const { importId } = await requestAgencyImport(db, manager(), { filename: "b.csv", bytes: bytes(`\ufeff${lines.join("\n")}\n`) });
    const r = await runAgencyImport(db, importId);
    expect(r).toEqual({ status: "done", imported: 60, errors: [] });
    const row = await db.selectFrom("agency_imports").selectAll().where("id", "=", importId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: "done", total_rows: 60, processed_rows: 60, imported_rows: 60 });
    const a = await db.selectFrom("agencies").select(["name", "service_radius_km"]).where("code", "=", "IMP-7").executeTakeFirstOrThrow();
    expect(a).toEqual({ name: "نمایندگی 7", service_radius_km: 20 });
    expect(await db.selectFrom("agency_service_areas").select("city").where("city", "=", "کرج").execute()).toHaveLength(60);
    expect((await auditRows("agency.import"))[0]).toMatchObject({ actor_user_id: managerId, entity_type: "agency_import", details: expect.objectContaining({ imported: 60 }) });
    // run again (a retried job): nothing twice
    expect((await runAgencyImport(db, importId)).status).toBe("skipped");
  });

  it("refuses an empty or non-UTF-8 upload at once", async () => {
    await expect(requestAgencyImport(db, manager(), { filename: "e.csv", bytes: new Uint8Array() })).rejects.toMatchObject({ code: "empty" });
    await expect(requestAgencyImport(db, manager(), { filename: "e.csv", bytes: new Uint8Array([0xff, 0xfe, 0x41]) })).rejects.toMatchObject({ code: "encoding" });
  });
});

describe("users", () => {
  async function agencyId() {
    return (await createAgency(db, manager(), details())).agencyId;
  }

  it("creates users: the agency is required for agency roles and forbidden otherwise", async () => {
    const a = await agencyId();
    await expect(createUser(db, admin(), { username: "tech1", displayName: "کارمند", role: "agency_staff", agencyId: null, password: "longenough" })).rejects.toEqual(
      new UserAdminError("agencyRequired"),
    );
    await expect(createUser(db, admin(), { username: "op9", displayName: "اپراتور", role: "operator", agencyId: a, password: "longenough" })).rejects.toEqual(
      new UserAdminError("agencyForbidden"),
    );
    await expect(createUser(db, admin(), { username: "x", displayName: "اپراتور", role: "operator", agencyId: null, password: "longenough" })).rejects.toEqual(new UserAdminError("username"));
    await expect(createUser(db, admin(), { username: "op9", displayName: "اپراتور", role: "operator", agencyId: null, password: "short" })).rejects.toEqual(new UserAdminError("password"));
    const { userId } = await createUser(db, admin(), { username: "Staff1", displayName: "کارمند", role: "agency_staff", agencyId: a, password: "longenough" });
    const u = await db.selectFrom("users").selectAll().where("id", "=", userId).executeTakeFirstOrThrow();
    expect(u).toMatchObject({ username: "staff1", role: "agency_staff", agency_id: a, active: true });
    expect(await verifyPassword(u.password_hash, "longenough")).toBe(true);
    await expect(createUser(db, admin(), { username: "staff1", displayName: "دیگری", role: "operator", agencyId: null, password: "longenough" })).rejects.toEqual(
      new UserAdminError("usernameTaken"),
    );
    expect((await auditRows("user.create"))[0]).toMatchObject({ actor_user_id: adminId, entity_id: String(userId) });
  });

  it("disabling ends every session at once; enabling lets them sign in again", async () => {
    const { userId } = await createUser(db, admin(), { username: "op1", displayName: "اپراتور", role: "operator", agencyId: null, password: "longenough" });
    const s1 = await createSession(db, { userId, ip: null, userAgent: null });
    await createSession(db, { userId, ip: null, userAgent: null });
    expect(await findSessionUser(db, s1.id)).toBeDefined();
    expect(await deactivateUser(db, { userId, actorUserId: adminId, ip: "10.0.0.8" })).toEqual({ found: true, sessionsEnded: 2 });
    expect(await findSessionUser(db, s1.id)).toBeUndefined();
    expect(await db.selectFrom("sessions").select("id").where("user_id", "=", userId).execute()).toEqual([]);
    expect(await activateUser(db, admin(), { userId })).toBe(true);
    expect(await activateUser(db, admin(), { userId })).toBe(false);
    expect(await auditRows("user.activate")).toHaveLength(1);
  });

  it("changes a role (agency rules again) and ends the user's sessions; an admin cannot change their own", async () => {
    const a = await agencyId();
    const { userId } = await createUser(db, admin(), { username: "op2", displayName: "اپراتور", role: "operator", agencyId: null, password: "longenough" });
    await createSession(db, { userId, ip: null, userAgent: null });
    await expect(setUserRole(db, admin(), { userId, role: "agency_admin", agencyId: null })).rejects.toEqual(new UserAdminError("agencyRequired"));
    expect(await setUserRole(db, admin(), { userId, role: "agency_admin", agencyId: a })).toEqual({ changed: true, sessionsEnded: 1 });
    expect(await setUserRole(db, admin(), { userId, role: "agency_admin", agencyId: a })).toEqual({ changed: false, sessionsEnded: 0 });
    await expect(setUserRole(db, admin(), { userId: adminId, role: "operator", agencyId: null })).rejects.toEqual(new UserAdminError("self"));
    const [audit] = await auditRows("user.update");
    expect(audit!.details).toMatchObject({ from: { role: "operator", agencyId: null }, to: { role: "agency_admin", agencyId: a } });
  });

  it("resets a password: typed or generated (returned once, never in the audit row), sessions ended", async () => {
    const { userId } = await createUser(db, admin(), { username: "op3", displayName: "اپراتور", role: "operator", agencyId: null, password: "longenough" });
    await createSession(db, { userId, ip: null, userAgent: null });
    const typed = await resetUserPassword(db, admin(), { userId, password: "another-one" });
    expect(typed).toEqual({ generated: null, sessionsEnded: 1 });
    const gen = await resetUserPassword(db, admin(), { userId });
    expect(gen.generated).toMatch(/^[A-Za-z2-9]{12}$/);
    const u = await db.selectFrom("users").select("password_hash").where("id", "=", userId).executeTakeFirstOrThrow();
    expect(await verifyPassword(u.password_hash, gen.generated!)).toBe(true);
    const audits = await auditRows("user.password_reset");
    expect(audits).toHaveLength(2);
    expect(JSON.stringify(audits)).not.toContain(gen.generated!);
    await expect(resetUserPassword(db, admin(), { userId, password: "short" })).rejects.toEqual(new UserAdminError("password"));
  });
});
