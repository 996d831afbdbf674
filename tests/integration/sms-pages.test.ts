/**
 * The pages of issue 12's messages, through their loaders and actions on a real PostgreSQL: the public
 * tracking page (signed tokens only, no personal data), the admin's SMS text editor (refusals named, the
 * audit row, the next registration uses the text), and the simulated inboxes (through the simulator's HTTP
 * control API; a 404 as soon as a Kavenegar key is configured).
 */
import { randomUUID } from "node:crypto";
import type { AppLoadContext } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { action as devSmsAction, loader as devSmsLoader } from "../../app/routes/dev.sms";
import { action as editAction, loader as editLoader } from "../../app/routes/admin.sms-templates.$kind";
import { loader as listLoader } from "../../app/routes/admin.sms-templates._index";
import { loader as trackingLoader } from "../../app/routes/t.$token";
import { loadTicketPage } from "../../app/lib/ticket-page.server";
import { ticketTimeline } from "../../app/lib/ticket-timeline";
import { sessionCookie } from "../../app/lib/auth.server";
import type { DB } from "../../db/connection";
import { createSession } from "../../db/repos/sessions";
import { createKavenegarClient } from "../../platform/kavenegar";
import { loadEnv } from "../../platform/env";
import { publicLinks, trackingToken, trackingUrl } from "../../platform/links";
import { registerFromCall } from "../../services/intake";
import { changeTicketStatus } from "../../services/tickets";
import { startKavenegarSimulator, type KavenegarSimulator } from "../../workers/kavenegar-simulator/index";
import { getTestDb, resetDatabase } from "../support/db";
import { testContext } from "../support/context";

const BASE_ENV = { NODE_ENV: "test", SESSION_SECRET: "test-secret-test-secret", DATA_DIR: ".data/test-env" } as const;
const LINE = "2000660110";

let db: DB;
let ctx: AppLoadContext;
let adminCookie: string;
let operatorId: number;
let sim: KavenegarSimulator;

async function thrownStatus(p: Promise<unknown>): Promise<number> {
  try {
    await p;
  } catch (e) {
    if (e instanceof Response) return e.status;
    throw e;
  }
  return 200;
}

function get(url: string, cookie?: string) {
  return new Request(`http://localhost${url}`, { headers: cookie ? { Cookie: cookie } : {} });
}

function post(url: string, fields: Record<string, string>, cookie?: string) {
  return new Request(`http://localhost${url}`, {
    method: "POST",
    body: new URLSearchParams(fields),
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...(cookie ? { Cookie: cookie } : {}) },
  });
}

async function register(mobile: string) {
  return registerFromCall(
    db,
    { kind: "user", userId: operatorId },
    {
      idempotencyKey: randomUUID(),
      kind: "breakdown",
      customer: { fullName: "مریم رضایی", mobile, nationalCode: null },
      description: "یخچال سرد نمی‌کند",
      address: { province: "تهران", city: "تهران", text: "خیابان ولیعصر، پلاک ۳" },
    },
    { links: publicLinks(ctx.env) },
  );
}

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  ctx = testContext(db);
  const users = await db
    .insertInto("users")
    .values([
      { username: "admin", display_name: "مدیر سامانه", role: "admin", password_hash: "x" },
      { username: "oper", display_name: "سارا محمدی", role: "operator", password_hash: "x" },
    ])
    .returning("id")
    .execute();
  operatorId = users[1]!.id;
  const s = await createSession(db, { userId: users[0]!.id, ip: "127.0.0.1", userAgent: "test" });
  adminCookie = (await sessionCookie(ctx).serialize(s.id)).split(";")[0]!;
  sim = await startKavenegarSimulator({ port: 0, apiKey: "sim-key-0123456789", defaultSender: LINE });
});

afterAll(async () => {
  await sim?.close();
});

