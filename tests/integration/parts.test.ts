/**
 * Issue 15 §4 on real PostgreSQL: the technician requests catalogue parts from the job link (the job goes on
 * hold "waiting for parts" with its expected date), the parts desk orders, ships and receives them (each step
 * dated) and the job resumes by itself with the technician's SMS; a request filled from the agency's own stock
 * decrements it in the same transaction; bad input is refused with a reason; the report's figures.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { DB } from "../../db/connection";
import { holdingParts, holdingTickets, requestsOfTicket } from "../../db/repos/parts";
import { assignTechnician } from "../../services/assignments";
import { addSparePart, CatalogueError, IllegalPartStepError, PartRequestError, requestPartsByAgency, stepPartRequest, updateSparePart } from "../../services/parts";
import { pressJobAction } from "../../services/technician-links";
import type { PublicLinks } from "../../platform/links";
import { getTestDb, resetDatabase } from "../support/db";

let db: DB;
let agencyA: number;
let agencyB: number;
let techA: number;
let userA: number;
let userB: number;
let manager: number;
let customerId: number;
let productId: number;
let otherProductId: number;
let partBoard: number;
let partMotor: number;
let partInactive: number;
let partOtherModel: number;
const links: PublicLinks = { baseUrl: "https://service.example.ir", trackingSecret: "tracking-secret-for-tests" };
const HOUR = 3_600_000;
let ip = 0;
const ctx = () => ({ ip: `10.2.0.${++ip}`, daysAfterClose: 7, links });
const deskActor = () => ({ kind: "user" as const, userId: manager, ip: "10.9.0.1" });
const agencyActor = (userId = userA) => ({ kind: "agency" as const, userId, ip: "10.9.0.2" });

/** A day `days` from today in Tehran, 'YYYY-MM-DD'. */
function dayFromNow(days: number): string {
  return new Date(Date.now() + days * 86_400_000 + 3.5 * HOUR).toISOString().slice(0, 10);
}

/** An accepted job with a technician and a visit window: the link's token. */
async function scheduledJob(product = productId, agencyId = agencyA) {
  const t = await db
    .insertInto("tickets")
    .values({
      type: "breakdown",
      channel: "phone",
      customer_id: customerId,
      customer_product_id: product,
      warranty_status: "in_warranty",
      status: "assigned",
      assigned_agency_id: agencyId,
      problem_description: "ماشین لباسشویی آب را تخلیه نمی‌کند",
      city: "تهران",
    })
    .returning(["id", "number"])
    .executeTakeFirstOrThrow();
  await db
    .insertInto("dispatch_offers")
    .values({ ticket_id: t.id, agency_id: agencyId, status: "accepted", offered_at: new Date(Date.now() - HOUR), deadline_at: new Date(), responded_at: new Date() })
    .execute();
  const visitFrom = new Date(Date.now() + 2 * HOUR);
  const r = await assignTechnician(db, agencyActor(), { ticketId: t.id, technicianId: techA, agencyId, visitFrom, visitTo: new Date(visitFrom.getTime() + 2 * HOUR) }, { links });
  return { ticketId: t.id, number: t.number, token: r.token };
}

async function ticket(id: number) {
  return db.selectFrom("tickets").select(["status", "hold_reason", "hold_expected_date"]).where("id", "=", id).executeTakeFirstOrThrow();
}

async function requests(ticketId: number) {
  return db.selectFrom("part_requests").selectAll().where("ticket_id", "=", ticketId).orderBy("id").execute();
}

