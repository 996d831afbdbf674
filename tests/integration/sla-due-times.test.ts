/**
 * The SLA due times after intake (issue 15 §2) on real PostgreSQL: the target a ticket keeps from its
 * registration (tickets.sla_*_minutes), counted on the accepting agency's clock at acceptance
 * (services/agency-due-times.ts), and the SLA sweep's marks that moved due times make untrue (withdrawn, then
 * weighed again by the next sweep); what else follows a job leaving its agency (taken back or cancelled: the hold
 * cleared, the agency's open part requests cancelled). Times are Tehran's (+03:30); the call centre keeps its default hours
 * (Sat–Wed 08:00–17:00, Thu 08:00–13:00) and 2026-11-28 is a Saturday.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { ALWAYS_OPEN, type WorkingHours } from "../../core/dispatch";
import type { DB } from "../../db/connection";
import { acceptOffer } from "../../services/agency-offers";
import { sweepSla } from "../../services/sla";
import { reassignTicket } from "../../services/supervision";
import { cancelTicket, changeTicketStatus } from "../../services/tickets";
import { dispatchJobKey } from "../../services/dispatch";
import { sql } from "kysely";
import pg from "pg";
import { parseSupervisorAlertEvent, SUPERVISOR_ALERTS_CHANNEL } from "../../core/sla";
import { getTestDb, getTestDbUrl, resetDatabase } from "../support/db";

let db: DB;
const ids = { a: 0, b: 0, customer: 0, product: 0, category: 0, staffA: 0, staffB: 0, supervisor: 0, part: 0 };
const links = { baseUrl: "https://service.example.ir", trackingSecret: "test-secret-test-secret" };
const at = (s: string) => new Date(`${s}+03:30`);
const OFFICE: WorkingHours = { sat: ["08:00", "17:00"], sun: ["08:00", "17:00"], mon: ["08:00", "17:00"], tue: ["08:00", "17:00"], wed: ["08:00", "17:00"], thu: ["08:00", "13:00"], fri: null };

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
      (["A", "B"] as const).map((x) => ({
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
        working_hours: JSON.stringify(ALWAYS_OPEN),
      })),
    )
    .returning("id")
    .execute();
  [ids.a, ids.b] = agencies.map((r) => r.id) as [number, number];
  await db.insertInto("agency_authorizations").values([ids.a, ids.b].map((id) => ({ agency_id: id, brand_id: brand.id, category_id: cat.id }))).execute();
  await db.insertInto("agency_service_areas").values([ids.a, ids.b].map((id) => ({ agency_id: id, province: "تهران", city: "تهران" }))).execute();
  ids.customer = (await db.insertInto("customers").values({ full_name: "مریم احمدی", mobile: "+989121234567" }).returning("id").executeTakeFirstOrThrow()).id;
  ids.product = (
    await db
      .insertInto("customer_products")
      .values({ customer_id: ids.customer, model_id: model.id, serial_number: "SN1", warranty_months: 18 })
      .returning("id")
      .executeTakeFirstOrThrow()
  ).id;
  ids.category = cat.id;
  ids.part = (await db.insertInto("spare_parts").values({ model_id: model.id, code: "CMP-1", name: "کمپرسور", list_price_rials: 50_000_000 }).returning("id").executeTakeFirstOrThrow()).id;
  const users = await db
    .insertInto("users")
    .values([
      { username: "a-admin", display_name: "مدیر الف", role: "agency_admin", agency_id: ids.a, password_hash: "x" },
      { username: "b-admin", display_name: "مدیر ب", role: "agency_admin", agency_id: ids.b, password_hash: "x" },
      { username: "sup", display_name: "سرپرست", role: "supervisor", password_hash: "x" },
    ])
    .returning("id")
    .execute();
  [ids.staffA, ids.staffB, ids.supervisor] = users.map((u) => u.id) as [number, number, number];
});

const agencyActor = (userId: number) => ({ kind: "agency" as const, userId, ip: "127.0.0.1" });

/**
 * A breakdown registered at `created` and waiting for an agency's answer, with intake's due times on the call
 * centre's clock for the target it was registered under (`kept`, or no snapshot: a ticket from before it).
 */
