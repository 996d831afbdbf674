/**
 * The agency portal (issue 13, section 3): an agency's answer to an offer (services/agency-offers.ts), its
 * technicians (services/technicians.ts), and the portal routes that use them — the live offers on the home
 * page and their event stream, the jobs list and map, the technicians page — each walked as agency A with
 * agency B's ids. Real PostgreSQL: the NOTIFY trigger on dispatch_offers, the LISTEN connection of the web
 * process (app/lib/desk-events.server.ts).
 */
import type { AppLoadContext } from "@remix-run/node";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { closeDeskEventHubs, deskEventHub } from "../../app/lib/desk-events.server";
import { sessionCookie } from "../../app/lib/auth.server";
import * as home from "../../app/routes/agency._index";
import * as offerEvents from "../../app/routes/agency.offers.events";
import * as jobs from "../../app/routes/agency.jobs";
import * as techPage from "../../app/routes/agency.technicians";
import * as partsPage from "../../app/routes/agency.parts";
import * as claimPage from "../../app/routes/agency.claims.$claimId";
import * as claimEdit from "../../app/routes/agency.claims.$claimId_.edit";
import { MAX_OFFER_REJECT_REASON_LENGTH } from "../../core/agency-offers";
import type { TicketStatus } from "../../core/ticket";
import type { DB } from "../../db/connection";
import { createSession } from "../../db/repos/sessions";
import { acceptOffer, OfferAnswerError, rejectOffer } from "../../services/agency-offers";
import type { OfferLapsedHandler } from "../../services/offers";
import { addTechnician, setTechnicianActive, TechnicianError, updateTechnician } from "../../services/technicians";
import { formRequest, testContext } from "../support/context";
import { getTestDb, resetDatabase } from "../support/db";

let db: DB;
let ctx: AppLoadContext;
const cookies: Record<string, string> = {};
const user: Record<string, number> = {};
let agencyA: number;
let agencyB: number;
let customerId: number;
const MINUTE = 60_000;

const actorOf = (who: string) => ({ kind: "agency" as const, userId: user[who]!, ip: "127.0.0.1" });

async function ticket(status: TicketStatus = "dispatching", o: { assigned?: number; lat?: number; lng?: number } = {}) {
  return (
    await db
      .insertInto("tickets")
      .values({
        type: "breakdown", channel: "phone", customer_id: customerId, warranty_status: "in_warranty", status,
        assigned_agency_id: o.assigned ?? null, lat: o.lat ?? null, lng: o.lng ?? null, city: "تهران",
        problem_description: "یخچال سرد نمی‌کند", created_at: new Date(Date.now() - 30 * MINUTE),
      })
      .returning(["id", "number"])
      .executeTakeFirstOrThrow()
  );
}

async function offer(ticketId: number, agencyId: number, deadlineInMs = 30 * MINUTE) {
  const deadline = new Date(Date.now() + deadlineInMs);
  return (
    await db
      .insertInto("dispatch_offers")
      .values({ ticket_id: ticketId, agency_id: agencyId, offered_at: new Date(Math.min(Date.now(), deadline.getTime()) - 60 * MINUTE), deadline_at: deadline })
      .returning("id")
      .executeTakeFirstOrThrow()
  ).id;
}

async function offerRow(id: number) {
  return db.selectFrom("dispatch_offers").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}
async function ticketRow(id: number) {
  return db.selectFrom("tickets").select(["status", "assigned_agency_id"]).where("id", "=", id).executeTakeFirstOrThrow();
}
async function history(ticketId: number) {
  return db.selectFrom("ticket_events").select(["event_type", "from_status", "to_status", "actor_kind", "actor_label", "data"]).where("ticket_id", "=", ticketId).orderBy("id").execute();
}
async function audits(action: string) {
  return db.selectFrom("audit_log").select(["actor_user_id", "entity_type", "entity_id", "details"]).where("action", "=", action).orderBy("id").execute();
}

async function refusal(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected a refusal");
}

