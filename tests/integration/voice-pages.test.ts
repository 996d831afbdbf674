/**
 * The satisfaction and voice pages through their routes: the manager's loaders and exports (CSV with its BOM
 * and translated headers, the same rows as the page), bad query values falling back to defaults, agencies
 * refused; the desk's classification of a complaint ticket (validated, operators only).
 */
import type { AppLoadContext } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import { action as feedbackAction } from "../../app/routes/desk.tickets.$ticketId.feedback";
import { loader as satisfactionLoader } from "../../app/routes/manager.satisfaction._index";
import { loader as satisfactionExport } from "../../app/routes/manager.satisfaction.export";
import { loader as voiceLoader } from "../../app/routes/manager.voice._index";
import { loader as voiceExport } from "../../app/routes/manager.voice.export";
import { sessionCookie } from "../../app/lib/auth.server";
import type { DB } from "../../db/connection";
import { createSession } from "../../db/repos/sessions";
import { rebuildCsatDaily, rebuildRepeatBreakdowns } from "../../db/repos/voice";
import { getTestDb, resetDatabase } from "../support/db";
import { testContext } from "../support/context";

let db: DB;
let ctx: AppLoadContext;
const cookies: Record<string, string> = {};
let complaintId = 0;
let breakdownId = 0;

async function call(fn: () => Promise<unknown>): Promise<Response | unknown> {
  try {
    return await fn();
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

const get = (url: string, who: string) => new Request(`http://localhost${url}`, { headers: { Cookie: cookies[who]! } });
const post = (url: string, form: Record<string, string>, who: string) =>
  new Request(`http://localhost${url}`, {
    method: "POST",
    headers: { Cookie: cookies[who]!, "Content-Type": "application/x-www-form-urlencoded", Origin: "http://localhost" },
    body: new URLSearchParams(form),
  });

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  ctx = testContext(db);
  const agency = (await db.insertInto("agencies").values({ code: "THR-001", name: "نمایندگی الف", province: "تهران", city: "تهران" }).returning("id").executeTakeFirstOrThrow()).id;
  const users = await db
    .insertInto("users")
    .values([
      { username: "oper", display_name: "اپراتور", role: "operator", password_hash: "x" },
      { username: "boss", display_name: "مدیر", role: "manager", password_hash: "x", locale: "fa" },
      { username: "agent", display_name: "نماینده", role: "agency_admin", agency_id: agency, password_hash: "x" },
    ])
    .returning(["id", "username"])
    .execute();
  for (const u of users) {
    const s = await createSession(db, { userId: u.id, ip: "127.0.0.1", userAgent: "test" });
    cookies[u.username] = (await sessionCookie(ctx).serialize(s.id)).split(";")[0]!;
  }
  const customer = (await db.insertInto("customers").values({ full_name: "مینا احمدی", mobile: "+989121234500" }).returning("id").executeTakeFirstOrThrow()).id;
  const brand = (await db.insertInto("brands").values({ code: "snowa", name_fa: "اسنوا", name_en: "Snowa" }).returning("id").executeTakeFirstOrThrow()).id;
  const cat = (await db.insertInto("product_categories").values({ code: "fridge", name_fa: "یخچال", name_en: "Refrigerator" }).returning("id").executeTakeFirstOrThrow()).id;
  const model = (await db.insertInto("product_models").values({ brand_id: brand, category_id: cat, model_code: "SN-1", name: "یخچال اسنوا SN-1" }).returning("id").executeTakeFirstOrThrow()).id;
  const product = (await db.insertInto("customer_products").values({ customer_id: customer, model_id: model, serial_number: "SN1-000123", warranty_months: 18 }).returning("id").executeTakeFirstOrThrow()).id;
  const day = 86_400_000;
  const mk = async (type: "breakdown" | "complaint", daysAgo: number, status: "completed" | "new" = "completed") =>
    (
      await db
        .insertInto("tickets")
        .values({
          type,
          channel: "phone",
          customer_id: customer,
          customer_product_id: type === "breakdown" ? product : null,
          warranty_status: "in_warranty",
          status,
          assigned_agency_id: type === "breakdown" ? agency : null,
          created_at: new Date(Date.now() - daysAgo * day),
        })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
  const first = await mk("breakdown", 20);
  breakdownId = await mk("breakdown", 5);
  complaintId = await mk("complaint", 2, "new");
  await db
    .insertInto("satisfaction_surveys")
    .values([
      { ticket_id: first, channel: "ivr_dtmf", status: "answered", score: 5, surveyed_at: new Date(Date.now() - 18 * day) },
      { ticket_id: breakdownId, channel: "ivr_dtmf", status: "answered", score: 1, surveyed_at: new Date(Date.now() - 2 * day), complaint_ticket_id: complaintId },
    ])
    .execute();
  await rebuildCsatDaily(db);
  await rebuildRepeatBreakdowns(db, { settleSeconds: 0 });
});

describe("the manager's pages", () => {
  it("shows CSAT by agency with its drill-down, and the low score with its complaint", async () => {
    const d = (await satisfactionLoader({ request: get("/manager/satisfaction?by=nonsense", "boss"), context: ctx, params: {} } as never)) as Awaited<ReturnType<typeof satisfactionLoader>>;
    expect(d.by).toBe("agency");
    expect(d.total).toMatchObject({ answered: 2, csat: 50, mean: 3 });
    expect(d.csatRows).toEqual([expect.objectContaining({ group: "نمایندگی الف", answered: 2, csat: 50, low: 1, href: expect.stringMatching(/^\/manager\/satisfaction\/surveys\?from=.*&agency=\d+$/) })]);
    expect(d.lowRows).toEqual([expect.objectContaining({ ticket_id: breakdownId, complaint_ticket_id: complaintId, follow_through: "در دست رسیدگی", called_back: "خیر", category: "دسته‌بندی‌نشده" })]);
  });

  it("exports the low scores as CSV with a BOM and Persian headers", async () => {
    const res = (await satisfactionExport({ request: get("/manager/satisfaction/export?report=low&format=csv", "boss"), context: ctx, params: {} } as never)) as Response;
    expect(res.headers.get("Content-Type")).toMatch(/^text\/csv/);
    const bytes = Buffer.from(await res.arrayBuffer());
    // the BOM (Excel reads the Persian as UTF-8); Response.text() would drop it
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString("utf8");
    expect(text.split("\r\n")[0]).toContain("تاریخ پاسخ");
    expect(text.split("\r\n")[0]).toContain("وضعیت پیگیری");
    expect(text.split("\r\n").filter(Boolean)).toHaveLength(2);
  });

  it("lists the repeat breakdown of the serial and exports it", async () => {
    const d = (await voiceLoader({ request: get("/manager/voice", "boss"), context: ctx, params: {} } as never)) as Awaited<ReturnType<typeof voiceLoader>>;
    expect(d.modelRows.map((r) => [r.name, r.repeats, r.serials])).toEqual([["یخچال اسنوا SN-1", 1, 1]]);
    expect(d.feedbackRows.map((r) => [r.bucket, r.complaints, r.suggestions])).toEqual([["unclassified", 1, 0]]);
    const res = (await voiceExport({ request: get("/manager/voice/export?format=xlsx", "boss"), context: ctx, params: {} } as never)) as Response;
    expect(res.headers.get("Content-Type")).toMatch(/spreadsheetml/);
    const csv = await ((await voiceExport({ request: get("/manager/voice/export?format=csv", "boss"), context: ctx, params: {} } as never)) as Response).text();
    expect(csv).toContain("SN1-000123");
  });

  it("refuses agencies, and an export without a format", async () => {
    const refused = (await call(() => satisfactionLoader({ request: get("/manager/satisfaction", "agent"), context: ctx, params: {} } as never))) as Response;
    expect(refused.status).toBe(403);
    const noFormat = (await call(() => voiceExport({ request: get("/manager/voice/export", "boss"), context: ctx, params: {} } as never))) as Response;
    expect(noFormat.status).toBe(400);
  });
});

describe("classifying a complaint from its page", () => {
  const submit = (form: Record<string, string>, who = "oper", id = complaintId) =>
    call(() => feedbackAction({ request: post(`/desk/tickets/${id}/feedback`, form, who), context: ctx, params: { ticketId: String(id) } } as never)) as Promise<Response>;

  it("refuses a category not in the list with a message, then saves a valid one", async () => {
    const bad = await submit({ kind: "complaint", category: "weather" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ ok: false, error: "voice.classify.invalid" });
    const wrongTicket = await submit({ kind: "complaint", category: "delay" }, "oper", breakdownId);
    expect(wrongTicket.status).toBe(409);
    const ok = await submit({ kind: "suggestion", category: "call_centre" });
    expect(await ok.json()).toEqual({ ok: true });
    expect(await db.selectFrom("tickets").select(["feedback_kind", "feedback_category"]).where("id", "=", complaintId).executeTakeFirst()).toEqual({
      feedback_kind: "suggestion",
      feedback_category: "call_centre",
    });
  });

  it("is the call centre's: a manager may not", async () => {
    expect((await submit({ kind: "complaint", category: "delay" }, "boss")).status).toBe(403);
  });
});
