/**
 * Warranty cards (issue 15 §1) on real PostgreSQL: activation and check by SMS through the Kavenegar simulator
 * (inbound SMS → sms__poll_inbound → the reply in the outbox → sms__send → the customer's phone), and on the
 * public page's action; what a leaked table holds; the rate limits per number and per address.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { toPersianDigits } from "../../core/digits";
import { gregorianDayToJalali, tehranDay } from "../../core/jalali";
import { MAX_CARD_FAILURES_PER_IP, MAX_CARD_FAILURES_PER_PHONE } from "../../core/warranty-card";
import { warrantyExpiry } from "../../core/warranty";
import type { DB } from "../../db/connection";
import { KAVENEGAR_SIMULATOR_API_KEY } from "../../platform/env";
import { createKavenegarClient } from "../../platform/kavenegar";
import { insertCardBatch } from "../../db/repos/warranty-batches";
import { startKavenegarSimulator, type KavenegarSimulator } from "../../workers/kavenegar-simulator/index";
import { pollInboundSms } from "../../workers/tasks/sms__poll_inbound";
import { sendQueuedSms } from "../../workers/tasks/sms__send";
import { action as warrantyAction } from "../../app/routes/warranty";
import { formRequest, testContext } from "../support/context";
import { getTestDb, resetDatabase } from "../support/db";

let db: DB;
let sim: KavenegarSimulator;
let modelId: number;
let installModelId: number;
const LINE = "2000660110";
const SECRET = testContext(null as unknown as DB).env.warrantyCodeSecret;
let serialSeq = 0;

const client = () => createKavenegarClient({ apiKey: KAVENEGAR_SIMULATOR_API_KEY, baseUrl: `${sim.url}/v1`, timeoutMs: 5000 });
const poll = () => pollInboundSms({ db, client: client(), line: LINE, warrantyCodeSecret: SECRET });
const jalali = (iso: string) => toPersianDigits(gregorianDayToJalali(iso));

async function card(o: { model?: number; activateBy?: string | null } = {}) {
  // the one path that creates cards (db/repos/warranty-batches.ts), as the manager's page and the seed
  const issued = await insertCardBatch(db, SECRET, null, {
    modelId: o.model ?? modelId,
    issuedAt: new Date("2026-01-01T10:00:00+03:30"),
    activateBy: o.activateBy ?? null,
    cards: [{ serial: `SN-T-${++serialSeq}` }],
  });
  return issued.cards[0]!;
}

/** Sends every queued outbound SMS to the simulator (what the sms__send jobs do) and returns the texts a phone got. */
async function deliverTo(local: string): Promise<string[]> {
  const queued = await db.selectFrom("sms_messages").select("id").where("direction", "=", "outbound").where("status", "=", "queued").execute();
  for (const q of queued) await sendQueuedSms({ db, client: client() }, q.id);
  return sim
    .messages()
    .filter((m) => m.receptor === local && m.direction === "outbound")
    .map((m) => m.message);
}

async function webAttempt(fields: Record<string, string>, ip = "198.51.100.7") {
  const res = (await warrantyAction({ request: formRequest("/warranty", fields), context: testContext(db, ip), params: {} })) as Response;
  return { status: res.status, body: (await res.json()) as { ok: boolean; reply?: { kind: string; expiresOn?: string | null; maskedPhone?: string }; error?: string } };
}

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  const brand = await db.insertInto("brands").values({ code: "snowa", name_fa: "اسنوا", name_en: "Snowa" }).returning("id").executeTakeFirstOrThrow();
  const fridge = await db.insertInto("product_categories").values({ code: "fridge", name_fa: "یخچال", name_en: "Refrigerator", default_warranty_months: 18 }).returning("id").executeTakeFirstOrThrow();
  const ac = await db
    .insertInto("product_categories")
    .values({ code: "ac", name_fa: "کولر گازی", name_en: "Air conditioner", default_warranty_months: 24, warranty_start: "installation" })
    .returning("id")
    .executeTakeFirstOrThrow();
  modelId = (await db.insertInto("product_models").values({ brand_id: brand.id, category_id: fridge.id, model_code: "RF-100", name: "یخچال ساید", warranty_months: 24 }).returning("id").executeTakeFirstOrThrow()).id;
  installModelId = (await db.insertInto("product_models").values({ brand_id: brand.id, category_id: ac.id, model_code: "AC-18", name: "کولر گازی ۱۸ هزار", warranty_months: null }).returning("id").executeTakeFirstOrThrow()).id;
  sim = await startKavenegarSimulator({ port: 0, apiKey: KAVENEGAR_SIMULATOR_API_KEY, defaultSender: LINE, deliveryMs: 3_600_000 });
});

