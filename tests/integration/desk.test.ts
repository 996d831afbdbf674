import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { AppLoadContext } from "@remix-run/node";
import pg from "pg";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DESK_EVENTS_CHANNEL, type DeskEvent } from "../../core/call";
import { tehranDay } from "../../core/jalali";
import { connectionUrlOf, type DB } from "../../db/connection";
import { createSession } from "../../db/repos/sessions";
import { OperatorNotConfiguredError, setPresence } from "../../services/operators";
import { sessionCookie } from "../../app/lib/auth.server";
import { closeDeskEventHubs, deskEventHub, deskEventStream } from "../../app/lib/desk-events.server";
import * as deskHome from "../../app/routes/desk._index";
import * as deskEvents from "../../app/routes/desk.events";
import * as callPop from "../../app/routes/desk.calls.$callId";
import * as register from "../../app/routes/desk.register";
import { loadEnv } from "../../platform/env";
import { getTestDb, resetDatabase } from "../support/db";
import { testContext } from "../support/context";

let db: DB;
let ctx: AppLoadContext;
let operatorId: number;
let otherOperatorId: number;
let noExtensionId: number;
let modelId: number;
let notifier: pg.Client;

async function cookieFor(userId: number) {
  const s = await createSession(db, { userId, ip: "127.0.0.1", userAgent: "desk-test" });
  return (await sessionCookie(ctx).serialize(s.id)).split(";")[0]!;
}

async function notify(payload: unknown) {
  await notifier.query("select pg_notify($1, $2)", [DESK_EVENTS_CHANNEL, typeof payload === "string" ? payload : JSON.stringify(payload)]);
}

/** Reads server-sent events from a stream until `until` says stop (or the time is up). */
async function readEvents(body: ReadableStream<Uint8Array>, until: (events: { event: string; data: string }[], raw: string) => boolean, ms = 10_000) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let raw = "";
  const events: { event: string; data: string }[] = [];
  const deadline = Date.now() + ms;
  while (!until(events, raw)) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`timed out; stream so far:\n${raw}`);
    const chunk = await Promise.race([reader.read(), new Promise<"timeout">((r) => setTimeout(() => r("timeout"), left))]);
    if (chunk === "timeout") continue;
    if (chunk.done) break;
    raw += decoder.decode(chunk.value, { stream: true });
    events.length = 0;
    for (const block of raw.split("\n\n").slice(0, -1)) {
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event) events.push({ event, data: data ?? "" });
    }
  }
  reader.releaseLock();
  return { events, raw };
}

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  ctx = testContext(db);
  const users = await db
    .insertInto("users")
    .values([
      { username: "oper", display_name: "سارا محمدی", role: "operator", password_hash: "x" },
      { username: "oper2", display_name: "علی رضایی", role: "operator", password_hash: "x" },
      { username: "noext", display_name: "بدون داخلی", role: "operator", password_hash: "x" },
      { username: "mgr", display_name: "مدیر", role: "manager", password_hash: "x" },
    ])
    .returning("id")
    .execute();
  [operatorId, otherOperatorId, noExtensionId] = [users[0]!.id, users[1]!.id, users[2]!.id];
  await db
    .insertInto("operators")
    .values([
      { user_id: operatorId, extension: "101" },
      { user_id: otherOperatorId, extension: "102" },
    ])
    .execute();
  const brand = await db.insertInto("brands").values({ code: "snowa", name_fa: "اسنوا", name_en: "Snowa" }).returning("id").executeTakeFirstOrThrow();
  const cat = await db.insertInto("product_categories").values({ code: "washer", name_fa: "ماشین لباسشویی", name_en: "Washing machine" }).returning("id").executeTakeFirstOrThrow();
  modelId = (
    await db
      .insertInto("product_models")
      .values({ brand_id: brand.id, category_id: cat.id, model_code: "WM-7", name: "لباسشویی ۷ کیلویی", warranty_months: 18 })
      .returning("id")
      .executeTakeFirstOrThrow()
  ).id;
  notifier = new pg.Client({ connectionString: connectionUrlOf(db) });
  await notifier.connect();
});

