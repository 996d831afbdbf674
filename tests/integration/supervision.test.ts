/**
 * Dispatch, the supervisor's side (services/supervision.ts) on real PostgreSQL: manual reassignment (reason
 * required, hard constraints refused, soft ones only with the explicit override, the pending offer withdrawn
 * and a new offer with its deadline job and SMS) and an agency's suspension (its pending offer withdrawn,
 * the ticket sent on at once, its accepted jobs kept and listed).
 */
import { sql } from "kysely";
import { beforeEach, describe, expect, it } from "vitest";
import type { DB } from "../../db/connection";
import { heldTickets, latestDecision } from "../../db/repos/dispatch";
import { DISPATCH_ACTOR, dispatchTicket } from "../../services/dispatch";
import { offerJobKey } from "../../services/offers";
import { ReassignRefusedError, reassignTicket, setAgencyStatus, SupervisionInputError } from "../../services/supervision";
import { getTestDb, resetDatabase } from "../support/db";

let db: DB;
const ids = { a: 0, b: 0, c: 0, customer: 0, product: 0, category: 0, brand: 0 };
const supervisor = { kind: "user" as const, userId: 0 };
const links = { baseUrl: "https://service.example.ir", trackingSecret: "test-secret-test-secret" };

beforeEach(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  const brand = await db.insertInto("brands").values({ code: "brand-1", name_fa: "برند", name_en: "Brand" }).returning("id").executeTakeFirstOrThrow();
  const cat = await db.insertInto("product_categories").values({ code: "fridge", name_fa: "یخچال", name_en: "Fridge" }).returning("id").executeTakeFirstOrThrow();
  const model = await db
    .insertInto("product_models")
    .values({ brand_id: brand.id, category_id: cat.id, model_code: "M1", name: "مدل ۱", warranty_months: 18 })
    .returning("id")
    .executeTakeFirstOrThrow();
  const agencies = await db
    .insertInto("agencies")
    .values(
      (["A", "B", "C"] as const).map((x) => ({
        code: `THR-00${x}`,
        name: `نمایندگی ${x}`,
        province: "تهران",
        city: "تهران",
        mobile: "+989120000000",
        technician_count: 2,
        daily_job_capacity: 5,
        lat: 35.7,
        lng: 51.4,
        service_radius_km: 30,
      })),
    )
    .returning("id")
    .execute();
  [ids.a, ids.b, ids.c] = agencies.map((r) => r.id) as [number, number, number];
  // C is not authorized for the brand × category
  await db.insertInto("agency_authorizations").values([ids.a, ids.b].map((id) => ({ agency_id: id, brand_id: brand.id, category_id: cat.id }))).execute();
  await db.insertInto("agency_service_areas").values([ids.a, ids.b, ids.c].map((id) => ({ agency_id: id, province: "تهران", city: "تهران" }))).execute();
  const customer = await db.insertInto("customers").values({ full_name: "مریم احمدی", mobile: "+989121234567" }).returning("id").executeTakeFirstOrThrow();
  ids.customer = customer.id;
  const product = await db
    .insertInto("customer_products")
    .values({ customer_id: customer.id, model_id: model.id, serial_number: "SN1", warranty_months: 18 })
    .returning("id")
    .executeTakeFirstOrThrow();
  ids.product = product.id;
  ids.category = cat.id;
  ids.brand = brand.id;
  const user = await db.insertInto("users").values({ username: "sup", display_name: "سرپرست", role: "supervisor", password_hash: "x" }).returning("id").executeTakeFirstOrThrow();
  supervisor.userId = user.id;
});