async function dispatchingTicket(created: Date, due: { accept: Date; visit: Date; resolve: Date }, kept: { accept: number; visit: number; resolve: number } | null) {
  return (
    await db
      .insertInto("tickets")
      .values({
        type: "breakdown",
        channel: "phone",
        customer_id: ids.customer,
        customer_product_id: ids.product,
        problem_category_id: ids.category,
        warranty_status: "in_warranty",
        status: "dispatching",
        priority: "normal",
        province: "تهران",
        city: "تهران",
        lat: 35.71,
        lng: 51.41,
        created_at: created,
        sla_accept_due_at: due.accept,
        sla_visit_due_at: due.visit,
        sla_resolve_due_at: due.resolve,
        sla_accept_minutes: kept?.accept ?? null,
        sla_visit_minutes: kept?.visit ?? null,
        sla_resolve_minutes: kept?.resolve ?? null,
      })
      .returning("id")
      .executeTakeFirstOrThrow()
  ).id;
}

async function offerTo(ticketId: number, agencyId: number, deadline: Date) {
  return (await db.insertInto("dispatch_offers").values({ ticket_id: ticketId, agency_id: agencyId, offered_at: new Date(deadline.getTime() - 30 * 60_000), deadline_at: deadline }).returning("id").executeTakeFirstOrThrow()).id;
}

async function dueTimes(ticketId: number) {
  return db
    .selectFrom("tickets")
    .select(["sla_accept_due_at", "sla_visit_due_at", "sla_resolve_due_at", "sla_accept_minutes", "sla_visit_minutes", "sla_resolve_minutes"])
    .where("id", "=", ticketId)
    .executeTakeFirstOrThrow();
}

async function setAgencyHours(agencyId: number, hours: WorkingHours) {
  await db.updateTable("agencies").set({ working_hours: JSON.stringify(hours) }).where("id", "=", agencyId).execute();
}

describe("the target a ticket keeps", () => {
  it("acceptance counts the target of the registration, not a rule edited since", async () => {
    // registered Saturday 08:00 under normal: accept 60, visit 240, resolve 600 working minutes →
    // visit Saturday 12:00, resolve 540 on Saturday + 60 on Sunday → Sunday 09:00
    const created = at("2026-11-28T08:00:00");
    const intake = { accept: at("2026-11-28T09:00:00"), visit: at("2026-11-28T12:00:00"), resolve: at("2026-11-29T09:00:00") };
    const t = await dispatchingTicket(created, intake, { accept: 60, visit: 240, resolve: 600 });
    // the manager shortens the rule after the registration
    await db.insertInto("sla_targets").values({ priority: "normal", category_id: null, province: null, accept_minutes: 30, visit_minutes: 120, resolve_minutes: 300 }).execute();
    await setAgencyHours(ids.a, OFFICE);
    const offerId = await offerTo(t, ids.a, at("2026-11-28T10:00:00"));
    await acceptOffer(db, agencyActor(ids.staffA), { offerId }, { now: at("2026-11-28T09:00:00") });
    // an agency on the call centre's hours: exactly intake's due times — the edited rule would say 10:00 and 13:00
    expect(await dueTimes(t)).toEqual({
      sla_accept_due_at: intake.accept,
      sla_visit_due_at: intake.visit,
      sla_resolve_due_at: intake.resolve,
      sla_accept_minutes: 60,
      sla_visit_minutes: 240,
      sla_resolve_minutes: 600,
    });
  });

  it("a ticket registered before the snapshot gets the rule in force at its first recompute, and keeps it", async () => {
    const created = at("2026-11-28T08:00:00");
    const t = await dispatchingTicket(created, { accept: at("2026-11-28T09:00:00"), visit: at("2026-11-28T12:00:00"), resolve: at("2026-11-29T09:00:00") }, null);
    await db.insertInto("sla_targets").values({ priority: "normal", category_id: null, province: null, accept_minutes: 30, visit_minutes: 120, resolve_minutes: 300 }).execute();
    await setAgencyHours(ids.a, OFFICE);
    const offerId = await offerTo(t, ids.a, at("2026-11-28T10:00:00"));
    await acceptOffer(db, agencyActor(ids.staffA), { offerId }, { now: at("2026-11-28T09:00:00") });
    expect(await dueTimes(t)).toMatchObject({
      sla_visit_due_at: at("2026-11-28T10:00:00"),
      sla_resolve_due_at: at("2026-11-28T13:00:00"),
      sla_accept_minutes: 30,
      sla_visit_minutes: 120,
      sla_resolve_minutes: 300,
    });
  });
});

