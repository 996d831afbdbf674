import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { tehranDay } from "../../core/jalali";
import type { DB } from "../../db/connection";
import type { Actor } from "../../services/actor";
import { renderSmsTemplate, SMS_TEMPLATES } from "../../core/sms-templates";
import { processLinks, trackingUrl } from "../../platform/links";
import { SMS_SEND_TASK, smsJobKey } from "../../services/outbox";
import { IntakeError, registerFromCall, type IntakeInput } from "../../services/intake";
import { getTestDb, resetDatabase } from "../support/db";

let db: DB;
let operatorId: number;
let operator2Id: number;
let modelId: number;
let categoryId: number;
let actor: Actor;

const NOW = new Date("2026-11-30T08:00:00Z");

function daysBefore(days: number): string {
  return tehranDay(new Date(NOW.getTime() - days * 86_400_000));
}

async function newCall(callerNumber = "09121234567", extra: { ticket_id?: number; customer_id?: number } = {}) {
  const c = await db
    .insertInto("calls")
    .values({
      direction: "inbound",
      caller_number: callerNumber,
      called_number: "02191001570",
      queue: "breakdown",
      state: "connected",
      ivr_choice: "breakdown",
      operator_user_id: operatorId,
      answered_at: NOW,
      ...extra,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return c.id;
}

function breakdown(over: Partial<IntakeInput> = {}): IntakeInput {
  return {
    idempotencyKey: randomUUID(),
    kind: "breakdown",
    customer: { fullName: "مریم رضایی", mobile: "+989121234567", nationalCode: null },
    product: { serial: `SN-${randomUUID().slice(0, 8)}`, modelId, purchaseDate: daysBefore(100) },
    description: "یخچال سرد نمی‌کند",
    address: { province: "تهران", city: "تهران", text: "خیابان ولیعصر، کوچه ۱۲، پلاک ۳", lat: 35.72, lng: 51.41 },
    priority: "high",
    now: NOW,
    ...over,
  };
}

async function count(table: "tickets" | "customers" | "customer_products" | "sms_messages" | "idempotency_keys" | "ticket_events") {
  const r = await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  return Number(r.n);
}

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  const users = await db
    .insertInto("users")
    .values([
      { username: "oper", display_name: "سارا محمدی", role: "operator", password_hash: "x" },
      { username: "oper2", display_name: "علی رضایی", role: "operator", password_hash: "x" },
    ])
    .returning("id")
    .execute();
  operatorId = users[0]!.id;
  operator2Id = users[1]!.id;
  actor = { kind: "user", userId: operatorId, ip: "10.0.0.7" };
  const brand = await db.insertInto("brands").values({ code: "snowa", name_fa: "اسنوا", name_en: "Snowa" }).returning("id").executeTakeFirstOrThrow();
  const cat = await db
    .insertInto("product_categories")
    .values({ code: "fridge", name_fa: "یخچال", name_en: "Refrigerator", default_warranty_months: 18 })
    .returning("id")
    .executeTakeFirstOrThrow();
  categoryId = cat.id;
  const model = await db
    .insertInto("product_models")
    .values({ brand_id: brand.id, category_id: cat.id, model_code: "RF-100", name: "یخچال ساید", warranty_months: 24 })
    .returning("id")
    .executeTakeFirstOrThrow();
  modelId = model.id;
});

