/**
 * Issue 15 §4 on real PostgreSQL, the agency's side of spare parts: its parts page (/agency/parts) — its own
 * shelf and open requests, the admin's stock adjustment with a reason (audited), its staff only seeing — filling a
 * request from the shelf decrementing it in the same transaction and refused with a message when the shelf is
 * short; and a ticket's parts as the staff's ticket pages list them, with the defective part's way back.
 * Agency A never sees nor changes agency B's stock or requests.
 */
import type { AppLoadContext } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import { sessionCookie } from "../../app/lib/auth.server";
import * as page from "../../app/routes/agency.parts";
import * as agencyTicket from "../../app/routes/agency.tickets.$ticketId";
import type { DB } from "../../db/connection";
import { ticketPartRequests } from "../../db/repos/parts";
import { createSession } from "../../db/repos/sessions";
import { adjustAgencyStock, StockAdjustError, stepPartRequest } from "../../services/parts";
import { formRequest, testContext } from "../support/context";
import { getTestDb, resetDatabase } from "../support/db";

let db: DB;
let ctx: AppLoadContext;
const cookies: Record<string, string> = {};
const user: Record<string, number> = {};
let agencyA: number;
let agencyB: number;
let customerId: number;
let productId: number;
let partBoard: number;
let partMotor: number;
let partBelt: number;

const actorOf = (who: string) => ({ kind: "agency" as const, userId: user[who]!, ip: "10.4.0.1" });

async function call(fn: (args: never) => unknown, request: Request, who: string | null, params: Record<string, string> = {}) {
  if (who) request.headers.set("Cookie", cookies[who]!);
  try {
    return await fn({ request, context: ctx, params } as never);
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}
const get = (fn: (args: never) => unknown, url: string, who: string | null, params: Record<string, string> = {}) => call(fn, new Request(`http://localhost${url}`), who, params);
const post = (fn: (args: never) => unknown, url: string, who: string | null, form: Record<string, string>, params: Record<string, string> = {}) =>
  call(fn, formRequest(url, form), who, params);

async function job(agencyId: number, status: "in_progress" | "on_hold" | "completed" = "on_hold") {
  return (
    await db
      .insertInto("tickets")
      .values({
        type: "breakdown", channel: "phone", customer_id: customerId, customer_product_id: productId, warranty_status: "in_warranty",
        status, assigned_agency_id: agencyId, city: "تهران", problem_description: "یخچال برفک می‌زند",
        hold_reason: status === "on_hold" ? "waiting_for_parts" : null, hold_expected_date: status === "on_hold" ? "2026-12-20" : null,
      })
      .returning(["id", "number"])
      .executeTakeFirstOrThrow()
  );
}

async function request(ticketId: number, agencyId: number, partId: number, o: { quantity?: number; status?: "requested" | "ordered" | "received"; at?: Date } = {}) {
  const status = o.status ?? "requested";
  const at = o.at ?? new Date();
  return (
    await db
      .insertInto("part_requests")
      .values({
        ticket_id: ticketId, part_id: partId, agency_id: agencyId, quantity: o.quantity ?? 1, unit_price_rials: 1_000_000, status,
        source: status === "requested" ? null : "central", expected_date: "2026-12-20", requested_by_kind: "agency", requested_at: at,
        ordered_at: status === "requested" ? null : at, received_at: status === "received" ? at : null,
      })
      .returning("id")
      .executeTakeFirstOrThrow()
  ).id;
}

async function stock(agencyId: number, partId: number) {
  return (await db.selectFrom("agency_part_stock").select("quantity").where("agency_id", "=", agencyId).where("part_id", "=", partId).executeTakeFirst())?.quantity;
}

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  ctx = testContext(db);
  const [a, b] = await db
    .insertInto("agencies")
    .values([
      { code: "THR-001", name: "نمایندگی الف", province: "تهران", city: "تهران" },
      { code: "THR-002", name: "نمایندگی ب", province: "تهران", city: "تهران" },
    ])
    .returning("id")
    .execute();
  agencyA = a!.id;
  agencyB = b!.id;
  const users = await db
    .insertInto("users")
    .values([
      { username: "a-admin", display_name: "مدیر الف", role: "agency_admin", agency_id: agencyA, password_hash: "x" },
      { username: "a-staff", display_name: "کارمند الف", role: "agency_staff", agency_id: agencyA, password_hash: "x" },
      { username: "b-admin", display_name: "مدیر ب", role: "agency_admin", agency_id: agencyB, password_hash: "x" },
      { username: "manager", display_name: "مدیر خدمات", role: "manager", password_hash: "x" },
    ])
    .returning(["id", "username"])
    .execute();
  for (const u of users) {
    user[u.username] = u.id;
    const s = await createSession(db, { userId: u.id, ip: null, userAgent: null });
    cookies[u.username] = (await sessionCookie(ctx).serialize(s.id)).split(";")[0]!;
  }
  customerId = (await db.insertInto("customers").values({ full_name: "مریم احمدی", mobile: "+989127654321" }).returning("id").executeTakeFirstOrThrow()).id;
  const brand = (await db.insertInto("brands").values({ code: "pars", name_fa: "پارس", name_en: "Pars" }).returning("id").executeTakeFirstOrThrow()).id;
  const category = (await db.insertInto("product_categories").values({ code: "fridge", name_fa: "یخچال", name_en: "Fridge" }).returning("id").executeTakeFirstOrThrow()).id;
  const model = (await db.insertInto("product_models").values({ brand_id: brand, category_id: category, model_code: "RF-20", name: "یخچال ۲۰ فوت" }).returning("id").executeTakeFirstOrThrow()).id;
  productId = (await db.insertInto("customer_products").values({ customer_id: customerId, model_id: model, serial_number: "RF20-0001", warranty_months: 18 }).returning("id").executeTakeFirstOrThrow()).id;
  const parts = await db
    .insertInto("spare_parts")
    .values([
      { model_id: model, code: "RF20-BRD", name: "برد کنترل", list_price_rials: 45_000_000, serialized: true },
      { model_id: model, code: "RF20-MTR", name: "کمپرسور", list_price_rials: 80_000_000 },
      { model_id: model, code: "RF20-BLT", name: "ترموستات", list_price_rials: 3_000_000 },
    ])
    .returning("id")
    .execute();
  [partBoard, partMotor, partBelt] = parts.map((p) => p.id) as [number, number, number];
  await db
    .insertInto("agency_part_stock")
    .values([
      { agency_id: agencyA, part_id: partMotor, quantity: 3 },
      { agency_id: agencyB, part_id: partMotor, quantity: 7 },
      { agency_id: agencyB, part_id: partBelt, quantity: 2 },
    ])
    .execute();
});

