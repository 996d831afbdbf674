/**
 * The admin's numbers of issue 15 (core/service-rules.ts, services/service-rules.ts) on real PostgreSQL: a change
 * is stored and audited with the value before and after, refused out of its bounds (by the service and by the
 * table's CHECK), and changes behaviour from the next use — a new complaint's due time, the card-guessing limit,
 * the warranty extension of a slow repair, and the SLA sweep's warning about a complaint on the working-day clock.
 */
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { tehranDay } from "../../core/jalali";
import { SERVICE_RULE_DEFAULTS } from "../../core/service-rules";
import { addMonths } from "../../core/warranty";
import type { DB } from "../../db/connection";
import type { Actor } from "../../services/actor";
import { addHoliday } from "../../services/holidays";
import { registerFromCall } from "../../services/intake";
import { completeJob } from "../../services/job-completion";
import { ServiceRuleError, setServiceRule } from "../../services/service-rules";
import { sweepSla } from "../../services/sla";
import { changeTicketStatus } from "../../services/tickets";
import { checkWarrantyCardOnWeb } from "../../services/warranty-cards";
import { workingCalendars } from "../../services/working-calendar";
import { getTestDb, resetDatabase } from "../support/db";
import { testContext } from "../support/context";

let db: DB;
let admin: Extract<Actor, { userId: number }>;
let operator: Extract<Actor, { userId: number }>;
let agencyUser: Extract<Actor, { userId: number }>;
let agencyId: number;
let customerId: number;
let fridgeModel: number;
const SECRET = testContext(null as unknown as DB).env.warrantyCodeSecret;
const at = (s: string) => new Date(`${s}+03:30`);

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  const brand = await db.insertInto("brands").values({ code: "snowa", name_fa: "اسنوا", name_en: "Snowa" }).returning("id").executeTakeFirstOrThrow();
  const fridge = await db.insertInto("product_categories").values({ code: "fridge", name_fa: "یخچال", name_en: "Refrigerator", default_warranty_months: 24 }).returning("id").executeTakeFirstOrThrow();
  fridgeModel = (await db.insertInto("product_models").values({ brand_id: brand.id, category_id: fridge.id, model_code: "RF-1", name: "یخچال", warranty_months: null }).returning("id").executeTakeFirstOrThrow()).id;
  agencyId = (await db.insertInto("agencies").values({ code: "THR-001", name: "نمایندگی الف", province: "تهران", city: "تهران" }).returning("id").executeTakeFirstOrThrow()).id;
  const u = await db
    .insertInto("users")
    .values([
      { username: "adm", display_name: "مدیر سامانه", role: "admin", password_hash: "x" },
      { username: "oper", display_name: "اپراتور", role: "operator", password_hash: "x" },
      { username: "a-admin", display_name: "مدیر الف", role: "agency_admin", agency_id: agencyId, password_hash: "x" },
    ])
    .returning("id")
    .execute();
  admin = { kind: "user", userId: u[0]!.id, ip: "10.0.0.9" };
  operator = { kind: "user", userId: u[1]!.id };
  agencyUser = { kind: "agency", userId: u[2]!.id };
  customerId = (await db.insertInto("customers").values({ full_name: "کاوه نادری", mobile: "+989121234501" }).returning("id").executeTakeFirstOrThrow()).id;
});

beforeEach(async () => {
  await db.deleteFrom("service_rule_settings").execute();
});