describe("registerFromCall: a breakdown", () => {
  it("creates the customer, product, address and ticket from a call, with history, call link, SMS, audit and key", async () => {
    const callId = await newCall("09121234567");
    const input = breakdown({ callId });
    const r = await registerFromCall(db, actor, input);
    expect(r).toMatchObject({ kind: "breakdown", created: true, replayed: false });
    expect(r.ticketNumber).toBeGreaterThanOrEqual(10000001);

    const t = await db.selectFrom("tickets").selectAll().where("id", "=", r.ticketId).executeTakeFirstOrThrow();
    expect(t).toMatchObject({
      number: r.ticketNumber,
      type: "breakdown",
      channel: "phone",
      status: "new",
      priority: "high",
      warranty_status: "in_warranty",
      problem_category_id: categoryId,
      problem_description: "یخچال سرد نمی‌کند",
      province: "تهران",
      city: "تهران",
      lat: 35.72,
      lng: 51.41,
      created_by: operatorId,
    });
    // SLA of a high-priority breakdown: accept 2 h, visit 36 h, resolve 5 days
    expect(t.sla_accept_due_at!.getTime() - NOW.getTime()).toBe(2 * 3_600_000);
    // counted on the call centre's working clock (issue 15 §2: Sat–Wed 08–17, Thu 08–13): registered Monday
    // 9 Azar 1405 at 11:30 Tehran; 36 working hours: Mon 5.5 + Tue 9 + Wed 9 + Thu 5 (Friday off) + Sat 7.5 → Sat 15:30
    expect(t.sla_visit_due_at).toEqual(new Date("2026-12-05T15:30:00+03:30"));
    // 120 working hours: two full weeks (2 × 41 h) after Monday's 5.5 h … → Wednesday 25 Azar 13:30
    expect(t.sla_resolve_due_at).toEqual(new Date("2026-12-16T13:30:00+03:30"));
    // the target itself is kept on the ticket: later recomputes count these minutes, whatever the rules say by then
    expect([t.sla_accept_minutes, t.sla_visit_minutes, t.sla_resolve_minutes]).toEqual([2 * 60, 36 * 60, 5 * 24 * 60]);

    const customer = await db.selectFrom("customers").selectAll().where("id", "=", t.customer_id).executeTakeFirstOrThrow();
    expect(customer).toMatchObject({ full_name: "مریم رضایی", mobile: "+989121234567" });
    const product = await db.selectFrom("customer_products").selectAll().where("id", "=", t.customer_product_id!).executeTakeFirstOrThrow();
    expect(product).toMatchObject({ customer_id: customer.id, model_id: modelId, serial_number: input.product!.serial, warranty_months: 24 });
    expect(product.purchase_date).toBe(input.product!.purchaseDate);
    const address = await db.selectFrom("customer_addresses").selectAll().where("id", "=", t.address_id!).executeTakeFirstOrThrow();
    expect(address).toMatchObject({ customer_id: customer.id, is_default: true, address_text: "خیابان ولیعصر، کوچه ۱۲، پلاک ۳" });

    const events = await db.selectFrom("ticket_events").selectAll().where("ticket_id", "=", t.id).orderBy("id").execute();
    expect(events.map((e) => e.event_type)).toEqual(["created", "call_attached"]);
    expect(events[0]).toMatchObject({ to_status: "new", actor_kind: "user", actor_user_id: operatorId });
    expect(events[1]!.data).toMatchObject({ callId });

    const link = await db.selectFrom("ticket_calls").selectAll().where("call_id", "=", callId).execute();
    expect(link).toEqual([expect.objectContaining({ ticket_id: t.id, linked_by: operatorId })]);
    const call = await db.selectFrom("calls").select(["ticket_id", "customer_id"]).where("id", "=", callId).executeTakeFirstOrThrow();
    expect(call).toEqual({ ticket_id: t.id, customer_id: customer.id });

    const sms = await db.selectFrom("sms_messages").selectAll().where("ticket_id", "=", t.id).execute();
    expect(sms).toHaveLength(1);
    expect(sms[0]).toMatchObject({ direction: "outbound", status: "queued", purpose: "ticket_registered", receptor: "+989121234567" });
    // the default text, with the tracking link of this process's configuration (no explicit links given)
    const smsLink = trackingUrl(processLinks(), r.ticketNumber);
    expect(sms[0]!.body).toBe(
      renderSmsTemplate("ticket_registered", SMS_TEMPLATES.ticket_registered.defaultBody, { ticket_number: r.ticketNumber, tracking_link: smsLink }),
    );
    expect(sms[0]!.body).toContain(smsLink);
    expect(sms[0]!.body).toMatch(/[۰-۹]{8}/);
    expect(sms[0]!.body.replace(smsLink, "")).not.toMatch(/[0-9]/);
    // its send job, written in the same statement as the ticket
    const { rows: jobs } = await sql<{ task: string; payload: { smsId: number } }>`
      select t.identifier as task, j.payload from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
      where j.key = ${smsJobKey(sms[0]!.id)}`.execute(db);
    expect(jobs).toEqual([{ task: SMS_SEND_TASK, payload: { smsId: sms[0]!.id } }]);

    const audit = await db.selectFrom("audit_log").selectAll().where("entity_type", "=", "ticket").where("entity_id", "=", String(t.id)).execute();
    expect(audit).toEqual([expect.objectContaining({ action: "ticket.register", actor_user_id: operatorId, ip: "10.0.0.7" })]);
    const key = await db.selectFrom("idempotency_keys").selectAll().where("key", "=", input.idempotencyKey).executeTakeFirstOrThrow();
    expect(key).toMatchObject({ user_id: operatorId, action: "desk.register" });
    expect(key.result).toMatchObject({ ticketId: t.id, ticketNumber: r.ticketNumber });
  });

  it("finds the caller again by mobile and name (however the name is spelled) instead of creating a twin", async () => {
    const first = await registerFromCall(db, actor, breakdown({ customer: { fullName: "علی کریمی", mobile: "+989351112233" } }));
    const customers = await count("customers");
    // Arabic ي and ك, another spacing: the same person
    const again = await registerFromCall(db, actor, breakdown({ customer: { fullName: "علي  كريمي", mobile: "+989351112233" } }));
    expect(await count("customers")).toBe(customers);
    const [a, b] = await Promise.all(
      [first, again].map((r) => db.selectFrom("tickets").select("customer_id").where("id", "=", r.ticketId).executeTakeFirstOrThrow()),
    );
    expect(a!.customer_id).toBe(b!.customer_id);
    // another person on the same phone is another customer
    await registerFromCall(db, actor, breakdown({ customer: { fullName: "زهرا کریمی", mobile: "+989351112233" } }));
    expect(await count("customers")).toBe(customers + 1);
  });

  it("uses a known customer by id and a registered product by serial, with its warranty decided from today", async () => {
    const c = await db.insertInto("customers").values({ full_name: "حسین احمدی", mobile: "+989129998877" }).returning("id").executeTakeFirstOrThrow();
    // bought 30 months ago with 24 months of warranty: out of warranty now
    const p = await db
      .insertInto("customer_products")
      .values({ customer_id: c.id, model_id: modelId, serial_number: "OLD-0001", purchase_date: daysBefore(900), warranty_months: 24, warranty_expires_on: daysBefore(170) })
      .returning("id")
      .executeTakeFirstOrThrow();
    const products = await count("customer_products");
    const r = await registerFromCall(db, actor, breakdown({ customer: { id: c.id, fullName: "", mobile: "" }, product: { serial: "OLD-0001" } }));
    expect(await count("customer_products")).toBe(products);
    const t = await db.selectFrom("tickets").select(["customer_id", "customer_product_id", "warranty_status", "problem_category_id"]).where("id", "=", r.ticketId).executeTakeFirstOrThrow();
    expect(t).toEqual({ customer_id: c.id, customer_product_id: p.id, warranty_status: "out_of_warranty", problem_category_id: categoryId });
  });

  it("reuses the customer's same address (its pin updated) and keeps one default; a national code given later is kept", async () => {
    const c = await db.insertInto("customers").values({ full_name: "نسرین فلاحی", mobile: "+989121000001" }).returning("id").executeTakeFirstOrThrow();
    const known = { id: c.id, fullName: "", mobile: "", nationalCode: "1234567890" };
    const address = { province: "البرز", city: "کرج", text: "گوهردشت، خیابان ۱۰" };
    const a = await registerFromCall(db, actor, breakdown({ customer: known, product: null, address }));
    const b = await registerFromCall(db, actor, breakdown({ customer: known, product: null, address: { ...address, lat: 35.83, lng: 50.99 } }));
    await registerFromCall(db, actor, breakdown({ customer: known, product: null, address: { ...address, text: "مهرشهر" } }));
    const rows = await db.selectFrom("customer_addresses").select(["id", "is_default", "lat", "address_text"]).where("customer_id", "=", c.id).orderBy("id").execute();
    expect(rows.map((r) => [r.address_text, r.is_default])).toEqual([
      ["گوهردشت، خیابان ۱۰", true],
      ["مهرشهر", false],
    ]);
    expect(rows[0]!.lat).toBe(35.83);
    const [ta, tb] = await Promise.all([a, b].map((r) => db.selectFrom("tickets").select("address_id").where("id", "=", r.ticketId).executeTakeFirstOrThrow()));
    expect(ta!.address_id).toBe(rows[0]!.id);
    expect(tb!.address_id).toBe(rows[0]!.id);
    const nc = await db.selectFrom("customers").select("national_code").where("id", "=", c.id).executeTakeFirstOrThrow();
    expect(nc.national_code).toBe("1234567890");
  });

  it("registers without a product (warranty unknown) and without a call (channel as given, no call link)", async () => {
    const r = await registerFromCall(db, actor, breakdown({ product: null, channel: "walk_in" }));
    const t = await db.selectFrom("tickets").select(["warranty_status", "channel", "customer_product_id"]).where("id", "=", r.ticketId).executeTakeFirstOrThrow();
    expect(t).toEqual({ warranty_status: "unknown", channel: "walk_in", customer_product_id: null });
    const events = await db.selectFrom("ticket_events").select("event_type").where("ticket_id", "=", r.ticketId).execute();
    expect(events.map((e) => e.event_type)).toEqual(["created"]);
  });

  it("keeps the call's first ticket and customer when the call already has them", async () => {
    const first = await registerFromCall(db, actor, breakdown({ callId: await newCall("09121230000") }));
    const callId = (await db.selectFrom("calls").select("id").where("ticket_id", "=", first.ticketId).executeTakeFirstOrThrow()).id;
    const second = await registerFromCall(db, actor, breakdown({ callId, customer: { fullName: "نفر دوم", mobile: "+989121230000" } }));
    const call = await db.selectFrom("calls").select("ticket_id").where("id", "=", callId).executeTakeFirstOrThrow();
    expect(call.ticket_id).toBe(first.ticketId);
    const links = await db.selectFrom("ticket_calls").select("ticket_id").where("call_id", "=", callId).orderBy("ticket_id").execute();
    expect(links.map((l) => l.ticket_id)).toEqual([first.ticketId, second.ticketId]);
  });

  it("refuses an unknown serial without a model, an unknown customer, model or call, and leaves no trace", async () => {
    const before = await Promise.all((["tickets", "customers", "customer_products", "sms_messages", "idempotency_keys"] as const).map(count));
    const cases: [Partial<IntakeInput>, string][] = [
      [{ product: { serial: "NO-SUCH-SERIAL" } }, "serial_unknown"],
      [{ product: { serial: "NEW-SERIAL-1", modelId: 987654 } }, "model_not_found"],
      [{ customer: { id: 987654, fullName: "", mobile: "" } }, "customer_not_found"],
      [{ callId: 987654 }, "call_not_found"],
      [{ customer: null }, "customer_required"],
    ];
    for (const [over, code] of cases) {
      const err = await registerFromCall(db, actor, breakdown(over)).catch((e: unknown) => e);
      expect(err, code).toBeInstanceOf(IntakeError);
      expect((err as IntakeError).code).toBe(code);
    }
    const after = await Promise.all((["tickets", "customers", "customer_products", "sms_messages", "idempotency_keys"] as const).map(count));
    expect(after).toEqual(before);
  });
});

