/**
 * Issuing warranty cards and checking them by SMS (issue 15 §1, h6) on real PostgreSQL: a batch of cards for a
 * model (the codes returned once, only their hashes kept, the batch audited), refused whole when a row is wrong;
 * a code issued works for activation afterwards; the SMS check form («استعلام» + code) answers without
 * activating, through the same throttle as activation; the manager's page action; a registry id edit audited;
 * an installation's completion schedules the follow-up satisfaction call like a breakdown's.
 */
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { toPersianDigits } from "../../core/digits";
import { DEFAULT_SURVEY_CONFIG, type SurveyConfig } from "../../core/satisfaction";
import { MAX_CARD_FAILURES_PER_PHONE, parseCardCode } from "../../core/warranty-card";
import type { DB } from "../../db/connection";
import { createSession } from "../../db/repos/sessions";
import { recentCardBatches } from "../../db/repos/warranty-batches";
import { KAVENEGAR_SIMULATOR_API_KEY } from "../../platform/env";
import { createKavenegarClient } from "../../platform/kavenegar";
import type { Actor } from "../../services/actor";
import { registerFromCall } from "../../services/intake";
import { completeJob } from "../../services/job-completion";
import { createDueFollowUps } from "../../services/satisfaction";
import { changeTicketStatus } from "../../services/tickets";
import { CardBatchRowsError, issueWarrantyCardBatch } from "../../services/warranty-card-batches";
import { checkWarrantyCardOnWeb } from "../../services/warranty-cards";
import { setWarrantyRegistryId } from "../../services/warranty-products";
import { startKavenegarSimulator, type KavenegarSimulator } from "../../workers/kavenegar-simulator/index";
import { pollInboundSms } from "../../workers/tasks/sms__poll_inbound";
import { sendQueuedSms } from "../../workers/tasks/sms__send";
import { action as issueAction, loader as issueLoader } from "../../app/routes/manager.warranty-cards";
import { sessionCookie } from "../../app/lib/auth.server";
import { testContext } from "../support/context";
import { getTestDb, resetDatabase } from "../support/db";

let db: DB;
let sim: KavenegarSimulator;
let modelId: number;
let acModel: number;
let manager: Extract<Actor, { userId: number }>;
let operator: Extract<Actor, { userId: number }>;
let agencyUser: Extract<Actor, { userId: number }>;
let agencyId: number;
let managerCookie: string;
const LINE = "2000660110";
const ctx = testContext(null as unknown as DB);
const SECRET = ctx.env.warrantyCodeSecret;

const client = () => createKavenegarClient({ apiKey: KAVENEGAR_SIMULATOR_API_KEY, baseUrl: `${sim.url}/v1`, timeoutMs: 5000 });
const poll = () => pollInboundSms({ db, client: client(), line: LINE, warrantyCodeSecret: SECRET });

async function deliverTo(local: string): Promise<string[]> {
  const queued = await db.selectFrom("sms_messages").select("id").where("direction", "=", "outbound").where("status", "=", "queued").execute();
  for (const q of queued) await sendQueuedSms({ db, client: client() }, q.id);
  return sim
    .messages()
    .filter((m) => m.receptor === local && m.direction === "outbound")
    .map((m) => m.message);
}

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  const brand = await db.insertInto("brands").values({ code: "snowa", name_fa: "اسنوا", name_en: "Snowa" }).returning("id").executeTakeFirstOrThrow();
  const fridge = await db.insertInto("product_categories").values({ code: "fridge", name_fa: "یخچال", name_en: "Refrigerator", default_warranty_months: 18 }).returning("id").executeTakeFirstOrThrow();
  const ac = await db
    .insertInto("product_categories")
    .values({ code: "ac", name_fa: "کولر گازی", name_en: "Air conditioner", default_warranty_months: 18, warranty_start: "installation" })
    .returning("id")
    .executeTakeFirstOrThrow();
  modelId = (await db.insertInto("product_models").values({ brand_id: brand.id, category_id: fridge.id, model_code: "RF-100", name: "یخچال ساید", warranty_months: 24 }).returning("id").executeTakeFirstOrThrow()).id;
  acModel = (await db.insertInto("product_models").values({ brand_id: brand.id, category_id: ac.id, model_code: "AC-18", name: "کولر ۱۸", warranty_months: null }).returning("id").executeTakeFirstOrThrow()).id;
  agencyId = (await db.insertInto("agencies").values({ code: "THR-001", name: "نمایندگی الف", province: "تهران", city: "تهران" }).returning("id").executeTakeFirstOrThrow()).id;
  const u = await db
    .insertInto("users")
    .values([
      { username: "mgr", display_name: "مدیر فروش", role: "manager", password_hash: "x" },
      { username: "oper", display_name: "اپراتور", role: "operator", password_hash: "x" },
      { username: "a-admin", display_name: "مدیر الف", role: "agency_admin", agency_id: agencyId, password_hash: "x" },
    ])
    .returning("id")
    .execute();
  manager = { kind: "user", userId: u[0]!.id, ip: "10.0.0.5" };
  operator = { kind: "user", userId: u[1]!.id };
  agencyUser = { kind: "agency", userId: u[2]!.id };
  const s = await createSession(db, { userId: manager.userId, ip: "127.0.0.1", userAgent: "test" });
  managerCookie = (await sessionCookie(ctx).serialize(s.id)).split(";")[0]!;
  sim = await startKavenegarSimulator({ port: 0, apiKey: KAVENEGAR_SIMULATOR_API_KEY, defaultSender: LINE, deliveryMs: 3_600_000 });
});