describe("the tracking page /t/<token>", () => {
  it("shows the ticket's number, type, status and steps — and nothing personal", async () => {
    const r = await register("+989121110001");
    await db.updateTable("tickets").set({ status: "in_progress" }).where("id", "=", r.ticketId).execute();
    await changeTicketStatus(db, { kind: "user", userId: operatorId }, { ticketId: r.ticketId, to: "completed" }, { links: publicLinks(ctx.env) });
    const token = trackingToken(ctx.env.trackingSecret, r.ticketNumber);
    // the link in the SMS is this page's address
    const sms = await db.selectFrom("sms_messages").select("body").where("ticket_id", "=", r.ticketId).where("purpose", "=", "ticket_registered").executeTakeFirstOrThrow();
    expect(sms.body).toContain(`http://localhost:3000/t/${token}`);
    expect(trackingUrl(publicLinks(ctx.env), r.ticketNumber)).toBe(`http://localhost:3000/t/${token}`);

    const view = await trackingLoader({ request: get(`/t/${token}`), params: { token }, context: ctx });
    expect(view).toMatchObject({ number: r.ticketNumber, type: "breakdown", status: "completed", steps: [{ status: "completed" }] });
    const json = JSON.stringify(view);
    for (const personal of ["مریم", "9121110001", "ولیعصر", "یخچال", "customer", "mobile", "address"]) expect(json).not.toContain(personal);
  });

  it("names the agency (with its phone) once one has accepted, the visit window once set, and says when the job is done", async () => {
    const r = await register("+989121110004");
    const other = await register("+989121110005");
    const token = trackingToken(ctx.env.trackingSecret, r.ticketNumber);
    const view = () => trackingLoader({ request: get(`/t/${token}`), params: { token }, context: ctx }) as Promise<Record<string, unknown>>;
    const [offered, accepting, elsewhere] = await db
      .insertInto("agencies")
      .values([
        { code: "TRK-001", name: "نمایندگی پیشنهادشده", province: "تهران", city: "تهران", phones: ["02144445555"] },
        { code: "TRK-002", name: "نمایندگی سپهر", province: "تهران", city: "تهران", phones: ["02188776655", "02188776656"] },
        { code: "TRK-003", name: "نمایندگی دیگر", province: "تهران", city: "تهران", phones: ["02133332222"] },
      ])
      .returning("id")
      .execute();
    const deadline = new Date(Date.now() + 3600_000);
    // an offer that is only pending names no agency
    await db.insertInto("dispatch_offers").values({ ticket_id: r.ticketId, agency_id: offered!.id, deadline_at: deadline }).execute();
    await db.updateTable("tickets").set({ status: "dispatching" }).where("id", "=", r.ticketId).execute();
    expect(await view()).toMatchObject({ status: "dispatching", agency: null, visit: null, done: false, doneAt: null });

    // accepted by another agency, without a window yet: its name and first phone
    await db.updateTable("dispatch_offers").set({ status: "rejected", responded_at: new Date(), response_reason: "ظرفیت پر است" }).where("ticket_id", "=", r.ticketId).execute();
    const [offer] = await db
      .insertInto("dispatch_offers")
      .values({ ticket_id: r.ticketId, agency_id: accepting!.id, deadline_at: deadline, status: "accepted", responded_at: new Date(), attempt: 2 })
      .returning("id")
      .execute();
    await db.updateTable("tickets").set({ status: "assigned", assigned_agency_id: accepting!.id }).where("id", "=", r.ticketId).execute();
    expect(await view()).toMatchObject({ status: "assigned", agency: { name: "نمایندگی سپهر", phone: "02188776655" }, visit: null, done: false });

    // the window, once the agency set it
    // windows days away from today, so that neither day can be read in the pages' own created/updated times
    const inDays = (days: number, hourUtc: number) => {
      const d = new Date();
      d.setUTCDate(d.getUTCDate() + days);
      d.setUTCHours(hourUtc, 30, 0, 0);
      return d;
    };
    const dayOf = (d: Date) => d.toISOString().slice(0, 10);
    const from = inDays(10, 6);
    const to = inDays(10, 8);
    const otherFrom = inDays(13, 6);
    const otherTo = inDays(13, 7);
    await db.updateTable("dispatch_offers").set({ visit_from: from, visit_to: to }).where("id", "=", offer!.id).execute();
    await db.updateTable("tickets").set({ status: "scheduled" }).where("id", "=", r.ticketId).execute();
    const scheduled = await view();
    expect(scheduled).toMatchObject({ agency: { name: "نمایندگی سپهر" }, visit: { from, to }, done: false });

    // another ticket's agency and window never show on this one's page, nor this one's on its page
    await db.updateTable("tickets").set({ status: "assigned", assigned_agency_id: elsewhere!.id }).where("id", "=", other.ticketId).execute();
    await db
      .insertInto("dispatch_offers")
      .values({ ticket_id: other.ticketId, agency_id: elsewhere!.id, deadline_at: deadline, status: "accepted", responded_at: new Date(), visit_from: otherFrom, visit_to: otherTo })
      .execute();
    expect(JSON.stringify(await view())).not.toMatch(new RegExp(`نمایندگی دیگر|02133332222|${dayOf(otherFrom)}|نمایندگی پیشنهادشده`));
    const otherToken = trackingToken(ctx.env.trackingSecret, other.ticketNumber);
    const otherView = JSON.stringify(await trackingLoader({ request: get(`/t/${otherToken}`), params: { token: otherToken }, context: ctx }));
    expect(otherView).toContain("نمایندگی دیگر");
    expect(otherView).not.toMatch(new RegExp(`سپهر|02188776655|${dayOf(from)}`));

    // done, in so many words, with the time it was done
    await db.updateTable("tickets").set({ status: "in_progress" }).where("id", "=", r.ticketId).execute();
    await changeTicketStatus(db, { kind: "user", userId: operatorId }, { ticketId: r.ticketId, to: "completed" }, { links: publicLinks(ctx.env) });
    const done = await view();
    const completedAt = (done.steps as { status: string; at: Date }[]).find((s) => s.status === "completed")!.at;
    expect(done).toMatchObject({ status: "completed", done: true, doneAt: completedAt, agency: { name: "نمایندگی سپهر" }, visit: { from, to } });
    const json = JSON.stringify(done);
    for (const personal of ["مریم", "9121110004", "ولیعصر", "یخچال", "customer", "mobile", "address"]) expect(json).not.toContain(personal);
  });

  it("is a 404 for a bad, altered, other-secret or unknown-ticket token", async () => {
    const r = await register("+989121110002");
    const good = trackingToken(ctx.env.trackingSecret, r.ticketNumber);
    const otherSecret = trackingToken("not-this-sites-secret-at-all", r.ticketNumber);
    const unknownTicket = trackingToken(ctx.env.trackingSecret, 987654321);
    const altered = good.slice(0, -2) + (good.endsWith("AA") ? "BB" : "AA");
    for (const token of ["", "x", String(r.ticketNumber), r.ticketNumber.toString(36), otherSecret, unknownTicket, altered, `${good}/x`]) {
      expect(await thrownStatus(trackingLoader({ request: get(`/t/${token}`), params: { token }, context: ctx })), token).toBe(404);
    }
  });
});