async function ticketOfferedTo(agencyId: number) {
  const t = await db
    .insertInto("tickets")
    .values({
      type: "breakdown",
      channel: "phone",
      customer_id: ids.customer,
      customer_product_id: ids.product,
      problem_category_id: ids.category,
      warranty_status: "in_warranty",
      status: "dispatching",
      province: "تهران",
      city: "تهران",
      lat: 35.71,
      lng: 51.41,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const o = await db
    .insertInto("dispatch_offers")
    .values({ ticket_id: t.id, agency_id: agencyId, deadline_at: new Date(Date.now() + 3600_000) })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { ticketId: t.id, offerId: o.id };
}

/** A fresh breakdown ticket in `new`, as registration leaves it for the engine. */
async function newTicket() {
  const t = await db
    .insertInto("tickets")
    .values({
      type: "breakdown",
      channel: "phone",
      customer_id: ids.customer,
      customer_product_id: ids.product,
      problem_category_id: ids.category,
      warranty_status: "in_warranty",
      status: "new",
      province: "تهران",
      city: "تهران",
      lat: 35.71,
      lng: 51.41,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { ticketId: t.id };
}

async function offers(ticketId: number) {
  return db.selectFrom("dispatch_offers").select(["id", "agency_id", "status", "response_reason"]).where("ticket_id", "=", ticketId).orderBy("id").execute();
}

async function events(ticketId: number) {
  return db.selectFrom("ticket_events").select(["event_type", "data"]).where("ticket_id", "=", ticketId).orderBy("id").execute();
}

describe("reassignTicket", () => {
  it("needs a reason", async () => {
    const { ticketId } = await ticketOfferedTo(ids.a);
    await expect(reassignTicket(db, supervisor, { ticketId, agencyId: ids.b, reason: "  " }, { links })).rejects.toBeInstanceOf(SupervisionInputError);
    expect((await offers(ticketId)).map((o) => o.status)).toEqual(["pending"]);
  });

  it("refuses an unauthorized, a suspended or a full agency, whatever the override", async () => {
    const { ticketId } = await ticketOfferedTo(ids.a);
    const refused = (agencyId: number) => reassignTicket(db, supervisor, { ticketId, agencyId, reason: "دستی", override: true }, { links });
    await expect(refused(ids.c)).rejects.toSatisfy((e) => e instanceof ReassignRefusedError && e.refusal.code === "hard_constraint" && e.refusal.reasons.includes("unauthorized"));
    await db.updateTable("agencies").set({ status: "suspended", status_reason: "بررسی" }).where("id", "=", ids.b).execute();
    await expect(refused(ids.b)).rejects.toSatisfy((e) => e instanceof ReassignRefusedError && e.refusal.code === "hard_constraint" && e.refusal.reasons.includes("suspended"));
    await db.updateTable("agencies").set({ status: "active", status_reason: null, daily_job_capacity: 0 }).where("id", "=", ids.b).execute();
    await expect(refused(ids.b)).rejects.toSatisfy((e) => e instanceof ReassignRefusedError && e.refusal.code === "hard_constraint" && e.refusal.reasons.includes("full"));
    expect((await offers(ticketId)).map((o) => o.status)).toEqual(["pending"]);
  });

  it("withdraws the pending offer and offers the ticket to the chosen agency, with its deadline job, SMS and history", async () => {
    const { ticketId, offerId } = await ticketOfferedTo(ids.a);
    const result = await reassignTicket(db, supervisor, { ticketId, agencyId: ids.b, reason: "مشتری نمایندگی B را خواست" }, { links });
    const rows = await offers(ticketId);
    expect(rows.map((o) => [o.agency_id, o.status])).toEqual([
      [ids.a, "withdrawn"],
      [ids.b, "pending"],
    ]);
    expect(rows[0]!.response_reason).toBe("مشتری نمایندگی B را خواست");
    const job = await sql<{ n: number }>`select count(*)::int as n from graphile_worker._private_jobs where key = ${offerJobKey(result.offerId)}`.execute(db);
    expect(job.rows[0]!.n).toBe(1);
    const sms = await db.selectFrom("sms_messages").select(["purpose", "ticket_id"]).where("ticket_id", "=", ticketId).execute();
    expect(sms.map((s) => s.purpose)).toEqual(["dispatch_offer"]);
    const history = await events(ticketId);
    expect(history.map((e) => e.event_type)).toEqual(["offer_withdrawn", "reassigned", "offer_sent"]);
    expect(history[1]!.data).toMatchObject({ reason: "مشتری نمایندگی B را خواست", from_agency_id: ids.a, to_agency_id: ids.b });
    const audit = await db.selectFrom("audit_log").select(["action", "entity_id"]).where("action", "=", "ticket.reassign").execute();
    expect(audit.map((a) => [a.action, Number(a.entity_id)])).toEqual([["ticket.reassign", ticketId]]);
    expect(offerId).toBe(rows[0]!.id);
  });

  it("gives the chosen agency the configured deadline (DISPATCH_OFFER_DEADLINE_MINUTES), in its working time", async () => {
    const { ticketId } = await ticketOfferedTo(ids.a);
    const now = new Date("2026-12-02T08:00:00Z"); // a Wednesday, 11:30 in Tehran
    const result = await reassignTicket(db, supervisor, { ticketId, agencyId: ids.b, reason: "جابجایی" }, { links, now, offerMinutes: 45 });
    expect(result.deadlineAt.toISOString()).toBe("2026-12-02T08:45:00.000Z");
    const row = await db.selectFrom("dispatch_offers").select(["deadline_at"]).where("id", "=", result.offerId).executeTakeFirstOrThrow();
    expect(row.deadline_at.toISOString()).toBe("2026-12-02T08:45:00.000Z");
  });

  it("an agency outside the customer's area only with the explicit override, and the history says so", async () => {
    const { ticketId } = await ticketOfferedTo(ids.a);
    await db.deleteFrom("agency_service_areas").where("agency_id", "=", ids.b).execute();
    // Karaj, ~40 km away, serving 10 km around it (an agency beyond the candidate query's reach is refused outright: its load is unknown)
    await db.updateTable("agencies").set({ lat: 35.83, lng: 50.97, service_radius_km: 10 }).where("id", "=", ids.b).execute();
    await expect(reassignTicket(db, supervisor, { ticketId, agencyId: ids.b, reason: "درخواست مشتری" }, { links })).rejects.toSatisfy(
      (e) => e instanceof ReassignRefusedError && e.refusal.code === "needs_override" && e.refusal.reasons.join() === "out_of_area",
    );
    await reassignTicket(db, supervisor, { ticketId, agencyId: ids.b, reason: "درخواست مشتری", override: true }, { links });
    const reassigned = (await events(ticketId)).find((e) => e.event_type === "reassigned");
    expect(reassigned!.data).toMatchObject({ to_agency_id: ids.b, override: ["out_of_area"] });
  });

  it("a held ticket leaves the supervisor queue when reassigned, and its alert is dealt with", async () => {
    // no agency is authorized for it: the engine holds it for the supervisors
    await db.deleteFrom("agency_authorizations").execute();
    const { ticketId } = await newTicket();
    const held = await dispatchTicket(db, DISPATCH_ACTOR, { ticketId }, { links });
    expect(held.outcome).toBe("held");
    expect((await heldTickets(db)).map((h) => h.id)).toEqual([ticketId]);
    await db.insertInto("agency_authorizations").values({ agency_id: ids.b, brand_id: ids.brand, category_id: ids.category }).execute();
    await reassignTicket(db, supervisor, { ticketId, agencyId: ids.b, reason: "مجوز نمایندگی B امروز ثبت شد" }, { links });
    expect(await heldTickets(db)).toEqual([]);
    const t = await db.selectFrom("tickets").select(["status", "dispatch_held_at", "dispatch_hold_reason"]).where("id", "=", ticketId).executeTakeFirstOrThrow();
    expect(t).toEqual({ status: "dispatching", dispatch_held_at: null, dispatch_hold_reason: null });
    const alerts = await db.selectFrom("supervisor_alerts").select(["kind", "acknowledged_by"]).where("ticket_id", "=", ticketId).execute();
    expect(alerts).toEqual([{ kind: "dispatch_held", acknowledged_by: supervisor.userId }]);
    expect((await events(ticketId)).map((e) => e.event_type)).toEqual(["dispatch_held", "status_changed", "reassigned", "offer_sent"]);
  });

  it("a ticket held because every agency is closed: reassigned by hand (override), the engine's retry at the opening is dropped", async () => {
    const hours = JSON.stringify(Object.fromEntries(["sat", "sun", "mon", "tue", "wed", "thu", "fri"].map((d) => [d, ["08:00", "09:00"]])));
    await db.updateTable("agencies").set({ working_hours: hours }).execute();
    const { ticketId } = await newTicket();
    const now = new Date("2026-12-02T12:00:00Z"); // 15:30 in Tehran: everyone closed
    const held = await dispatchTicket(db, DISPATCH_ACTOR, { ticketId }, { links, now });
    expect(held).toMatchObject({ outcome: "held", reason: "all_closed" });
    const retry = sql<{ n: number }>`select count(*)::int as n from graphile_worker._private_jobs where key = ${"dispatch:" + ticketId}`;
    expect((await retry.execute(db)).rows[0]!.n).toBe(1);
    await expect(reassignTicket(db, supervisor, { ticketId, agencyId: ids.a, reason: "تماس تلفنی با مدیر نمایندگی" }, { links, now })).rejects.toSatisfy(
      (e) => e instanceof ReassignRefusedError && e.refusal.code === "needs_override" && e.refusal.reasons.join() === "closed",
    );
    await reassignTicket(db, supervisor, { ticketId, agencyId: ids.a, reason: "تماس تلفنی با مدیر نمایندگی", override: true }, { links, now });
    expect((await retry.execute(db)).rows[0]!.n).toBe(0);
    expect(await heldTickets(db)).toEqual([]);
  });

  it("takes an accepted job back from its agency", async () => {
    const { ticketId, offerId } = await ticketOfferedTo(ids.a);
    await db.updateTable("dispatch_offers").set({ status: "accepted", responded_at: new Date() }).where("id", "=", offerId).execute();
    await db.updateTable("tickets").set({ status: "assigned", assigned_agency_id: ids.a }).where("id", "=", ticketId).execute();
    await reassignTicket(db, supervisor, { ticketId, agencyId: ids.b, reason: "نمایندگی A پاسخگو نیست" }, { links });
    const t = await db.selectFrom("tickets").select(["status", "assigned_agency_id", "technician_id"]).where("id", "=", ticketId).executeTakeFirstOrThrow();
    expect(t).toEqual({ status: "dispatching", assigned_agency_id: null, technician_id: null });
    expect((await offers(ticketId)).map((o) => [o.agency_id, o.status])).toEqual([
      [ids.a, "accepted"],
      [ids.b, "pending"],
    ]);
  });
});

describe("setAgencyStatus", () => {
  it("needs a reason to suspend", async () => {
    await expect(setAgencyStatus(db, supervisor, { agencyId: ids.a, status: "suspended" }, { links })).rejects.toBeInstanceOf(SupervisionInputError);
  });

  it("suspend sends the ticket on: the engine's offer to A withdrawn, the next decision excludes A as suspended", async () => {
    const { ticketId } = await newTicket();
    // B is further away: the engine offers A first
    await db.updateTable("agencies").set({ lat: 35.8, lng: 51.5 }).where("id", "=", ids.b).execute();
    const first = await dispatchTicket(db, DISPATCH_ACTOR, { ticketId }, { links });
    expect(first).toMatchObject({ outcome: "offered", agencyId: ids.a });
    const result = await setAgencyStatus(db, supervisor, { agencyId: ids.a, status: "suspended", reason: "شکایت‌های مکرر" }, { links, offerMinutes: 20 });
    expect(result.withdrawn).toEqual([{ ticketId, offerId: (first as { offerId: number }).offerId, outcome: "offered", nextAgencyId: ids.b }]);
    const decision = await latestDecision(db, ticketId);
    expect(decision!.ranked.map((r) => r.agencyId)).toEqual([ids.b]);
    expect(decision!.excluded.find((e) => e.agencyId === ids.a)!.reasons).toEqual(expect.arrayContaining(["suspended", "already_offered"]));
    const pending = await db.selectFrom("dispatch_offers").select(["agency_id", "offered_at", "deadline_at"]).where("ticket_id", "=", ticketId).where("status", "=", "pending").execute();
    expect(pending.map((p) => p.agency_id)).toEqual([ids.b]);
    expect(pending[0]!.deadline_at.getTime() - pending[0]!.offered_at.getTime()).toBe(20 * 60_000);
    expect((await events(ticketId)).map((e) => e.event_type)).toEqual(["status_changed", "offer_sent", "offer_withdrawn", "offer_sent"]);
  });

  it("suspending the only candidate holds the ticket for the supervisors", async () => {
    const { ticketId } = await newTicket();
    await db.deleteFrom("agency_authorizations").where("agency_id", "=", ids.b).execute();
    expect(await dispatchTicket(db, DISPATCH_ACTOR, { ticketId }, { links })).toMatchObject({ outcome: "offered", agencyId: ids.a });
    const result = await setAgencyStatus(db, supervisor, { agencyId: ids.a, status: "terminated", reason: "پایان قرارداد" }, { links });
    expect(result.withdrawn.map((w) => [w.outcome, w.nextAgencyId])).toEqual([["held", null]]);
    expect((await heldTickets(db)).map((h) => h.id)).toEqual([ticketId]);
    const t = await db.selectFrom("tickets").select(["status"]).where("id", "=", ticketId).executeTakeFirstOrThrow();
    expect(t.status).toBe("new");
    const audit = await db.selectFrom("audit_log").select(["action"]).where("entity_type", "=", "agency").execute();
    expect(audit.map((a) => a.action)).toEqual(["agency.terminate"]);
  });

  it("suspending withdraws the agency's pending offer and sends the ticket on to the next agency", async () => {
    const { ticketId } = await ticketOfferedTo(ids.a);
    const result = await setAgencyStatus(db, supervisor, { agencyId: ids.a, status: "suspended", reason: "شکایت‌های مکرر" }, { links });
    expect(result.withdrawn).toHaveLength(1);
    const rows = await offers(ticketId);
    expect(rows[0]).toMatchObject({ agency_id: ids.a, status: "withdrawn", response_reason: "شکایت‌های مکرر" });
    expect(rows.filter((o) => o.status === "pending").map((o) => o.agency_id)).toEqual([ids.b]);
    expect((await events(ticketId)).map((e) => e.event_type)).toContain("offer_withdrawn");
    const agency = await db.selectFrom("agencies").select(["status", "status_reason"]).where("id", "=", ids.a).executeTakeFirstOrThrow();
    expect(agency).toEqual({ status: "suspended", status_reason: "شکایت‌های مکرر" });
    const audit = await db.selectFrom("audit_log").select(["action"]).where("entity_type", "=", "agency").execute();
    expect(audit.map((a) => a.action)).toEqual(["agency.suspend"]);
  });
});
