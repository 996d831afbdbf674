/**
 * The dispatch engine on real PostgreSQL: the best candidate gets the offer (with its history, stored
 * decision, audit row, SMS and deadline job); the excluded agencies carry the right reasons; an offer's
 * lapse (expired or rejected) moves the ticket to the next candidate; nobody left → held with the reason
 * and a supervisor alert; registration queues the dispatch job and the task dispatches.
 */
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { runOnce } from "graphile-worker";
import pg from "pg";
import { sql, type Transaction } from "kysely";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ALWAYS_OPEN, type WorkingHours } from "../../core/dispatch";
import { parseSupervisorAlertEvent, SUPERVISOR_ALERTS_CHANNEL } from "../../core/sla";
import type { DB } from "../../db/connection";
import type { Database } from "../../db/schema";
import { quietGraphileLogger } from "../../db/job-queue";
import { candidateFacts, heldTickets, refreshAgencyPerformance, ticketDispatchFacts } from "../../db/repos/dispatch";
import { AGENCY_LOAD_STATUSES } from "../../core/ticket";
import { loadEnv } from "../../platform/env";
import type { PublicLinks } from "../../platform/links";
import {
  DISPATCH_ACTOR,
  dispatchDecision,
  dispatchJobKey,
  dispatchTicket,
  dispatchTicketInTrx,
  offerNextCandidateWith,
  queueTicketDispatch,
  type DispatchOptions,
} from "../../services/dispatch";
import { acceptOffer } from "../../services/agency-offers";
import { addHoliday } from "../../services/holidays";
import { registerFromCall } from "../../services/intake";
import { expireOffer, offerJobKey } from "../../services/offers";
import { ReassignRefusedError, reassignTicket, setAgencyStatus, setAgencyStatusInTrx } from "../../services/supervision";
import { taskList } from "../../workers";
import { getTestDb, getTestDbUrl, resetDatabase } from "../support/db";

let db: DB;
const MINUTE = 60_000;
const links: PublicLinks = { baseUrl: "https://service.example.ir", trackingSecret: "test-tracking-secret-0123456789" };
const opts: DispatchOptions = { offerMinutes: 30, links };
// Tehran (Azadi square and around): the customer's pin
const CUSTOMER = { lat: 35.6997, lng: 51.338 };

let brandId: number;
let categoryId: number;
let otherCategoryId: number;
let customerId: number;
let productId: number;
let otherProductId: number;
let modelId: number;

interface AgencySpec {
  code: string;
  status?: "active" | "suspended" | "terminated";
  lat?: number | null;
  lng?: number | null;
  radius?: number | null;
  area?: { province: string; city: string | null } | null;
  authorized?: boolean;
  hours?: WorkingHours;
  capacity?: number;
  technicians?: number;
  mobile?: string | null;
}