describe("registerFromCall: follow-up and complaint", () => {
  it("a follow-up adds the call and the note to the existing ticket's history: no new ticket, no SMS", async () => {
    const original = await registerFromCall(db, actor, breakdown());
    const callId = await newCall("09121234567");
    const [tickets, sms] = [await count("tickets"), await count("sms_messages")];
    const r = await registerFromCall(db, { kind: "user", userId: operator2Id }, {
      idempotencyKey: randomUUID(),
      kind: "follow_up",
      callId,
      relatedTicketNumber: original.ticketNumber,
      note: "مشتری پرسید تکنسین کی می‌آید",
      now: NOW,
    });
    expect(r).toMatchObject({ ticketId: original.ticketId, ticketNumber: original.ticketNumber, created: false, kind: "follow_up" });
    expect([await count("tickets"), await count("sms_messages")]).toEqual([tickets, sms]);
    const last = await db.selectFrom("ticket_events").selectAll().where("ticket_id", "=", original.ticketId).orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(last).toMatchObject({ event_type: "call_attached", actor_user_id: operator2Id });
    expect(last.data).toEqual({ callId, direction: "inbound", reason: "follow_up", note: "مشتری پرسید تکنسین کی می‌آید" });
    const link = await db.selectFrom("ticket_calls").selectAll().where("call_id", "=", callId).executeTakeFirstOrThrow();
    expect(link).toMatchObject({ ticket_id: original.ticketId, linked_by: operator2Id });
    const call = await db.selectFrom("calls").select(["ticket_id", "customer_id"]).where("id", "=", callId).executeTakeFirstOrThrow();
    const t = await db.selectFrom("tickets").select("customer_id").where("id", "=", original.ticketId).executeTakeFirstOrThrow();
    expect(call).toEqual({ ticket_id: original.ticketId, customer_id: t.customer_id });
  });

  it("a follow-up without a call needs a note (kept as a note event); an unknown ticket number is refused", async () => {
    const original = await registerFromCall(db, actor, breakdown());
    const base = { kind: "follow_up" as const, relatedTicketNumber: original.ticketNumber, now: NOW };
    await expect(registerFromCall(db, actor, { ...base, idempotencyKey: randomUUID() })).rejects.toMatchObject({ code: "note_required" });
    await registerFromCall(db, actor, { ...base, idempotencyKey: randomUUID(), note: "تماس با مشتری برای هماهنگی" });
    const last = await db.selectFrom("ticket_events").selectAll().where("ticket_id", "=", original.ticketId).orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(last).toMatchObject({ event_type: "note" });
    expect(last.data).toMatchObject({ text: "تماس با مشتری برای هماهنگی" });
    await expect(
      registerFromCall(db, actor, { ...base, idempotencyKey: randomUUID(), relatedTicketNumber: 99999999, note: "x" }),
    ).rejects.toMatchObject({ code: "ticket_not_found" });
  });

  it("a complaint is a ticket of its own type, handled in-house, related to the ticket complained about", async () => {
    const original = await registerFromCall(db, actor, breakdown());
    const r = await registerFromCall(db, actor, breakdown({ kind: "complaint", product: null, address: null, relatedTicketNumber: original.ticketNumber, description: "تکنسین دیر آمد" }));
    expect(r).toMatchObject({ kind: "complaint", created: true });
    const t = await db.selectFrom("tickets").selectAll().where("id", "=", r.ticketId).executeTakeFirstOrThrow();
    expect(t).toMatchObject({ type: "complaint", related_ticket_id: original.ticketId, sla_accept_due_at: null, sla_visit_due_at: null, address_id: null, sla_resolve_minutes: null });
    // a complaint is resolved within 7 working days (issue 15 §2): Tue, Wed, Thu, Sat, Sun, Mon, Tue 17 Azar at its close
    expect(t.sla_resolve_due_at).toEqual(new Date("2026-12-08T17:00:00+03:30"));
    const sms = await db.selectFrom("sms_messages").select("body").where("ticket_id", "=", r.ticketId).executeTakeFirstOrThrow();
    expect(sms.body).toBe(
      renderSmsTemplate("complaint_registered", SMS_TEMPLATES.complaint_registered.defaultBody, {
        ticket_number: r.ticketNumber,
        tracking_link: trackingUrl(processLinks(), r.ticketNumber),
      }),
    );
  });
});