async function marks(ticketId: number) {
  return (await db.selectFrom("sla_marks").select(["stage", "level"]).where("ticket_id", "=", ticketId).orderBy("stage").orderBy("level").execute()).map((m) => `${m.stage}:${m.level}`);
}
async function openAlerts(ticketId: number) {
  return (
    await db.selectFrom("supervisor_alerts").select(["kind", "stage"]).where("ticket_id", "=", ticketId).where("acknowledged_at", "is", null).orderBy("id").execute()
  ).map((a) => `${a.stage}:${a.kind}`);
}

describe("marks that no longer hold", () => {
  it("an at-risk visit whose due time moves later at acceptance is withdrawn, with its alert; the sweep weighs it again", async () => {
    const created = at("2026-11-28T08:00:00");
    const t = await dispatchingTicket(created, { accept: at("2026-11-28T09:00:00"), visit: at("2026-11-28T12:00:00"), resolve: at("2026-11-29T09:00:00") }, { accept: 60, visit: 240, resolve: 600 });
    // Saturday 11:30: the visit (due 12:00) is past 80 % of its time (11:12); the accept stage (due 09:00) is breached
    await sweepSla(db, { now: at("2026-11-28T11:30:00") });
    expect(await marks(t)).toEqual(["accept:breached", "visit:at_risk"]);
    expect(await openAlerts(t)).toEqual(["accept:sla_breached", "visit:sla_at_risk"]);
    // A works Saturdays only till 11:45: accepted at 11:40 (220 minutes used on the call centre's clock), the
    // visit's 20 minutes left are 5 on Saturday and 15 on Sunday → Sunday 08:15; resolve 380 left → Sunday 14:15
    await setAgencyHours(ids.a, { ...OFFICE, sat: ["08:00", "11:45"] });
    const offerId = await offerTo(t, ids.a, at("2026-11-28T12:00:00"));
    const visitAlert = await db.selectFrom("supervisor_alerts").select("id").where("ticket_id", "=", t).where("stage", "=", "visit").executeTakeFirstOrThrow();
    // the managers' pages hear that the alert left the open list, as when someone acknowledges it
    const listener = new pg.Client({ connectionString: await getTestDbUrl() });
    await listener.connect();
    const heard: unknown[] = [];
    listener.on("notification", (n) => heard.push(parseSupervisorAlertEvent(n.payload ?? "")));
    await listener.query(`listen ${SUPERVISOR_ALERTS_CHANNEL}`);
    await acceptOffer(db, agencyActor(ids.staffA), { offerId }, { now: at("2026-11-28T11:40:00") });
    for (let i = 0; i < 50 && !heard.some((e) => (e as { type?: string } | null)?.type === "alert_acknowledged"); i++) await new Promise((r) => setTimeout(r, 100));
    await listener.end();
    expect(heard).toContainEqual({ type: "alert_acknowledged", alertId: Number(visitAlert.id), at: at("2026-11-28T11:40:00").toISOString() });
    expect(await dueTimes(t)).toMatchObject({ sla_visit_due_at: at("2026-11-29T08:15:00"), sla_resolve_due_at: at("2026-11-29T14:15:00") });
    // the visit is no longer at risk: its mark and its open alert are gone; the accept stage's breach stays
    expect(await marks(t)).toEqual(["accept:breached"]);
    expect(await openAlerts(t)).toEqual(["accept:sla_breached"]);
    const accepted = await db.selectFrom("ticket_events").select("data").where("ticket_id", "=", t).where("event_type", "=", "offer_accepted").executeTakeFirstOrThrow();
    expect(accepted.data).toMatchObject({ sla_withdrawn: [{ stage: "visit", level: "at_risk" }] });
    // the next sweep finds nothing; once 80 % of the new time has passed (Sunday 03:24) it marks the visit again
    expect(await sweepSla(db, { now: at("2026-11-28T11:50:00") })).toMatchObject({ visit: { atRisk: 0, breached: 0 } });
    expect(await sweepSla(db, { now: at("2026-11-29T04:00:00") })).toMatchObject({ visit: { atRisk: 1, breached: 0 } });
    expect(await marks(t)).toEqual(["accept:breached", "visit:at_risk"]);
  });
});