afterAll(async () => {
  await sim?.close();
});

beforeEach(async () => {
  await db.deleteFrom("warranty_card_attempts").execute();
});

const counts = async () => {
  const { rows } = await sql<{ batches: number; cards: number; audits: number }>`select
    (select count(*)::int from warranty_card_batches) as batches,
    (select count(*)::int from warranty_cards) as cards,
    (select count(*)::int from audit_log where action = 'warranty_card.batch_issue') as audits`.execute(db);
  return rows[0]!;
};

describe("issuing a batch", () => {
  it("makes a random code per serial, keeps only its hash, records the batch and audits it; the codes activate afterwards", async () => {
    const issued = await issueWarrantyCardBatch(db, SECRET, manager, { modelId, serialsText: "شماره سریال\nRF-۹۰۰۱\nRF-9002\nRF-9003\n", activateWithinMonths: 12 });
    expect(issued.cards.map((c) => c.serial)).toEqual(["RF-9001", "RF-9002", "RF-9003"]);
    for (const c of issued.cards) expect(parseCardCode(c.code)).toBe(c.code);
    expect(new Set(issued.cards.map((c) => c.code)).size).toBe(3);

    const batch = await db.selectFrom("warranty_card_batches").selectAll().where("id", "=", issued.batchId).executeTakeFirstOrThrow();
    expect(batch).toMatchObject({ model_id: modelId, issued_by: manager.userId, card_count: 3, issued_on: issued.issuedOn, activate_by: issued.activateBy });
    const cards = await db.selectFrom("warranty_cards").selectAll().where("batch_id", "=", issued.batchId).orderBy("id").execute();
    expect(cards.map((c) => [c.serial_number, c.code_last4, c.activate_by])).toEqual(issued.cards.map((c) => [c.serial, c.code.slice(-4), issued.activateBy]));
    // the codes are nowhere in the database (nor in the audit row)
    const dump = JSON.stringify(await sql`select * from warranty_cards, warranty_card_batches, audit_log`.execute(db));
    for (const c of issued.cards) expect(dump).not.toContain(c.code.slice(0, 12));
    const audit = await db.selectFrom("audit_log").selectAll().where("action", "=", "warranty_card.batch_issue").executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actor_user_id: manager.userId, entity_type: "warranty_card_batch", entity_id: String(issued.batchId), ip: "10.0.0.5" });
    expect(audit.details).toMatchObject({ model_id: modelId, count: 3 });

    const r = await checkWarrantyCardOnWeb(db, SECRET, { code: issued.cards[1]!.code, mobile: "+989121119001", ip: "198.51.100.20" });
    expect(r.reply.kind).toBe("activated");
    const [listed] = await recentCardBatches(db);
    expect(listed).toMatchObject({ id: issued.batchId, card_count: 3, activated: 1, notActivated: 2, issued_by_name: "مدیر فروش" });
  });

  it("refuses the whole batch, naming each wrong row, when a serial repeats, is malformed or already has a card", async () => {
    const before = await counts();
    const error = await issueWarrantyCardBatch(db, SECRET, manager, { modelId, serialsText: "RF-9101\nrf-9002\nRF-9101\n!!\nRF-9102", activateWithinMonths: 12 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CardBatchRowsError);
    expect((error as CardBatchRowsError).rows).toEqual([
      { row: 1, serial: "RF-9101", problem: null },
      { row: 2, serial: "rf-9002", problem: "exists" },
      { row: 3, serial: "RF-9101", problem: "duplicate", duplicateOf: 1 },
      { row: 4, serial: "!!", problem: "invalid" },
      { row: 5, serial: "RF-9102", problem: null },
    ]);
    expect(await counts()).toEqual(before);
    // the same serial on another model is another unit
    await expect(issueWarrantyCardBatch(db, SECRET, manager, { modelId: acModel, serialsText: "RF-9002", activateWithinMonths: 12 })).resolves.toMatchObject({ cards: [{ serial: "RF-9002" }] });
  });

  it("the manager's page: issues from the form with the printer's CSV in the answer (never cached), refuses wrong rows with a 400", async () => {
    const post = (fields: Record<string, string>) =>
      issueAction({
        request: new Request("http://localhost/manager/warranty-cards", {
          method: "POST",
          body: new URLSearchParams(fields),
          headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: managerCookie, Origin: "http://localhost" },
        }),
        context: testContext(db),
        params: {},
      }) as Promise<Response>;
    const ok = await post({ modelId: String(modelId), serials: "RF-9201\nRF-9202", months: "۲۴" });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("Cache-Control")).toContain("no-store");
    const body = (await ok.json()) as { ok: true; csv: string; cards: { serial: string; code: string }[] };
    expect(body.csv.split("\r\n")).toEqual(["serial,code", `RF-9201,${body.cards[0]!.code}`, `RF-9202,${body.cards[1]!.code}`, ""]);
    expect(body.cards[0]!.code).toMatch(/^[1-9]\d{3}-\d{4}-\d{4}-\d{4}$/);

    const bad = await post({ modelId: String(modelId), serials: "RF-9201\nRF-9203" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ ok: false, error: "warrantyIssue.error.rows", rows: [{ row: 1, serial: "RF-9201", problem: "exists" }] });
    expect((await post({ modelId: "", serials: "RF-9301" })).status).toBe(400);

    const page = (await issueLoader({ request: new Request("http://localhost/manager/warranty-cards", { headers: { Cookie: managerCookie } }), context: testContext(db), params: {} })) as {
      batches: { card_count: number; activated: number; not_activated: number }[];
    };
    expect(page.batches[0]).toMatchObject({ card_count: 2, activated: 0, not_activated: 2 });
  });
});