async function stock(agencyId: number, partId: number) {
  return (await db.selectFrom("agency_part_stock").select("quantity").where("agency_id", "=", agencyId).where("part_id", "=", partId).executeTakeFirst())?.quantity;
}

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  const [a, b] = await db
    .insertInto("agencies")
    .values([
      { code: "THR-001", name: "نمایندگی مرکزی تهران", province: "تهران", city: "تهران", phones: ["02188776655"] },
      { code: "THR-002", name: "نمایندگی غرب تهران", province: "تهران", city: "تهران" },
    ])
    .returning("id")
    .execute();
  agencyA = a!.id;
  agencyB = b!.id;
  techA = (await db.insertInto("technicians").values({ agency_id: agencyA, full_name: "رضا کاظمی", mobile: "+989121000001" }).returning("id").executeTakeFirstOrThrow()).id;
  const users = await db
    .insertInto("users")
    .values([
      { username: "agencya", display_name: "حسن اکبری", role: "agency_admin", password_hash: "x", agency_id: agencyA },
      { username: "agencyb", display_name: "نادر صالحی", role: "agency_admin", password_hash: "x", agency_id: agencyB },
      { username: "manager", display_name: "مدیر خدمات", role: "manager", password_hash: "x" },
    ])
    .returning("id")
    .execute();
  [userA, userB, manager] = users.map((u) => u.id) as [number, number, number];
  customerId = (await db.insertInto("customers").values({ full_name: "مریم احمدی", mobile: "+989127654321" }).returning("id").executeTakeFirstOrThrow()).id;
  const brand = (await db.insertInto("brands").values({ code: "pars", name_fa: "پارس", name_en: "Pars" }).returning("id").executeTakeFirstOrThrow()).id;
  const category = (await db.insertInto("product_categories").values({ code: "washer", name_fa: "لباسشویی", name_en: "Washer" }).returning("id").executeTakeFirstOrThrow()).id;
  const [m1, m2] = await db
    .insertInto("product_models")
    .values([
      { brand_id: brand, category_id: category, model_code: "WM-7", name: "لباسشویی ۷ کیلویی" },
      { brand_id: brand, category_id: category, model_code: "WM-9", name: "لباسشویی ۹ کیلویی" },
    ])
    .returning("id")
    .execute();
  const products = await db
    .insertInto("customer_products")
    .values([
      { customer_id: customerId, model_id: m1!.id, serial_number: "WM7-0001", warranty_months: 18 },
      { customer_id: customerId, model_id: m2!.id, serial_number: "WM9-0001", warranty_months: 18 },
    ])
    .returning("id")
    .execute();
  productId = products[0]!.id;
  otherProductId = products[1]!.id;
  const parts = await db
    .insertInto("spare_parts")
    .values([
      { model_id: m1!.id, code: "WM7-BRD", name: "برد اصلی", list_price_rials: 45_000_000, serialized: true },
      { model_id: m1!.id, code: "WM7-MTR", name: "موتور", list_price_rials: 80_000_000 },
      { model_id: m1!.id, code: "WM7-OLD", name: "پمپ قدیمی", list_price_rials: 5_000_000, active: false },
      { model_id: m2!.id, code: "WM9-PMP", name: "پمپ تخلیه", list_price_rials: 9_000_000 },
    ])
    .returning("id")
    .execute();
  [partBoard, partMotor, partInactive, partOtherModel] = parts.map((p) => p.id) as [number, number, number, number];
  await db.insertInto("agency_part_stock").values({ agency_id: agencyA, part_id: partMotor, quantity: 3 }).execute();
});