/** Calls a loader or action as `who`; a thrown Response is returned. */
async function call(fn: (args: never) => unknown, request: Request, who: string | null, params: Record<string, string> = {}) {
  if (who) request.headers.set("Cookie", cookies[who]!);
  try {
    return await fn({ request, context: ctx, params } as never);
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}
const get = (fn: (args: never) => unknown, url: string, who: string | null) => call(fn, new Request(`http://localhost${url}`), who);
const post = (fn: (args: never) => unknown, url: string, who: string | null, form: Record<string, string>) => call(fn, formRequest(url, form), who);

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  ctx = testContext(db);
  const [a, b] = await db
    .insertInto("agencies")
    .values([
      { code: "THR-001", name: "نمایندگی الف", province: "تهران", city: "تهران", technician_count: 0 },
      { code: "THR-002", name: "نمایندگی ب", province: "تهران", city: "تهران", technician_count: 0 },
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
      { username: "oper", display_name: "اپراتور", role: "operator", password_hash: "x" },
    ])
    .returning(["id", "username"])
    .execute();
  for (const u of users) {
    user[u.username] = u.id;
    const s = await createSession(db, { userId: u.id, ip: null, userAgent: null });
    cookies[u.username] = (await sessionCookie(ctx).serialize(s.id)).split(";")[0]!;
  }
  customerId = (await db.insertInto("customers").values({ full_name: "مشتری محرمانه", mobile: "+989121110000" }).returning("id").executeTakeFirstOrThrow()).id;
});

afterAll(async () => {
  await closeDeskEventHubs();
});

