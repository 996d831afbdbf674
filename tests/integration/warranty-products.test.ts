/**
 * A product's warranty after the card (issue 15 §1) on real PostgreSQL: installation tickets (registered at the
 * desk, dispatched like a breakdown, completing one starts an installation-rule warranty), a slow in-warranty
 * repair extends the warranty with its reason (once per ticket), and the national registry's tracking id
 * (stored, editable, found by the operator's ticket search and the product search, with its history).
 */
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { tehranDay } from "../../core/jalali";
import { addMonths, warrantyExpiry } from "../../core/warranty";
import type { DB } from "../../db/connection";
import { listTickets } from "../../db/repos/tickets";
import { productPage, searchProducts } from "../../db/repos/warranty";
import type { Actor } from "../../services/actor";
import { registerFromCall } from "../../services/intake";
import { completeJob } from "../../services/job-completion";
import { changeTicketStatus } from "../../services/tickets";
import { RegistryIdTakenError, setWarrantyRegistryId } from "../../services/warranty-products";
import { getTestDb, resetDatabase } from "../support/db";

let db: DB;
let operator: Extract<Actor, { userId: number }>;
let agencyUser: Extract<Actor, { userId: number }>;
let agencyId: number;
let acModel: number;
let fridgeModel: number;
const ALL = { kind: "all" } as const;

async function register(kind: "installation" | "breakdown", serial: string, modelId: number, purchaseDate: string | null = null) {
  return registerFromCall(db, operator, {
    idempotencyKey: randomUUID(),
    kind,
    customer: { fullName: "سارا کریمی", mobile: "+989121230000", nationalCode: null },
    product: { serial, modelId, purchaseDate },
    description: kind === "installation" ? "نصب کولر گازی تازه خریداری‌شده" : "یخچال سرد نمی‌کند",
    address: { province: "تهران", city: "تهران", text: "خیابان ولیعصر، کوچه ۱۲" },
  });
}

/** The agency's job: in progress with the agency, then its completion report. */
async function complete(ticketId: number) {
  await db.updateTable("tickets").set({ assigned_agency_id: agencyId }).where("id", "=", ticketId).execute();
  const t = await db.selectFrom("tickets").select("status").where("id", "=", ticketId).executeTakeFirstOrThrow();
  if (t.status === "new") await changeTicketStatus(db, operator, { ticketId, to: "in_progress" });
  return completeJob(db, agencyUser, { ticketId, agencyId, workDone: "انجام شد", parts: [], invoiceAmountRials: 0 });
}

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  const brand = await db.insertInto("brands").values({ code: "snowa", name_fa: "اسنوا", name_en: "Snowa" }).returning("id").executeTakeFirstOrThrow();
  const ac = await db
    .insertInto("product_categories")
    .values({ code: "ac", name_fa: "کولر گازی", name_en: "Air conditioner", default_warranty_months: 18, warranty_start: "installation" })
    .returning("id")
    .executeTakeFirstOrThrow();
  const fridge = await db.insertInto("product_categories").values({ code: "fridge", name_fa: "یخچال", name_en: "Refrigerator", default_warranty_months: 24 }).returning("id").executeTakeFirstOrThrow();
  acModel = (await db.insertInto("product_models").values({ brand_id: brand.id, category_id: ac.id, model_code: "AC-18", name: "کولر ۱۸", warranty_months: null }).returning("id").executeTakeFirstOrThrow()).id;
  fridgeModel = (await db.insertInto("product_models").values({ brand_id: brand.id, category_id: fridge.id, model_code: "RF-1", name: "یخچال", warranty_months: null }).returning("id").executeTakeFirstOrThrow()).id;
  agencyId = (await db.insertInto("agencies").values({ code: "THR-001", name: "نمایندگی الف", province: "تهران", city: "تهران" }).returning("id").executeTakeFirstOrThrow()).id;
  const u = await db
    .insertInto("users")
    .values([
      { username: "oper", display_name: "اپراتور", role: "operator", password_hash: "x" },
      { username: "a-admin", display_name: "مدیر الف", role: "agency_admin", agency_id: agencyId, password_hash: "x" },
    ])
    .returning("id")
    .execute();
  operator = { kind: "user", userId: u[0]!.id };
  agencyUser = { kind: "agency", userId: u[1]!.id };
});