afterAll(async () => {
  await closeDeskEventHubs();
  await notifier?.end();
});

describe("setPresence", () => {
  it("changes the operator's presence with its time, an audit row and a presence NOTIFY", async () => {
    const listener = new pg.Client({ connectionString: connectionUrlOf(db) });
    await listener.connect();
    const got: string[] = [];
    listener.on("notification", (m) => got.push(m.payload ?? ""));
    await listener.query(`listen ${DESK_EVENTS_CHANNEL}`);
    try {
      const r = await setPresence(db, { kind: "user", userId: operatorId, ip: "10.1.1.1" }, { userId: operatorId, presence: "available" });
      expect(r).toMatchObject({ from: "offline", presence: "available", changed: true });
      const row = await db.selectFrom("operators").select(["presence", "presence_since"]).where("user_id", "=", operatorId).executeTakeFirstOrThrow();
      expect(row.presence).toBe("available");
      expect(row.presence_since.getTime()).toBe(r.since.getTime());
      const audit = await db.selectFrom("audit_log").selectAll().where("action", "=", "operator.presence_change").execute();
      expect(audit).toEqual([expect.objectContaining({ actor_user_id: operatorId, entity_type: "user", entity_id: String(operatorId), ip: "10.1.1.1" })]);
      expect(audit[0]!.details).toEqual({ from: "offline", to: "available" });
      await expect.poll(() => got.length).toBe(1);
      expect(JSON.parse(got[0]!)).toMatchObject({ type: "presence", operatorUserId: operatorId, presence: "available" });

      // the same presence again: nothing written, nothing sent
      const again = await setPresence(db, { kind: "user", userId: operatorId }, { userId: operatorId, presence: "available" });
      expect(again.changed).toBe(false);
      expect(await db.selectFrom("audit_log").select("id").where("action", "=", "operator.presence_change").execute()).toHaveLength(1);
      await setPresence(db, { kind: "user", userId: operatorId }, { userId: operatorId, presence: "on_break" });
      await expect.poll(() => got.length).toBe(2);
    } finally {
      await listener.end();
    }
  });

  it("says so when the user has no phone extension (no operators row)", async () => {
    await expect(setPresence(db, { kind: "user", userId: noExtensionId }, { userId: noExtensionId, presence: "available" })).rejects.toBeInstanceOf(
      OperatorNotConfiguredError,
    );
  });
});