describe("a job taken back from its agency", () => {
  // registered Saturday 15:00 under normal (60 / 240 / 600): intake's visit 120 on Saturday + 120 on Sunday →
  // Sunday 10:00, resolve 120 + 480 → Sunday 16:00
  const created = at("2026-11-28T15:00:00");
  const intake = { accept: at("2026-11-28T16:00:00"), visit: at("2026-11-29T10:00:00"), resolve: at("2026-11-29T16:00:00") };
  const kept = { accept: 60, visit: 240, resolve: 600 };

  async function acceptedByA(acceptedAt: Date) {
    const t = await dispatchingTicket(created, intake, kept);
    const offerId = await offerTo(t, ids.a, new Date(acceptedAt.getTime() + 20 * 60_000));
    await acceptOffer(db, agencyActor(ids.staffA), { offerId }, { now: acceptedAt });
    return t;
  }

  it("reassigned by a supervisor: intake's due times while nobody holds it (the breach on A's clock withdrawn), then the next agency's on its acceptance", async () => {
    // A works around the clock: accepted 15:10, 10 minutes used → visit 230 left → Saturday 19:00; resolve → Sunday 01:00
    const t = await acceptedByA(at("2026-11-28T15:10:00"));
    expect(await dueTimes(t)).toMatchObject({ sla_visit_due_at: at("2026-11-28T19:00:00"), sla_resolve_due_at: at("2026-11-29T01:00:00") });
    await sweepSla(db, { now: at("2026-11-28T19:10:00") });
    expect(await marks(t)).toEqual(["visit:breached"]);
    expect(await openAlerts(t)).toEqual(["visit:sla_breached"]);

    const r = await reassignTicket(db, { kind: "user", userId: ids.supervisor }, { ticketId: t, agencyId: ids.b, reason: "نمایندگی الف نرفت" }, { links, now: at("2026-11-28T19:30:00") });
    const row = await db.selectFrom("tickets").select(["status", "assigned_agency_id"]).where("id", "=", t).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: "dispatching", assigned_agency_id: null });
    // nobody holds it: intake's due times, so the visit is no longer breached — its mark and alert withdrawn
    expect(await dueTimes(t)).toMatchObject({ sla_accept_due_at: intake.accept, sla_visit_due_at: intake.visit, sla_resolve_due_at: intake.resolve });
    expect(await marks(t)).toEqual([]);
    expect(await openAlerts(t)).toEqual([]);
    const back = await db.selectFrom("ticket_events").select("data").where("ticket_id", "=", t).where("event_type", "=", "status_changed").where("to_status", "=", "dispatching").executeTakeFirstOrThrow();
    expect(back.data).toMatchObject({
      reason: "نمایندگی الف نرفت",
      sla_visit_due_at: intake.visit.toISOString(),
      sla_resolve_due_at: intake.resolve.toISOString(),
      sla_withdrawn: [{ stage: "visit", level: "breached" }],
    });
    expect(await sweepSla(db, { now: at("2026-11-28T19:35:00") })).toMatchObject({ visit: { atRisk: 0, breached: 0 } });

    // B (around the clock too) accepts at 19:45: the 120 working minutes of Saturday before it count on the call
    // centre's clock (whoever held the job), the rest on B's → visit 120 left → 21:45, resolve 480 left → Sunday 03:45
    await acceptOffer(db, agencyActor(ids.staffB), { offerId: r.offerId }, { now: at("2026-11-28T19:45:00") });
    expect(await dueTimes(t)).toMatchObject({ sla_visit_due_at: at("2026-11-28T21:45:00"), sla_resolve_due_at: at("2026-11-29T03:45:00") });
    // and the sweep holds B to them
    expect(await sweepSla(db, { now: at("2026-11-28T22:00:00") })).toMatchObject({ visit: { atRisk: 0, breached: 1 } });
  });

  it("moved back to dispatch on the desk: it leaves its agency, gets intake's due times back and goes to the engine again", async () => {
    const t = await acceptedByA(at("2026-11-28T15:10:00"));
    await changeTicketStatus(db, { kind: "user", userId: ids.supervisor }, { ticketId: t, to: "dispatching", reason: "نمایندگی پاسخگو نیست" }, { links });
    const row = await db.selectFrom("tickets").select(["status", "assigned_agency_id", "technician_id"]).where("id", "=", t).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: "dispatching", assigned_agency_id: null, technician_id: null });
    expect(await dueTimes(t)).toMatchObject({ sla_visit_due_at: intake.visit, sla_resolve_due_at: intake.resolve });
    const back = await db.selectFrom("ticket_events").select("data").where("ticket_id", "=", t).where("event_type", "=", "status_changed").where("to_status", "=", "dispatching").executeTakeFirstOrThrow();
    expect(back.data).toMatchObject({ from_agency_id: ids.a, sla_visit_due_at: intake.visit.toISOString(), reason: "نمایندگی پاسخگو نیست" });
    const jobs = await sql<{ n: number }>`select count(*)::int as n from graphile_worker._private_jobs where key = ${dispatchJobKey(t)}`.execute(db);
    expect(jobs.rows[0]!.n).toBe(1);
  });
});

