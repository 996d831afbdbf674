import type { AppLoadContext } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import { action as ticketPageAction, loader as ticketPageLoader } from "../../app/routes/desk.tickets.$ticketId";
import { loader as managerTicketLoader } from "../../app/routes/manager.tickets.$ticketId";
import { loader as agencyTicketLoader } from "../../app/routes/agency.tickets.$ticketId";
import { sessionCookie } from "../../app/lib/auth.server";
import { createSession } from "../../db/repos/sessions";
import * as ticketsRepo from "../../db/repos/tickets";
import { addTicketNote, cancelTicket, IllegalTransitionError, TicketInputError, TicketNotFoundError } from "../../services/tickets";
import { allowedTransitions, type TicketStatus } from "../../core/ticket";
import type { DB } from "../../db/connection";
import { getTestDb, resetDatabase } from "../support/db";
import { testContext } from "../support/context";

/*
 * The call centre's actions on a ticket: services (addTicketNote, cancelTicket) and the desk ticket page's
 * action and loader around them — each change in the history with its actor and in the audit log; bad
 * input and illegal moves answered with a message and the typed values, never a 500.
 */

let db: DB;
let ctx: AppLoadContext;
const cookies: Record<string, string> = {};
const userIds: Record<string, number> = {};
let agencyId: number;
let customerId: number;
let nextNumber = 10_000_500;

async function newTicket(status: TicketStatus = "new", type: "breakdown" | "complaint" = "breakdown") {
  const t = await db
    .insertInto("tickets")
    .values({
      number: nextNumber++, type, channel: "phone", customer_id: customerId, warranty_status: "unknown", status,
      assigned_agency_id: ["assigned", "scheduled", "in_progress"].includes(status) ? agencyId : null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return t.id;
}

const operator = () => ({ kind: "user" as const, userId: userIds.oper!, ip: "10.0.0.1" });

async function post(ticketId: number, form: Record<string, string>, who = "oper") {
  const request = new Request(`http://localhost/desk/tickets/${ticketId}`, {
    method: "POST",
    headers: { Cookie: cookies[who]!, "Content-Type": "application/x-www-form-urlencoded", Origin: "http://localhost" },
    body: new URLSearchParams(form),
  });
  try {
    return (await ticketPageAction({ request, context: ctx, params: { ticketId: String(ticketId) } } as never)) as Response;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

type Page = Awaited<ReturnType<typeof ticketPageLoader>>;
async function page(ticketId: number, who = "oper", loader: typeof ticketPageLoader = ticketPageLoader, path = "desk"): Promise<Page> {
  const request = new Request(`http://localhost/${path}/tickets/${ticketId}`, { headers: { Cookie: cookies[who]! } });
  return loader({ request, context: ctx, params: { ticketId: String(ticketId) } } as never);
}

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  ctx = testContext(db);
  const [agency] = await db.insertInto("agencies").values({ code: "THR-001", name: "الف", province: "تهران", city: "تهران" }).returning("id").execute();
  agencyId = agency!.id;
  const users = await db
    .insertInto("users")
    .values([
      { username: "oper", display_name: "سارا محمدی", role: "operator", password_hash: "x" },
      { username: "boss", display_name: "مدیر", role: "manager", password_hash: "x" },
      { username: "sup", display_name: "سرپرست", role: "supervisor", password_hash: "x" },
      { username: "agent", display_name: "نماینده", role: "agency_admin", agency_id: agencyId, password_hash: "x" },
    ])
    .returning(["id", "username"])
    .execute();
  for (const u of users) {
    userIds[u.username] = u.id;
    const s = await createSession(db, { userId: u.id, ip: "127.0.0.1", userAgent: "test" });
    cookies[u.username] = (await sessionCookie(ctx).serialize(s.id)).split(";")[0]!;
  }
  customerId = (await db.insertInto("customers").values({ full_name: "مشتری", mobile: "+989121234567" }).returning("id").executeTakeFirstOrThrow()).id;
});

describe("services: addTicketNote and cancelTicket", () => {
  it("adds a note: a 'note' event with the text and its actor, and an audit row", async () => {
    const id = await newTicket();
    const r = await addTicketNote(db, operator(), { ticketId: id, text: "  مشتری بعدازظهر در منزل است  " });
    const e = await db.selectFrom("ticket_events").selectAll().where("id", "=", r.eventId).executeTakeFirstOrThrow();
    expect(e).toMatchObject({ ticket_id: id, event_type: "note", actor_kind: "user", actor_user_id: userIds.oper, from_status: null, to_status: null });
    expect(e.data).toEqual({ text: "مشتری بعدازظهر در منزل است" });
    const audit = await db.selectFrom("audit_log").selectAll().where("action", "=", "ticket.note").where("entity_id", "=", String(id)).executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actor_user_id: userIds.oper, entity_type: "ticket" });
    const status = await db.selectFrom("tickets").select("status").where("id", "=", id).executeTakeFirstOrThrow();
    expect(status.status).toBe("new");
  });

  it("refuses an empty or over-long note, and a missing ticket, writing nothing", async () => {
    const id = await newTicket();
    await expect(addTicketNote(db, operator(), { ticketId: id, text: "   " })).rejects.toBeInstanceOf(TicketInputError);
    await expect(addTicketNote(db, operator(), { ticketId: id, text: "x".repeat(2001) })).rejects.toBeInstanceOf(TicketInputError);
    await expect(addTicketNote(db, operator(), { ticketId: 9_999_999, text: "x" })).rejects.toBeInstanceOf(TicketNotFoundError);
    const events = await db.selectFrom("ticket_events").select("id").where("ticket_id", "=", id).execute();
    expect(events).toEqual([]);
  });

  it("cancels with a reason: status, closing time, history and audit carry it", async () => {
    const id = await newTicket("assigned");
    const r = await cancelTicket(db, operator(), { ticketId: id, reason: "مشتری دستگاه را خودش تعمیر کرد" });
    expect(r).toMatchObject({ from: "assigned", to: "cancelled" });
    const t = await db.selectFrom("tickets").select(["status", "closed_at"]).where("id", "=", id).executeTakeFirstOrThrow();
    expect(t.status).toBe("cancelled");
    expect(t.closed_at).not.toBeNull();
    const e = await db.selectFrom("ticket_events").selectAll().where("id", "=", r.eventId).executeTakeFirstOrThrow();
    expect(e).toMatchObject({ event_type: "status_changed", from_status: "assigned", to_status: "cancelled", actor_user_id: userIds.oper });
    expect(e.data).toEqual({ reason: "مشتری دستگاه را خودش تعمیر کرد" });
    const audit = await db.selectFrom("audit_log").select("details").where("action", "=", "ticket.status_change").where("entity_id", "=", String(id)).executeTakeFirstOrThrow();
    expect(audit.details).toMatchObject({ from: "assigned", to: "cancelled", reason: "مشتری دستگاه را خودش تعمیر کرد" });
  });

  it("refuses to cancel without a reason, or a ticket the life cycle no longer lets go (closed)", async () => {
    const id = await newTicket();
    await expect(cancelTicket(db, operator(), { ticketId: id, reason: " " })).rejects.toBeInstanceOf(TicketInputError);
    const closed = await newTicket("closed");
    await expect(cancelTicket(db, operator(), { ticketId: closed, reason: "دیر شد" })).rejects.toBeInstanceOf(IllegalTransitionError);
    expect((await db.selectFrom("tickets").select("status").where("id", "=", closed).executeTakeFirstOrThrow()).status).toBe("closed");
  });
});