describe("the desk home's actions", () => {
  async function post(userId: number, fields: Record<string, string>, context = ctx) {
    const request = new Request("http://localhost/desk?index", {
      method: "POST",
      headers: { Cookie: await cookieFor(userId), "Content-Type": "application/x-www-form-urlencoded", Origin: "http://localhost" },
      body: new URLSearchParams(fields),
    });
    const res = await deskHome.action({ request, context, params: {} });
    return res instanceof Response ? { status: res.status, body: await res.json() } : { status: 200, body: res };
  }

  it("shows the operator's presence and extension, and an operator without an extension the reason", async () => {
    const home = async (userId: number) =>
      (await deskHome.loader({ request: new Request("http://localhost/desk", { headers: { Cookie: await cookieFor(userId) } }), context: ctx, params: {} })) as Exclude<
        Awaited<ReturnType<typeof deskHome.loader>>,
        Response
      >;
    const withExt = await home(operatorId);
    expect(withExt.operator).toMatchObject({ extension: "101" });
    expect(withExt.takesCalls).toBe(true);
    // the test environment has no ARI_URL: the built-in simulator, so the panel is offered
    expect(withExt.simulator).not.toBeNull();
    expect((await home(noExtensionId)).operator).toBeNull();
  });

  it("sets presence, and tells an operator without an extension why they cannot", async () => {
    expect(await post(otherOperatorId, { intent: "presence", presence: "available" })).toEqual({ status: 200, body: { intent: "presence", ok: true } });
    expect(await post(noExtensionId, { intent: "presence", presence: "available" })).toMatchObject({ status: 409, body: { message: "desk.presence.noExtension" } });
    expect(await post(otherOperatorId, { intent: "presence", presence: "asleep" })).toMatchObject({ status: 400, body: { message: "desk.presence.invalid" } });
  });

  it("places a simulated call through the simulator's control API, and says so when it does not answer", async () => {
    const seen: unknown[] = [];
    const sim: Server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        seen.push({ method: req.method, url: req.url, body: JSON.parse(body) });
        res.writeHead(201, { "Content-Type": "application/json" }).end(JSON.stringify({ id: "sim-42" }));
      });
    });
    await new Promise<void>((r) => sim.listen(0, "127.0.0.1", r));
    const port = (sim.address() as AddressInfo).port;
    try {
      const simCtx = { ...ctx, env: loadEnv({ NODE_ENV: "test", SESSION_SECRET: "test-secret-test-secret", DATA_DIR: ".data/test-env", ARI_SIM_PORT: String(port) }) };
      const ok = await post(operatorId, { intent: "simulate", from: "۰۹۱۲ ۱۲۳ ۴۵۶۷", digit: "2", ticketNumber: "10000001" }, simCtx);
      expect(ok).toMatchObject({ status: 200, body: { ok: true, message: "sim.started", params: { id: "sim-42" } } });
      expect(seen).toEqual([{ method: "POST", url: "/sim/calls", body: { from: "09121234567", to: "02191001570", dtmf: "210000001#" } }]);
      const bad = await post(operatorId, { intent: "simulate", from: "abc" }, simCtx);
      expect(bad).toMatchObject({ status: 400, body: { message: "sim.badInput" } });
    } finally {
      await new Promise((r) => sim.close(r));
    }
    // nothing listens there any more
    const downCtx = { ...ctx, env: loadEnv({ NODE_ENV: "test", SESSION_SECRET: "test-secret-test-secret", DATA_DIR: ".data/test-env", ARI_SIM_PORT: String(port) }) };
    const down = await post(operatorId, { intent: "simulate", from: "09121234567", digit: "1" }, downCtx);
    expect(down).toMatchObject({ status: 200, body: { ok: false, message: "sim.unreachable" } });
  });
});