async function agency(s: AgencySpec): Promise<number> {
  const status = s.status ?? "active";
  const lat = s.lat === undefined ? CUSTOMER.lat + 0.05 : s.lat;
  const a = await db
    .insertInto("agencies")
    .values({
      code: s.code,
      name: `نمایندگی ${s.code}`,
      province: "تهران",
      city: "تهران",
      status,
      status_reason: status === "active" ? null : "آزمون",
      lat,
      lng: lat === null ? null : (s.lng ?? CUSTOMER.lng),
      service_radius_km: s.radius === undefined ? 20 : s.radius,
      technician_count: s.technicians ?? 3,
      daily_job_capacity: s.capacity ?? 10,
      working_hours: JSON.stringify(s.hours ?? ALWAYS_OPEN),
      mobile: s.mobile === undefined ? `+98912${String(1000000 + Math.floor(Math.random() * 8999999)).slice(0, 7)}` : s.mobile,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const area = s.area === undefined ? { province: "تهران", city: "تهران" } : s.area;
  if (area) await db.insertInto("agency_service_areas").values({ agency_id: a.id, ...area }).execute();
  if (s.authorized ?? true) await db.insertInto("agency_authorizations").values({ agency_id: a.id, brand_id: brandId, category_id: categoryId }).execute();
  return a.id;
}

async function ticket(o: { status?: "new" | "dispatching"; product?: number; lat?: number | null; city?: string } = {}): Promise<number> {
  const lat = o.lat === undefined ? CUSTOMER.lat : o.lat;
  const t = await db
    .insertInto("tickets")
    .values({
      type: "breakdown",
      channel: "phone",
      customer_id: customerId,
      customer_product_id: o.product ?? productId,
      warranty_status: "in_warranty",
      status: o.status ?? "new",
      province: "تهران",
      city: o.city ?? "تهران",
      address_text: "تهران، خیابان آزادی",
      lat,
      lng: lat === null ? null : CUSTOMER.lng,
      sla_accept_due_at: new Date(Date.now() + 120 * MINUTE),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return t.id;
}

async function busy(agencyId: number, n: number) {
  for (let i = 0; i < n; i++) {
    await db
      .insertInto("tickets")
      .values({ type: "breakdown", channel: "phone", customer_id: customerId, warranty_status: "in_warranty", status: "assigned", assigned_agency_id: agencyId })
      .execute();
  }
}

async function events(ticketId: number) {
  return db.selectFrom("ticket_events").select(["event_type", "from_status", "to_status", "data"]).where("ticket_id", "=", ticketId).orderBy("id").execute();
}

async function runDueJobs() {
  const env = loadEnv({ NODE_ENV: "test", SESSION_SECRET: "test-secret-test-secret", DATA_DIR: ".data/test-env", PUBLIC_BASE_URL: links.baseUrl });
  // only the dispatch tasks: the queued SMS stay in the outbox (no SMS provider here)
  const { ticket__dispatch, offer__expire } = taskList({ db, env });
  await runOnce({ connectionString: await getTestDbUrl(), taskList: { ticket__dispatch: ticket__dispatch!, offer__expire: offer__expire! }, logger: quietGraphileLogger() });
}

beforeAll(async () => {
  db = await getTestDb();
});

beforeEach(async () => {
  await resetDatabase(db);
  const brand = await db.insertInto("brands").values({ code: "snowa", name_fa: "اسنوا", name_en: "Snowa" }).returning("id").executeTakeFirstOrThrow();
  const [cat, other] = await db
    .insertInto("product_categories")
    .values([
      { code: "washer", name_fa: "ماشین لباسشویی", name_en: "Washing machine" },
      { code: "tv", name_fa: "تلویزیون", name_en: "Television" },
    ])
    .returning("id")
    .execute();
  brandId = brand.id;
  categoryId = cat!.id;
  otherCategoryId = other!.id;
  const [m1, m2] = await db
    .insertInto("product_models")
    .values([
      { brand_id: brandId, category_id: categoryId, model_code: "SWM-84", name: "لباسشویی ۸ کیلویی" },
      { brand_id: brandId, category_id: otherCategoryId, model_code: "STV-55", name: "تلویزیون ۵۵ اینچ" },
    ])
    .returning("id")
    .execute();
  modelId = m1!.id;
  customerId = (await db.insertInto("customers").values({ full_name: "نرگس امینی", mobile: "+989121234500" }).returning("id").executeTakeFirstOrThrow()).id;
  const [p1, p2] = await db
    .insertInto("customer_products")
    .values([
      { customer_id: customerId, model_id: m1!.id, serial_number: "SN-1", warranty_months: 18 },
      { customer_id: customerId, model_id: m2!.id, serial_number: "SN-2", warranty_months: 18 },
    ])
    .returning("id")
    .execute();
  productId = p1!.id;
  otherProductId = p2!.id;
});

describe("dispatchTicket", () => {
  it("offers the ticket to the best candidate, with history, decision, audit, SMS and deadline job", async () => {
    const near = await agency({ code: "THR-001", lat: CUSTOMER.lat + 0.01 });
    const far = await agency({ code: "THR-002", lat: CUSTOMER.lat + 0.1 });
    const t = await ticket();
    const now = new Date();
    const r = await dispatchTicket(db, DISPATCH_ACTOR, { ticketId: t }, { ...opts, now });
    expect(r).toMatchObject({ outcome: "offered", agencyId: near });
    if (r.outcome !== "offered") throw new Error("not offered");
    expect(r.deadlineAt.getTime()).toBe(now.getTime() + 30 * MINUTE);

    const row = await db.selectFrom("tickets").select(["status", "dispatch_held_at"]).where("id", "=", t).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: "dispatching", dispatch_held_at: null });
    const offer = await db.selectFrom("dispatch_offers").selectAll().where("id", "=", r.offerId).executeTakeFirstOrThrow();
    expect(offer).toMatchObject({ ticket_id: t, agency_id: near, attempt: 1, status: "pending" });
    const ev = await events(t);
    expect(ev.map((e) => e.event_type)).toEqual(["status_changed", "offer_sent"]);
    expect(ev[0]).toMatchObject({ from_status: "new", to_status: "dispatching" });
    const sent = ev[1]!.data as { agency_id: number; top: { agency_id: number }[] };
    expect(sent.agency_id).toBe(near);
    expect(sent.top.map((c) => c.agency_id)).toEqual([near, far]);

    const decision = await dispatchDecision(db, { kind: "all" }, t);
    expect(decision?.outcome).toBe("offered");
    expect(decision?.ranked.map((c) => c.agencyId)).toEqual([near, far]);
    expect(decision?.ranked[0]!.components.distance).toBeGreaterThan(decision!.ranked[1]!.components.distance);
    expect(decision?.agencies[near]?.code).toBe("THR-001");
    await expect(dispatchDecision(db, { kind: "agency", agencyId: near }, t)).rejects.toThrow();

    const sms = await db.selectFrom("sms_messages").select(["purpose", "body", "agency_id", "ticket_id"]).execute();
    expect(sms).toHaveLength(1);
    expect(sms[0]).toMatchObject({ purpose: "dispatch_offer", agency_id: near, ticket_id: t });
    expect(sms[0]!.body).toContain("https://service.example.ir/agency");
    const audit = await db.selectFrom("audit_log").select(["action"]).where("entity_id", "=", String(t)).execute();
    expect(audit.map((a) => a.action)).toEqual(["dispatch.offer"]);
    const { rows: jobs } = await sql<{ run_at: Date }>`select run_at from graphile_worker._private_jobs where key = ${offerJobKey(r.offerId)}`.execute(db);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.run_at.getTime()).toBe(r.deadlineAt.getTime());
  });

  it("commits without waiting for the disk only when asked (the dispatch job, whose completion commits after it)", async () => {
    await agency({ code: "THR-001", lat: CUSTOMER.lat + 0.01 });
    const modeAfter = async (asyncCommit: boolean) => {
      const t = await ticket();
      return db.transaction().execute(async (trx) => {
        const r = await dispatchTicketInTrx(trx, DISPATCH_ACTOR, { ticketId: t }, { ...opts, now: new Date(), asyncCommit });
        expect(r.outcome).toBe("offered");
        return (await sql<{ mode: string }>`select current_setting('synchronous_commit') as mode`.execute(trx)).rows[0]!.mode;
      });
    };
    expect(await modeAfter(false)).toBe("on");
    expect(await modeAfter(true)).toBe("off");
    // for that transaction only
    expect((await sql<{ mode: string }>`select current_setting('synchronous_commit') as mode`.execute(db)).rows[0]!.mode).toBe("on");
  });

  it("excludes agencies with the right reasons and never offers them", async () => {
    const unauthorized = await agency({ code: "X-UNAUTH", authorized: false, lat: CUSTOMER.lat });
    const suspended = await agency({ code: "X-SUSP", status: "suspended", lat: CUSTOMER.lat });
    const terminated = await agency({ code: "X-TERM", status: "terminated", lat: CUSTOMER.lat });
    const outOfArea = await agency({ code: "X-AREA", area: { province: "تهران", city: "شهریار" }, lat: CUSTOMER.lat + 0.3, radius: 5 });
    const closed = await agency({ code: "X-CLOSED", hours: { sat: null, sun: null, mon: null, tue: null, wed: null, thu: null, fri: null }, lat: CUSTOMER.lat });
    const full = await agency({ code: "X-FULL", capacity: 2, lat: CUSTOMER.lat });
    await busy(full, 2);
    const noTechs = await agency({ code: "X-NOTECH", technicians: 0, lat: CUSTOMER.lat });
    const ok = await agency({ code: "THR-009", lat: CUSTOMER.lat + 0.15 });
    const t = await ticket();
    const r = await dispatchTicket(db, DISPATCH_ACTOR, { ticketId: t }, opts);
    expect(r).toMatchObject({ outcome: "offered", agencyId: ok });
    const d = (await dispatchDecision(db, { kind: "all" }, t))!;
    const reasons = Object.fromEntries(d.excluded.map((e) => [e.agencyId, e.reasons]));
    // the unauthorized agency is counted, not listed (db/repos/dispatch.ts)
    expect(d.unauthorizedNearby).toBe(1);
    expect(reasons[unauthorized]).toBeUndefined();
    expect(reasons).toEqual({
      [suspended]: ["suspended"],
      [terminated]: ["terminated"],
      [outOfArea]: ["out_of_area"],
      [closed]: ["closed"],
      [full]: ["full"],
      [noTechs]: ["full"],
    });
    expect(d.ranked.map((c) => c.agencyId)).toEqual([ok]);
  });

  it("covers by radius without an area row, and by a province-wide area row", async () => {
    const byRadius = await agency({ code: "R-1", area: null, lat: CUSTOMER.lat + 0.05, radius: 10 });
    const provinceWide = await agency({ code: "P-1", area: { province: "تهران", city: null }, lat: null });
    const t = await ticket({ city: "اسلامشهر" });
    await dispatchTicket(db, DISPATCH_ACTOR, { ticketId: t }, opts);
    const d = (await dispatchDecision(db, { kind: "all" }, t))!;
    expect(d.ranked.map((c) => c.agencyId)).toEqual([byRadius, provinceWide]);
    expect(d.ranked[1]!.components.distance).toBe(0);
  });

  it("holds a ticket nobody is authorized for, with the reason, an alert and the queue marker", async () => {
    await agency({ code: "THR-001" });
    const t = await ticket({ product: otherProductId });
    const listener = new pg.Client({ connectionString: await getTestDbUrl() });
    await listener.connect();
    const told = new Promise<string>((resolve) => listener.on("notification", (m) => resolve(m.payload ?? "")));
    await listener.query(`listen ${SUPERVISOR_ALERTS_CHANNEL}`);
    const r = await dispatchTicket(db, DISPATCH_ACTOR, { ticketId: t }, opts);
    expect(r).toMatchObject({ outcome: "held", reason: "no_authorized_agency" });
    // the manager home's live alerts hear of it (NOTIFY supervisor_alerts)
    expect(parseSupervisorAlertEvent(await told)).toMatchObject({ type: "dispatch_held", ticketId: t, reason: "no_authorized_agency" });
    await listener.end();
    const row = await db.selectFrom("tickets").select(["status", "dispatch_hold_reason"]).where("id", "=", t).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: "new", dispatch_hold_reason: "no_authorized_agency" });
    expect((await events(t)).map((e) => e.event_type)).toEqual(["dispatch_held"]);
    const alerts = await db.selectFrom("supervisor_alerts").select(["kind", "ticket_id", "stage"]).execute();
    expect(alerts).toEqual([{ kind: "dispatch_held", ticket_id: t, stage: "accept" }]);
    expect((await heldTickets(db)).map((h) => h.id)).toEqual([t]);
    // a second attempt holds again without a second alert
    await dispatchTicket(db, DISPATCH_ACTOR, { ticketId: t }, opts);
    expect(await db.selectFrom("supervisor_alerts").select("id").execute()).toHaveLength(1);
  });

  it("holds with 'all_full' and 'all_out_of_area'", async () => {
    const a = await agency({ code: "F-1", capacity: 1 });
    await busy(a, 1);
    const t1 = await ticket();
    expect(await dispatchTicket(db, DISPATCH_ACTOR, { ticketId: t1 }, opts)).toMatchObject({ outcome: "held", reason: "all_full" });
    const t2 = await ticket({ city: "مشهد", lat: 36.3 });
    expect(await dispatchTicket(db, DISPATCH_ACTOR, { ticketId: t2 }, opts)).toMatchObject({ outcome: "held", reason: "all_out_of_area" });
  });

  it("all closed: held, and the dispatch job queued again for the first opening, which offers it", async () => {
    const hours: WorkingHours = { sat: ["08:00", "17:00"], sun: ["08:00", "17:00"], mon: null, tue: null, wed: null, thu: null, fri: null };
    const a = await agency({ code: "THR-001", hours });
    const t = await ticket();
    const friday = new Date("2026-11-27T20:00:00+03:30");
    const r = await dispatchTicket(db, DISPATCH_ACTOR, { ticketId: t }, { ...opts, now: friday });
    const saturday8 = new Date("2026-11-28T08:00:00+03:30");
    expect(r).toEqual({ outcome: "held", reason: "all_closed", decisionId: expect.any(Number), retryAt: saturday8 });
    const { rows } = await sql<{ run_at: Date }>`select run_at from graphile_worker._private_jobs where key = ${dispatchJobKey(t)}`.execute(db);
    expect(rows.map((j) => j.run_at.getTime())).toEqual([saturday8.getTime()]);
    // at the opening the job's run offers it; the deadline counts working minutes
    const retried = await dispatchTicket(db, DISPATCH_ACTOR, { ticketId: t }, { ...opts, now: new Date(saturday8.getTime() + 1000) });
    expect(retried).toMatchObject({ outcome: "offered", agencyId: a });
    expect((await db.selectFrom("tickets").select(["status", "dispatch_held_at"]).where("id", "=", t).executeTakeFirstOrThrow())).toEqual({ status: "dispatching", dispatch_held_at: null });
    expect(await heldTickets(db)).toEqual([]);
  });

  it("leaves a ticket that is not waiting for dispatch alone", async () => {
    await agency({ code: "THR-001" });
    const t = await ticket();
    await db.updateTable("tickets").set({ status: "cancelled" }).where("id", "=", t).execute();
    expect(await dispatchTicket(db, DISPATCH_ACTOR, { ticketId: t }, opts)).toEqual({ outcome: "skipped", reason: "not_waiting" });
    expect(await events(t)).toEqual([]);
  });
});