describe("checking a card by SMS («استعلام» + code)", () => {
  it("answers genuine and not activated without activating; after activation, genuine and activated by the masked number", async () => {
    const issued = await issueWarrantyCardBatch(db, SECRET, manager, { modelId, serialsText: "RF-9401", activateWithinMonths: 12 });
    const code = issued.cards[0]!.code;
    sim.injectInbound({ from: "09121119401", to: LINE, message: `استعلام ${toPersianDigits(code.replace(/(\d{4})(?=\d)/g, "$1-"))}` });
    expect(await poll()).toMatchObject({ stored: 1, cards: 1 });
    const card = await db.selectFrom("warranty_cards").selectAll().where("batch_id", "=", issued.batchId).executeTakeFirstOrThrow();
    expect(card.activated_at).toBeNull();
    expect(await deliverTo("09121119401")).toEqual([`کارت گارانتی …${toPersianDigits(code.slice(-4))} اصل است و هنوز فعال نشده است. برای فعال‌سازی، همین کد را بدون «استعلام» بفرستید.`]);
    const inbound = await db.selectFrom("sms_messages").select("body").where("direction", "=", "inbound").where("sender", "=", "+989121119401").executeTakeFirstOrThrow();
    expect(inbound.body).toBe(`استعلام کد کارت گارانتی ****${code.slice(-4)}`);

    // now the owner activates it, and someone else checks it
    sim.injectInbound({ from: "09121119401", to: LINE, message: code });
    await poll();
    sim.injectInbound({ from: "09351119402", to: LINE, message: `check ${code}` });
    await poll();
    expect(await deliverTo("09351119402")).toEqual([expect.stringContaining(`اصل است و پیش‌تر با شماره ${toPersianDigits("0912***9401")} فعال شده است`)]);
    const attempts = await db.selectFrom("warranty_card_attempts").select(["phone", "outcome"]).orderBy("id").execute();
    expect(attempts).toEqual([
      { phone: "+989121119401", outcome: "genuine" },
      { phone: "+989121119401", outcome: "activated" },
      { phone: "+989351119402", outcome: "already_activated" },
    ]);
  });

  it("shares the throttle with activation: wrong codes sent to activate stop the checks too, and wrong checks count", async () => {
    const from = "09121119501";
    for (let i = 0; i < MAX_CARD_FAILURES_PER_PHONE - 1; i++) sim.injectInbound({ from, to: LINE, message: `11112222333344${String(i).padStart(2, "0")}` });
    sim.injectInbound({ from, to: LINE, message: "استعلام 1111222233339999" });
    await poll();
    const issued = await issueWarrantyCardBatch(db, SECRET, manager, { modelId, serialsText: "RF-9501", activateWithinMonths: 12 });
    sim.injectInbound({ from, to: LINE, message: `استعلام ${issued.cards[0]!.code}` });
    await poll();
    const outcomes = (await db.selectFrom("warranty_card_attempts").select("outcome").where("phone", "=", "+989121119501").orderBy("id").execute()).map((a) => a.outcome);
    expect(outcomes).toEqual([...Array<string>(MAX_CARD_FAILURES_PER_PHONE).fill("not_genuine"), "throttled"]);
    const texts = await deliverTo(from);
    expect(texts.at(-1)).toContain("پذیرفته نمی‌شود");
  });
});