describe("adjusting the agency's stock (services/parts.ts adjustAgencyStock)", () => {
  it("the admin sets a part's counted quantity with a reason: the row changes and the audit keeps before, after and why", async () => {
    const r = await adjustAgencyStock(db, actorOf("a-admin"), { agencyId: agencyA, partId: partMotor, quantity: 5, reason: "  شمارش انبار  " });
    expect(r).toEqual({ partId: partMotor, from: 3, to: 5 });
    expect(await stock(agencyA, partMotor)).toBe(5);
    // a part not yet on the shelf starts from zero
    await adjustAgencyStock(db, actorOf("a-admin"), { agencyId: agencyA, partId: partBelt, quantity: 4, reason: "رسیدن محموله" });
    expect(await stock(agencyA, partBelt)).toBe(4);
    const audits = await db
      .selectFrom("audit_log")
      .select(["actor_user_id", "entity_type", "entity_id", "details"])
      .where("action", "=", "agency_stock.adjust")
      .orderBy("id")
      .execute();
    expect(audits).toEqual([
      { actor_user_id: user["a-admin"], entity_type: "agency", entity_id: String(agencyA), details: { partId: partMotor, code: "RF20-MTR", from: 3, to: 5, reason: "شمارش انبار" } },
      { actor_user_id: user["a-admin"], entity_type: "agency", entity_id: String(agencyA), details: { partId: partBelt, code: "RF20-BLT", from: 0, to: 4, reason: "رسیدن محموله" } },
    ]);
    // B's shelf untouched
    expect(await stock(agencyB, partMotor)).toBe(7);
  });

  it("refuses staff, another agency's admin, a bad quantity, no reason and no change — nothing written", async () => {
    const problem = async (p: Promise<unknown>) => {
      try {
        await p;
      } catch (e) {
        if (e instanceof StockAdjustError) return e.problem;
        throw e;
      }
      return "accepted";
    };
    const before = await db.selectFrom("audit_log").select((eb) => eb.fn.countAll<string>().as("n")).where("action", "=", "agency_stock.adjust").executeTakeFirstOrThrow();
    expect(await problem(adjustAgencyStock(db, actorOf("a-staff"), { agencyId: agencyA, partId: partMotor, quantity: 9, reason: "x" }))).toBe("forbidden");
    expect(await problem(adjustAgencyStock(db, actorOf("b-admin"), { agencyId: agencyA, partId: partMotor, quantity: 9, reason: "x" }))).toBe("forbidden");
    expect(await problem(adjustAgencyStock(db, actorOf("a-admin"), { agencyId: agencyA, partId: partMotor, quantity: -1, reason: "x" }))).toBe("quantity");
    expect(await problem(adjustAgencyStock(db, actorOf("a-admin"), { agencyId: agencyA, partId: partMotor, quantity: 10_000, reason: "x" }))).toBe("quantity");
    expect(await problem(adjustAgencyStock(db, actorOf("a-admin"), { agencyId: agencyA, partId: partMotor, quantity: 9, reason: "   " }))).toBe("reason");
    expect(await problem(adjustAgencyStock(db, actorOf("a-admin"), { agencyId: agencyA, partId: partMotor, quantity: 5, reason: "همان" }))).toBe("unchanged");
    expect(await problem(adjustAgencyStock(db, actorOf("a-admin"), { agencyId: agencyA, partId: 99_999_999, quantity: 1, reason: "x" }))).toBe("notFound");
    // a refused first adjustment of a part leaves no empty row behind
    expect(await problem(adjustAgencyStock(db, actorOf("a-admin"), { agencyId: agencyA, partId: partBoard, quantity: 0, reason: "x" }))).toBe("unchanged");
    expect(await stock(agencyA, partBoard)).toBeUndefined();
    expect(await stock(agencyA, partMotor)).toBe(5);
    const after = await db.selectFrom("audit_log").select((eb) => eb.fn.countAll<string>().as("n")).where("action", "=", "agency_stock.adjust").executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });
});