describe("request → hold → order → ship → receive → resume", () => {
  it("runs the whole central-stock path from the technician's link", async () => {
    const job = await scheduledJob();
    const expected = dayFromNow(5);
    await pressJobAction(db, job.token, { action: "arrived" }, ctx());
    await pressJobAction(db, job.token, { action: "needs_parts", expectedDate: expected, note: "برد سوخته", parts: [{ partId: partBoard, quantity: 1 }] }, ctx());

    expect(await ticket(job.ticketId)).toEqual({ status: "on_hold", hold_reason: "waiting_for_parts", hold_expected_date: expected });
    const [req] = await requests(job.ticketId);
    expect(req).toMatchObject({ part_id: partBoard, quantity: 1, unit_price_rials: 45_000_000, status: "requested", source: null, requested_by_kind: "technician", technician_id: techA, agency_id: agencyA, expected_date: expected });
    const hold = await db.selectFrom("ticket_events").select(["to_status", "data", "actor_kind"]).where("ticket_id", "=", job.ticketId).where("to_status", "=", "on_hold").executeTakeFirstOrThrow();
    expect(hold.actor_kind).toBe("technician");
    expect(hold.data).toMatchObject({ hold_reason: "waiting_for_parts", expected_date: expected, parts: [{ request_id: req!.id, code: "WM7-BRD", quantity: 1 }] });

    const later = dayFromNow(9);
    expect(await stepPartRequest(db, deskActor(), { requestId: req!.id, step: "order", expectedDate: later }, { links })).toMatchObject({ from: "requested", to: "ordered", resumed: false });
    expect((await ticket(job.ticketId)).hold_expected_date).toBe(later);
    await stepPartRequest(db, deskActor(), { requestId: req!.id, step: "ship" }, { links });
    const r = await stepPartRequest(db, deskActor(), { requestId: req!.id, step: "receive", serial: "BRD-778812" }, { links });
    expect(r).toMatchObject({ to: "received", resumed: true });

    const done = (await requests(job.ticketId))[0]!;
    expect(done).toMatchObject({ status: "received", source: "central", serial_number: "BRD-778812" });
    expect(done.ordered_at).not.toBeNull();
    expect(done.shipped_at!.getTime()).toBeGreaterThanOrEqual(done.ordered_at!.getTime());
    expect(done.received_at!.getTime()).toBeGreaterThanOrEqual(done.shipped_at!.getTime());
    expect(await ticket(job.ticketId)).toEqual({ status: "in_progress", hold_reason: null, hold_expected_date: null });
    const resumed = await db.selectFrom("ticket_events").select(["from_status", "data"]).where("ticket_id", "=", job.ticketId).where("to_status", "=", "in_progress").orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(resumed).toMatchObject({ from_status: "on_hold", data: { resumed: "parts_received", part_requests: [req!.id] } });
    const sms = await db.selectFrom("sms_messages").select(["receptor", "body", "purpose"]).where("ticket_id", "=", job.ticketId).where("purpose", "=", "parts_arrived").execute();
    expect(sms).toHaveLength(1);
    expect(sms[0]!.receptor).toBe("+989121000001");
    expect(sms[0]!.body).toContain("رضا کاظمی");
    expect(sms[0]!.body).toContain("نمایندگی مرکزی تهران");
    const audit = await db.selectFrom("audit_log").select(["action", "details"]).where("entity_id", "=", String(job.ticketId)).where("action", "like", "part_request.%").orderBy("id").execute();
    expect(audit.map((x) => x.action)).toEqual(["part_request.create", "part_request.step", "part_request.step", "part_request.step"]);

    // the job's parts, for warranty claims and defective returns: part, quantity, price used, serial
    const rows = await requestsOfTicket(db, { kind: "agency", agencyId: agencyA }, job.ticketId);
    expect(rows.map((x) => [x.part_code, x.quantity, x.unit_price_rials, x.serial_number, x.status])).toEqual([["WM7-BRD", 1, 45_000_000, "BRD-778812", "received"]]);
    expect(await requestsOfTicket(db, { kind: "agency", agencyId: agencyB }, job.ticketId)).toEqual([]);
    // and the technician finishes the job
    await pressJobAction(db, job.token, { action: "done", workDone: "برد تعویض شد", parts: [{ name: "برد اصلی", serial: "BRD-778812" }], invoiceAmountRials: null }, ctx());
    expect((await ticket(job.ticketId)).status).toBe("completed");
  });

  it("waits for every part: the job resumes only when the last open one arrives", async () => {
    const job = await scheduledJob();
    await requestPartsByAgency(db, agencyActor(), { ticketId: job.ticketId, agencyId: agencyA, expectedDate: dayFromNow(3), lines: [{ partId: partBoard, quantity: 1 }, { partId: partMotor, quantity: 2 }] });
    expect(await ticket(job.ticketId)).toMatchObject({ status: "on_hold", hold_reason: "waiting_for_parts" });
    const [board, motor] = await requests(job.ticketId);
    // more parts while already waiting: the job stays on hold, with the later expected date
    await requestPartsByAgency(db, agencyActor(), { ticketId: job.ticketId, agencyId: agencyA, expectedDate: dayFromNow(7), lines: [{ partId: partMotor, quantity: 1 }] });
    expect((await ticket(job.ticketId)).hold_expected_date).toBe(dayFromNow(7));
    const third = (await requests(job.ticketId))[2]!;

    for (const step of ["order", "ship", "receive"] as const) await stepPartRequest(db, deskActor(), { requestId: board!.id, step }, { links });
    expect((await ticket(job.ticketId)).status).toBe("on_hold");
    await stepPartRequest(db, deskActor(), { requestId: third.id, step: "cancel", reason: "اشتباه ثبت شد" }, { links });
    expect((await ticket(job.ticketId)).status).toBe("on_hold");
    const r = await stepPartRequest(db, agencyActor(), { requestId: motor!.id, step: "fill_from_stock", agencyId: agencyA }, { links });
    expect(r).toMatchObject({ to: "received", resumed: true });
    expect(await stock(agencyA, partMotor)).toBe(1);
    expect((await ticket(job.ticketId)).status).toBe("in_progress");
  });
});