afterAll(async () => {
  await sim?.close();
});

beforeEach(async () => {
  // each test starts with no attempts on record (the limits are counted from them)
  await db.deleteFrom("warranty_card_attempts").execute();
});

describe("activation by SMS (Kavenegar simulator → sms__poll_inbound → reply SMS)", () => {
  it("activates a card for a new customer, creates the product with its warranty and history, and replies with the Jalali end date", async () => {
    const c = await card();
    const code = toPersianDigits(`${c.code.slice(0, 4)} ${c.code.slice(4, 8)}-${c.code.slice(8, 12)} ${c.code.slice(12)}`);
    sim.injectInbound({ from: "09121110001", to: LINE, message: `کد ${code}` });
    expect(await poll()).toMatchObject({ stored: 1, cards: 1, scored: 0 });

    const today = tehranDay(new Date());
    const until = warrantyExpiry(today, 24)!;
    const w = await db.selectFrom("warranty_cards").selectAll().where("id", "=", c.id).executeTakeFirstOrThrow();
    expect(w).toMatchObject({ activated_phone: "+989121110001", activated_via: "sms" });
    const customer = await db.selectFrom("customers").selectAll().where("id", "=", w.customer_id!).executeTakeFirstOrThrow();
    expect(customer.mobile).toBe("+989121110001");
    const product = await db.selectFrom("customer_products").selectAll().where("id", "=", w.customer_product_id!).executeTakeFirstOrThrow();
    expect(product).toMatchObject({ customer_id: customer.id, model_id: modelId, serial_number: c.serial, purchase_date: today, warranty_months: 24, warranty_expires_on: until });
    const history = await db.selectFrom("customer_product_events").selectAll().where("customer_product_id", "=", product.id).execute();
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ kind: "warranty_activated", actor_label: "مشتری (پیامک)" });

    const texts = await deliverTo("09121110001");
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain(`تا ${jalali(until)} معتبر است`);
    expect(texts[0]).toContain(toPersianDigits(c.code.slice(-4)));

    // the inbound row keeps no code; the attempt keeps only the last four digits
    const inbound = await db.selectFrom("sms_messages").selectAll().where("direction", "=", "inbound").where("purpose", "=", "warranty_card").execute();
    expect(inbound).toHaveLength(1);
    expect(inbound[0]!.body).not.toContain(c.code.slice(0, 12));
    expect(inbound[0]!.customer_id).toBe(customer.id);
    const dump = JSON.stringify(await sql`select * from warranty_cards, warranty_card_attempts, sms_messages`.execute(db));
    expect(dump).not.toContain(c.code);
    expect(dump).not.toContain(c.code.slice(0, 8));

    // polled again: nothing new, no second reply
    expect(await poll()).toMatchObject({ stored: 0, cards: 0 });
    expect(await deliverTo("09121110001")).toHaveLength(1);
  });

  it("links the card to an existing customer and product (by the normalised mobile); a second SMS says already activated with the masked number", async () => {
    const c = await card();
    const cust = await db.insertInto("customers").values({ full_name: "مهسا رضایی", mobile: "+989121110002" }).returning("id").executeTakeFirstOrThrow();
    const prod = await db
      .insertInto("customer_products")
      .values({ customer_id: cust.id, model_id: modelId, serial_number: c.serial, warranty_months: 18, purchase_date: null })
      .returning("id")
      .executeTakeFirstOrThrow();
    sim.injectInbound({ from: "+989121110002", to: LINE, message: c.code });
    await poll();
    const w = await db.selectFrom("warranty_cards").selectAll().where("id", "=", c.id).executeTakeFirstOrThrow();
    expect(w).toMatchObject({ customer_id: cust.id, customer_product_id: prod.id });
    expect(await db.selectFrom("customers").select("id").where("mobile", "=", "+989121110002").execute()).toHaveLength(1);

    // someone else texts the same code
    sim.injectInbound({ from: "09351110003", to: LINE, message: c.code });
    await poll();
    const texts = await deliverTo("09351110003");
    expect(texts).toHaveLength(1);
    expect(texts[0]).toContain(`پیش‌تر با شماره ${toPersianDigits("0912***0002")} فعال شده است`);
    const attempts = await db.selectFrom("warranty_card_attempts").select(["phone", "outcome", "channel", "card_id"]).orderBy("id").execute();
    expect(attempts).toEqual([
      { phone: "+989121110002", outcome: "activated", channel: "sms", card_id: c.id },
      { phone: "+989351110003", outcome: "already_activated", channel: "sms", card_id: c.id },
    ]);
  });

  it("a card whose warranty ended, or not activated in time, replies expired; an unknown code replies not genuine", async () => {
    const old = await card();
    sim.injectInbound({ from: "09121110004", to: LINE, message: old.code });
    await poll();
    await db.updateTable("customer_products").set({ warranty_expires_on: "2025-03-01" }).where("serial_number", "=", old.serial).execute();
    const late = await card({ activateBy: "2025-01-01" });
    sim.injectInbound({ from: "09121110004", to: LINE, message: old.code });
    sim.injectInbound({ from: "09121110005", to: LINE, message: late.code });
    sim.injectInbound({ from: "09121110006", to: LINE, message: "1234 5678 9012 3456" });
    await poll();
    expect((await deliverTo("09121110004")).at(-1)).toContain(`در ${jalali("2025-03-01")} به پایان رسیده است`);
    expect(await deliverTo("09121110005")).toEqual([expect.stringContaining("مهلت فعال‌سازی")]);
    expect(await deliverTo("09121110006")).toEqual([expect.stringContaining("ثبت نشده است")]);
    expect(await db.selectFrom("warranty_cards").select("activated_at").where("id", "=", late.id).executeTakeFirstOrThrow()).toEqual({ activated_at: null });
  });

  it("an installation category's card is activated but its warranty waits for the installation", async () => {
    const c = await card({ model: installModelId });
    sim.injectInbound({ from: "09121110007", to: LINE, message: c.code });
    await poll();
    expect(await deliverTo("09121110007")).toEqual([expect.stringContaining("از روز نصب به دست نمایندگی مجاز آغاز می‌شود")]);
    const p = await db.selectFrom("customer_products").selectAll().where("serial_number", "=", c.serial).executeTakeFirstOrThrow();
    expect(p).toMatchObject({ warranty_expires_on: null, warranty_months: 24 });
  });

  it("survey replies and other texts still go to the survey handling", async () => {
    sim.injectInbound({ from: "09121110008", to: LINE, message: "۵" });
    sim.injectInbound({ from: "09121110008", to: LINE, message: "تماس بگیرید 09121110008" });
    expect(await poll()).toMatchObject({ stored: 2, cards: 0 });
    const rows = await db.selectFrom("sms_messages").select("purpose").where("sender", "=", "+989121110008").execute();
    expect(rows.map((r) => r.purpose)).toEqual(["inbound", "inbound"]);
  });

  it(`refuses a number's guesses after ${MAX_CARD_FAILURES_PER_PHONE} wrong codes, with a clear reply, even for a genuine code`, async () => {
    const genuine = await card();
    for (let i = 0; i < MAX_CARD_FAILURES_PER_PHONE; i++) sim.injectInbound({ from: "09121110009", to: LINE, message: `55550000111122${String(i).padStart(2, "0")}` });
    await poll();
    sim.injectInbound({ from: "09121110009", to: LINE, message: genuine.code });
    await poll();
    const texts = await deliverTo("09121110009");
    expect(texts).toHaveLength(MAX_CARD_FAILURES_PER_PHONE + 1);
    expect(texts.at(-1)).toBe(`به دلیل تلاش‌های نادرست پیاپی، استعلام کارت گارانتی از این شماره تا ${toPersianDigits(24)} ساعت دیگر پذیرفته نمی‌شود.`);
    expect(await db.selectFrom("warranty_cards").select("activated_at").where("id", "=", genuine.id).executeTakeFirstOrThrow()).toEqual({ activated_at: null });
    const outcomes = (await db.selectFrom("warranty_card_attempts").select("outcome").where("phone", "=", "+989121110009").orderBy("id").execute()).map((r) => r.outcome);
    expect(outcomes).toEqual([...Array(MAX_CARD_FAILURES_PER_PHONE).fill("not_genuine"), "throttled"]);
    // another number is not affected
    sim.injectInbound({ from: "09121110010", to: LINE, message: genuine.code });
    await poll();
    expect(await deliverTo("09121110010")).toEqual([expect.stringContaining("فعال شد")]);
  });
});