describe("the desk's event stream (/desk/events)", () => {
  it("streams the operator's own events from a NOTIFY on another connection, ignores others and malformed ones, and cleans up on abort", async () => {
    const abort = new AbortController();
    const res = await deskEvents.loader({
      request: new Request("http://localhost/desk/events", { headers: { Cookie: await cookieFor(operatorId) }, signal: abort.signal }),
      context: ctx,
      params: {},
    });
    expect(res).toBeInstanceOf(Response);
    const response = res as Response;
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/^text\/event-stream/);
    const body = response.body!;
    await readEvents(body, (ev) => ev.some((e) => e.event === "ready"));

    const mine: DeskEvent = { type: "call_offered", operatorUserId: operatorId, callId: 77, at: new Date().toISOString() };
    await notify({ type: "call_offered", operatorUserId: otherOperatorId, callId: 76, at: new Date().toISOString() });
    await notify("not json at all");
    await notify({ type: "call_offered", operatorUserId: operatorId, at: "x" }); // no callId
    await notify(mine);
    const { events } = await readEvents(body, (ev) => ev.some((e) => e.event === "call_offered"));
    expect(events.filter((e) => e.event !== "ready")).toEqual([{ event: "call_offered", data: JSON.stringify(mine) }]);

    const hub = deskEventHub(db);
    expect(hub.subscriberCount).toBe(1);
    abort.abort();
    // the stream notices the abort on its next turn: generous on a loaded machine
    await expect.poll(() => hub.subscriberCount, { timeout: 15_000 }).toBe(0);
  });

  it("sends heartbeat comments", async () => {
    const abort = new AbortController();
    const res = deskEventStream(db, operatorId, abort.signal, 50);
    const { raw } = await readEvents(res.body!, (_e, raw) => raw.includes(": heartbeat"));
    expect(raw).toContain(": heartbeat\n\n");
    abort.abort();
  });

  it("reconnects its LISTEN connection when PostgreSQL drops it, and delivers what comes after", async () => {
    const abort = new AbortController();
    const body = deskEventStream(db, otherOperatorId, abort.signal).body!;
    await readEvents(body, (ev) => ev.some((e) => e.event === "ready"));
    await sql`select pg_terminate_backend(pid) from pg_stat_activity where query ilike ${`listen%${DESK_EVENTS_CHANNEL}%`} and pid <> pg_backend_pid()`.execute(db);
    // ready again once the new LISTEN is in place
    await readEvents(body, (ev) => ev.filter((e) => e.event === "ready").length >= 1);
    const event: DeskEvent = { type: "call_ended", operatorUserId: otherOperatorId, callId: 5, at: new Date().toISOString() };
    await expect
      .poll(async () => {
        await notify(event);
        const { events } = await readEvents(body, (ev) => ev.some((e) => e.event === "call_ended"), 500).catch(() => ({ events: [] }));
        return events.some((e) => e.event === "call_ended");
      }, { timeout: 15_000, interval: 300 })
      .toBe(true);
    abort.abort();
  });

  it("ends open streams with a goodbye when the process shuts the hubs down", async () => {
    const body = deskEventStream(db, operatorId, new AbortController().signal).body!;
    await readEvents(body, (ev) => ev.some((e) => e.event === "ready"));
    await closeDeskEventHubs();
    const reader = body.getReader();
    let rest = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += new TextDecoder().decode(value);
    }
    expect(rest).toContain("event: bye");
  });

  it("answers 204 without a session (EventSource stops) and 403 to a user who does not take calls", async () => {
    const anon = await deskEvents.loader({ request: new Request("http://localhost/desk/events"), context: ctx, params: {} });
    expect((anon as Response).status).toBe(204);
    const mgr = (await db.selectFrom("users").select("id").where("username", "=", "mgr").executeTakeFirstOrThrow()).id;
    const thrown = await Promise.resolve(
      deskEvents.loader({ request: new Request("http://localhost/desk/events", { headers: { Cookie: await cookieFor(mgr) } }), context: ctx, params: {} }),
    ).catch((e: unknown) => e);
    expect((thrown as Response).status).toBe(403);
  });
});