describe("the desk ticket page: actions through the form", () => {
  it("offers exactly the life cycle's next statuses, cancelling apart, to users who may update", async () => {
    const id = await newTicket("in_progress");
    const p = await page(id);
    expect(p.actions.canUpdate).toBe(true);
    expect(p.actions.transitions).toEqual(allowedTransitions("in_progress").filter((s) => s !== "cancelled"));
    expect(p.actions.canCancel).toBe(true);
    const complaint = await page(await newTicket("new", "complaint"));
    expect(complaint.actions.transitions).not.toContain("dispatching");
    // the manager reads the same ticket without the forms (no tickets:update), and so does a supervisor
    // on the manager's page, which has no action
    expect((await page(id, "boss")).actions.canUpdate).toBe(false);
    expect((await page(id, "sup", managerTicketLoader, "manager")).actions.canUpdate).toBe(false);
  });

  it("changes the status, adds a note and cancels; each shows in the history with its actor", async () => {
    const id = await newTicket("new");
    let res = await post(id, { intent: "status", to: "dispatching", reason: "" });
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe(`/desk/tickets/${id}?done=status`);
    res = await post(id, { intent: "note", text: "با مشتری هماهنگ شد" });
    expect(res.headers.get("Location")).toBe(`/desk/tickets/${id}?done=note`);
    res = await post(id, { intent: "cancel", reason: "درخواست تکراری" });
    expect(res.headers.get("Location")).toBe(`/desk/tickets/${id}?done=cancel`);

    const p = await page(id);
    expect(p.ticket.status).toBe("cancelled");
    const rows = p.history.map((e) => [e.event_type, e.from_status, e.to_status, e.actor_name, e.note, e.reason]);
    expect(rows).toEqual([
      ["status_changed", "new", "dispatching", "سارا محمدی", null, null],
      ["note", null, null, "سارا محمدی", "با مشتری هماهنگ شد", null],
      ["status_changed", "dispatching", "cancelled", "سارا محمدی", null, "درخواست تکراری"],
    ]);
    expect(p.actions.transitions).toEqual([]);
    expect(p.actions.canCancel).toBe(false);
  });

  it("answers an illegal move with 409, the message naming both statuses, and keeps what was typed", async () => {
    const id = await newTicket("new");
    const res = await post(id, { intent: "status", to: "completed", reason: "انجام شد" });
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({
      intent: "status",
      error: "tickets.action.illegalTransition",
      params: { from: "new", to: "completed" },
      values: { to: "completed", text: "", reason: "انجام شد" },
    });
    expect((await db.selectFrom("tickets").select("status").where("id", "=", id).executeTakeFirstOrThrow()).status).toBe("new");
  });

  it.each([
    [{ intent: "note", text: "   " }, "note", "tickets.action.noteRequired"],
    [{ intent: "note", text: "ی".repeat(2001) }, "note", "tickets.action.noteTooLong"],
    [{ intent: "cancel", reason: "" }, "cancel", "tickets.action.reasonRequired"],
    [{ intent: "status", to: "exploded" }, "status", "tickets.action.chooseStatus"],
    [{ intent: "status" }, "status", "tickets.action.chooseStatus"],
    [{ intent: "delete-everything" }, null, "error.badRequest"],
    [{}, null, "error.badRequest"],
  ] as const)("refuses %j with a message (400), keeping the typed values", async (form, intent, error) => {
    const id = await newTicket("new");
    const res = await post(id, form as Record<string, string>);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { intent: string | null; error: string; values: Record<string, string> };
    expect(body.intent).toBe(intent);
    expect(body.error).toBe(error);
    if ("text" in form) expect(body.values.text).toBe(form.text);
    const events = await db.selectFrom("ticket_events").select("id").where("ticket_id", "=", id).execute();
    expect(events).toEqual([]);
  });

  it("is a 404 for a ticket that does not exist, and a 403 for users who may not update", async () => {
    expect((await post(9_999_999, { intent: "note", text: "x" })).status).toBe(404);
    expect((await post(1, { intent: "note", text: "x" }, "boss")).status).toBe(403);
    expect((await post(1, { intent: "note", text: "x" }, "agent")).status).toBe(403);
  });
});

