import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { loader as agencyHomeLoader } from "../../app/routes/agency._index";
import { loader as agencyLayoutLoader } from "../../app/routes/agency";
import { loader as agencyOffersLoader } from "../../app/routes/agency.offers";
import { loader as agencyStatementLoader } from "../../app/routes/agency.statement";
import { loader as agencyTicketLoader } from "../../app/routes/agency.tickets.$ticketId";
import { loader as agencyTicketsLoader } from "../../app/routes/agency.tickets._index";
import { loader as deskHomeLoader } from "../../app/routes/desk._index";
import { loader as deskTicketLoader } from "../../app/routes/desk.tickets.$ticketId";
import { sessionCookie } from "../../app/lib/auth.server";
import { agencyNav, homeNav } from "../../app/lib/nav";
import { createSession } from "../../db/repos/sessions";
import { countTicketsByStatus, ticketCalls, ticketHistory, ticketOffers } from "../../db/repos/tickets";
import type { DB } from "../../db/connection";
import type { OfferStatus, TicketEventType, TicketStatus } from "../../core/ticket";
import { getTestDb, resetDatabase } from "../support/db";
import { testContext } from "../support/context";

/*
 * The agency privacy rule: an agency sees a ticket (and its customer) only while it holds the ticket's
 * pending offer or the ticket is assigned to it. Afterwards the ticket is a 404 and in none of its lists;
 * its own offer history remains, without customer data.
 */

let db: DB;
const cookies: Record<string, string> = {};
const ids = {} as {
  a: number; b: number; c: number;
  techA: number; techB: number;
  declined: number; expired: number; competitor: number; withdrawn: number;
  pendingA: number; assignedA: number; handedOverToA: number;
};
const SECRET_NAME = "مشتری محرمانه";
const SECRET_MOBILE = "+989121110000";