describe("accepting an offer", () => {
  it("within its deadline: the offer is accepted, the ticket assigned to the agency, with history and audit", async () => {
    const t = await ticket();
    const offerId = await offer(t.id, agencyA);
    const r = await acceptOffer(db, actorOf("a-staff"), { offerId });
    expect(r).toMatchObject({ offerId, ticketId: t.id, ticketNumber: t.number, agencyId: agencyA });
    const o = await offerRow(offerId);
    expect(o).toMatchObject({ status: "accepted", responded_by: user["a-staff"] });
    expect(o.responded_at).not.toBeNull();
    expect(await ticketRow(t.id)).toEqual({ status: "assigned", assigned_agency_id: agencyA });
    const h = await history(t.id);
    expect(h.map((e) => e.event_type)).toEqual(["offer_accepted", "status_changed"]);
    expect(h[0]).toMatchObject({ actor_kind: "agency", actor_label: "نمایندگی الف", data: { offer_id: offerId, agency_id: agencyA } });
    expect(h[1]).toMatchObject({ from_status: "dispatching", to_status: "assigned" });
    const audit = (await audits("offer.accept")).find((x) => x.entity_id === String(t.id));
    expect(audit).toMatchObject({ actor_user_id: user["a-staff"], entity_type: "ticket", details: { offerId, agencyId: agencyA } });
  });

  it("after its deadline is refused, even before the deadline job has marked it expired", async () => {
    const t = await ticket();
    const offerId = await offer(t.id, agencyA, -MINUTE);
    const e = await refusal(acceptOffer(db, actorOf("a-admin"), { offerId }));
    expect(e).toBeInstanceOf(OfferAnswerError);
    expect((e as OfferAnswerError).code).toBe("expired");
    expect((await offerRow(offerId)).status).toBe("pending");
    expect(await ticketRow(t.id)).toEqual({ status: "dispatching", assigned_agency_id: null });
    expect(await history(t.id)).toEqual([]);
  });

  it("by another agency is refused as if the offer did not exist; so is an unknown offer or a call-centre user", async () => {
    const t = await ticket();
    const offerId = await offer(t.id, agencyA);
    for (const [who, id] of [["b-admin", offerId], ["a-admin", offerId + 10_000], ["oper", offerId]] as const) {
      const e = await refusal(acceptOffer(db, actorOf(who), { offerId: id }));
      expect((e as OfferAnswerError).code).toBe("not_found");
    }
    expect((await offerRow(offerId)).status).toBe("pending");
    expect(await ticketRow(t.id)).toEqual({ status: "dispatching", assigned_agency_id: null });
  });

  it("once answered cannot be answered again; a ticket no longer dispatching cannot be accepted", async () => {
    const t = await ticket();
    const offerId = await offer(t.id, agencyA);
    await acceptOffer(db, actorOf("a-admin"), { offerId });
    expect(((await refusal(acceptOffer(db, actorOf("a-staff"), { offerId }))) as OfferAnswerError).code).toBe("not_pending");
    expect(((await refusal(rejectOffer(db, actorOf("a-staff"), { offerId, reason: "دیر شد" }))) as OfferAnswerError).code).toBe("not_pending");
    const moved = await ticket("new");
    const stale = await offer(moved.id, agencyA);
    expect(((await refusal(acceptOffer(db, actorOf("a-admin"), { offerId: stale }))) as OfferAnswerError).code).toBe("ticket_moved");
  });

  it("two answers at once: exactly one wins (the ticket, then the offer, are locked)", async () => {
    const t = await ticket();
    const offerId = await offer(t.id, agencyA);
    const results = await Promise.allSettled([
      acceptOffer(db, actorOf("a-admin"), { offerId }),
      rejectOffer(db, actorOf("a-staff"), { offerId, reason: "ظرفیت تکمیل است" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const lost = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect((lost.reason as OfferAnswerError).code).toBe("not_pending");
  });
});

describe("rejecting an offer", () => {
  it("requires a reason (and one of limited length): nothing changes without it", async () => {
    const t = await ticket();
    const offerId = await offer(t.id, agencyA);
    for (const [reason, code] of [["", "reason_required"], ["   ", "reason_required"], ["x".repeat(MAX_OFFER_REJECT_REASON_LENGTH + 1), "reason_too_long"]] as const) {
      const e = await refusal(rejectOffer(db, actorOf("a-staff"), { offerId, reason }));
      expect((e as OfferAnswerError).code).toBe(code);
    }
    expect((await offerRow(offerId)).status).toBe("pending");
    expect(await history(t.id)).toEqual([]);
  });

  it("records the reason, writes history and audit, and calls onDeclined in the same transaction with expireOffer's shape", async () => {
    const t = await ticket();
    const offerId = await offer(t.id, agencyA);
    const seen: Parameters<OfferLapsedHandler>[1][] = [];
    const onDeclined: OfferLapsedHandler = async (trx, lapsed) => {
      seen.push(lapsed);
      // inside the transaction: the offer is already rejected there
      const o = await trx.selectFrom("dispatch_offers").select("status").where("id", "=", lapsed.offerId).executeTakeFirstOrThrow();
      expect(o.status).toBe("rejected");
    };
    await rejectOffer(db, actorOf("a-staff"), { offerId, reason: "  تکنسین این دستگاه را نداریم  " }, { onDeclined });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ ticketId: t.id, ticketStatus: "dispatching", ticketType: "breakdown", offerId, agencyId: agencyA });
    expect(seen[0]!.now).toBeInstanceOf(Date);
    const o = await offerRow(offerId);
    expect(o).toMatchObject({ status: "rejected", response_reason: "تکنسین این دستگاه را نداریم", responded_by: user["a-staff"] });
    // the handler moved nothing: the ticket waits as it was
    expect(await ticketRow(t.id)).toEqual({ status: "dispatching", assigned_agency_id: null });
    const h = await history(t.id);
    expect(h).toHaveLength(1);
    expect(h[0]).toMatchObject({ event_type: "offer_rejected", actor_kind: "agency", data: { offer_id: offerId, agency_id: agencyA, reason: "تکنسین این دستگاه را نداریم" } });
    expect((await audits("offer.reject")).some((a) => a.entity_id === String(t.id))).toBe(true);
  });

  it("a failing onDeclined undoes the whole answer", async () => {
    const t = await ticket();
    const offerId = await offer(t.id, agencyA);
    await expect(
      rejectOffer(db, actorOf("a-staff"), { offerId, reason: "خارج از محدوده" }, { onDeclined: async () => Promise.reject(new Error("no next candidate")) }),
    ).rejects.toThrow("no next candidate");
    expect((await offerRow(offerId)).status).toBe("pending");
    expect(await history(t.id)).toEqual([]);
  });

  it("by default sends the ticket on to the next candidate: here nobody is left, so it is held for a supervisor", async () => {
    const t = await ticket();
    const offerId = await offer(t.id, agencyA);
    await rejectOffer(db, actorOf("a-admin"), { offerId, reason: "ظرفیت تکمیل است" });
    expect(await ticketRow(t.id)).toEqual({ status: "new", assigned_agency_id: null });
    expect((await history(t.id)).map((e) => e.event_type)).toEqual(["offer_rejected", "status_changed", "dispatch_held"]);
    const held = await db.selectFrom("tickets").select(["dispatch_held_at", "dispatch_hold_reason"]).where("id", "=", t.id).executeTakeFirstOrThrow();
    expect(held.dispatch_held_at).not.toBeNull();
    expect(held.dispatch_hold_reason).toBeTruthy();
  });

  it("by another agency is refused as not found", async () => {
    const t = await ticket();
    const offerId = await offer(t.id, agencyA);
    expect(((await refusal(rejectOffer(db, actorOf("b-admin"), { offerId, reason: "نه" }))) as OfferAnswerError).code).toBe("not_found");
    expect((await offerRow(offerId)).status).toBe("pending");
  });
});

describe("technicians", () => {
  const count = async (agencyId: number) =>
    (await db.selectFrom("agencies").select("technician_count").where("id", "=", agencyId).executeTakeFirstOrThrow()).technician_count;

  it("an agency admin adds (mobile normalised), edits, deactivates and reactivates; technician_count follows the active ones", async () => {
    const { technicianId } = await addTechnician(db, actorOf("a-admin"), { fullName: "  رضا   کریمی ", mobile: "۰۹۱۲ ۳۴۵ ۶۷۸۹" });
    let row = await db.selectFrom("technicians").selectAll().where("id", "=", technicianId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ agency_id: agencyA, full_name: "رضا کریمی", mobile: "+989123456789", active: true });
    expect(await count(agencyA)).toBe(1);
    await updateTechnician(db, actorOf("a-admin"), { technicianId, fullName: "رضا کریمی‌نژاد", mobile: "+98 912 345 6780" });
    row = await db.selectFrom("technicians").selectAll().where("id", "=", technicianId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ full_name: "رضا کریمی‌نژاد", mobile: "+989123456780" });
    expect(await setTechnicianActive(db, actorOf("a-admin"), { technicianId, active: false })).toBe(true);
    expect(await count(agencyA)).toBe(0);
    expect(await setTechnicianActive(db, actorOf("a-admin"), { technicianId, active: false })).toBe(false);
    expect(await setTechnicianActive(db, actorOf("a-admin"), { technicianId, active: true })).toBe(true);
    expect(await count(agencyA)).toBe(1);
    expect((await audits("technician.create")).map((a) => a.entity_id)).toContain(String(technicianId));
    expect((await audits("technician.deactivate")).map((a) => a.entity_type)).toEqual(["technician"]);
  });

  it("refuses a bad mobile, an empty name and a duplicate mobile in the same agency", async () => {
    const code = async (p: Promise<unknown>) => ((await refusal(p)) as TechnicianError).code;
    expect(await code(addTechnician(db, actorOf("a-admin"), { fullName: "علی", mobile: "02112345678" }))).toBe("mobile");
    expect(await code(addTechnician(db, actorOf("a-admin"), { fullName: "  ", mobile: "09120000011" }))).toBe("name");
    await addTechnician(db, actorOf("a-admin"), { fullName: "علی", mobile: "09120000011" });
    expect(await code(addTechnician(db, actorOf("a-admin"), { fullName: "علی دوم", mobile: "+989120000011" }))).toBe("duplicate");
    // the same mobile at another agency is that agency's business
    await addTechnician(db, actorOf("b-admin"), { fullName: "علی", mobile: "09120000011" });
  });

  it("staff may not change technicians; another agency's admin cannot reach them", async () => {
    const { technicianId } = await addTechnician(db, actorOf("a-admin"), { fullName: "مهدی", mobile: "09120000022" });
    const code = async (p: Promise<unknown>) => ((await refusal(p)) as TechnicianError).code;
    expect(await code(addTechnician(db, actorOf("a-staff"), { fullName: "کسی", mobile: "09120000023" }))).toBe("forbidden");
    expect(await code(setTechnicianActive(db, actorOf("a-staff"), { technicianId, active: false }))).toBe("forbidden");
    expect(await code(updateTechnician(db, actorOf("b-admin"), { technicianId, fullName: "ربوده", mobile: "09120000022" }))).toBe("not_found");
    expect(await code(setTechnicianActive(db, actorOf("b-admin"), { technicianId, active: false }))).toBe("not_found");
    expect(await code(addTechnician(db, actorOf("oper"), { fullName: "کسی", mobile: "09120000024" }))).toBe("forbidden");
    const row = await db.selectFrom("technicians").select(["full_name", "active"]).where("id", "=", technicianId).executeTakeFirstOrThrow();
    expect(row).toEqual({ full_name: "مهدی", active: true });
  });
});