describe("a job leaving its agency: its hold and its part requests", () => {
  async function partRequest(ticketId: number, status: "requested" | "ordered" | "shipped", now: Date) {
    return (
      await db
        .insertInto("part_requests")
        .values({
          ticket_id: ticketId, part_id: ids.part, agency_id: ids.a, quantity: 1, unit_price_rials: 50_000_000, status, expected_date: "2026-12-10",
          requested_by_kind: "agency", requested_by_user_id: ids.staffA, requested_at: now,
          ...(status !== "requested" ? { ordered_at: now, source: "central" as const } : {}),
          ...(status === "shipped" ? { shipped_at: now } : {}),
        })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
  }
  async function requests(ticketId: number) {
    return db.selectFrom("part_requests").select(["id", "status", "cancel_reason"]).where("ticket_id", "=", ticketId).orderBy("id").execute();
  }

  it("cancelled while waiting for parts: the hold is cleared, requested and ordered parts cancelled, a shipped one left and named, with history and audit", async () => {
    const t = await dispatchingTicket(at("2026-11-28T08:00:00"), { accept: at("2026-11-28T09:00:00"), visit: at("2026-11-28T12:00:00"), resolve: at("2026-11-29T09:00:00") }, { accept: 60, visit: 240, resolve: 600 });
    await db.updateTable("tickets").set({ status: "on_hold", assigned_agency_id: ids.a, hold_reason: "waiting_for_parts", hold_expected_date: "2026-12-10" }).where("id", "=", t).execute();
    const now = new Date();
    const [requested, ordered, shipped] = [await partRequest(t, "requested", now), await partRequest(t, "ordered", now), await partRequest(t, "shipped", now)];
    await cancelTicket(db, { kind: "user", userId: ids.supervisor }, { ticketId: t, reason: "مشتری دستگاه نو خرید" });
    const row = await db.selectFrom("tickets").select(["status", "hold_reason", "hold_expected_date"]).where("id", "=", t).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: "cancelled", hold_reason: null, hold_expected_date: null });
    expect(await requests(t)).toEqual([
      { id: requested, status: "cancelled", cancel_reason: "مشتری دستگاه نو خرید" },
      { id: ordered, status: "cancelled", cancel_reason: "مشتری دستگاه نو خرید" },
      { id: shipped, status: "shipped", cancel_reason: null },
    ]);
    const ev = await db.selectFrom("ticket_events").select("data").where("ticket_id", "=", t).where("to_status", "=", "cancelled").executeTakeFirstOrThrow();
    expect(ev.data).toMatchObject({ reason: "مشتری دستگاه نو خرید", part_requests_cancelled: [requested, ordered], part_requests_in_transit: [shipped] });
    const audits = await db.selectFrom("audit_log").select(["details"]).where("action", "=", "part_request.step").orderBy("id").execute();
    expect(audits.map((a) => a.details)).toEqual([
      expect.objectContaining({ requestId: requested, step: "cancel", cause: "ticket_cancelled", agencyId: ids.a }),
      expect.objectContaining({ requestId: ordered, step: "cancel", cause: "ticket_cancelled", agencyId: ids.a }),
    ]);
  });

  it("reassigned by a supervisor: technician, job link, a stale hold and the old agency's open part request all go with the agency", async () => {
    const t = await acceptedJob();
    const tech = await db.insertInto("technicians").values({ agency_id: ids.a, full_name: "رضا فنی", mobile: "+989120001111" }).returning("id").executeTakeFirstOrThrow();
    // scheduled with A's technician; a hold left behind by older data and a part request of A's still open
    await db.updateTable("tickets").set({ status: "scheduled", technician_id: tech.id, hold_reason: "other", hold_expected_date: "2026-12-01" }).where("id", "=", t).execute();
    await db.insertInto("technician_links").values({ ticket_id: t, technician_id: tech.id, agency_id: ids.a, token_hash: "a".repeat(64), expires_at: new Date(Date.now() + 86_400_000) }).execute();
    const req = await partRequest(t, "requested", new Date());
    await reassignTicket(db, { kind: "user", userId: ids.supervisor }, { ticketId: t, agencyId: ids.b, reason: "تکنسین الف بیمار است" }, { links, now: at("2026-11-28T19:30:00") });
    const row = await db.selectFrom("tickets").select(["status", "assigned_agency_id", "technician_id", "hold_reason", "hold_expected_date"]).where("id", "=", t).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: "dispatching", assigned_agency_id: null, technician_id: null, hold_reason: null, hold_expected_date: null });
    expect(await requests(t)).toEqual([{ id: req, status: "cancelled", cancel_reason: "تکنسین الف بیمار است" }]);
    const link = await db.selectFrom("technician_links").select(["revoked_at"]).where("ticket_id", "=", t).executeTakeFirstOrThrow();
    expect(link.revoked_at).not.toBeNull();
    const ev = await db.selectFrom("ticket_events").select("data").where("ticket_id", "=", t).where("event_type", "=", "status_changed").where("to_status", "=", "dispatching").executeTakeFirstOrThrow();
    expect(ev.data).toMatchObject({ part_requests_cancelled: [req] });
    const audits = await db.selectFrom("audit_log").select(["details"]).where("action", "=", "part_request.step").execute();
    expect(audits.map((a) => a.details)).toEqual([expect.objectContaining({ requestId: req, step: "cancel", cause: "taken_back" })]);
  });

  async function acceptedJob() {
    const t = await dispatchingTicket(at("2026-11-28T15:00:00"), { accept: at("2026-11-28T16:00:00"), visit: at("2026-11-29T10:00:00"), resolve: at("2026-11-29T16:00:00") }, { accept: 60, visit: 240, resolve: 600 });
    const offerId = await offerTo(t, ids.a, at("2026-11-28T15:30:00"));
    await acceptOffer(db, agencyActor(ids.staffA), { offerId }, { now: at("2026-11-28T15:10:00") });
    return t;
  }
});