describe("registerFromCall: idempotency", () => {
  it("a second submission with the same key returns the first ticket and writes nothing", async () => {
    const input = breakdown({ callId: await newCall() });
    const first = await registerFromCall(db, actor, input);
    const before = await Promise.all((["tickets", "customers", "sms_messages", "ticket_events"] as const).map(count));
    const second = await registerFromCall(db, actor, { ...input, description: "متن دیگر" });
    expect(second).toEqual({ ...first, replayed: true });
    expect(await Promise.all((["tickets", "customers", "sms_messages", "ticket_events"] as const).map(count))).toEqual(before);
  });

  it("concurrent submissions with one key make exactly one ticket, and all of them answer with it", async () => {
    const input = breakdown({ callId: await newCall(), customer: { fullName: "همزمان", mobile: "+989127776655" } });
    const tickets = await count("tickets");
    const results = await Promise.all(Array.from({ length: 6 }, () => registerFromCall(db, actor, input)));
    expect(await count("tickets")).toBe(tickets + 1);
    expect(new Set(results.map((r) => r.ticketId)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    const sms = await db.selectFrom("sms_messages").select("id").where("ticket_id", "=", results[0]!.ticketId).execute();
    expect(sms).toHaveLength(1);
  });

  it("a refused submission does not use up its key: corrected, it registers", async () => {
    const key = randomUUID();
    await expect(registerFromCall(db, actor, breakdown({ idempotencyKey: key, product: { serial: "NOPE-123" } }))).rejects.toBeInstanceOf(IntakeError);
    const r = await registerFromCall(db, actor, breakdown({ idempotencyKey: key }));
    expect(r.replayed).toBe(false);
  });

  it("another user's key is refused, not replayed", async () => {
    const input = breakdown();
    await registerFromCall(db, actor, input);
    await expect(registerFromCall(db, { kind: "user", userId: operator2Id }, input)).rejects.toMatchObject({ code: "key_reused" });
  });
});