describe("changing a rule", () => {
  it("stores it, audits the value before and after, and the clock's rules see it at once", async () => {
    expect((await workingCalendars(db)).rules.complaint_resolve_days).toBe(7);
    expect(await setServiceRule(db, admin, "complaint_resolve_days", 3)).toEqual({ from: 7, to: 3, changed: true });
    expect((await workingCalendars(db)).rules.complaint_resolve_days).toBe(3);
    expect(await setServiceRule(db, admin, "complaint_resolve_days", 4)).toEqual({ from: 3, to: 4, changed: true });
    // the same value again: nothing to audit
    expect(await setServiceRule(db, admin, "complaint_resolve_days", 4)).toEqual({ from: 4, to: 4, changed: false });
    const rows = await db.selectFrom("audit_log").select(["action", "actor_user_id", "ip", "details"]).where("action", "=", "service_rule.update").orderBy("id").execute();
    expect(rows).toEqual([
      { action: "service_rule.update", actor_user_id: admin.userId, ip: "10.0.0.9", details: { key: "complaint_resolve_days", from: 7, to: 3, default: 7 } },
      { action: "service_rule.update", actor_user_id: admin.userId, ip: "10.0.0.9", details: { key: "complaint_resolve_days", from: 3, to: 4, default: 7 } },
    ]);
    const stored = await db.selectFrom("service_rule_settings").select(["key", "value", "updated_by"]).execute();
    expect(stored).toEqual([{ key: "complaint_resolve_days", value: 4, updated_by: admin.userId }]);
  });

  it("an unchanged value writes nothing (no row, no audit row); every real change writes both", async () => {
    const other = { kind: "user" as const, userId: operator.userId, ip: "10.0.0.7" };
    const audits = () => db.selectFrom("audit_log").select(["actor_user_id", "details"]).where("action", "=", "service_rule.update").orderBy("id").execute();
    const auditsBefore = (await audits()).length;
    const row = () => db.selectFrom("service_rule_settings").select(["value", "updated_by", "updated_at"]).where("key", "=", "loaner_after_days").executeTakeFirst();
    // the default again, with no row: still no row, no audit
    expect(await setServiceRule(db, admin, "loaner_after_days", SERVICE_RULE_DEFAULTS.loaner_after_days)).toEqual({ from: 10, to: 10, changed: false });
    expect(await row()).toBeUndefined();
    expect(await audits()).toHaveLength(auditsBefore);
    // a change: a row and an audit row
    await setServiceRule(db, admin, "loaner_after_days", 12);
    const first = await row();
    expect(first).toMatchObject({ value: 12, updated_by: admin.userId });
    // the same value by someone else: the row keeps who set it and when, no audit
    expect(await setServiceRule(db, other, "loaner_after_days", 12)).toEqual({ from: 12, to: 12, changed: false });
    expect(await row()).toEqual(first);
    // back to the default is a real change: written and audited
    expect(await setServiceRule(db, other, "loaner_after_days", 10)).toEqual({ from: 12, to: 10, changed: true });
    expect(await row()).toMatchObject({ value: 10, updated_by: other.userId });
    const mine = (await audits()).slice(auditsBefore);
    expect(mine).toEqual([
      { actor_user_id: admin.userId, details: { key: "loaner_after_days", from: 10, to: 12, default: 10 } },
      { actor_user_id: other.userId, details: { key: "loaner_after_days", from: 12, to: 10, default: 10 } },
    ]);
  });

  it("refuses a value out of the rule's bounds, and the table refuses an unknown key", async () => {
    await expect(setServiceRule(db, admin, "extension_months_per_week", 13)).rejects.toBeInstanceOf(ServiceRuleError);
    await expect(setServiceRule(db, admin, "card_failures_per_phone", 0)).rejects.toMatchObject({ code: "out_of_range", key: "card_failures_per_phone" });
    await expect(setServiceRule(db, admin, "complaint_warn_hours", 1.5)).rejects.toBeInstanceOf(ServiceRuleError);
    expect(await db.selectFrom("service_rule_settings").select("key").execute()).toEqual([]);
    await expect(sql`insert into service_rule_settings (key, value) values ('nope', 3)`.execute(db)).rejects.toThrow(/check/);
    // every new key is allowed by the CHECK
    for (const key of ["complaint_warn_hours", "repair_grace_days", "extension_months_per_week", "card_failures_per_phone", "card_phone_window_hours", "card_failures_per_ip", "card_ip_window_hours"] as const) {
      await setServiceRule(db, admin, key, SERVICE_RULE_DEFAULTS[key] + 1);
    }
    expect(await db.selectFrom("service_rule_settings").select("key").execute()).toHaveLength(7);
  });
});