describe("the portal routes, walked as agency A with agency B's ids", () => {
  beforeEach(async () => {
    // only live offers made in each test
    await db.updateTable("dispatch_offers").set({ status: "withdrawn", responded_at: new Date() }).where("status", "=", "pending").execute();
  });

  it("the home page lists A's live offers only; answering B's offer is the same 404 as a missing one", async () => {
    const mine = await ticket();
    const mineOffer = await offer(mine.id, agencyA);
    const theirs = await ticket();
    const theirOffer = await offer(theirs.id, agencyB);
    const data = (await get(home.loader, "/agency", "a-staff")) as { offers: { id: number; ticket_id: number }[] };
    expect(data.offers.map((o) => o.id)).toEqual([mineOffer]);
    for (const intent of ["accept", "reject"]) {
      const r = (await post(home.action, "/agency?index", "a-admin", { intent, offerId: String(theirOffer), reason: "نه" })) as Response;
      expect(r.status).toBe(404);
      expect(await r.json()).toMatchObject({ error: "agencyOffers.error.notFound" });
    }
    expect((await offerRow(theirOffer)).status).toBe("pending");
  });

  it("rejecting without a reason answers 400 with the message; with one, back to the page (PRG) and the offer is gone", async () => {
    const t = await ticket();
    const offerId = await offer(t.id, agencyA);
    const bad = (await post(home.action, "/agency?index", "a-staff", { intent: "reject", offerId: String(offerId), reason: "  " })) as Response;
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ offerId, error: "agencyOffers.error.reasonRequired", reason: "  " });
    const garbage = (await post(home.action, "/agency?index", "a-staff", { intent: "accept", offerId: "1x" })) as Response;
    expect(garbage.status).toBe(400);
    const ok = (await post(home.action, "/agency?index", "a-staff", { intent: "reject", offerId: String(offerId), reason: "ظرفیت تکمیل است" })) as Response;
    expect(ok.status).toBe(302);
    expect(ok.headers.get("Location")).toBe(`/agency?rejected=${t.id}&n=${t.number}`);
    const data = (await get(home.loader, "/agency", "a-staff")) as { offers: unknown[] };
    expect(data.offers).toEqual([]);
  });

  it("accepting leads back to the page with a link to the job; an expired offer answers 409 with the message", async () => {
    const t = await ticket();
    const offerId = await offer(t.id, agencyA);
    const ok = (await post(home.action, "/agency?index", "a-staff", { intent: "accept", offerId: String(offerId) })) as Response;
    expect(ok.headers.get("Location")).toBe(`/agency?accepted=${t.id}&n=${t.number}`);
    const late = await ticket();
    const lateOffer = await offer(late.id, agencyA, -MINUTE);
    const r = (await post(home.action, "/agency?index", "a-staff", { intent: "accept", offerId: String(lateOffer) })) as Response;
    expect(r.status).toBe(409);
    expect(await r.json()).toMatchObject({ offerId: lateOffer, error: "agencyOffers.error.expired" });
  });

  it("the jobs page lists and pins A's current jobs only, never B's nor A's pending offers", async () => {
    const assigned = await ticket("assigned", { assigned: agencyA, lat: 35.7, lng: 51.4 });
    const onHold = await ticket("on_hold", { assigned: agencyA, lat: 35.71, lng: 51.41 });
    const done = await ticket("completed", { assigned: agencyA, lat: 35.72, lng: 51.42 });
    const theirs = await ticket("assigned", { assigned: agencyB, lat: 35.73, lng: 51.43 });
    const offered = await ticket("dispatching", { lat: 35.74, lng: 51.44 });
    await offer(offered.id, agencyA);
    const current = (await get(jobs.loader, "/agency/jobs", "a-staff")) as { rows: { id: number }[]; pins: { id: number; lat: number }[]; tab: string };
    expect(current.tab).toBe("current");
    const ids = current.rows.map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining([assigned.id, onHold.id]));
    expect(ids).not.toContain(done.id);
    expect(ids).not.toContain(theirs.id);
    expect(ids).not.toContain(offered.id);
    const pinIds = current.pins.map((p) => p.id);
    expect(pinIds).toEqual(expect.arrayContaining([assigned.id, onHold.id]));
    for (const id of [done.id, theirs.id, offered.id]) expect(pinIds).not.toContain(id);
    const completed = (await get(jobs.loader, "/agency/jobs?status=completed", "a-staff")) as { rows: { id: number }[] };
    expect(completed.rows.map((r) => r.id)).toContain(done.id);
    expect(completed.rows.every((r) => r.id !== theirs.id)).toBe(true);
    // B sees its own, not A's
    const b = (await get(jobs.loader, "/agency/jobs", "b-admin")) as { rows: { id: number }[]; pins: { id: number }[] };
    expect(b.pins.map((p) => p.id)).toEqual([theirs.id]);
    // a bad tab falls back to the current jobs
    expect(((await get(jobs.loader, "/agency/jobs?status=cancelled", "a-staff")) as { tab: string }).tab).toBe("current");
  });

  it("the technicians page shows A's technicians only; staff see them but cannot change them; B cannot change A's", async () => {
    const { technicianId } = await addTechnician(db, actorOf("a-admin"), { fullName: "تکنسین الف", mobile: "09120000031" });
    await addTechnician(db, actorOf("b-admin"), { fullName: "تکنسین ب", mobile: "09120000032" });
    const staffView = (await get(techPage.loader, "/agency/technicians", "a-staff")) as { technicians: { id: number; full_name: string }[]; canManage: boolean };
    expect(staffView.canManage).toBe(false);
    expect(staffView.technicians.map((t) => t.full_name)).toContain("تکنسین الف");
    expect(staffView.technicians.map((t) => t.full_name)).not.toContain("تکنسین ب");
    expect(((await get(techPage.loader, "/agency/technicians", "a-admin")) as { canManage: boolean }).canManage).toBe(true);

    const staffAdd = (await post(techPage.action, "/agency/technicians", "a-staff", { intent: "create", fullName: "x", mobile: "09120000033" })) as Response;
    expect(staffAdd.status).toBe(403);
    const foreign = (await post(techPage.action, "/agency/technicians", "b-admin", { intent: "deactivate", technicianId: String(technicianId) })) as Response;
    expect(foreign.status).toBe(404);
    expect(await foreign.json()).toMatchObject({ error: "agencyTech.error.notFound" });
    const badMobile = (await post(techPage.action, "/agency/technicians", "a-admin", { intent: "create", fullName: "حسن", mobile: "12345" })) as Response;
    expect(badMobile.status).toBe(400);
    expect(await badMobile.json()).toMatchObject({ technicianId: "new", error: "agencyTech.error.mobile", fullName: "حسن" });
    const ok = (await post(techPage.action, "/agency/technicians", "a-admin", { intent: "create", fullName: "حسن", mobile: "09120000034" })) as Response;
    expect(ok.headers.get("Location")).toBe("/agency/technicians?done=create");
    // nobody outside the portal
    expect(((await get(techPage.loader, "/agency/technicians", "oper")) as Response).status).toBe(403);
  });
});