describe("the public page /warranty", () => {
  it("checks a card without a number, then activates it with one; bad input gets a clear message", async () => {
    const c = await card();
    expect(await webAttempt({ code: c.code })).toMatchObject({ status: 200, body: { ok: true, reply: { kind: "genuine" } } });
    expect(await webAttempt({ code: c.code.slice(0, 15) })).toMatchObject({ status: 400, body: { ok: false, error: "warrantyCard.badCode" } });
    expect(await webAttempt({ code: c.code, mobile: "12345" })).toMatchObject({ status: 400, body: { ok: false, error: "warrantyCard.badMobile" } });
    const r = await webAttempt({ code: toPersianDigits(c.code), mobile: "۰۹۱۲ ۱۱۱ ۰۰۱۱", name: "کاوه نادری" });
    expect(r).toMatchObject({ status: 200, body: { ok: true, reply: { kind: "activated", expiresOn: warrantyExpiry(tehranDay(new Date()), 24) } } });
    expect(JSON.stringify(r.body)).not.toContain(c.code);
    const cust = await db.selectFrom("customers").select(["full_name"]).where("mobile", "=", "+989121110011").executeTakeFirstOrThrow();
    expect(cust.full_name).toBe("کاوه نادری");
    expect(await webAttempt({ code: c.code })).toMatchObject({ body: { reply: { kind: "already_activated", maskedPhone: "0912***0011" } } });
    const attempts = await db.selectFrom("warranty_card_attempts").select(["channel", "ip", "outcome"]).orderBy("id").execute();
    expect(attempts).toEqual([
      { channel: "web", ip: "198.51.100.7", outcome: "genuine" },
      { channel: "web", ip: "198.51.100.7", outcome: "activated" },
      { channel: "web", ip: "198.51.100.7", outcome: "already_activated" },
    ]);
  });

  it(`refuses an address's guesses after ${MAX_CARD_FAILURES_PER_IP} wrong codes (429, a clear message); another address goes on`, async () => {
    const c = await card();
    for (let i = 0; i < MAX_CARD_FAILURES_PER_IP; i++) {
      expect(await webAttempt({ code: `77770000111122${String(i).padStart(2, "0")}` }, "203.0.113.9")).toMatchObject({ body: { reply: { kind: "not_genuine" } } });
    }
    const refused = await webAttempt({ code: c.code }, "203.0.113.9");
    expect(refused).toMatchObject({ status: 429, body: { ok: true, reply: { kind: "throttled", retryAfterHours: 1 } } });
    expect(await webAttempt({ code: c.code }, "203.0.113.10")).toMatchObject({ status: 200, body: { reply: { kind: "genuine" } } });
  });

  it("the number typed on the page counts too: guesses by SMS and on the web share one limit per number", async () => {
    for (let i = 0; i < MAX_CARD_FAILURES_PER_PHONE - 1; i++) sim.injectInbound({ from: "09121110012", to: LINE, message: `66660000111122${String(i).padStart(2, "0")}` });
    await poll();
    const c = await card();
    expect(await webAttempt({ code: "6666000011119999", mobile: "09121110012" }, "192.0.2.1")).toMatchObject({ body: { reply: { kind: "not_genuine" } } });
    expect(await webAttempt({ code: c.code, mobile: "09121110012" }, "192.0.2.2")).toMatchObject({ status: 429, body: { reply: { kind: "throttled", retryAfterHours: 24 } } });
  });
});