describe("the screen-pop (/desk/calls/:callId)", () => {
  async function pop(callId: string) {
    const request = new Request(`http://localhost/desk/calls/${callId}`, { headers: { Cookie: await cookieFor(operatorId) } });
    return (await callPop.loader({ request, context: ctx, params: { callId } })) as Awaited<ReturnType<typeof callPop.loader>>;
  }

  it("shows every customer with the caller's mobile, their products with warranty days, tickets and calls; the keyed ticket first", async () => {
    const today = tehranDay(new Date());
    const plus = (days: number) => tehranDay(new Date(Date.parse(`${today}T12:00:00Z`) + days * 86_400_000));
    const [a, b] = await db
      .insertInto("customers")
      .values([
        { full_name: "رضا نوری", mobile: "+989121110000" },
        { full_name: "مینا نوری", mobile: "+989121110000" },
      ])
      .returning("id")
      .execute();
    await db
      .insertInto("customer_products")
      .values([
        { customer_id: a!.id, model_id: modelId, serial_number: "WM-IN-1", warranty_months: 18, warranty_expires_on: plus(40) },
        { customer_id: b!.id, model_id: modelId, serial_number: "WM-OUT-1", warranty_months: 18, warranty_expires_on: plus(-10) },
      ])
      .execute();
    const open = await db.insertInto("tickets").values({ type: "breakdown", channel: "phone", customer_id: a!.id, warranty_status: "in_warranty" }).returning(["id", "number"]).executeTakeFirstOrThrow();
    const closed = await db
      .insertInto("tickets")
      .values({ type: "breakdown", channel: "phone", customer_id: b!.id, warranty_status: "unknown", status: "closed", closed_at: new Date() })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db
      .insertInto("calls")
      .values({
        direction: "inbound",
        caller_number: "09121110000",
        state: "ended",
        started_at: new Date(Date.now() - 3_600_000),
        ended_at: new Date(Date.now() - 3_000_000),
        disposition: "answered",
        ticket_id: open.id,
      })
      .execute();
    const call = await db
      .insertInto("calls")
      .values({ direction: "inbound", caller_number: "09121110000", state: "ringing", ivr_choice: "follow_up", keyed_ticket_number: open.number })
      .returning("id")
      .executeTakeFirstOrThrow();

    const { pop: p } = await pop(String(call.id));
    expect(p).not.toBeNull();
    expect(p!.call).toMatchObject({ id: call.id, mobile: "+989121110000", ivrChoice: "follow_up", keyedTicketNumber: open.number });
    expect(p!.keyedTicket).toMatchObject({ id: open.id, number: open.number });
    expect(p!.customers.map((c) => c.full_name)).toEqual(["رضا نوری", "مینا نوری"]);
    expect(p!.customers[0]!.products[0]).toMatchObject({ serial_number: "WM-IN-1", warrantyStatus: "in_warranty", warrantyDaysLeft: 40 });
    expect(p!.customers[1]!.products[0]).toMatchObject({ serial_number: "WM-OUT-1", warrantyStatus: "out_of_warranty", warrantyDaysLeft: -10 });
    expect(p!.openTickets.map((t) => t.id)).toEqual([open.id]);
    expect(p!.recentTickets.map((t) => t.id)).toEqual([closed.id]);
    expect(p!.recentCalls).toHaveLength(1);
    expect(p!.recentCalls[0]).toMatchObject({ ticket_id: open.id, ticket_number: open.number });
  });

  it("an unknown number has no customers (a new customer); a missing call is null, not an error", async () => {
    const call = await db.insertInto("calls").values({ direction: "inbound", caller_number: "09350000001", state: "ringing" }).returning("id").executeTakeFirstOrThrow();
    const { pop: p } = await pop(String(call.id));
    expect(p!.customers).toEqual([]);
    expect(p!.keyedTicket).toBeNull();
    expect((await pop("99999999")).pop).toBeNull();
    expect((await pop("abc")).pop).toBeNull();
  });
});