async function call<T>(fn: (args: never) => Promise<T>, url: string, who: string | null, params: Record<string, string> = {}) {
  const headers: Record<string, string> = who ? { Cookie: cookies[who]! } : {};
  try {
    return await fn({ request: new Request(`http://localhost${url}`, { headers }), context: testContext(db), params } as never);
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

async function status(fn: (args: never) => Promise<unknown>, url: string, who: string, params: Record<string, string> = {}) {
  const r = await call(fn, url, who, params);
  return r instanceof Response ? r.status : 200;
}

const openTicket = (who: string, id: number) => status(agencyTicketLoader, `/agency/tickets/${id}`, who, { ticketId: String(id) });

async function agencyListIds(who: string): Promise<number[]> {
  const data = (await call(agencyTicketsLoader, "/agency/tickets", who)) as { rows: { id: number }[] };
  return data.rows.map((r) => r.id);
}

let minute = 0;
/** A moment in the recent past, later with every call: keeps the rows of one ticket in order. */
const at = () => new Date(Date.now() - 3 * 24 * 3600_000 + ++minute * 60_000);

async function ticket(customerId: number, status: TicketStatus, assigned: number | null = null, technician: number | null = null) {
  const t = await db
    .insertInto("tickets")
    .values({
      type: "breakdown", channel: "phone", customer_id: customerId, warranty_status: "in_warranty", status,
      assigned_agency_id: assigned, technician_id: technician, city: "تهران", address_text: "خیابان محرمانه، پلاک ۷",
      created_at: at(),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await event(t.id, { actor_kind: "user", actor_label: "اپراتور مرکز", event_type: "created", to_status: "new" });
  return t.id;
}

async function event(
  ticketId: number,
  e: { actor_kind: "user" | "agency" | "technician" | "system"; actor_label?: string; actor_user_id?: number; event_type: TicketEventType;
    from_status?: TicketStatus; to_status?: TicketStatus; data?: Record<string, unknown> },
) {
  await db
    .insertInto("ticket_events")
    .values({
      ticket_id: ticketId, at: at(), actor_kind: e.actor_kind, actor_label: e.actor_label ?? null, actor_user_id: e.actor_user_id ?? null,
      event_type: e.event_type, from_status: e.from_status ?? null, to_status: e.to_status ?? null, data: JSON.stringify(e.data ?? {}),
    })
    .execute();
}

/** An offer to `agency`, with its history rows, answered with `outcome`. */
async function offer(ticketId: number, agency: number, outcome: OfferStatus, reason: string | null = null) {
  const offeredAt = at();
  await event(ticketId, { actor_kind: "system", actor_label: "سامانه", event_type: "offer_sent", data: { agency_id: agency } });
  const answered = outcome === "pending" ? null : at();
  await db
    .insertInto("dispatch_offers")
    .values({
      ticket_id: ticketId, agency_id: agency, status: outcome, offered_at: offeredAt,
      deadline_at: new Date(offeredAt.getTime() + (outcome === "pending" ? 10 * 24 * 3600_000 : 15 * 60_000)),
      responded_at: answered, response_reason: reason,
    })
    .execute();
  if (outcome === "rejected") {
    await event(ticketId, { actor_kind: "agency", actor_label: agencyName(agency), event_type: "offer_rejected", data: { agency_id: agency, reason } });
  }
}

const NAMES: Record<number, string> = {};
const agencyName = (id: number) => NAMES[id]!;

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  const [a, b, c] = await db
    .insertInto("agencies")
    .values([
      { code: "THR-001", name: "نمایندگی الف", province: "تهران", city: "تهران" },
      { code: "THR-002", name: "نمایندگی رقیب", province: "تهران", city: "تهران" },
      { code: "THR-003", name: "نمایندگی سوم", province: "تهران", city: "تهران" },
    ])
    .returning("id")
    .execute();
  Object.assign(ids, { a: a!.id, b: b!.id, c: c!.id });
  Object.assign(NAMES, { [a!.id]: "نمایندگی الف", [b!.id]: "نمایندگی رقیب", [c!.id]: "نمایندگی سوم" });
  const users = await db
    .insertInto("users")
    .values([
      { username: "oper", display_name: "اپراتور مرکز", role: "operator", password_hash: "x" },
      { username: "a-admin", display_name: "مدیر الف", role: "agency_admin", agency_id: ids.a, password_hash: "x" },
      { username: "a-staff", display_name: "کارمند الف", role: "agency_staff", agency_id: ids.a, password_hash: "x" },
      { username: "b-admin", display_name: "مدیر رقیب", role: "agency_admin", agency_id: ids.b, password_hash: "x" },
      { username: "c-admin", display_name: "مدیر سوم", role: "agency_admin", agency_id: ids.c, password_hash: "x" },
    ])
    .returning(["id", "username"])
    .execute();
  const userId = Object.fromEntries(users.map((u) => [u.username, u.id])) as Record<string, number>;
  for (const u of users) {
    const s = await createSession(db, { userId: u.id, ip: null, userAgent: null });
    cookies[u.username] = (await sessionCookie(testContext(db)).serialize(s.id)).split(";")[0]!;
  }
  const [techA, techB] = await db
    .insertInto("technicians")
    .values([
      { agency_id: ids.a, full_name: "تکنسین الف", mobile: "+989120000001" },
      { agency_id: ids.b, full_name: "تکنسین رقیب", mobile: "+989120000002" },
    ])
    .returning("id")
    .execute();
  Object.assign(ids, { techA: techA!.id, techB: techB!.id });
  const customer = (await db.insertInto("customers").values({ full_name: SECRET_NAME, mobile: SECRET_MOBILE }).returning("id").executeTakeFirstOrThrow()).id;

  // A declined; B holds the pending offer now.
  ids.declined = await ticket(customer, "dispatching");
  await event(ids.declined, { actor_kind: "system", event_type: "status_changed", from_status: "new", to_status: "dispatching" });
  await offer(ids.declined, ids.a, "rejected", "ظرفیت تکمیل است");
  await offer(ids.declined, ids.b, "pending");

  // A let its offer expire; C then declined; back in the queue.
  ids.expired = await ticket(customer, "new");
  await offer(ids.expired, ids.a, "expired", "مهلت پاسخ به پایان رسید");
  await offer(ids.expired, ids.c, "rejected", "خارج از محدوده");
  await event(ids.expired, { actor_kind: "system", event_type: "status_changed", from_status: "dispatching", to_status: "new" });

  // A declined, the competitor B accepted and scheduled its technician.
  ids.competitor = await ticket(customer, "scheduled", ids.b, ids.techB);
  await offer(ids.competitor, ids.a, "rejected", "نبود قطعه");
  await offer(ids.competitor, ids.b, "accepted");
  await event(ids.competitor, { actor_kind: "agency", actor_label: agencyName(ids.b), actor_user_id: userId["b-admin"], event_type: "status_changed",
    from_status: "dispatching", to_status: "assigned", data: { agency_id: ids.b } });
  await event(ids.competitor, { actor_kind: "agency", actor_label: agencyName(ids.b), actor_user_id: userId["b-admin"], event_type: "status_changed",
    from_status: "assigned", to_status: "scheduled", data: { technician_id: ids.techB } });

  // A's offer withdrawn when the request was cancelled.
  ids.withdrawn = await ticket(customer, "cancelled");
  await offer(ids.withdrawn, ids.a, "withdrawn", "درخواست لغو شد");

  // A holds the pending offer.
  ids.pendingA = await ticket(customer, "dispatching");
  await offer(ids.pendingA, ids.a, "pending");

  // Assigned to A, in progress.
  ids.assignedA = await ticket(customer, "in_progress", ids.a, ids.techA);
  await offer(ids.assignedA, ids.a, "accepted");

  // B had it, scheduled its technician and handed it back; A accepted it next.
  ids.handedOverToA = await ticket(customer, "scheduled", ids.a, ids.techA);
  await offer(ids.handedOverToA, ids.b, "accepted");
  await event(ids.handedOverToA, { actor_kind: "agency", actor_label: agencyName(ids.b), actor_user_id: userId["b-admin"], event_type: "status_changed",
    from_status: "dispatching", to_status: "assigned", data: { agency_id: ids.b } });
  await event(ids.handedOverToA, { actor_kind: "technician", actor_label: "تکنسین رقیب", event_type: "status_changed",
    from_status: "assigned", to_status: "scheduled", data: { technician_id: ids.techB } });
  await event(ids.handedOverToA, { actor_kind: "agency", actor_label: agencyName(ids.b), actor_user_id: userId["b-admin"], event_type: "status_changed",
    from_status: "scheduled", to_status: "dispatching", data: { reason: "تکنسین در دسترس نیست" } });
  await offer(ids.handedOverToA, ids.a, "accepted");
  await event(ids.handedOverToA, { actor_kind: "agency", actor_label: agencyName(ids.a), actor_user_id: userId["a-admin"], event_type: "status_changed",
    from_status: "dispatching", to_status: "assigned", data: { agency_id: ids.a } });
  await event(ids.handedOverToA, { actor_kind: "technician", actor_label: "تکنسین الف", event_type: "status_changed",
    from_status: "assigned", to_status: "scheduled" });
  await event(ids.handedOverToA, { actor_kind: "user", actor_label: "اپراتور مرکز", actor_user_id: userId.oper, event_type: "note" });
  // the call centre's calls about it, with the caller's number and a recording
  const callRow = await db
    .insertInto("calls")
    .values({ direction: "inbound", caller_number: SECRET_MOBILE, ticket_id: ids.handedOverToA, operator_user_id: userId.oper,
      started_at: at(), ended_at: at(), disposition: "answered", wait_seconds: 5, talk_seconds: 60 })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db.insertInto("ticket_calls").values({ ticket_id: ids.handedOverToA, call_id: callRow.id }).execute();
  await db.insertInto("recordings").values({ call_id: callRow.id, storage_key: "rec/1.wav", format: "wav", duration_seconds: 60 }).execute();
});

describe("an agency's tickets: only while it holds the pending offer or the assignment", () => {
  it("is a 404 after the agency declined, let the offer expire, had it withdrawn, or lost it to a competitor", async () => {
    for (const id of [ids.declined, ids.expired, ids.competitor, ids.withdrawn]) {
      expect(await openTicket("a-admin", id), `ticket ${id}`).toBe(404);
      expect(await openTicket("a-staff", id), `ticket ${id}`).toBe(404);
    }
    // C declined ids.expired too; it has no business there either.
    expect(await openTicket("c-admin", ids.expired)).toBe(404);
  });

  it("opens for the agency holding the pending offer and for the assignee", async () => {
    expect(await openTicket("a-admin", ids.pendingA)).toBe(200);
    expect(await openTicket("a-staff", ids.assignedA)).toBe(200);
    expect(await openTicket("a-admin", ids.handedOverToA)).toBe(200);
    expect(await openTicket("b-admin", ids.declined)).toBe(200); // B's offer is pending
    expect(await openTicket("b-admin", ids.competitor)).toBe(200); // assigned to B
    expect(await openTicket("b-admin", ids.handedOverToA)).toBe(404); // B handed it back
  });

  it("lists and counts only the tickets in scope", async () => {
    expect((await agencyListIds("a-admin")).sort()).toEqual([ids.pendingA, ids.assignedA, ids.handedOverToA].sort());
    expect((await agencyListIds("b-admin")).sort()).toEqual([ids.declined, ids.competitor].sort());
    expect(await agencyListIds("c-admin")).toEqual([]);
    expect(await countTicketsByStatus(db, { kind: "agency", agencyId: ids.a })).toEqual({ dispatching: 1, in_progress: 1, scheduled: 1 });
    // the call centre sees everything
    const all = await countTicketsByStatus(db, { kind: "all" });
    expect(Object.values(all).reduce((s, n) => s + n!, 0)).toBe(7);
  });

  it("gives the agency's reads nothing of a ticket outside its scope, whatever the id", async () => {
    const scope = { kind: "agency", agencyId: ids.a } as const;
    expect(await ticketHistory(db, scope, ids.competitor)).toEqual([]);
    expect(await ticketOffers(db, scope, ids.competitor)).toEqual([]);
    expect(await ticketCalls(db, scope, ids.competitor)).toEqual([]);
  });

  it("shows the agency no other agency's offers, handling or names, and none of the call centre's calls", async () => {
    const page = (await call(agencyTicketLoader, `/agency/tickets/${ids.handedOverToA}`, "a-admin", { ticketId: String(ids.handedOverToA) })) as {
      ticket: Record<string, unknown>;
      history: { event_type: string; to_status: string | null; actor_kind: string; actor_label: string | null; actor_name: string | null }[];
      offers: { agency_name: string }[];
      calls: unknown[];
    };
    expect(page.ticket.customer_name).toBe(SECRET_NAME);
    // internal fields stay with the call centre
    for (const k of ["channel", "customer_id", "created_by", "agency_code", "related_ticket_id", "updated_at"]) expect(page.ticket).not.toHaveProperty(k);
    expect(page.offers.map((o) => o.agency_name)).toEqual([agencyName(ids.a)]);
    expect(page.calls).toEqual([]);
    const text = JSON.stringify(page.history);
    expect(text).not.toContain(agencyName(ids.b));
    expect(text).not.toContain("تکنسین رقیب");
    expect(text).not.toContain("مدیر رقیب");
    // the registration, then A's own engagement: its offer and its acceptance, named
    expect(page.history.map((e) => e.event_type)).toEqual(["created", "offer_sent", "status_changed", "status_changed", "note"]);
    expect(page.history[2]).toMatchObject({ to_status: "assigned", actor_label: agencyName(ids.a), actor_name: "مدیر الف" });
    expect(page.history[3]).toMatchObject({ to_status: "scheduled", actor_kind: "technician", actor_label: "تکنسین الف" });
    // call-centre staff are not named to agencies
    expect(page.history[0]).toMatchObject({ actor_kind: "user", actor_label: null, actor_name: null });
    expect(page.history[4]).toMatchObject({ actor_kind: "user", actor_label: null, actor_name: null });
    expect(text).not.toContain("اپراتور مرکز");

    // The call centre sees all of it.
    const desk = (await call(deskTicketLoader, `/desk/tickets/${ids.handedOverToA}`, "oper", { ticketId: String(ids.handedOverToA) })) as typeof page;
    expect(desk.ticket).toMatchObject({ channel: "phone" });
    expect(desk.offers).toHaveLength(2);
    expect(desk.calls).toHaveLength(1);
    expect(desk.calls[0]).toMatchObject({ caller_number: SECRET_MOBILE, recording_seconds: 60 });
    expect(desk.history.length).toBe(9);
    expect(JSON.stringify(desk.history)).toContain("اپراتور مرکز");
    expect(JSON.stringify(desk.history)).toContain(agencyName(ids.b));
  });

  it("shows the agency holding a pending offer its own offer, not the one another agency declined", async () => {
    const page = (await call(agencyTicketLoader, `/agency/tickets/${ids.declined}`, "b-admin", { ticketId: String(ids.declined) })) as {
      history: { event_type: string }[];
      offers: { agency_name: string; status: string }[];
    };
    expect(page.offers).toEqual([expect.objectContaining({ agency_name: agencyName(ids.b), status: "pending" })]);
    expect(page.history.map((e) => e.event_type)).toEqual(["created", "offer_sent"]);
    expect(JSON.stringify(page)).not.toContain(agencyName(ids.a));
  });
});

describe("the agency's offer history page", () => {
  it("lists every offer with its answer and reason, and no customer data", async () => {
    const data = (await call(agencyOffersLoader, "/agency/offers", "a-staff")) as {
      rows: { ticket_number: number; ticket_id: number | null; status: string; response_reason: string | null; offered_at: Date }[];
      hasMore: boolean;
    };
    expect(data.rows).toHaveLength(7);
    expect(data.hasMore).toBe(false);
    const numbers = await db.selectFrom("tickets").select(["id", "number"]).execute();
    const numberOf = (id: number) => numbers.find((n) => n.id === id)!.number;
    const byNumber = (id: number) => data.rows.filter((r) => r.ticket_number === numberOf(id));
    expect(byNumber(ids.declined)).toEqual([expect.objectContaining({ status: "rejected", response_reason: "ظرفیت تکمیل است", ticket_id: null })]);
    expect(byNumber(ids.expired)).toEqual([expect.objectContaining({ status: "expired", ticket_id: null })]);
    expect(byNumber(ids.competitor)).toEqual([expect.objectContaining({ status: "rejected", ticket_id: null })]);
    expect(byNumber(ids.withdrawn)).toEqual([expect.objectContaining({ status: "withdrawn", ticket_id: null })]);
    // only tickets still the agency's are linked
    expect(byNumber(ids.pendingA)).toEqual([expect.objectContaining({ status: "pending", ticket_id: ids.pendingA })]);
    expect(byNumber(ids.assignedA)).toEqual([expect.objectContaining({ status: "accepted", ticket_id: ids.assignedA })]);
    // newest first
    const times = data.rows.map((r) => new Date(r.offered_at).getTime());
    expect([...times].sort((x, y) => y - x)).toEqual(times);
    const text = JSON.stringify(data);
    for (const secret of [SECRET_NAME, SECRET_MOBILE, "خیابان محرمانه", agencyName(ids.b), agencyName(ids.c)]) expect(text).not.toContain(secret);
  });

  it("pages, and takes a bad page number as the first page", async () => {
    const bad = (await call(agencyOffersLoader, "/agency/offers?page=abc", "a-admin")) as { page: number; rows: unknown[] };
    expect(bad.page).toBe(1);
    expect(bad.rows).toHaveLength(7);
    const far = (await call(agencyOffersLoader, "/agency/offers?page=2", "a-admin")) as { rows: unknown[] };
    expect(far.rows).toEqual([]);
    expect(await status(agencyOffersLoader, "/agency/offers", "oper")).toBe(403);
  });
});

describe("the referral-fee statement", () => {
  it("is for agency admins only: staff get 403 and no menu entry", async () => {
    expect(await status(agencyStatementLoader, "/agency/statement", "a-staff")).toBe(403);
    expect(await status(agencyStatementLoader, "/agency/statement", "a-admin")).toBe(200);
    expect(agencyNav("agency_staff").map((i) => i.to)).not.toContain("/agency/statement");
    expect(agencyNav("agency_admin").map((i) => i.to)).toContain("/agency/statement");
    expect(agencyNav("agency_staff").map((i) => i.to)).toContain("/agency/offers");
    const layout = (await call(agencyLayoutLoader, "/agency", "a-staff")) as { user: { role: string } };
    expect(homeNav(layout.user.role as "agency_staff").map((i) => i.to)).not.toContain("/agency/statement");
  });
});

describe("figures come from SQL, not from the rows on the page", () => {
  it("counts all of the agency's open jobs while showing only the newest few", async () => {
    const customer = (await db.insertInto("customers").values({ full_name: "مشتری دیگر", mobile: "+989121110001" }).returning("id").executeTakeFirstOrThrow()).id;
    const statuses: TicketStatus[] = ["assigned", "scheduled", "in_progress", "on_hold"];
    await db
      .insertInto("tickets")
      .values(Array.from({ length: 30 }, (_, i) => ({
        type: "breakdown" as const, channel: "phone" as const, customer_id: customer, warranty_status: "unknown" as const,
        status: statuses[i % 4]!, assigned_agency_id: ids.c,
      })))
      .execute();
    // finished and closed jobs are not open
    await db
      .insertInto("tickets")
      .values((["completed", "closed", "cancelled"] as const).map((s) => ({
        type: "breakdown" as const, channel: "phone" as const, customer_id: customer, warranty_status: "unknown" as const, status: s, assigned_agency_id: ids.c,
      })))
      .execute();
    const home = (await call(agencyHomeLoader, "/agency", "c-admin")) as { openJobs: number; open: unknown[]; moreOpen: boolean };
    expect(home.openJobs).toBe(30);
    expect(home.open.length).toBeLessThan(30);
    expect(home.moreOpen).toBe(true);
    const a = (await call(agencyHomeLoader, "/agency", "a-admin")) as { openJobs: number; offers: unknown[] };
    expect(a.openJobs).toBe(2); // in progress + assigned; the pending offer is counted apart
    expect(a.offers).toHaveLength(1);
  });

  describe("the desk's calls today", () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it("start at midnight in Tehran, not at the server's midnight", async () => {
      // 01:00 UTC is 04:30 in Tehran: Tehran's day began at 20:30 UTC the day before, the server's (UTC) at 00:00.
      // The day is two days ahead of the real clock, after every other call of this file (they are at most
      // days old, and "calls today" has no upper bound).
      const day = new Date();
      day.setUTCHours(0, 0, 0, 0);
      day.setUTCDate(day.getUTCDate() + 2);
      const utc = (hours: number) => new Date(day.getTime() + hours * 3600_000);
      const end = (started: Date) => new Date(started.getTime() + 60_000);
      const now = utc(1);
      await db
        .insertInto("calls")
        .values([
          // 00:30 and 04:00 in Tehran today; the first is still "yesterday" by the server's UTC clock
          { direction: "inbound", started_at: utc(-3), ended_at: end(utc(-3)), disposition: "answered" },
          { direction: "inbound", started_at: utc(0.5), ended_at: end(utc(0.5)), disposition: "missed" },
          // 23:30 Tehran yesterday
          { direction: "inbound", started_at: utc(-4), ended_at: end(utc(-4)), disposition: "answered" },
        ])
        .execute();
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(now);
      const desk = (await call(deskHomeLoader, "/desk", "oper")) as { callsToday: number };
      vi.useRealTimers();
      expect(desk.callsToday).toBe(2);
    });
  });
});