describe("the parts page (issue 15 §4), walked as agency A with agency B's ids", () => {
  it("A sees its own shelf and open requests, never B's; A's admin adjusting B's part changes A's shelf only; staff cannot adjust", async () => {
    const brand = (await db.insertInto("brands").values({ code: "walk", name_fa: "گردش", name_en: "Walk" }).returning("id").executeTakeFirstOrThrow()).id;
    const category = (await db.insertInto("product_categories").values({ code: "walk-cat", name_fa: "کولر", name_en: "Cooler" }).returning("id").executeTakeFirstOrThrow()).id;
    const model = (await db.insertInto("product_models").values({ brand_id: brand, category_id: category, model_code: "WK-1", name: "کولر آبی" }).returning("id").executeTakeFirstOrThrow()).id;
    const part = (await db.insertInto("spare_parts").values({ model_id: model, code: "WK1-PMP", name: "پمپ آب", list_price_rials: 2_000_000 }).returning("id").executeTakeFirstOrThrow()).id;
    await db.insertInto("agency_part_stock").values({ agency_id: agencyB, part_id: part, quantity: 9 }).execute();
    const theirs = await ticket("on_hold", { assigned: agencyB });
    const theirRequest = (
      await db
        .insertInto("part_requests")
        .values({ ticket_id: theirs.id, part_id: part, agency_id: agencyB, quantity: 1, unit_price_rials: 2_000_000, expected_date: "2026-12-20", requested_by_kind: "agency" })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
    const a = (await get(partsPage.loader, "/agency/parts", "a-staff")) as { stock: { part_id: number }[]; open: { id: number; ticket_id: number }[] };
    expect(a.stock.map((s) => s.part_id)).not.toContain(part);
    expect(a.open.map((o) => o.id)).not.toContain(theirRequest);
    expect(a.open.map((o) => o.ticket_id)).not.toContain(theirs.id);
    const b = (await get(partsPage.loader, "/agency/parts", "b-admin")) as { open: { id: number }[] };
    expect(b.open.map((o) => o.id)).toContain(theirRequest);
    expect(((await post(partsPage.action, "/agency/parts", "a-staff", { partId: String(part), quantity: "0", reason: "x" })) as Response).status).toBe(403);
    const r = (await post(partsPage.action, "/agency/parts", "a-admin", { partId: String(part), quantity: "0", reason: "شمارش" })) as Response;
    // A's shelf had none of it: setting 0 changes nothing; B's 9 stay
    expect(r.status).toBe(409);
    expect((await db.selectFrom("agency_part_stock").select("quantity").where("agency_id", "=", agencyB).where("part_id", "=", part).executeTakeFirstOrThrow()).quantity).toBe(9);
  });
});

describe("warranty claims, walked as agency A with agency B's ids (issue 15 §3)", () => {
  it("A can neither read nor edit nor submit B's draft or B's submitted claim: each is the same 404 as a missing one", async () => {
    const theirs = await ticket("completed", { assigned: agencyB });
    const claim = async (status: "draft" | "submitted") =>
      (
        await db
          .insertInto("warranty_claims")
          .values({ ticket_id: theirs.id, agency_id: agencyB, service_type: "repair", status, claimed_rials: 1_000_000, submitted_at: status === "draft" ? null : new Date() })
          .returning("id")
          .executeTakeFirstOrThrow()
      ).id;
    const draft = await claim("draft");
    await db.updateTable("warranty_claims").set({ status: "rejected", decided_at: new Date(), decision_reason: "آزمون" }).where("id", "=", draft).execute();
    const rejected = draft;
    const liveDraft = await claim("draft");
    for (const id of [liveDraft, rejected]) {
      for (const who of ["a-admin", "a-staff"]) {
        const params = { claimId: String(id) };
        expect(((await call(claimPage.loader, new Request(`http://localhost/agency/claims/${id}`), who, params)) as Response).status).toBe(404);
        expect(((await call(claimPage.action, formRequest(`/agency/claims/${id}`, {}), who, params)) as Response).status).toBe(404);
        expect(((await call(claimEdit.loader, new Request(`http://localhost/agency/claims/${id}/edit`), who, params)) as Response).status).toBe(404);
        const edit = (await call(claimEdit.action, formRequest(`/agency/claims/${id}/edit`, { serviceType: "inspection", intent: "submit" }), who, params)) as Response;
        expect(edit.status).toBe(404);
      }
    }
    // B's draft is untouched and B still reaches it
    expect(await db.selectFrom("warranty_claims").select(["status", "service_type", "claimed_rials"]).where("id", "=", liveDraft).executeTakeFirstOrThrow()).toEqual({ status: "draft", service_type: "repair", claimed_rials: 1_000_000 });
    const own = (await call(claimPage.loader, new Request(`http://localhost/agency/claims/${liveDraft}`), "b-admin", { claimId: String(liveDraft) })) as { claim: { id: number } };
    expect(own.claim.id).toBe(liveDraft);
    expect(await db.selectFrom("claim_events").select("id").where("claim_id", "in", [liveDraft, rejected]).execute()).toEqual([]);
  });
});

describe("the live offers stream", () => {
  async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, seen: { raw: string }, until: (raw: string) => boolean, ms = 15_000) {
    const decoder = new TextDecoder();
    const deadline = Date.now() + ms;
    while (!until(seen.raw)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out; stream so far:\n${seen.raw}`);
      const chunk = await Promise.race([reader.read(), new Promise<"timeout">((r) => setTimeout(() => r("timeout"), left))]);
      if (chunk === "timeout") continue;
      if (chunk.done) break;
      seen.raw += decoder.decode(chunk.value, { stream: true });
    }
  }
  const events = (raw: string) => raw.split("\n\n").filter((b) => /^event: offers_changed$/m.test(b)).map((b) => JSON.parse(/^data: (.*)$/m.exec(b)![1]!) as unknown);

  it("answers 204 without a session and 403 outside the agency portal", async () => {
    expect(((await get(offerEvents.loader, "/agency/offers/events", null)) as Response).status).toBe(204);
    expect(((await get(offerEvents.loader, "/agency/offers/events", "oper")) as Response).status).toBe(403);
  });

  it("tells each agency's open pages about its own offers only, with no ticket or customer data", async () => {
    const abort = new AbortController();
    const open = async (who: string) => {
      const req = new Request("http://localhost/agency/offers/events", { signal: abort.signal });
      const res = (await call(offerEvents.loader, req, who)) as Response;
      expect(res.headers.get("Content-Type")).toMatch(/^text\/event-stream/);
      return { reader: res.body!.getReader(), seen: { raw: "" } };
    };
    const a = await open("a-staff");
    const b = await open("b-admin");
    await readUntil(a.reader, a.seen, (raw) => raw.includes("event: ready"));
    await readUntil(b.reader, b.seen, (raw) => raw.includes("event: ready"));

    // an offer to B: B's page hears of it, A's does not
    const tb = await ticket();
    const offerB = await offer(tb.id, agencyB);
    await readUntil(b.reader, b.seen, (raw) => events(raw).length >= 1);
    expect(events(b.seen.raw)).toEqual([{ type: "offers_changed", agencyId: agencyB }]);

    // an offer to A, then A's answer: A hears both, and B nothing more
    const ta = await ticket();
    const offerA = await offer(ta.id, agencyA);
    await readUntil(a.reader, a.seen, (raw) => events(raw).length >= 1);
    await acceptOffer(db, actorOf("a-admin"), { offerId: offerA });
    await readUntil(a.reader, a.seen, (raw) => events(raw).length >= 2);
    expect(events(a.seen.raw)).toEqual([
      { type: "offers_changed", agencyId: agencyA },
      { type: "offers_changed", agencyId: agencyA },
    ]);
    expect(a.seen.raw).not.toContain(String(ta.number));
    expect(a.seen.raw).not.toContain("مشتری");
    // B's offer withdrawn: B hears it; by then A's stream has had nothing of B's
    await db.updateTable("dispatch_offers").set({ status: "withdrawn", responded_at: new Date() }).where("id", "=", offerB).execute();
    await readUntil(b.reader, b.seen, (raw) => events(raw).length >= 2);
    expect(events(a.seen.raw).every((e) => (e as { agencyId: number }).agencyId === agencyA)).toBe(true);
    expect(events(b.seen.raw).every((e) => (e as { agencyId: number }).agencyId === agencyB)).toBe(true);

    abort.abort();
    await expect.poll(() => deskEventHub(db).subscriberCount, { timeout: 15_000 }).toBe(0);
  });
});