describe("the registration action (/desk/register)", () => {
  async function submit(fields: Record<string, string>) {
    const request = new Request("http://localhost/desk/register", {
      method: "POST",
      headers: { Cookie: await cookieFor(operatorId), "Content-Type": "application/x-www-form-urlencoded", Origin: "http://localhost" },
      body: new URLSearchParams(fields),
    });
    try {
      return await register.action({ request, context: ctx, params: {} });
    } catch (thrown) {
      if (thrown instanceof Response) return thrown;
      throw thrown;
    }
  }

  const good = () => ({
    idempotencyKey: crypto.randomUUID(),
    kind: "breakdown",
    customerId: "new",
    fullName: "پریسا\u0000 امینی",
    mobile: "+98 912 555 4433",
    nationalCode: "۰۰۱۲۳۴۵۶۷۸",
    serial: "SN-۱۲۳۴۵",
    modelId: String(modelId),
    purchaseDate: "2026-01-10",
    description: "درب لباسشویی باز نمی‌شود",
    province: "تهران",
    city: "تهران",
    addressText: "خیابان آزادی، پلاک ۵",
    lat: "35.7",
    lng: "51.3",
    priority: "normal",
  });

  it("registers and redirects to the new ticket; the same form submitted twice lands on the same ticket", async () => {
    const fields = good();
    const first = (await submit(fields)) as Response;
    expect(first.status).toBe(302);
    const location = first.headers.get("Location")!;
    expect(location).toMatch(/^\/desk\/tickets\/\d+$/);
    const second = (await submit(fields)) as Response;
    expect(second.headers.get("Location")).toBe(location);
    const id = Number(location.split("/").pop());
    const t = await db
      .selectFrom("tickets")
      .innerJoin("customers", "customers.id", "tickets.customer_id")
      .innerJoin("customer_products", "customer_products.id", "tickets.customer_product_id")
      .select(["customers.full_name", "customers.mobile", "customers.national_code", "customer_products.serial_number", "tickets.warranty_status"])
      .where("tickets.id", "=", id)
      .executeTakeFirstOrThrow();
    // NUL stripped at the edge; Persian digits and the +98 form normalised
    expect(t).toEqual({ full_name: "پریسا امینی", mobile: "+989125554433", national_code: "0012345678", serial_number: "SN-12345", warranty_status: "in_warranty" });
  });

  it("answers bad input with a message per field and everything typed, never a 500", async () => {
    const fields = { ...good(), fullName: "x", mobile: "12345", nationalCode: "12", description: "", province: "", lat: "95", lng: "51", purchaseDate: "2999-01-01" };
    const res = (await submit(fields)) as Response;
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: Record<string, string>; values: Record<string, string> };
    expect(body.errors).toEqual({
      fullName: "err.fullName",
      mobile: "err.mobile",
      nationalCode: "err.nationalCode",
      purchaseDate: "err.purchaseDate",
      description: "err.description",
      province: "err.province",
      lat: "err.location",
    });
    expect(body.values).toMatchObject({ fullName: "x", mobile: "12345", city: "تهران", serial: "SN-۱۲۳۴۵", idempotencyKey: fields.idempotencyKey });

    const unknownSerial = (await submit({ ...good(), serial: "NOT-KNOWN-9", modelId: "" })) as Response;
    expect(unknownSerial.status).toBe(400);
    expect(((await unknownSerial.json()) as { errors: unknown }).errors).toEqual({ modelId: "err.serialUnknown" });

    for (const broken of [{}, { idempotencyKey: "not-a-uuid", kind: "breakdown" }, { ...good(), kind: "party" }, { ...good(), modelId: "abc" }]) {
      const r = (await submit(broken as Record<string, string>)) as Response;
      expect(r.status, JSON.stringify(broken)).toBe(400);
    }
    const followUp = (await submit({ idempotencyKey: crypto.randomUUID(), kind: "follow_up", relatedTicketNumber: "۹۹۹۹۹۹۹۹", note: "سلام" })) as Response;
    expect(((await followUp.json()) as { errors: unknown }).errors).toEqual({ relatedTicketNumber: "err.ticketNotFound" });
  });

  it("prefills the form from the call: the caller's mobile, the known customer and their address", async () => {
    const c = await db.insertInto("customers").values({ full_name: "کاوه مهری", mobile: "+989121239999" }).returning("id").executeTakeFirstOrThrow();
    await db.insertInto("customer_addresses").values({ customer_id: c.id, province: "اصفهان", city: "اصفهان", address_text: "چهارباغ", is_default: true }).execute();
    const call = await db.insertInto("calls").values({ direction: "inbound", caller_number: "09121239999", state: "connected", ivr_choice: "breakdown" }).returning("id").executeTakeFirstOrThrow();
    const request = new Request(`http://localhost/desk/register?callId=${call.id}`, { headers: { Cookie: await cookieFor(operatorId) } });
    const data = (await register.loader({ request, context: ctx, params: {} })) as Exclude<Awaited<ReturnType<typeof register.loader>>, Response>;
    expect(data.prefill).toMatchObject({ kind: "breakdown", callId: String(call.id), customerId: String(c.id), mobile: "09121239999", province: "اصفهان", addressText: "چهارباغ" });
    expect(data.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(data.customers).toEqual([{ id: c.id, fullName: "کاوه مهری", mobile: "+989121239999" }]);
  });
});