describe("from the agency's stock", () => {
  it("decrements the stock in the same transaction and refuses more than is on the shelf", async () => {
    const job = await scheduledJob();
    await db.updateTable("agency_part_stock").set({ quantity: 2 }).where("agency_id", "=", agencyA).where("part_id", "=", partMotor).execute();
    await requestPartsByAgency(db, agencyActor(), { ticketId: job.ticketId, agencyId: agencyA, expectedDate: dayFromNow(1), lines: [{ partId: partMotor, quantity: 3 }] });
    const [req] = await requests(job.ticketId);
    await expect(stepPartRequest(db, agencyActor(), { requestId: req!.id, step: "fill_from_stock", agencyId: agencyA })).rejects.toMatchObject({ problem: "noStock" });
    expect(await stock(agencyA, partMotor)).toBe(2);
    expect((await requests(job.ticketId))[0]!.status).toBe("requested");
    // another agency cannot take it from its shelf
    await expect(stepPartRequest(db, agencyActor(userB), { requestId: req!.id, step: "fill_from_stock", agencyId: agencyB })).rejects.toMatchObject({ problem: "notYourAgency" });
    await db.updateTable("agency_part_stock").set({ quantity: 5 }).where("agency_id", "=", agencyA).where("part_id", "=", partMotor).execute();
    await stepPartRequest(db, agencyActor(), { requestId: req!.id, step: "fill_from_stock", agencyId: agencyA, serial: "MTR-1" });
    expect(await stock(agencyA, partMotor)).toBe(2);
    expect((await requests(job.ticketId))[0]).toMatchObject({ status: "received", source: "agency_stock", serial_number: "MTR-1" });
    expect((await ticket(job.ticketId)).status).toBe("in_progress");
  });
});