describe("installation tickets", () => {
  it("are registered with the product and address, dispatched like a breakdown (SLA stages, a dispatch job), and have no warranty until installed", async () => {
    const r = await register("installation", "AC-SN-1", acModel, "2026-01-10");
    const t = await db.selectFrom("tickets").selectAll().where("id", "=", r.ticketId).executeTakeFirstOrThrow();
    expect(t).toMatchObject({ type: "installation", warranty_status: "unknown" });
    expect(t.sla_accept_due_at).not.toBeNull();
    expect(t.sla_visit_due_at).not.toBeNull();
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from graphile_worker._private_jobs where key = ${`dispatch:${r.ticketId}`} or payload->>'ticketId' = ${String(r.ticketId)}`.execute(db);
    expect(rows[0]!.n).toBeGreaterThan(0);
    const p = await db.selectFrom("customer_products").selectAll().where("serial_number", "=", "AC-SN-1").executeTakeFirstOrThrow();
    expect(p).toMatchObject({ purchase_date: "2026-01-10", warranty_expires_on: null, installed_on: null });
  });

  it("completing one records the installation day and starts the warranty, with the product's history", async () => {
    const r = await register("installation", "AC-SN-2", acModel);
    const done = await complete(r.ticketId);
    const today = tehranDay(done.at);
    const p = await db.selectFrom("customer_products").selectAll().where("serial_number", "=", "AC-SN-2").executeTakeFirstOrThrow();
    expect(p).toMatchObject({ installed_on: today, warranty_expires_on: warrantyExpiry(today, 18) });
    const page = (await productPage(db, ALL, p.id))!;
    expect(page.history).toHaveLength(1);
    expect(page.history[0]).toMatchObject({ kind: "warranty_started", ticket_id: r.ticketId, actor_name: "مدیر الف" });
    expect(page.history[0]!.reason).toContain("گارانتی از روز نصب آغاز شد");
    expect(page.tickets.map((t) => t.type)).toEqual(["installation"]);
  });
});

describe("repair delay extends the warranty", () => {
  it("adds a month per full week beyond 15 days, written with its reason, once per ticket", async () => {
    const r = await register("breakdown", "RF-SN-1", fridgeModel, tehranDay(new Date(Date.now() - 100 * 86_400_000)));
    const before = await db.selectFrom("customer_products").select(["id", "warranty_expires_on"]).where("serial_number", "=", "RF-SN-1").executeTakeFirstOrThrow();
    expect((await db.selectFrom("tickets").select("warranty_status").where("id", "=", r.ticketId).executeTakeFirstOrThrow()).warranty_status).toBe("in_warranty");
    // registered 30 days ago (and an hour): 15 days beyond the grace → 2 full weeks → 2 months
    await db.updateTable("tickets").set({ created_at: sql<Date>`now() - interval '30 days 1 hour'` }).where("id", "=", r.ticketId).execute();
    await complete(r.ticketId);
    const after = await db.selectFrom("customer_products").select("warranty_expires_on").where("id", "=", before.id).executeTakeFirstOrThrow();
    expect(after.warranty_expires_on).toBe(addMonths(before.warranty_expires_on!, 2));
    const events = await db.selectFrom("customer_product_events").selectAll().where("customer_product_id", "=", before.id).execute();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: "warranty_extended", ticket_id: r.ticketId, data: { days: 30, months: 2 } });
    expect(events[0]!.reason).toMatch(/^تعمیر \(درخواست [۰-۹]+\) ۳۰ روز باز ماند، بیش از ۱۵ روز: گارانتی ۲ ماه تمدید شد\.$/);
    // reopened and completed again the same day: nothing more
    await changeTicketStatus(db, operator, { ticketId: r.ticketId, to: "in_progress" });
    await complete(r.ticketId);
    expect(await db.selectFrom("customer_product_events").select("id").where("customer_product_id", "=", before.id).execute()).toHaveLength(1);
  });

  it("a repair closed within 21 days, or out of warranty, extends nothing", async () => {
    const quick = await register("breakdown", "RF-SN-2", fridgeModel, tehranDay(new Date()));
    await db.updateTable("tickets").set({ created_at: sql<Date>`now() - interval '21 days'` }).where("id", "=", quick.ticketId).execute();
    await complete(quick.ticketId);
    const old = await register("breakdown", "RF-SN-3", fridgeModel, "2020-01-01");
    await db.updateTable("tickets").set({ created_at: sql<Date>`now() - interval '60 days'` }).where("id", "=", old.ticketId).execute();
    await complete(old.ticketId);
    const n = await db
      .selectFrom("customer_product_events")
      .innerJoin("customer_products", "customer_products.id", "customer_product_events.customer_product_id")
      .select("customer_product_events.id")
      .where("customer_products.serial_number", "in", ["RF-SN-2", "RF-SN-3"])
      .execute();
    expect(n).toHaveLength(0);
  });
});

describe("the national warranty registry's tracking id", () => {
  it("is stored with the product's history, refused on a second product, and found by the ticket search and the product search", async () => {
    const r = await register("breakdown", "RF-SN-9", fridgeModel, "2026-02-01");
    const p = await db.selectFrom("customer_products").select("id").where("serial_number", "=", "RF-SN-9").executeTakeFirstOrThrow();
    expect(await setWarrantyRegistryId(db, operator, { productId: p.id, registryId: "GR-1405-77001" })).toEqual({ changed: true });
    expect(await setWarrantyRegistryId(db, operator, { productId: p.id, registryId: "GR-1405-77001" })).toEqual({ changed: false });
    const other = await db.selectFrom("customer_products").select("id").where("serial_number", "=", "RF-SN-1").executeTakeFirstOrThrow();
    await expect(setWarrantyRegistryId(db, operator, { productId: other.id, registryId: "gr-1405-77001" })).rejects.toBeInstanceOf(RegistryIdTakenError);

    const found = await listTickets(db, ALL, { q: "gr-1405-77001" });
    expect(found.rows.map((t) => t.id)).toEqual([r.ticketId]);
    expect((await searchProducts(db, ALL, { key: "gr-1405-77001" })).map((x) => x.id)).toEqual([p.id]);
    expect(await searchProducts(db, { kind: "agency", agencyId }, { key: "gr-1405-77001" })).toEqual([]);
    const page = (await productPage(db, ALL, p.id))!;
    expect(page.product.warranty_registry_id).toBe("GR-1405-77001");
    expect(page.history[0]).toMatchObject({ kind: "registry_id_changed", actor_name: "اپراتور", data: { from: null, to: "GR-1405-77001" } });
    await setWarrantyRegistryId(db, operator, { productId: p.id, registryId: null });
    expect((await listTickets(db, ALL, { q: "gr-1405-77001" })).rows).toEqual([]);
  });
});
