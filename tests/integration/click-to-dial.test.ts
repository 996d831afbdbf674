import type { AppLoadContext } from "@remix-run/node";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { action as ticketPageAction, loader as ticketPageLoader } from "../../app/routes/desk.tickets.$ticketId";
import { action as dialAction } from "../../app/routes/desk.dial";
import { loader as callbackLoader } from "../../app/routes/desk.callbacks.$callbackId";
import { sessionCookie } from "../../app/lib/auth.server";
import { connectionUrlOf, type DB } from "../../db/connection";
import { createSession } from "../../db/repos/sessions";
import { TELEPHONY_COMMANDS_CHANNEL } from "../../services/calls";
import { getTestDb, resetDatabase } from "../support/db";
import { testContext } from "../support/context";

/*
 * Click-to-dial from the desk: the ticket page's "call customer" form and the pop-up's button. Each queues
 * an outbound call for telephony (NOTIFY telephony_commands), linked to the ticket it was placed from, with
 * an audit row; a user without an extension, or a number that is not one, gets a message, never a 500.
 */

let db: DB;
let ctx: AppLoadContext;
const cookies: Record<string, string> = {};
const userIds: Record<string, number> = {};
let customerId: number;

async function newTicket(customer = customerId, number = 10_000_900) {
  return (
    await db
      .insertInto("tickets")
      .values({ number, type: "breakdown", channel: "phone", customer_id: customer, warranty_status: "unknown", status: "new" })
      .returning("id")
      .executeTakeFirstOrThrow()
  ).id;
}

function form(url: string, who: string, fields: Record<string, string>) {
  return new Request(`http://localhost${url}`, {
    method: "POST",
    headers: { Cookie: cookies[who]!, "Content-Type": "application/x-www-form-urlencoded", Origin: "http://localhost" },
    body: new URLSearchParams(fields),
  });
}

async function answer<T>(p: Promise<T>): Promise<T | Response> {
  try {
    return await p;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  ctx = testContext(db);
  const users = await db
    .insertInto("users")
    .values([
      { username: "oper", display_name: "سارا محمدی", role: "operator", password_hash: "x" },
      { username: "noext", display_name: "بدون داخلی", role: "operator", password_hash: "x" },
      { username: "boss", display_name: "مدیر", role: "manager", password_hash: "x" },
    ])
    .returning(["id", "username"])
    .execute();
  for (const u of users) {
    userIds[u.username] = u.id;
    const s = await createSession(db, { userId: u.id, ip: "127.0.0.1", userAgent: "test" });
    cookies[u.username] = (await sessionCookie(ctx).serialize(s.id)).split(";")[0]!;
  }
  await db.insertInto("operators").values({ user_id: userIds.oper!, extension: "101" }).execute();
  customerId = (await db.insertInto("customers").values({ full_name: "نرگس رحیمی", mobile: "+989121234567" }).returning("id").executeTakeFirstOrThrow()).id;
});