describe("official holidays (the working-day clock, issue 15 §2)", () => {
  const at = (x: string) => new Date(`${x}+03:30`);
  /** the call centre's week: Sat–Wed 08:00–17:00, Thu 08:00–13:00, Friday off */
  const OFFICE: WorkingHours = { sat: ["08:00", "17:00"], sun: ["08:00", "17:00"], mon: ["08:00", "17:00"], tue: ["08:00", "17:00"], wed: ["08:00", "17:00"], thu: ["08:00", "13:00"], fri: null };
  /** an evening agency: Saturday to Thursday 08:00–20:00 */
  const LONG_DAYS: WorkingHours = { sat: ["08:00", "20:00"], sun: ["08:00", "20:00"], mon: ["08:00", "20:00"], tue: ["08:00", "20:00"], wed: ["08:00", "20:00"], thu: ["08:00", "20:00"], fri: null };

  async function addSundayHoliday() {
    const admin = await db.insertInto("users").values({ username: "hol-admin", display_name: "مدیر سامانه", role: "admin", password_hash: "x" }).returning("id").executeTakeFirstOrThrow();
    // 1405/09/08 = Sunday 2026-11-29
    await addHoliday(db, { kind: "user", userId: admin.id, ip: "127.0.0.1" }, { year: 1405, month: 9, day: 8, reason: "تعطیلی آزمایشی" });
  }

  it("an admin's new holiday: the next dispatch finds the agency closed for it, retries at the next working day; the deadline skips it", async () => {
    const a = await agency({ code: "THR-001", hours: OFFICE });
    const t = await ticket();
    // before the admin's change, Sunday 10:00 is working time: offered at once
    const before = await dispatchTicket(db, DISPATCH_ACTOR, { ticketId: t }, { ...opts, now: at("2026-11-29T10:00:00") });
    expect(before).toMatchObject({ outcome: "offered", agencyId: a, deadlineAt: at("2026-11-29T10:30:00") });

    await addSundayHoliday();
    const t2 = await ticket();
    const held = await dispatchTicket(db, DISPATCH_ACTOR, { ticketId: t2 }, { ...opts, now: at("2026-11-29T10:00:00") });
    expect(held).toEqual({ outcome: "held", reason: "all_closed", decisionId: expect.any(Number), retryAt: at("2026-11-30T08:00:00") });
    const decision = await dispatchDecision(db, { kind: "all" }, t2);
    expect(decision!.excluded.find((e) => e.agencyId === a)!.reasons).toEqual(["holiday"]);
    const { rows } = await sql<{ run_at: Date }>`select run_at from graphile_worker._private_jobs where key = ${dispatchJobKey(t2)}`.execute(db);
    expect(rows.map((j) => j.run_at.getTime())).toEqual([at("2026-11-30T08:00:00").getTime()]);

    // offered Saturday 16:50: 10 minutes on Saturday, Sunday off, 20 on Monday
    const t3 = await ticket();
    const late = await dispatchTicket(db, DISPATCH_ACTOR, { ticketId: t3 }, { ...opts, now: at("2026-11-28T16:50:00") });
    expect(late).toMatchObject({ outcome: "offered", agencyId: a, deadlineAt: at("2026-11-30T08:20:00") });
    const stored = await db.selectFrom("dispatch_offers").select("deadline_at").where("ticket_id", "=", t3).executeTakeFirstOrThrow();
    expect(stored.deadline_at).toEqual(at("2026-11-30T08:20:00"));
  });

  it("a 24/7 agency stays open on the holiday", async () => {
    await addSundayHoliday();
    const a = await agency({ code: "THR-247", hours: ALWAYS_OPEN });
    const r = await dispatchTicket(db, DISPATCH_ACTOR, { ticketId: await ticket() }, { ...opts, now: at("2026-11-29T10:00:00") });
    expect(r).toMatchObject({ outcome: "offered", agencyId: a, deadlineAt: at("2026-11-29T10:30:00") });
  });

  it("acceptance moves the visit and resolve due times onto the agency's hours (the sweep's and the reports' columns)", async () => {
    await addSundayHoliday();
    // urgent: accept 60, visit 240, resolve 600 working minutes
    await db.insertInto("sla_targets").values({ priority: "urgent", category_id: null, province: null, accept_minutes: 60, visit_minutes: 240, resolve_minutes: 600 }).execute();
    const a = await agency({ code: "THR-LATE", hours: LONG_DAYS });
    const staff = await db.insertInto("users").values({ username: "late-admin", display_name: "مدیر نمایندگی", role: "agency_admin", agency_id: a, password_hash: "x" }).returning("id").executeTakeFirstOrThrow();
    const created = at("2026-11-28T15:00:00"); // Saturday
    // intake's due times on the call centre's clock: visit = 120 on Saturday + 120 on Monday (Sunday off) → Monday 10:00;
    // resolve = 120 + 480 → Monday 16:00
    const t = (
      await db
        .insertInto("tickets")
        .values({
          type: "breakdown", channel: "phone", customer_id: customerId, customer_product_id: productId, warranty_status: "in_warranty",
          status: "new", priority: "urgent", province: "تهران", city: "تهران", lat: CUSTOMER.lat, lng: CUSTOMER.lng, created_at: created,
          sla_accept_due_at: at("2026-11-28T16:00:00"), sla_visit_due_at: at("2026-11-30T10:00:00"), sla_resolve_due_at: at("2026-11-30T16:00:00"),
        })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
    const offered = await dispatchTicket(db, DISPATCH_ACTOR, { ticketId: t }, { ...opts, now: created });
    expect(offered).toMatchObject({ outcome: "offered", agencyId: a });
    const offerId = (offered as { offerId: number }).offerId;
    // accepted at 15:10: 10 working minutes used on the call centre's clock; the rest on the agency's 08:00–20:00
    await acceptOffer(db, { kind: "agency", userId: staff.id, ip: "127.0.0.1" }, { offerId }, { now: at("2026-11-28T15:10:00") });
    const row = await db.selectFrom("tickets").select(["sla_accept_due_at", "sla_visit_due_at", "sla_resolve_due_at"]).where("id", "=", t).executeTakeFirstOrThrow();
    expect(row).toEqual({
      sla_accept_due_at: at("2026-11-28T16:00:00"), // the call centre's stage: unchanged
      sla_visit_due_at: at("2026-11-28T19:00:00"), // 230 left from 15:10, the agency is open till 20:00
      sla_resolve_due_at: at("2026-11-30T13:00:00"), // 590 left: 290 on Saturday, Sunday off, 300 on Monday from 08:00
    });
    const m = await db.selectFrom("ticket_milestones").select(["visit_due_at", "resolve_due_at"]).where("ticket_id", "=", t).executeTakeFirstOrThrow();
    expect(m).toEqual({ visit_due_at: at("2026-11-28T19:00:00"), resolve_due_at: at("2026-11-30T13:00:00") });
    const accepted = await db.selectFrom("ticket_events").select("data").where("ticket_id", "=", t).where("event_type", "=", "offer_accepted").executeTakeFirstOrThrow();
    expect(accepted.data).toMatchObject({ sla_visit_due_at: at("2026-11-28T19:00:00").toISOString(), sla_resolve_due_at: at("2026-11-30T13:00:00").toISOString() });
  });
});

describe("the offer's lapse moves the ticket on", () => {
  it("deadline passed → next candidate; then all exhausted → held with 'offers_exhausted'", async () => {
    const first = await agency({ code: "THR-001", lat: CUSTOMER.lat + 0.01 });
    const second = await agency({ code: "THR-002", lat: CUSTOMER.lat + 0.1 });
    const t = await ticket();
    const start = new Date();
    const r1 = await dispatchTicket(db, DISPATCH_ACTOR, { ticketId: t }, { ...opts, now: start });
    expect(r1).toMatchObject({ outcome: "offered", agencyId: first });
    if (r1.outcome !== "offered") throw new Error();
    const later = new Date(r1.deadlineAt.getTime() + 1000);
    const onLapsed = offerNextCandidateWith(opts);
    expect(await expireOffer(db, r1.offerId, { now: later, onLapsed })).toMatchObject({ outcome: "expired" });
    const offers = await db.selectFrom("dispatch_offers").select(["agency_id", "attempt", "status", "deadline_at"]).where("ticket_id", "=", t).orderBy("id").execute();
    expect(offers.map((o) => [o.agency_id, o.attempt, o.status])).toEqual([
      [first, 1, "expired"],
      [second, 2, "pending"],
    ]);
    expect((await db.selectFrom("tickets").select("status").where("id", "=", t).executeTakeFirstOrThrow()).status).toBe("dispatching");

    const secondOfferId = (await db.selectFrom("dispatch_offers").select("id").where("ticket_id", "=", t).where("status", "=", "pending").executeTakeFirstOrThrow()).id;
    const end = new Date(offers[1]!.deadline_at.getTime() + 1000);
    await expireOffer(db, secondOfferId, { now: end, onLapsed });
    const row = await db.selectFrom("tickets").select(["status", "dispatch_hold_reason"]).where("id", "=", t).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: "new", dispatch_hold_reason: "offers_exhausted" });
    const ev = (await events(t)).map((e) => [e.event_type, e.from_status, e.to_status]);
    expect(ev).toEqual([
      ["status_changed", "new", "dispatching"],
      ["offer_sent", null, null],
      ["offer_expired", null, null],
      ["offer_sent", null, null],
      ["offer_expired", null, null],
      ["status_changed", "dispatching", "new"],
      ["dispatch_held", null, null],
    ]);
    expect(await db.selectFrom("supervisor_alerts").select("kind").execute()).toEqual([{ kind: "dispatch_held" }]);
  });

  it("a declined offer (rejected, ticket still dispatching) goes to the next candidate too", async () => {
    const first = await agency({ code: "THR-001", lat: CUSTOMER.lat + 0.01 });
    const second = await agency({ code: "THR-002", lat: CUSTOMER.lat + 0.1 });
    const t = await ticket();
    const r1 = await dispatchTicket(db, DISPATCH_ACTOR, { ticketId: t }, opts);
    if (r1.outcome !== "offered") throw new Error();
    expect(r1.agencyId).toBe(first);
    // what a reject does (services/agency-offers.ts): the offer answered, then the handler in the same transaction
    await db.transaction().execute(async (trx) => {
      await trx.selectFrom("tickets").select("id").where("id", "=", t).forUpdate().execute();
      await trx.updateTable("dispatch_offers").set({ status: "rejected", responded_at: new Date(), response_reason: "تکنسین آزاد نداریم" }).where("id", "=", r1.offerId).execute();
      await offerNextCandidateWith(opts)(trx, { ticketId: t, ticketStatus: "dispatching", ticketType: "breakdown", offerId: r1.offerId, agencyId: first, now: new Date() });
    });
    const pending = await db.selectFrom("dispatch_offers").select(["agency_id", "attempt"]).where("ticket_id", "=", t).where("status", "=", "pending").executeTakeFirstOrThrow();
    expect(pending).toEqual({ agency_id: second, attempt: 2 });
  });

  it("the offer__expire task uses the next-candidate handler", async () => {
    const first = await agency({ code: "THR-001", lat: CUSTOMER.lat + 0.01 });
    const second = await agency({ code: "THR-002", lat: CUSTOMER.lat + 0.1 });
    const t = await ticket();
    const r1 = await dispatchTicket(db, DISPATCH_ACTOR, { ticketId: t }, { ...opts, now: new Date(Date.now() - 60 * MINUTE) });
    if (r1.outcome !== "offered") throw new Error();
    expect(r1.agencyId).toBe(first);
    await runDueJobs();
    const offers = await db.selectFrom("dispatch_offers").select(["agency_id", "status"]).where("ticket_id", "=", t).orderBy("id").execute();
    expect(offers).toEqual([
      { agency_id: first, status: "expired" },
      { agency_id: second, status: "pending" },
    ]);
  });
});

