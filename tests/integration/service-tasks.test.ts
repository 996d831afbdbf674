/**
 * Loaner and replacement tasks (issue 15 §2) on real PostgreSQL: the sweep raises a loaner task for a repair
 * open past 10 working days (Nowruz not counted), a replacement task for "cannot repair" and for the same
 * fault again within 30 days, each once, with its evidence; a supervisor acknowledges and resolves; the rules
 * (core/service-rules.ts) unit-tested alongside.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { holidayIsoDays, OFFICIAL_HOLIDAYS_SEED } from "../../core/holidays";
import { isRepeatOf } from "../../core/repeat-job";
import { needsLoaner, repeatFaultRuleOf, serviceRulesOf, SERVICE_RULE_DEFAULTS } from "../../core/service-rules";
import { DEFAULT_OFFICE_HOURS, makeWorkingCalendar } from "../../core/working-time";
import type { DB } from "../../db/connection";
import { moveServiceTask, ServiceTaskError, sweepServiceTasks } from "../../services/supervisor-tasks";
import { getTestDb, resetDatabase } from "../support/db";
import { seedDemoWorkingTime } from "../../db/seed/demo-working-time";

const at = (s: string) => new Date(`${s}+03:30`);
const office = makeWorkingCalendar(DEFAULT_OFFICE_HOURS, holidayIsoDays(OFFICIAL_HOLIDAYS_SEED));

describe("the rules", () => {
  it("a loaner after 10 working days, Nowruz not counted", () => {
    const t = { type: "breakdown" as const, status: "in_progress" as const, createdAt: at("2026-03-14T10:00:00") };
    // Sat 23 Esfand 1404: Sun…Wed (4), Thu 28 Esfand (5), Nowruz 1–4 Farvardin off, Wed 5 Far (6), Thu (7), Sat (8), Sun (9), Mon 10 Far (10) at 17:00
    expect(needsLoaner(t, at("2026-03-30T16:59:00"), SERVICE_RULE_DEFAULTS, office)).toBe(false);
    expect(needsLoaner(t, at("2026-03-30T17:00:00"), SERVICE_RULE_DEFAULTS, office)).toBe(true);
    expect(needsLoaner({ ...t, status: "completed" }, at("2026-05-01T10:00:00"), SERVICE_RULE_DEFAULTS, office)).toBe(false);
  });
  it("the same fault: same appliance and problem, within the days (core/repeat-job.ts under repeatFaultRuleOf)", () => {
    const rule = repeatFaultRuleOf(SERVICE_RULE_DEFAULTS);
    const a = { id: 1, type: "breakdown" as const, customerProductId: 5, problemCategoryId: 2, registeredAt: at("2026-11-01T10:00:00") };
    expect(isRepeatOf(a, { ...a, id: 2, registeredAt: at("2026-11-30T10:00:00") }, rule)).toBe(true);
    expect(isRepeatOf(a, { ...a, id: 2, registeredAt: at("2026-12-02T10:00:00") }, rule)).toBe(false);
    expect(isRepeatOf(a, { ...a, id: 2, problemCategoryId: 3, registeredAt: at("2026-11-05T10:00:00") }, rule)).toBe(false);
    expect(isRepeatOf(a, { ...a, id: 2, customerProductId: 6, registeredAt: at("2026-11-05T10:00:00") }, rule)).toBe(false);
    // from the registration, whether or not the earlier one was completed or cancelled
    expect(isRepeatOf({ ...a, cancelled: true }, { ...a, id: 2, registeredAt: at("2026-11-05T10:00:00") }, rule)).toBe(true);
    // the window is the admin's rule
    expect(isRepeatOf(a, { ...a, id: 2, registeredAt: at("2026-12-02T10:00:00") }, repeatFaultRuleOf({ ...SERVICE_RULE_DEFAULTS, repeat_fault_days: 40 }))).toBe(true);
  });
  it("stored values override the defaults; bad ones are ignored", () => {
    expect(serviceRulesOf([{ key: "loaner_after_days", value: 5 }, { key: "repeat_fault_days", value: 0 }, { key: "nope", value: 3 }])).toEqual({ ...SERVICE_RULE_DEFAULTS, loaner_after_days: 5 });
  });
});

let db: DB;
let supervisorId: number;

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  await seedDemoWorkingTime(db, new Date());
  supervisorId = (await db.insertInto("users").values({ username: "sup", display_name: "سرپرست", password_hash: "x", role: "supervisor" }).returning("id").executeTakeFirstOrThrow()).id;
});

describe("sweepServiceTasks", () => {
  it("raises each task once with its evidence; a supervisor acknowledges and resolves", async () => {
    const brand = await db.insertInto("brands").values({ code: "snowa", name_fa: "اسنوا", name_en: "Snowa" }).returning("id").executeTakeFirstOrThrow();
    const cat = await db.insertInto("product_categories").values({ code: "washer", name_fa: "لباسشویی", name_en: "Washer" }).returning("id").executeTakeFirstOrThrow();
    const model = await db.insertInto("product_models").values({ brand_id: brand.id, category_id: cat.id, model_code: "WM-7", name: "لباسشویی", warranty_months: 18 }).returning("id").executeTakeFirstOrThrow();
    const customer = await db.insertInto("customers").values({ full_name: "مینا کریمی", mobile: "+989121110000" }).returning("id").executeTakeFirstOrThrow();
    const product = await db.insertInto("customer_products").values({ customer_id: customer.id, model_id: model.id, serial_number: "WM-1", warranty_months: 18, warranty_expires_on: "2027-12-01" }).returning("id").executeTakeFirstOrThrow();
    const ticket = (createdAt: Date, status: "in_progress" | "completed" | "assigned") =>
      db
        .insertInto("tickets")
        .values({ type: "breakdown", channel: "phone", customer_id: customer.id, customer_product_id: product.id, problem_category_id: cat.id, warranty_status: "in_warranty", status, created_at: createdAt })
        .returning(["id", "number"])
        .executeTakeFirstOrThrow();
    const old = await ticket(at("2026-11-01T10:00:00"), "in_progress"); // open 20+ working days by 30 Nov: a loaner
    const repeat = await ticket(at("2026-11-28T10:00:00"), "assigned"); // the same fault 27 days later: a replacement
    const fresh = await db.insertInto("tickets").values({ type: "breakdown", channel: "phone", customer_id: customer.id, warranty_status: "in_warranty", status: "in_progress", created_at: at("2026-11-25T10:00:00") }).returning("id").executeTakeFirstOrThrow();
    await db.insertInto("supervisor_alerts").values({ kind: "cannot_repair", ticket_id: fresh.id, stage: "resolve", due_at: new Date(), note: "برد اصلی سوخته و قطعه‌اش دیگر ساخته نمی‌شود" }).execute();

    const now = at("2026-11-30T12:00:00");
    expect(await sweepServiceTasks(db, { now })).toEqual({ loaner: 1, replacement: 2 });
    expect(await sweepServiceTasks(db, { now })).toEqual({ loaner: 0, replacement: 0 });
    const tasks = await db.selectFrom("supervisor_tasks").select(["id", "kind", "reason", "ticket_id", "evidence", "status"]).orderBy("id").execute();
    expect(tasks.map((t) => [t.ticket_id, t.kind, t.reason])).toEqual([
      [old.id, "loaner", "open_too_long"],
      [fresh.id, "replacement", "cannot_repair"],
      [repeat.id, "replacement", "repeat_fault"],
    ]);
    expect(tasks[1]!.evidence).toMatchObject({ technicianReason: "برد اصلی سوخته و قطعه‌اش دیگر ساخته نمی‌شود" });
    expect(tasks[2]!.evidence).toMatchObject({ tickets: [{ id: repeat.id, number: repeat.number, role: "this" }, { id: old.id, number: old.number, role: "earlier" }], withinDays: 30 });
    const notes = await db.selectFrom("ticket_events").select("ticket_id").where("event_type", "=", "note").execute();
    expect(notes).toHaveLength(3);

    const actor = { kind: "user" as const, userId: supervisorId, ip: "127.0.0.1" };
    await moveServiceTask(db, actor, tasks[0]!.id, "acknowledged", null);
    await moveServiceTask(db, actor, tasks[0]!.id, "resolved", "دستگاه امانی به مشتری تحویل شد");
    const done = await db.selectFrom("supervisor_tasks").selectAll().where("id", "=", tasks[0]!.id).executeTakeFirstOrThrow();
    expect(done).toMatchObject({ status: "resolved", acknowledged_by: supervisorId, resolved_by: supervisorId, resolution_note: "دستگاه امانی به مشتری تحویل شد" });
    await expect(moveServiceTask(db, actor, tasks[0]!.id, "resolved", null)).rejects.toBeInstanceOf(ServiceTaskError);
    await expect(moveServiceTask(db, actor, 999_999, "acknowledged", null)).rejects.toMatchObject({ code: "not_found" });
    const audit = await db.selectFrom("audit_log").select("action").where("action", "like", "service_task.%").orderBy("id").execute();
    expect(audit.map((a) => a.action)).toEqual(["service_task.raise", "service_task.raise", "service_task.raise", "service_task.acknowledge", "service_task.resolve"]);
  });
});