describe("the ticket page's call-customer form", () => {
  it("queues an outbound call to the ticket's customer, linked to the ticket, audited and sent to telephony; the page lists it", async () => {
    const ticketId = await newTicket();
    const listener = new pg.Client({ connectionString: connectionUrlOf(db) });
    await listener.connect();
    const commands: string[] = [];
    listener.on("notification", (m) => commands.push(m.payload ?? ""));
    await listener.query(`listen ${TELEPHONY_COMMANDS_CHANNEL}`);
    try {
      const res = (await answer(ticketPageAction({ request: form(`/desk/tickets/${ticketId}`, "oper", { intent: "dial" }), context: ctx, params: { ticketId: String(ticketId) } }))) as Response;
      expect(res.status).toBe(302);
      expect(res.headers.get("Location")).toBe(`/desk/tickets/${ticketId}?done=dial`);
      const calls = await db.selectFrom("calls").select(["id", "direction", "state", "called_number", "caller_number", "operator_user_id", "customer_id", "ticket_id"]).execute();
      expect(calls).toEqual([
        expect.objectContaining({ direction: "outbound", state: "queued", called_number: "+989121234567", caller_number: "101", operator_user_id: userIds.oper, customer_id: customerId, ticket_id: ticketId }),
      ]);
      const callId = calls[0]!.id;
      expect(await db.selectFrom("ticket_calls").select(["ticket_id", "linked_by"]).where("call_id", "=", callId).execute()).toEqual([
        { ticket_id: ticketId, linked_by: userIds.oper },
      ]);
      const audit = await db.selectFrom("audit_log").select(["action", "entity_id", "details"]).where("action", "=", "call.click_to_dial").execute();
      expect(audit).toEqual([{ action: "call.click_to_dial", entity_id: String(callId), details: { number: "+989121234567", ticketId } }]);
      await expect.poll(() => commands.map((c) => JSON.parse(c) as unknown)).toEqual([{ type: "dial", callId }]);

      const page = await ticketPageLoader({ request: new Request(`http://localhost/desk/tickets/${ticketId}?done=dial`, { headers: { Cookie: cookies.oper! } }), context: ctx, params: { ticketId: String(ticketId) } });
      expect(page.done).toBe("dial");
      expect(page.actions.canDial).toBe(true);
      expect(page.calls.map((c) => ({ id: c.id, direction: c.direction }))).toEqual([{ id: callId, direction: "outbound" }]);
    } finally {
      await listener.end();
    }
  });

  it("tells an operator without an extension what is wrong; nothing is queued", async () => {
    const before = await db.selectFrom("calls").select("id").execute();
    const ticketId = await newTicket(customerId, 10_000_901);
    const noExt = (await answer(ticketPageAction({ request: form(`/desk/tickets/${ticketId}`, "noext", { intent: "dial" }), context: ctx, params: { ticketId: String(ticketId) } }))) as Response;
    expect(noExt.status).toBe(409);
    expect(await noExt.json()).toMatchObject({ intent: "dial", error: "dial.noExtension" });

    expect(await db.selectFrom("calls").select("id").execute()).toEqual(before);
  });

  it("is refused to users who do not take calls, and a 404 for a ticket that does not exist", async () => {
    const ticketId = await newTicket(customerId, 10_000_903);
    const boss = (await answer(ticketPageAction({ request: form(`/desk/tickets/${ticketId}`, "boss", { intent: "dial" }), context: ctx, params: { ticketId: String(ticketId) } }))) as Response;
    expect(boss.status).toBe(403);
    const missing = (await answer(ticketPageAction({ request: form("/desk/tickets/99999999", "oper", { intent: "dial" }), context: ctx, params: { ticketId: "99999999" } }))) as Response;
    expect(missing.status).toBe(404);
  });
});

describe("the pop-up's call button (/desk/dial)", () => {
  it("queues a call to the number, finds its customer, and answers messages for bad input", async () => {
    const ok = await dialAction({ request: form("/desk/dial", "oper", { number: "۰۹۱۲ ۱۲۳ ۴۵۶۷" }), context: ctx, params: {} });
    expect(ok).toMatchObject({ ok: true, message: "dial.started" });
    const call = await db.selectFrom("calls").select(["called_number", "customer_id", "ticket_id"]).orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(call).toEqual({ called_number: "+989121234567", customer_id: customerId, ticket_id: null });

    const before = await db.selectFrom("calls").select("id").execute();
    // not a number at all (refused by the form's schema), and digits that are no phone number (by the service)
    for (const number of ["", "سلام", "12"]) {
      const bad = (await dialAction({ request: form("/desk/dial", "oper", { number }), context: ctx, params: {} })) as Response;
      expect(bad.status).toBe(400);
      expect(await bad.json()).toEqual({ ok: false, message: "dial.invalidNumber" });
    }
    const noExt = (await dialAction({ request: form("/desk/dial", "noext", { number: "09121234567" }), context: ctx, params: {} })) as Response;
    expect(noExt.status).toBe(409);
    expect(await noExt.json()).toEqual({ ok: false, message: "dial.noExtension" });
    expect(await db.selectFrom("calls").select("id").execute()).toEqual(before);
  });
});