describe("the ticket page's timeline and calls", () => {
  it("lists every call attached through ticket_calls, with its recording, and the call_attached row", async () => {
    const id = await newTicket("assigned");
    const at = new Date("2026-11-30T08:00:00Z");
    // the agency's engagement: the assignment (history it may read starts here)
    await db
      .insertInto("ticket_events")
      .values({ ticket_id: id, at: new Date("2026-11-30T07:00:00Z"), actor_kind: "system", actor_label: "سامانه", event_type: "status_changed", from_status: "new", to_status: "assigned", data: JSON.stringify({ agency_id: agencyId }) })
      .execute();
    const call = await db
      .insertInto("calls")
      .values({
        direction: "inbound", caller_number: "+989121234567", called_number: "02191000000", started_at: at, answered_at: at, ended_at: at,
        wait_seconds: 12, talk_seconds: 95, disposition: "answered", operator_user_id: userIds.oper,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    // a follow-up call: attached through ticket_calls only (calls.ticket_id is another ticket's or null)
    await db.insertInto("ticket_calls").values({ ticket_id: id, call_id: call.id }).execute();
    const rec = await db
      .insertInto("recordings")
      .values({ call_id: call.id, storage_key: `2026/11/30/call-${call.id}.wav`, format: "wav", duration_seconds: 20 })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db
      .insertInto("ticket_events")
      .values({ ticket_id: id, actor_kind: "user", actor_user_id: userIds.oper, event_type: "call_attached", data: JSON.stringify({ callId: call.id, direction: "inbound" }) })
      .execute();
    await addTicketNote(db, operator(), { ticketId: id, text: "یادداشت داخلی مرکز تماس" });

    const p = await page(id);
    expect(p.calls).toHaveLength(1);
    expect(p.calls[0]).toMatchObject({
      id: call.id, direction: "inbound", caller_number: "+989121234567", called_number: "02191000000", operator_name: "سارا محمدی",
      wait_seconds: 12, talk_seconds: 95, disposition: "answered", recording_id: rec.id, recording_seconds: 20,
    });
    const attached = p.history.find((e) => e.event_type === "call_attached");
    expect(attached?.call_id).toBe(String(call.id));

    // the agency holding the ticket: no calls, no call rows in the history, no call-centre note text
    const agencyPage = await page(id, "agent", agencyTicketLoader as never, "agency");
    expect(agencyPage.calls).toEqual([]);
    expect(agencyPage.history.some((e) => e.event_type === "call_attached")).toBe(false);
    // a call-centre note shows as a row of the history, its text and writer withheld (they may name others)
    const notes = agencyPage.history.filter((e) => e.event_type === "note");
    expect(notes.length).toBe(1);
    expect(notes[0]).toMatchObject({ note: null, actor_name: null, actor_label: null });
    expect(JSON.stringify(agencyPage.history)).not.toContain("یادداشت داخلی مرکز تماس");
    expect(await ticketsRepo.ticketCalls(db, { kind: "agency", agencyId }, id)).toEqual([]);
  });
});