describe("a changed value changes behaviour", () => {
  it("complaint_resolve_days = 3: a new complaint is due at the close of its third working day", async () => {
    const NOW = new Date("2026-11-30T08:00:00Z"); // Monday 9 Azar 1405
    const complaint = () =>
      registerFromCall(db, operator, {
        idempotencyKey: randomUUID(),
        kind: "complaint",
        customer: { fullName: "مریم رضایی", mobile: "+989121234567", nationalCode: null },
        product: null,
        address: null,
        description: "تکنسین دیر آمد",
        now: NOW,
      });
    const due = async (ticketId: number) => (await db.selectFrom("tickets").select("sla_resolve_due_at").where("id", "=", ticketId).executeTakeFirstOrThrow()).sla_resolve_due_at;
    // the default: 7 working days (Tue … Tue 17 Azar, at its close)
    expect(await due((await complaint()).ticketId)).toEqual(at("2026-12-08T17:00:00"));
    await setServiceRule(db, admin, "complaint_resolve_days", 3);
    // Tue, Wed, Thu: Thursday closes at 13:00
    expect(await due((await complaint()).ticketId)).toEqual(at("2026-12-03T13:00:00"));
  });

  it("card_failures_per_phone = 2 (window 6 h): the third wrong code from a number is refused, for 6 hours", async () => {
    await db.deleteFrom("warranty_card_attempts").execute();
    await setServiceRule(db, admin, "card_failures_per_phone", 2);
    await setServiceRule(db, admin, "card_phone_window_hours", 6);
    const guess = (i: number, mobile = "+989121110001", ip = "10.1.1.1") => checkWarrantyCardOnWeb(db, SECRET, { code: `555500001111220${i}`, mobile, ip });
    expect((await guess(1)).reply).toEqual({ kind: "not_genuine" });
    expect((await guess(2)).reply).toEqual({ kind: "not_genuine" });
    expect((await guess(3)).reply).toEqual({ kind: "throttled", retryAfterHours: 6 });
    // another number goes on
    expect((await guess(4, "+989121110002", "10.1.1.2")).reply).toEqual({ kind: "not_genuine" });
    // back to the default (5): the same number may guess again
    await setServiceRule(db, admin, "card_failures_per_phone", 5);
    expect((await guess(5)).reply).toEqual({ kind: "not_genuine" });
  });

  it("card_failures_per_ip = 3: the fourth wrong code from an address is refused, whatever the number", async () => {
    await db.deleteFrom("warranty_card_attempts").execute();
    await setServiceRule(db, admin, "card_failures_per_ip", 3);
    const guess = (i: number) => checkWarrantyCardOnWeb(db, SECRET, { code: `666600001111220${i}`, mobile: `+98912111100${i}`, ip: "10.2.2.2" });
    for (const i of [1, 2, 3]) expect((await guess(i)).reply).toEqual({ kind: "not_genuine" });
    expect((await guess(4)).reply).toEqual({ kind: "throttled", retryAfterHours: 1 });
  });

  it("repair_grace_days = 10: a repair open 17 days extends the warranty by a month (none by default), with the rule's days in its reason", async () => {
    const repair = async (serial: string, openDays: string) => {
      const r = await registerFromCall(db, operator, {
        idempotencyKey: randomUUID(),
        kind: "breakdown",
        customer: { fullName: "سارا کریمی", mobile: "+989121230000", nationalCode: null },
        product: { serial, modelId: fridgeModel, purchaseDate: tehranDay(new Date(Date.now() - 100 * 86_400_000)) },
        description: "یخچال سرد نمی‌کند",
        address: { province: "تهران", city: "تهران", text: "خیابان ولیعصر، کوچه ۱۲" },
      });
      await db.updateTable("tickets").set({ created_at: sql<Date>`now() - ${openDays}::interval`, assigned_agency_id: agencyId }).where("id", "=", r.ticketId).execute();
      const t = await db.selectFrom("tickets").select("status").where("id", "=", r.ticketId).executeTakeFirstOrThrow();
      if (t.status === "new") await changeTicketStatus(db, operator, { ticketId: r.ticketId, to: "in_progress" });
      const before = await db.selectFrom("customer_products").select(["id", "warranty_expires_on"]).where("serial_number", "=", serial).executeTakeFirstOrThrow();
      await completeJob(db, agencyUser, { ticketId: r.ticketId, agencyId, workDone: "انجام شد", parts: [], invoiceAmountRials: 0 });
      const after = await db.selectFrom("customer_products").select("warranty_expires_on").where("id", "=", before.id).executeTakeFirstOrThrow();
      const events = await db.selectFrom("customer_product_events").select(["kind", "reason", "data"]).where("customer_product_id", "=", before.id).execute();
      return { before: before.warranty_expires_on!, after: after.warranty_expires_on!, events };
    };
    const byDefault = await repair("RF-G-1", "17 days 1 hour");
    expect(byDefault.after).toBe(byDefault.before);
    expect(byDefault.events).toEqual([]);
    await setServiceRule(db, admin, "repair_grace_days", 10);
    const changed = await repair("RF-G-2", "17 days 1 hour");
    expect(changed.after).toBe(addMonths(changed.before, 1));
    expect(changed.events).toHaveLength(1);
    expect(changed.events[0]).toMatchObject({ kind: "warranty_extended", data: { days: 17, months: 1 } });
    expect(changed.events[0]!.reason).toMatch(/۱۷ روز باز ماند، بیش از ۱۰ روز: گارانتی ۱ ماه تمدید شد\.$/);
    await setServiceRule(db, admin, "extension_months_per_week", 3);
    const more = await repair("RF-G-3", "24 days 1 hour");
    expect(more.after).toBe(addMonths(more.before, 6));
  });
});