describe("filling a request from the agency's shelf", () => {
  it("decrements the stock in the same transaction and refuses, with the page's message, when the shelf is short", async () => {
    await db.updateTable("agency_part_stock").set({ quantity: 3 }).where("agency_id", "=", agencyA).where("part_id", "=", partMotor).execute();
    const t = await job(agencyA);
    const big = await request(t.id, agencyA, partMotor, { quantity: 4 });
    const small = await request(t.id, agencyA, partMotor, { quantity: 2 });
    // through the job page, as the agency's user clicks "from our stock": 4 > 3 on the shelf
    const short = (await post(agencyTicket.action, `/agency/tickets/${t.id}`, "a-staff", { intent: "fill", requestId: String(big) }, { ticketId: String(t.id) })) as Response;
    expect(short.status).toBe(400);
    expect(await short.json()).toMatchObject({ intent: "fill", error: "parts.error.noStock" });
    expect(await stock(agencyA, partMotor)).toBe(3);
    expect((await db.selectFrom("part_requests").select("status").where("id", "=", big).executeTakeFirstOrThrow()).status).toBe("requested");
    const ok = (await post(agencyTicket.action, `/agency/tickets/${t.id}`, "a-staff", { intent: "fill", requestId: String(small) }, { ticketId: String(t.id) })) as Response;
    expect(ok.status).toBe(302);
    expect(await stock(agencyA, partMotor)).toBe(1);
    expect(await db.selectFrom("part_requests").select(["status", "source"]).where("id", "=", small).executeTakeFirstOrThrow()).toEqual({ status: "received", source: "agency_stock" });
    // B's shelf is not A's: B cannot take from it for A's request, and its own stock is untouched
    await expect(stepPartRequest(db, actorOf("b-admin"), { requestId: big, step: "fill_from_stock", agencyId: agencyB })).rejects.toMatchObject({ problem: "notYourAgency" });
    expect(await stock(agencyB, partMotor)).toBe(7);
  });

  it("two fills racing for the last units: one wins, the other is refused, the stock never goes below zero", async () => {
    await db.updateTable("agency_part_stock").set({ quantity: 2 }).where("agency_id", "=", agencyA).where("part_id", "=", partMotor).execute();
    const t1 = await job(agencyA);
    const t2 = await job(agencyA);
    const r1 = await request(t1.id, agencyA, partMotor, { quantity: 2 });
    const r2 = await request(t2.id, agencyA, partMotor, { quantity: 2 });
    const results = await Promise.allSettled([
      stepPartRequest(db, actorOf("a-admin"), { requestId: r1, step: "fill_from_stock", agencyId: agencyA }),
      stepPartRequest(db, actorOf("a-admin"), { requestId: r2, step: "fill_from_stock", agencyId: agencyA }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ problem: "noStock" });
    expect(await stock(agencyA, partMotor)).toBe(0);
  });
});

describe("the parts page, walked as agency A with agency B's ids", () => {
  it("shows A's shelf and A's open requests only (requested, ordered, shipped), oldest first, with the ticket and expected date", async () => {
    const mine = await job(agencyA);
    const theirs = await job(agencyB);
    const old = await request(mine.id, agencyA, partBelt, { at: new Date(Date.now() - 5 * 86_400_000) });
    const ordered = await request(mine.id, agencyA, partBoard, { status: "ordered", at: new Date(Date.now() - 86_400_000) });
    const done = await request(mine.id, agencyA, partBoard, { status: "received" });
    const foreign = await request(theirs.id, agencyB, partBelt);
    const data = (await get(page.loader, "/agency/parts", "a-staff")) as {
      stock: { part_id: number; quantity: number }[];
      open: { id: number; ticket_id: number; ticket_number: number; status: string; expected_date: string }[];
      canAdjust: boolean;
      catalogue: unknown[];
    };
    expect(data.canAdjust).toBe(false);
    expect(data.catalogue).toEqual([]);
    expect(data.stock.map((s) => s.part_id).sort()).toEqual([partMotor, partBelt].sort());
    const ids = data.open.map((o) => o.id);
    expect(ids).toContain(old);
    expect(ids).toContain(ordered);
    expect(ids).not.toContain(done);
    expect(ids).not.toContain(foreign);
    expect(ids.indexOf(old)).toBeLessThan(ids.indexOf(ordered));
    expect(data.open.find((o) => o.id === old)).toMatchObject({ ticket_id: mine.id, ticket_number: mine.number, status: "requested", expected_date: "2026-12-20" });
    // B sees its own
    const b = (await get(page.loader, "/agency/parts", "b-admin")) as { open: { id: number }[]; stock: { part_id: number; quantity: number }[]; canAdjust: boolean };
    expect(b.canAdjust).toBe(true);
    expect(b.open.map((o) => o.id)).toContain(foreign);
    expect(b.open.map((o) => o.id)).not.toContain(old);
    expect(b.stock).toEqual(expect.arrayContaining([expect.objectContaining({ part_id: partMotor, quantity: 7 })]));
    // nobody outside the portal
    expect(((await get(page.loader, "/agency/parts", "manager")) as Response).status).toBe(403);
  });

  it("the admin's form adjusts A's own shelf (Persian digits accepted); staff get 403; bad input a 400 with the message; A's form never reaches B", async () => {
    const ok = (await post(page.action, "/agency/parts", "a-admin", { partId: String(partBelt), quantity: "۱۲", reason: "شمارش پایان ماه" })) as Response;
    expect(ok.status).toBe(302);
    expect(ok.headers.get("Location")).toBe("/agency/parts?done=adjust");
    expect(await stock(agencyA, partBelt)).toBe(12);
    expect(await stock(agencyB, partBelt)).toBe(2);
    const staff = (await post(page.action, "/agency/parts", "a-staff", { partId: String(partBelt), quantity: "1", reason: "x" })) as Response;
    expect(staff.status).toBe(403);
    const bad = (await post(page.action, "/agency/parts", "a-admin", { partId: String(partBelt), quantity: "-3", reason: "x" })) as Response;
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ partId: partBelt, error: "agencyParts.error.quantity", values: { quantity: "-3" } });
    const noReason = (await post(page.action, "/agency/parts", "a-admin", { row: "new", partId: String(partBoard), quantity: "2", reason: "" })) as Response;
    expect(noReason.status).toBe(400);
    expect(await noReason.json()).toMatchObject({ partId: "new", error: "agencyParts.error.reason" });
    const same = (await post(page.action, "/agency/parts", "a-admin", { partId: String(partBelt), quantity: "12", reason: "دوباره" })) as Response;
    expect(same.status).toBe(409);
    expect(await same.json()).toMatchObject({ error: "agencyParts.error.unchanged" });
    // B's admin posting A's part adjusts B's own shelf, never A's: there is no agency in the form
    const b = (await post(page.action, "/agency/parts", "b-admin", { partId: String(partBelt), quantity: "6", reason: "شمارش" })) as Response;
    expect(b.status).toBe(302);
    expect(await stock(agencyB, partBelt)).toBe(6);
    expect(await stock(agencyA, partBelt)).toBe(12);
  });
});