describe("the happy-call list's call button (/desk/dial with the job's ticket)", () => {
  it("links the outbound call to the ticket (calls.ticket_id and ticket_calls) and its customer, audited", async () => {
    const ticketId = await newTicket(customerId, 10_000_910);
    const ok = await dialAction({ request: form("/desk/dial", "oper", { number: "09121234567", ticketId: String(ticketId) }), context: ctx, params: {} });
    expect(ok).toMatchObject({ ok: true, message: "dial.started" });
    const call = await db.selectFrom("calls").select(["id", "direction", "called_number", "customer_id", "ticket_id"]).orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(call).toMatchObject({ direction: "outbound", called_number: "+989121234567", customer_id: customerId, ticket_id: ticketId });
    expect(await db.selectFrom("ticket_calls").select(["ticket_id", "linked_by"]).where("call_id", "=", call.id).execute()).toEqual([
      { ticket_id: ticketId, linked_by: userIds.oper },
    ]);
    const audit = await db.selectFrom("audit_log").select("details").where("action", "=", "call.click_to_dial").where("entity_id", "=", String(call.id)).executeTakeFirstOrThrow();
    expect(audit.details).toEqual({ number: "+989121234567", ticketId });
    // the ticket page lists it
    const page = await ticketPageLoader({ request: new Request(`http://localhost/desk/tickets/${ticketId}`, { headers: { Cookie: cookies.oper! } }), context: ctx, params: { ticketId: String(ticketId) } });
    expect(page.calls.map((c) => c.id)).toEqual([call.id]);
  });

  it("a ticket that does not exist, or a ticket id that is none, is a message and nothing is queued", async () => {
    const before = await db.selectFrom("calls").select("id").execute();
    const missing = (await dialAction({ request: form("/desk/dial", "oper", { number: "09121234567", ticketId: "99999999" }), context: ctx, params: {} })) as Response;
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ ok: false, message: "dial.ticketNotFound" });
    const bad = (await dialAction({ request: form("/desk/dial", "oper", { number: "09121234567", ticketId: "abc" }), context: ctx, params: {} })) as Response;
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ ok: false, message: "dial.ticketNotFound" });
    expect(await db.selectFrom("calls").select("id").execute()).toEqual(before);
    // an empty ticketId (no ticket) is the pop-up's plain call
    expect(await dialAction({ request: form("/desk/dial", "oper", { number: "09121234567", ticketId: "" }), context: ctx, params: {} })).toMatchObject({ ok: true });
    expect((await db.selectFrom("calls").select("ticket_id").orderBy("id", "desc").executeTakeFirstOrThrow()).ticket_id).toBeNull();
  });
});

describe("the desk's call-back notice (/desk/callbacks/:id)", () => {
  it("names the number being called back and whose it is", async () => {
    const inbound = await db
      .insertInto("calls")
      .values({ direction: "inbound", state: "queued", queue: "breakdown", enqueued_at: new Date(), caller_number: "+989121234567", customer_id: customerId })
      .returning("id")
      .executeTakeFirstOrThrow();
    const cb = await db
      .insertInto("call_callbacks")
      .values({ call_id: inbound.id, number: "+989121234567", queue: "breakdown", place_at: new Date(), status: "dialing", operator_user_id: userIds.oper! })
      .returning("id")
      .executeTakeFirstOrThrow();
    const get = (id: string) =>
      callbackLoader({ request: new Request(`http://localhost/desk/callbacks/${id}`, { headers: { Cookie: cookies.oper! } }), context: ctx, params: { callbackId: id } });
    expect(await get(String(cb.id))).toEqual({ callback: { id: cb.id, number: "+989121234567", customerName: "نرگس رحیمی" } });
    expect(await get("999999")).toEqual({ callback: null });
    expect(await get("abc")).toEqual({ callback: null });
  });
});