describe("the product's registry tracking id and the installation's follow-up", () => {
  async function register(kind: "installation" | "breakdown", serial: string, model: number) {
    return registerFromCall(db, operator, {
      idempotencyKey: randomUUID(),
      kind,
      customer: { fullName: "سارا کریمی", mobile: "+989121230000", nationalCode: null },
      product: { serial, modelId: model, purchaseDate: null },
      description: kind === "installation" ? "نصب کولر گازی تازه خریداری‌شده" : "یخچال سرد نمی‌کند",
      address: { province: "تهران", city: "تهران", text: "خیابان ولیعصر، کوچه ۱۲" },
    });
  }

  it("an edit of the registry tracking id writes an audit row besides the product's history", async () => {
    await register("breakdown", "RF-REG-1", modelId);
    const p = await db.selectFrom("customer_products").select("id").where("serial_number", "=", "RF-REG-1").executeTakeFirstOrThrow();
    await setWarrantyRegistryId(db, { ...operator, ip: "10.1.1.1" }, { productId: p.id, registryId: "GR-1405-5001" });
    await setWarrantyRegistryId(db, operator, { productId: p.id, registryId: "GR-1405-5001" }); // unchanged: nothing
    await setWarrantyRegistryId(db, operator, { productId: p.id, registryId: null });
    const rows = await db.selectFrom("audit_log").select(["actor_user_id", "entity_type", "entity_id", "details", "ip"]).where("action", "=", "customer_product.registry_id_change").orderBy("id").execute();
    expect(rows).toEqual([
      { actor_user_id: operator.userId, entity_type: "customer_product", entity_id: String(p.id), details: { from: null, to: "GR-1405-5001" }, ip: "10.1.1.1" },
      { actor_user_id: operator.userId, entity_type: "customer_product", entity_id: String(p.id), details: { from: "GR-1405-5001", to: null }, ip: null },
    ]);
  });

  it("completing an installation schedules the follow-up satisfaction call, like a breakdown; the sweep catches one missed", async () => {
    const config: SurveyConfig = { ...DEFAULT_SURVEY_CONFIG, mode: "operator", delayDays: 0 };
    const r = await register("installation", "AC-FU-1", acModel);
    await db.updateTable("tickets").set({ assigned_agency_id: agencyId }).where("id", "=", r.ticketId).execute();
    await changeTicketStatus(db, operator, { ticketId: r.ticketId, to: "in_progress" });
    await completeJob(db, agencyUser, { ticketId: r.ticketId, agencyId, workDone: "نصب شد", parts: [], invoiceAmountRials: 0 }, { followUp: config });
    expect(await db.selectFrom("satisfaction_surveys").select(["status", "mode"]).where("ticket_id", "=", r.ticketId).execute()).toEqual([{ status: "pending", mode: "operator" }]);

    // one completed without the follow-up (as by a worker that had none configured): the sweep schedules it
    const missed = await register("installation", "AC-FU-2", acModel);
    await db.updateTable("tickets").set({ assigned_agency_id: agencyId }).where("id", "=", missed.ticketId).execute();
    await changeTicketStatus(db, operator, { ticketId: missed.ticketId, to: "in_progress" });
    await completeJob(db, agencyUser, { ticketId: missed.ticketId, agencyId, workDone: "نصب شد", parts: [], invoiceAmountRials: 0 });
    expect(await db.selectFrom("satisfaction_surveys").select("id").where("ticket_id", "=", missed.ticketId).execute()).toEqual([]);
    expect(await createDueFollowUps(db, config)).toBe(1);
    expect(await db.selectFrom("satisfaction_surveys").select("id").where("ticket_id", "=", missed.ticketId).execute()).toHaveLength(1);
  });
});