describe("bad input is refused with a reason", () => {
  it("refuses parts of another model, inactive parts, bad quantities and duplicates, and writes nothing", async () => {
    const job = await scheduledJob();
    const ask = (lines: { partId: number; quantity: number }[]) =>
      requestPartsByAgency(db, agencyActor(), { ticketId: job.ticketId, agencyId: agencyA, expectedDate: dayFromNow(2), lines });
    await expect(ask([{ partId: partOtherModel, quantity: 1 }])).rejects.toMatchObject({ problem: "unknownPart" });
    await expect(ask([{ partId: partInactive, quantity: 1 }])).rejects.toMatchObject({ problem: "unknownPart" });
    await expect(ask([{ partId: partBoard, quantity: 0 }])).rejects.toMatchObject({ problem: "quantity" });
    await expect(ask([{ partId: partBoard, quantity: 21 }])).rejects.toMatchObject({ problem: "quantity" });
    await expect(ask([{ partId: partBoard, quantity: 1 }, { partId: partBoard, quantity: 1 }])).rejects.toMatchObject({ problem: "duplicate" });
    await expect(ask([])).rejects.toBeInstanceOf(PartRequestError);
    // another agency's job
    await expect(
      requestPartsByAgency(db, agencyActor(userB), { ticketId: job.ticketId, agencyId: agencyB, expectedDate: dayFromNow(2), lines: [{ partId: partBoard, quantity: 1 }] }),
    ).rejects.toMatchObject({ problem: "notYourJob" });
    expect(await requests(job.ticketId)).toEqual([]);
    expect((await ticket(job.ticketId)).status).toBe("scheduled");
  });

  it("refuses a job without a product, a job on hold for another reason, and out-of-order steps", async () => {
    const job = await scheduledJob();
    await db.updateTable("tickets").set({ customer_product_id: null }).where("id", "=", job.ticketId).execute();
    await expect(
      requestPartsByAgency(db, agencyActor(), { ticketId: job.ticketId, agencyId: agencyA, expectedDate: dayFromNow(2), lines: [{ partId: partBoard, quantity: 1 }] }),
    ).rejects.toMatchObject({ problem: "noProduct" });
    await db.updateTable("tickets").set({ customer_product_id: productId }).where("id", "=", job.ticketId).execute();
    await pressJobAction(db, job.token, { action: "cannot_repair", reason: "برد در بازار نیست" }, ctx());
    expect(await ticket(job.ticketId)).toMatchObject({ status: "on_hold", hold_reason: "cannot_repair" });
    await expect(
      requestPartsByAgency(db, agencyActor(), { ticketId: job.ticketId, agencyId: agencyA, expectedDate: dayFromNow(2), lines: [{ partId: partBoard, quantity: 1 }] }),
    ).rejects.toMatchObject({ problem: "notAllowed" });

    const other = await scheduledJob(otherProductId);
    await requestPartsByAgency(db, agencyActor(), { ticketId: other.ticketId, agencyId: agencyA, expectedDate: dayFromNow(2), lines: [{ partId: partOtherModel, quantity: 1 }] });
    const [req] = await requests(other.ticketId);
    await expect(stepPartRequest(db, deskActor(), { requestId: req!.id, step: "receive" })).rejects.toBeInstanceOf(IllegalPartStepError);
    await expect(stepPartRequest(db, deskActor(), { requestId: req!.id, step: "order", serial: "bad serial!" })).rejects.toMatchObject({ problem: "serialInvalid" });
    await expect(stepPartRequest(db, deskActor(), { requestId: 999_999_999, step: "order" })).rejects.toMatchObject({ problem: "notFound" });
    expect((await requests(other.ticketId))[0]!.status).toBe("requested");
  });
});