describe("the SLA sweep warns about a complaint on the working-day clock", () => {
  // Nowruz 1405: Saturday 2026-03-21 … Tuesday 03-24 are holidays (Friday 03-20 is off anyway); a complaint
  // registered on Saturday 03-14 is due at the close of Wednesday 03-25, the first working day after them
  const due = at("2026-03-25T17:00:00");
  async function complaint() {
    return (
      await db
        .insertInto("tickets")
        .values({
          type: "complaint", channel: "phone", customer_id: customerId, warranty_status: "unknown", priority: "normal", status: "new",
          created_at: at("2026-03-14T09:00:00"), sla_resolve_due_at: due,
        })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
  }
  const marks = async (id: number) => (await db.selectFrom("sla_marks").select(["stage", "level"]).where("ticket_id", "=", id).execute()).map((m) => `${m.stage}:${m.level}`);

  beforeAll(async () => {
    for (const day of [1, 2, 3, 4]) await addHoliday(db, admin, { year: 1405, month: 1, day, reason: "نوروز" });
  });

  it("with a lead of 14 working hours: from Wednesday 03-18 at 17:00 (Thursday's 5 h + the Wednesday after Nowruz's 9 h), not by the calendar", async () => {
    await setServiceRule(db, admin, "complaint_warn_hours", 14);
    const id = await complaint();
    await sweepSla(db, { now: at("2026-03-18T16:59:00") });
    expect(await marks(id)).toEqual([]);
    await sweepSla(db, { now: at("2026-03-18T17:00:00") });
    expect(await marks(id)).toEqual(["resolve:at_risk"]);
    await sweepSla(db, { now: at("2026-03-25T17:00:01") });
    expect((await marks(id)).sort()).toEqual(["resolve:at_risk", "resolve:breached"]);
  });

  it("with the default lead (one working day, 9 h): from Thursday's close — never days early by the calendar share", async () => {
    const id = await complaint();
    // by the 80 % share of the calendar span (11 days 8 h) it would be at risk on Monday 03-23, in the middle of Nowruz
    await sweepSla(db, { now: at("2026-03-19T12:59:00") });
    expect(await marks(id)).toEqual([]);
    await sweepSla(db, { now: at("2026-03-19T13:00:00") });
    expect(await marks(id)).toEqual(["resolve:at_risk"]);
  });

  it("a change of the lead is seen by the next sweep", async () => {
    const id = await complaint();
    await sweepSla(db, { now: at("2026-03-17T12:00:00") });
    expect(await marks(id)).toEqual([]);
    await setServiceRule(db, admin, "complaint_warn_hours", 40);
    await sweepSla(db, { now: at("2026-03-17T12:00:00") });
    expect(await marks(id)).toEqual(["resolve:at_risk"]);
  });
});

describe("the SLA sweep's at-risk share is the admin's rule (sla_at_risk_percent; once SLA_AT_RISK_SHARE)", () => {
  // a breakdown registered at 10:00 whose acceptance is due at 20:00 (plain timestamps: the share is of calendar time)
  async function breakdown() {
    return (
      await db
        .insertInto("tickets")
        .values({
          type: "breakdown", channel: "phone", customer_id: customerId, warranty_status: "unknown", priority: "normal", status: "new",
          created_at: at("2026-06-01T10:00:00"), sla_accept_due_at: at("2026-06-01T20:00:00"),
        })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
  }
  const accept = async (id: number) => (await db.selectFrom("sla_marks").select("level").where("ticket_id", "=", id).where("stage", "=", "accept").execute()).map((m) => m.level);

  it("by default 80 %: at risk from 18:00; at 60 % from 16:00, seen by the next sweep", async () => {
    expect(SERVICE_RULE_DEFAULTS.sla_at_risk_percent).toBe(80);
    const id = await breakdown();
    await sweepSla(db, { now: at("2026-06-01T17:00:00") });
    expect(await accept(id)).toEqual([]);
    await sweepSla(db, { now: at("2026-06-01T18:00:00") });
    expect(await accept(id)).toEqual(["at_risk"]);

    const other = await breakdown();
    await setServiceRule(db, admin, "sla_at_risk_percent", 60);
    await sweepSla(db, { now: at("2026-06-01T15:59:00") });
    expect(await accept(other)).toEqual([]);
    await sweepSla(db, { now: at("2026-06-01T16:00:00") });
    expect(await accept(other)).toEqual(["at_risk"]);
  });

  it("refuses 0 and 100 (no share), the bounds the variable had", async () => {
    await expect(setServiceRule(db, admin, "sla_at_risk_percent", 0)).rejects.toBeInstanceOf(ServiceRuleError);
    await expect(setServiceRule(db, admin, "sla_at_risk_percent", 100)).rejects.toBeInstanceOf(ServiceRuleError);
    expect(await setServiceRule(db, admin, "sla_at_risk_percent", 99)).toMatchObject({ changed: true, to: 99 });
  });
});