describe("automatic dispatch of a registered breakdown", () => {
  it("registration queues ticket__dispatch for a breakdown (not for a complaint); the job offers it", async () => {
    const a = await agency({ code: "THR-001" });
    const user = await db.insertInto("users").values({ username: "oper", display_name: "سارا محمدی", role: "operator", password_hash: "x" }).returning("id").executeTakeFirstOrThrow();
    const actor = { kind: "user" as const, userId: user.id };
    const common = {
      customer: { fullName: "مریم رضایی", mobile: "+989121234567", nationalCode: null },
      description: "لباسشویی آب را تخلیه نمی‌کند",
      address: { province: "تهران", city: "تهران", text: "خیابان آزادی، پلاک ۳", lat: CUSTOMER.lat, lng: CUSTOMER.lng },
    };
    const reg = await registerFromCall(db, actor, { idempotencyKey: randomUUID(), kind: "breakdown", product: { serial: "SN-REG-1", modelId }, ...common }, { links });
    const complaint = await registerFromCall(db, actor, { idempotencyKey: randomUUID(), kind: "complaint", ...common }, { links });
    const { rows } = await sql<{ key: string; payload: { ticketId: number } }>`
      select j.key, j.payload from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
      where t.identifier = 'ticket__dispatch'`.execute(db);
    expect(rows).toEqual([{ key: dispatchJobKey(reg.ticketId), payload: { ticketId: reg.ticketId } }]);
    expect(rows.some((r) => r.payload.ticketId === complaint.ticketId)).toBe(false);
    // registration itself ranks nobody: the ticket is still new, with no offer
    expect((await db.selectFrom("tickets").select("status").where("id", "=", reg.ticketId).executeTakeFirstOrThrow()).status).toBe("new");
    await runDueJobs();
    const offers = await db.selectFrom("dispatch_offers").select(["agency_id", "status"]).where("ticket_id", "=", reg.ticketId).execute();
    expect(offers).toEqual([{ agency_id: a, status: "pending" }]);
  });

  it("the ticket__dispatch job dispatches; run again it leaves the ticket alone", async () => {
    const a = await agency({ code: "THR-001" });
    const t = await ticket();
    await db.transaction().execute((trx) => queueTicketDispatch(trx, t));
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from graphile_worker._private_jobs where key = ${dispatchJobKey(t)}`.execute(db);
    expect(rows[0]!.n).toBe(1);
    await runDueJobs();
    const offers = await db.selectFrom("dispatch_offers").select(["agency_id"]).where("ticket_id", "=", t).execute();
    expect(offers).toEqual([{ agency_id: a }]);
    await db.transaction().execute((trx) => queueTicketDispatch(trx, t));
    await runDueJobs();
    expect(await db.selectFrom("dispatch_offers").select(["agency_id"]).where("ticket_id", "=", t).execute()).toHaveLength(1);
  });
});

describe("agency performance", () => {
  it("counts accepted and decided offers of the window", async () => {
    const a = await agency({ code: "THR-001" });
    const t = await ticket();
    const now = new Date();
    await db
      .insertInto("dispatch_offers")
      .values([
        { ticket_id: t, agency_id: a, attempt: 1, status: "accepted", offered_at: new Date(now.getTime() - 60 * MINUTE), deadline_at: now, responded_at: now },
        { ticket_id: t, agency_id: a, attempt: 2, status: "rejected", offered_at: new Date(now.getTime() - 50 * MINUTE), deadline_at: now, responded_at: now },
      ])
      .execute();
    expect(await refreshAgencyPerformance(db, now)).toBe(1);
    const p = await db.selectFrom("agency_performance").select(["offers_accepted", "offers_decided"]).where("agency_id", "=", a).executeTakeFirstOrThrow();
    expect(p).toEqual({ offers_accepted: 1, offers_decided: 2 });
  });
});

describe("never offers an agency that breaks a hard constraint (random fixtures on PostgreSQL)", () => {
  it("unauthorized, suspended, terminated, out-of-area, closed or full agencies are never offered", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            status: fc.constantFrom("active", "active", "suspended", "terminated"),
            authorized: fc.boolean(),
            inArea: fc.boolean(),
            radius: fc.option(fc.integer({ min: 1, max: 30 }), { nil: null }),
            dLat: fc.double({ min: -0.4, max: 0.4, noNaN: true }),
            open: fc.boolean(),
            capacity: fc.integer({ min: 0, max: 3 }),
            busy: fc.integer({ min: 0, max: 3 }),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        async (specs) => {
          run++;
          // each run in a province of its own, far from the others' (no agency of another run is near)
          const province = `استان آزمون ${run}`;
          const place = { lat: 25 + run * 1.5, lng: 50 };
          const ids: number[] = [];
          for (const [i, sp] of specs.entries()) {
            const id = await agency({
              code: `P${run}-${i}`,
              status: sp.status as "active" | "suspended" | "terminated",
              authorized: sp.authorized,
              area: sp.inArea ? { province, city: "مرکز" } : null,
              radius: sp.radius,
              lat: place.lat + sp.dLat,
              lng: place.lng,
              capacity: sp.capacity,
              hours: sp.open ? ALWAYS_OPEN : { sat: null, sun: null, mon: null, tue: null, wed: null, thu: null, fri: null },
            });
            await busy(id, sp.busy);
            ids.push(id);
          }
          const t = await db
            .insertInto("tickets")
            .values({ type: "breakdown", channel: "phone", customer_id: customerId, customer_product_id: productId, warranty_status: "in_warranty", province, city: "مرکز", lat: place.lat, lng: place.lng })
            .returning("id")
            .executeTakeFirstOrThrow();
          const r = await dispatchTicket(db, DISPATCH_ACTOR, { ticketId: t.id }, opts);
          if (r.outcome !== "offered") {
            expect(r.outcome).toBe("held");
            // held only when no agency passes every constraint
            const anyOk = specs.some((sp, i) => {
              const km = Math.abs(sp.dLat) * 111.2;
              return sp.status === "active" && sp.authorized && (sp.inArea || (sp.radius !== null && km <= sp.radius - 0.5)) && sp.open && sp.busy < sp.capacity && ids[i];
            });
            expect(anyOk).toBe(false);
            return;
          }
          const sp = specs[ids.indexOf(r.agencyId)]!;
          expect(sp.status).toBe("active");
          expect(sp.authorized).toBe(true);
          expect(sp.open).toBe(true);
          expect(sp.busy).toBeLessThan(sp.capacity);
          expect(sp.inArea || (sp.radius !== null && Math.abs(sp.dLat) * 111.2 <= sp.radius + 0.5)).toBe(true);
        },
      ),
      { numRuns: 12 },
    );
  }, 120_000);
});

describe("two decisions at once never share an agency's last place, nor miss a suspension (the offer guard)", () => {
  /** Resolves when some backend waits for a lock (the agency's: the offer writers' advisory lock, or its row); rejects after 10 s. */
  async function someoneWaitsForALock(): Promise<void> {
    for (let i = 0; i < 400; i++) {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock'`.execute(db);
      if (rows[0]!.n > 0) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error("nobody waited for a lock: the second writer did not check the agency again");
  }

  /**
   * `first` writes inside a transaction left open until `second` (started meanwhile) is seen waiting for a
   * lock the first holds; then the first commits and the second's result is returned.
   */
  async function interleaved<T>(first: (trx: Transaction<Database>) => Promise<unknown>, second: () => Promise<T>): Promise<T> {
    let secondRun: Promise<T> | undefined;
    await db.transaction().execute(async (trx) => {
      await first(trx);
      secondRun = second();
      // (a second that does not wait would settle first: its own result then shows what went wrong)
      await Promise.race([someoneWaitsForALock(), secondRun.catch(() => undefined)]);
    });
    return secondRun!;
  }

  it("the second decision, offered the agency's last place a moment after the first, offers the next agency", async () => {
    const last = await agency({ code: "LAST-1", lat: CUSTOMER.lat + 0.005, capacity: 3 });
    await busy(last, 2);
    const next = await agency({ code: "NEXT-1", lat: CUSTOMER.lat + 0.08 });
    const [t1, t2] = [await ticket(), await ticket()];
    let first: unknown;
    const second = await interleaved(
      async (trx) => (first = await dispatchTicketInTrx(trx, DISPATCH_ACTOR, { ticketId: t1 }, opts)),
      () => dispatchTicket(db, DISPATCH_ACTOR, { ticketId: t2 }, opts),
    );
    expect(first).toMatchObject({ outcome: "offered", agencyId: last });
    expect(second).toMatchObject({ outcome: "offered", agencyId: next });
    const offers = await db.selectFrom("dispatch_offers").select(["ticket_id", "agency_id"]).where("status", "=", "pending").orderBy("ticket_id").execute();
    expect(offers).toEqual([
      { ticket_id: t1, agency_id: last },
      { ticket_id: t2, agency_id: next },
    ]);
    // the second decision's stored ranking is the one it acted on: the last place taken, the agency full
    const decision = await dispatchDecision(db, { kind: "all" }, t2);
    expect(decision?.ranked[0]?.agencyId).toBe(next);
    expect(decision?.excluded.find((e) => e.agencyId === last)?.reasons).toEqual(["full"]);
    // one offer_sent each, nothing written by the refused round
    expect((await events(t2)).filter((e) => e.event_type === "offer_sent")).toHaveLength(1);
    const sms = await db.selectFrom("sms_messages").select(["ticket_id", "agency_id"]).where("purpose", "=", "dispatch_offer").orderBy("ticket_id").execute();
    expect(sms).toEqual([
      { ticket_id: t1, agency_id: last },
      { ticket_id: t2, agency_id: next },
    ]);
  });

  it("a supervisor's reassignment to that last place, a moment after a decision took it, is refused as full", async () => {
    const last = await agency({ code: "LAST-1", lat: CUSTOMER.lat + 0.005, capacity: 1 });
    const other = await agency({ code: "OTHER-1", lat: CUSTOMER.lat + 0.08 });
    const [t1, t2] = [await ticket(), await ticket()];
    // t2 waits on an offer to the other agency; the supervisor wants it at `last`
    expect(await dispatchTicket(db, DISPATCH_ACTOR, { ticketId: t2 }, { ...opts, nearest: 0 })).toMatchObject({ outcome: "offered" });
    await db.updateTable("dispatch_offers").set({ agency_id: other }).where("ticket_id", "=", t2).execute();
    const supervisor = { kind: "system" as const, label: "سرپرست" };
    const refusal = await interleaved(
      (trx) => dispatchTicketInTrx(trx, DISPATCH_ACTOR, { ticketId: t1 }, opts),
      () => reassignTicket(db, supervisor, { ticketId: t2, agencyId: last, reason: "درخواست مشتری" }, { links }).then(() => null, (e: unknown) => e),
    );
    expect(refusal).toBeInstanceOf(ReassignRefusedError);
    expect((refusal as ReassignRefusedError).refusal).toEqual({ code: "hard_constraint", reasons: ["full"] });
    // nothing of the refused reassignment stayed: t2's offer to the other agency is still pending
    const offers = await db.selectFrom("dispatch_offers").select(["ticket_id", "agency_id", "status"]).orderBy("ticket_id").execute();
    expect(offers).toEqual([
      { ticket_id: t1, agency_id: last, status: "pending" },
      { ticket_id: t2, agency_id: other, status: "pending" },
    ]);
  });

  it("a decision ranking an agency as it is being suspended: the offer waits for the suspension, then goes to the next agency", async () => {
    const a = await agency({ code: "SUSP-1", lat: CUSTOMER.lat + 0.005 });
    const b = await agency({ code: "NEXT-1", lat: CUSTOMER.lat + 0.08 });
    const t = await ticket();
    const supervisor = { kind: "system" as const, label: "سرپرست" };
    const result = await interleaved(
      (trx) => setAgencyStatusInTrx(trx, supervisor, { agencyId: a, status: "suspended", reason: "شکایت‌های مکرر" }, opts),
      () => dispatchTicket(db, DISPATCH_ACTOR, { ticketId: t }, opts),
    );
    expect(result).toMatchObject({ outcome: "offered", agencyId: b });
    const offers = await db.selectFrom("dispatch_offers").select(["agency_id", "status"]).where("ticket_id", "=", t).execute();
    expect(offers).toEqual([{ agency_id: b, status: "pending" }]);
  });

  it("an agency suspended while an offer to it is being written: the suspension waits for it, withdraws it and sends the ticket on", async () => {
    const a = await agency({ code: "SUSP-1", lat: CUSTOMER.lat + 0.005 });
    const b = await agency({ code: "NEXT-1", lat: CUSTOMER.lat + 0.08 });
    const t = await ticket();
    const supervisor = { kind: "system" as const, label: "سرپرست" };
    const result = await interleaved(
      async (trx) => expect(await dispatchTicketInTrx(trx, DISPATCH_ACTOR, { ticketId: t }, opts)).toMatchObject({ outcome: "offered", agencyId: a }),
      () => setAgencyStatus(db, supervisor, { agencyId: a, status: "suspended", reason: "شکایت‌های مکرر" }, opts),
    );
    expect(result.withdrawn).toEqual([{ ticketId: t, offerId: expect.any(Number), outcome: "offered", nextAgencyId: b }]);
    const offers = await db.selectFrom("dispatch_offers").select(["agency_id", "status"]).where("ticket_id", "=", t).orderBy("id").execute();
    expect(offers).toEqual([
      { agency_id: a, status: "withdrawn" },
      { agency_id: b, status: "pending" },
    ]);
  });
});

describe("the offer guard counts as the ranking does", () => {
  it("dispatch_offer_allowed finds room exactly when the candidate query's open jobs are below the capacity", async () => {
    const a = await agency({ code: "CNT-1" });
    // jobs in every status: only AGENCY_LOAD_STATUSES count
    for (const status of ["assigned", "scheduled", "in_progress", "on_hold", "completed", "closed", "cancelled", "new", "dispatching"] as const) {
      await db.insertInto("tickets").values({ type: "breakdown", channel: "phone", customer_id: customerId, warranty_status: "in_warranty", status, assigned_agency_id: a }).execute();
    }
    // offers in every state: only pending ones whose deadline is after `now` count
    const now = new Date();
    for (const [status, deadlineMinutes] of [["pending", 30], ["pending", -5], ["accepted", 30], ["rejected", 30], ["expired", -5], ["withdrawn", 30]] as const) {
      const t = await ticket({ status: "dispatching" });
      await db
        .insertInto("dispatch_offers")
        .values({ ticket_id: t, agency_id: a, attempt: 1, status, offered_at: new Date(now.getTime() - 60 * MINUTE), deadline_at: new Date(now.getTime() + deadlineMinutes * MINUTE), responded_at: status === "pending" ? null : now })
        .execute();
    }
    const probe = await ticket();
    const facts = (await ticketDispatchFacts(db, probe))!;
    const { candidates } = await candidateFacts(db, facts, now);
    const openJobs = candidates.find((c) => c.agencyId === a)!.openJobs;
    expect(openJobs).toBe(4 + 1);
    const allowed = async (capacity: number) =>
      (await sql<{ ok: boolean }>`select dispatch_offer_allowed(${a}::bigint, ${capacity}::int, ${now}::timestamptz, ${[...AGENCY_LOAD_STATUSES]}::text[]) as ok`.execute(db)).rows[0]!.ok;
    expect(await allowed(openJobs)).toBe(false);
    expect(await allowed(openJobs + 1)).toBe(true);
    // and never for an agency no longer active, whatever its room
    await db.updateTable("agencies").set({ status: "suspended", status_reason: "آزمون" }).where("id", "=", a).execute();
    expect(await allowed(openJobs + 100)).toBe(false);
  });
});