describe("a ticket's parts on the ticket pages (db/repos/parts.ts ticketPartRequests)", () => {
  it("lists part, quantity, source, status, expected date and the defective part's way back; another agency sees none", async () => {
    const t = await job(agencyA, "completed");
    const board = await request(t.id, agencyA, partBoard, { status: "received" });
    const motor = await request(t.id, agencyA, partMotor, { status: "received" });
    const open = await request(t.id, agencyA, partBelt);
    const all = { kind: "all" as const };
    const states = async () => Object.fromEntries((await ticketPartRequests(db, all, t.id)).map((r) => [r.id, r.return_state]));
    // no claim yet: the serialized board is unclaimed; the motor (no serial) and the open request have nothing to return
    expect(await states()).toEqual({ [board]: "unclaimed", [motor]: "none", [open]: "none" });
    const claim = (
      await db
        .insertInto("warranty_claims")
        .values({ ticket_id: t.id, agency_id: agencyA, service_type: "repair", status: "submitted", claimed_rials: 45_000_000, submitted_at: new Date() })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
    const line = (
      await db
        .insertInto("warranty_claim_lines")
        .values({ claim_id: claim, kind: "part", spare_part_id: partBoard, description: "برد کنترل", quantity: 1, unit_rials: 45_000_000, amount_rials: 45_000_000, serialized: true, defective_serial: "BRD-77" })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
    expect((await states())[board]).toBe("claimed");
    await db.updateTable("warranty_claims").set({ status: "approved", decided_at: new Date(), approved_rials: 45_000_000 }).where("id", "=", claim).execute();
    await db.updateTable("warranty_claim_lines").set({ approved_rials: 45_000_000 }).where("id", "=", line).execute();
    expect((await states())[board]).toBe("due");
    await db.insertInto("defective_part_returns").values({ claim_line_id: line, serial: "BRD-77", received_at: new Date(), received_by: user.manager! }).execute();
    expect((await states())[board]).toBe("returned");
    const rows = await ticketPartRequests(db, all, t.id);
    expect(rows.find((r) => r.id === board)).toMatchObject({ part_code: "RF20-BRD", quantity: 1, status: "received", source: "central", expected_date: "2026-12-20" });
    expect(await ticketPartRequests(db, { kind: "agency", agencyId: agencyB }, t.id)).toEqual([]);
    expect((await ticketPartRequests(db, { kind: "agency", agencyId: agencyA }, t.id)).map((r) => r.id)).toEqual([board, motor, open]);
  });

  it("the agency's ticket page lists them with the return column; B's user gets a 404 for A's ticket", async () => {
    const t = await job(agencyA, "completed");
    await request(t.id, agencyA, partBoard, { status: "received" });
    const data = (await get(agencyTicket.loader, `/agency/tickets/${t.id}`, "a-staff", { ticketId: String(t.id) })) as { parts: { requests: { return_state: string }[] } };
    expect(data.parts.requests.map((r) => r.return_state)).toEqual(["unclaimed"]);
    expect(((await get(agencyTicket.loader, `/agency/tickets/${t.id}`, "b-admin", { ticketId: String(t.id) })) as Response).status).toBe(404);
  });
});