describe("the catalogue", () => {
  it("adds and edits parts with audit rows; a duplicate code or a bad price is refused; requests keep their price", async () => {
    const model = (await db.selectFrom("spare_parts").select("model_id").where("id", "=", partBoard).executeTakeFirstOrThrow()).model_id;
    const { partId } = await addSparePart(db, deskActor(), { modelId: model, code: "WM7-DOOR", name: "قفل درب", listPriceRials: 3_000_000, serialized: false });
    await expect(addSparePart(db, deskActor(), { modelId: model, code: "WM7-DOOR", name: "قفل", listPriceRials: 1, serialized: false })).rejects.toMatchObject({ problem: "duplicate" });
    await expect(addSparePart(db, deskActor(), { modelId: model, code: "قفل", name: "قفل", listPriceRials: 1, serialized: false })).rejects.toBeInstanceOf(CatalogueError);
    await expect(updateSparePart(db, deskActor(), { partId, name: "قفل درب", listPriceRials: -1, serialized: false, active: true })).rejects.toMatchObject({ problem: "price" });
    const before = (await db.selectFrom("part_requests").select(["id", "unit_price_rials"]).where("part_id", "=", partBoard).orderBy("id").executeTakeFirstOrThrow());
    const r = await updateSparePart(db, deskActor(), { partId: partBoard, name: "برد اصلی", listPriceRials: 50_000_000, serialized: true, active: true });
    expect(r.changed).toEqual(["listPriceRials"]);
    expect((await db.selectFrom("part_requests").select("unit_price_rials").where("id", "=", before.id).executeTakeFirstOrThrow()).unit_price_rials).toBe(before.unit_price_rials);
    const audit = await db.selectFrom("audit_log").select(["action", "details"]).where("entity_type", "=", "spare_part").orderBy("id").execute();
    expect(audit.map((a) => a.action)).toEqual(["spare_part.create", "spare_part.update"]);
    expect(audit[1]!.details).toMatchObject({ changes: { listPriceRials: { from: 45_000_000, to: 50_000_000 } } });
  });
});

describe("the parts-holding-jobs report", () => {
  it("sums and takes the median of days held per part, open ones up to now, cancelled ones left out", async () => {
    const now = new Date("2026-06-20T08:00:00Z");
    const t1 = await scheduledJob();
    const t2 = await scheduledJob();
    const t3 = await scheduledJob();
    const at = (d: string) => new Date(`2026-06-${d}T08:00:00Z`);
    await db
      .insertInto("part_requests")
      .values([
        // the board: 2 days, 4 days, and one open for 10 days so far → total 16, median 4
        { ticket_id: t1.ticketId, part_id: partBoard, agency_id: agencyA, quantity: 1, unit_price_rials: 1, status: "received", source: "central", requested_by_kind: "agency", requested_at: at("01"), received_at: at("03") },
        { ticket_id: t2.ticketId, part_id: partBoard, agency_id: agencyA, quantity: 1, unit_price_rials: 1, status: "received", source: "agency_stock", requested_by_kind: "agency", requested_at: at("02"), received_at: at("06") },
        { ticket_id: t3.ticketId, part_id: partBoard, agency_id: agencyA, quantity: 1, unit_price_rials: 1, status: "shipped", requested_by_kind: "agency", requested_at: at("10"), ordered_at: at("11"), shipped_at: at("12") },
        // the motor: one day
        { ticket_id: t3.ticketId, part_id: partMotor, agency_id: agencyA, quantity: 1, unit_price_rials: 1, status: "received", source: "central", requested_by_kind: "agency", requested_at: at("10"), received_at: at("11") },
        // cancelled: held nothing
        { ticket_id: t1.ticketId, part_id: partMotor, agency_id: agencyA, quantity: 1, unit_price_rials: 1, status: "cancelled", requested_by_kind: "agency", requested_at: at("01"), cancelled_at: at("30") },
      ])
      .execute();
    const range = { from: at("01"), toExclusive: at("15") };
    const rows = await holdingParts(db, range, now);
    expect(rows.map((r) => ({ code: r.code, jobs: r.jobs, total: r.total_days, median: r.median_days, open: r.open_now }))).toEqual([
      { code: "WM7-BRD", jobs: 3, total: 16, median: 4, open: 1 },
      { code: "WM7-MTR", jobs: 1, total: 1, median: 1, open: 0 },
    ]);
    const tickets = await holdingTickets(db, partBoard, range, now);
    expect(tickets.map((t) => [t.ticket_id, t.days])).toEqual([
      [t3.ticketId, 10],
      [t2.ticketId, 4],
      [t1.ticketId, 2],
    ]);
  });
});