describe("the ticket page's timeline", () => {
  it("interleaves each SMS with the history by time, with its current status and that status's time", async () => {
    const r = await register("+989121110003");
    const actor = { kind: "user" as const, userId: operatorId };
    await changeTicketStatus(db, actor, { ticketId: r.ticketId, to: "dispatching" }, { links: publicLinks(ctx.env) });
    const [agency] = await db.insertInto("agencies").values({ code: "ISF-009", name: "نمایندگی اصفهان", province: "اصفهان", city: "اصفهان" }).returning("id").execute();
    await db
      .insertInto("sms_messages")
      .values({ direction: "outbound", receptor: "09130000009", body: "ارجاع", purpose: "dispatch_offer", status: "sent", ticket_id: r.ticketId, agency_id: agency!.id })
      .execute();
    // the poller's answer for the registration's message: delivered, a while after it was written
    const deliveredAt = new Date(Date.now() + 5_000);
    await db
      .updateTable("sms_messages")
      .set({ status: "delivered", delivered_at: deliveredAt, status_at: deliveredAt })
      .where("ticket_id", "=", r.ticketId)
      .where("purpose", "=", "ticket_registered")
      .execute();
    await db.updateTable("tickets").set({ status: "in_progress" }).where("id", "=", r.ticketId).execute();
    await changeTicketStatus(db, actor, { ticketId: r.ticketId, to: "completed" }, { links: publicLinks(ctx.env) });

    const page = await loadTicketPage(db, { kind: "all" }, String(r.ticketId));
    const timeline = ticketTimeline(page.history, page.sms);
    expect(timeline.map((e) => (e.kind === "sms" ? `sms:${e.sms.purpose}:${e.sms.status}` : `${e.event.event_type}:${e.event.to_status ?? ""}`))).toEqual([
      "created:new",
      // written in the registration's transaction, so at the same time: after the row that wrote it
      "sms:ticket_registered:delivered",
      "status_changed:dispatching",
      "sms:dispatch_offer:sent",
      "status_changed:completed",
      "sms:ticket_completed:queued",
    ]);
    const times = timeline.map((e) => new Date(e.at).getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const registered = timeline.find((e) => e.kind === "sms" && e.sms.purpose === "ticket_registered");
    expect(registered?.kind === "sms" && new Date(registered.sms.status_at).getTime()).toBe(deliveredAt.getTime());

  });
});

describe("the admin's SMS text editor", () => {
  it("lists every kind, default or changed", async () => {
    const list = (await listLoader({ request: get("/admin/sms-templates", adminCookie), params: {}, context: ctx })) as {
      rows: { kind: string; custom: boolean }[];
    };
    expect(list.rows.map((r) => r.kind)).toEqual([
      "ticket_registered",
      "complaint_registered",
      "agency_accepted",
      "ticket_completed",
      "agency_offer",
      "technician_job",
      "satisfaction_survey",
      "parts_arrived",
    ]);
    expect(list.rows.every((r) => !r.custom)).toBe(true);
  });

  it("refuses a text with problems (400, each problem named, the text kept), never a 500", async () => {
    for (const body of ["", "{tiket_number} {tracking_link}", "کد {ticket_number} {", "ب".repeat(6000)]) {
      const res = (await editAction({
        request: post("/admin/sms-templates/ticket_registered", { intent: "save", body }, adminCookie),
        params: { kind: "ticket_registered" },
        context: ctx,
      })) as Response;
      expect(res.status).toBe(400);
      const data = (await res.json()) as { problems: { code: string }[]; body: string };
      expect(data.problems.length).toBeGreaterThan(0);
    }
    expect(await db.selectFrom("sms_template_overrides").selectAll().execute()).toEqual([]);
    expect(await thrownStatus(editLoader({ request: get("/admin/sms-templates/x", adminCookie), params: { kind: "x" }, context: ctx }))).toBe(404);
  });

  it("saves a text (audit row), the next registration's SMS uses it, and a reset brings the default back", async () => {
    const body = "درخواست {ticket_number} ثبت شد. پیگیری: {tracking_link}";
    const res = (await editAction({
      request: post("/admin/sms-templates/ticket_registered", { intent: "save", body }, adminCookie),
      params: { kind: "ticket_registered" },
      context: ctx,
    })) as Response;
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/admin/sms-templates/ticket_registered?done=saved");
    const audit = await db.selectFrom("audit_log").select(["action", "entity_id", "ip"]).where("entity_type", "=", "sms_template").execute();
    expect(audit).toEqual([{ action: "sms_template.update", entity_id: "ticket_registered", ip: "127.0.0.1" }]);
    const page = await editLoader({ request: get("/admin/sms-templates/ticket_registered?done=saved", adminCookie), params: { kind: "ticket_registered" }, context: ctx });
    expect(page).toMatchObject({ body, custom: true, done: "saved", updatedBy: "مدیر سامانه" });

    const r = await register("+989121110003");
    const sms = await db.selectFrom("sms_messages").select("body").where("ticket_id", "=", r.ticketId).executeTakeFirstOrThrow();
    const fa = String(r.ticketNumber).replace(/\d/g, (d) => String.fromCharCode(0x06f0 + Number(d)));
    expect(sms.body).toBe(`درخواست ${fa} ثبت شد. پیگیری: ${trackingUrl(publicLinks(ctx.env), r.ticketNumber)}`);

    const reset = (await editAction({
      request: post("/admin/sms-templates/ticket_registered", { intent: "reset" }, adminCookie),
      params: { kind: "ticket_registered" },
      context: ctx,
    })) as Response;
    expect(reset.headers.get("Location")).toBe("/admin/sms-templates/ticket_registered?done=reset");
    expect(await db.selectFrom("sms_template_overrides").selectAll().execute()).toEqual([]);
  });
});

describe("the simulated inboxes /dev/sms", () => {
  function simCtx(extra: Record<string, string> = {}): AppLoadContext {
    return { ...ctx, env: loadEnv({ ...BASE_ENV, KAVENEGAR_SIM_URL: sim.url, ...extra }) };
  }

  it("is a 404, loader and action, as soon as a Kavenegar key is configured", async () => {
    const keyed = simCtx({ KAVENEGAR_API_KEY: "REALKEY12345", KAVENEGAR_SIM_URL: sim.url });
    expect(await thrownStatus(devSmsLoader({ request: get("/dev/sms"), params: {}, context: keyed }))).toBe(404);
    expect(await thrownStatus(devSmsAction({ request: post("/dev/sms", { from: "09121234567", message: "5" }), params: {}, context: keyed }))).toBe(404);
  });

  it("is a 404 in production unless DEV_PAGES=true (a deployment without a key must not list its customers' numbers)", async () => {
    const production = simCtx({ NODE_ENV: "production", ARI_SIMULATOR: "true", SMS_SIMULATOR: "true" });
    expect(await thrownStatus(devSmsLoader({ request: get("/dev/sms"), params: {}, context: production }))).toBe(404);
    expect(await thrownStatus(devSmsAction({ request: post("/dev/sms", { from: "09121234567", message: "5" }), params: {}, context: production }))).toBe(404);
    const opted = await devSmsLoader({ request: get("/dev/sms"), params: {}, context: simCtx({ NODE_ENV: "production", ARI_SIMULATOR: "true", SMS_SIMULATOR: "true", DEV_PAGES: "true" }) });
    expect(opted).toMatchObject({ unreachable: null });
  });

  it("shows each phone's messages newest first, read through the simulator's control API", async () => {
    const client = createKavenegarClient({ apiKey: "sim-key-0123456789", baseUrl: `${sim.url}/v1` });
    await client.send({ receptor: "09121112233", message: "اول https://x.ir/t/1", localid: "101" });
    await client.send({ receptor: "09121112233", message: "دوم", localid: "102" });
    await client.send({ receptor: "09350000001", message: "برای دیگری", localid: "103" });
    const data = await devSmsLoader({ request: get("/dev/sms?number=۰۹۱۲۱۱۱۲۲۳۳"), params: {}, context: simCtx() });
    expect(data.unreachable).toBeNull();
    expect(data.selected).toBe("09121112233");
    expect(data.phones.map((p) => p.number).sort()).toEqual(["09121112233", "09350000001"]);
    expect(data.messages.map((m) => m.message)).toEqual(["دوم", "اول https://x.ir/t/1"]);
  });

  it("an SMS typed on the page reaches the service line: sms/receive returns it", async () => {
    const res = (await devSmsAction({ request: post("/dev/sms", { from: "۰۹۱۲ ۱۱۱ ۲۲۳۳", message: "۵" }), params: {}, context: simCtx() })) as Response;
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/dev/sms?number=09121112233&sent=09121112233");
    const client = createKavenegarClient({ apiKey: "sim-key-0123456789", baseUrl: `${sim.url}/v1` });
    const received = await client.receive(LINE);
    expect(received.map((m) => ({ from: m.sender, message: m.message }))).toEqual([{ from: "09121112233", message: "۵" }]);
  });

  it("refuses a bad number or an empty message with a 400 and a message, keeping what was typed", async () => {
    const res = (await devSmsAction({ request: post("/dev/sms", { from: "12", message: "سلام" }), params: {}, context: simCtx() })) as Response;
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "devSms.badNumber", values: { from: "12", message: "سلام" } });
    const empty = (await devSmsAction({ request: post("/dev/sms", { from: "09121112233", message: "  " }), params: {}, context: simCtx() })) as Response;
    expect(await empty.json()).toMatchObject({ error: "devSms.emptyMessage" });
  });

  it("says the simulator is unreachable instead of failing when it does not answer", async () => {
    const down = simCtx({ KAVENEGAR_SIM_URL: "http://127.0.0.1:9" });
    const data = await devSmsLoader({ request: get("/dev/sms"), params: {}, context: down });
    expect(data).toMatchObject({ unreachable: "http://127.0.0.1:9", phones: [], messages: [] });
    const res = (await devSmsAction({ request: post("/dev/sms", { from: "09121112233", message: "5" }), params: {}, context: down })) as Response;
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: "devSms.unreachable" });
  });
});
