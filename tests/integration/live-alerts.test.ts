/**
 * The manager home's live alerts: the web process's one LISTEN connection (app/lib/desk-events.server.ts)
 * also listens on SUPERVISOR_ALERTS_CHANNEL and forwards the SLA sweep's NOTIFY, and an alert marked
 * reviewed, to every open /manager/alerts/events stream — one connection however many streams are open.
 */
import type { AppLoadContext } from "@remix-run/node";
import pg from "pg";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDeskEventHubs, deskEventHub } from "../../app/lib/desk-events.server";
import { sessionCookie } from "../../app/lib/auth.server";
import * as alertEvents from "../../app/routes/manager.alerts.events";
import { slaDueTimes, SUPERVISOR_ALERTS_CHANNEL, parseSupervisorAlertEvent } from "../../core/sla";
import { connectionUrlOf, type DB } from "../../db/connection";
import { createSession } from "../../db/repos/sessions";
import { acknowledgeAlert } from "../../services/alerts";
import { sweepSla } from "../../services/sla";
import { testContext } from "../support/context";
import { getTestDb, resetDatabase } from "../support/db";

let db: DB;
let ctx: AppLoadContext;
let managerId: number;
const cookies: Record<string, string> = {};
let notifier: pg.Client;

async function readEvents(body: ReadableStream<Uint8Array>, until: (events: { event: string; data: string }[]) => boolean, ms = 15_000) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let raw = "";
  const events: { event: string; data: string }[] = [];
  const deadline = Date.now() + ms;
  try {
    while (!until(events)) {
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
  } finally {
    reader.releaseLock();
  }
  return events;
}

async function open(who: string | null, signal: AbortSignal) {
  const headers: Record<string, string> = who ? { Cookie: cookies[who]! } : {};
  return alertEvents.loader({ request: new Request("http://localhost/manager/alerts/events", { headers, signal }), context: ctx, params: {} } as never).catch((e: unknown) => e as Response);
}

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  ctx = testContext(db);
  const users = await db
    .insertInto("users")
    .values([
      { username: "boss", display_name: "مدیر", role: "manager", password_hash: "x" },
      { username: "sup", display_name: "سرپرست", role: "supervisor", password_hash: "x" },
      { username: "oper", display_name: "سارا محمدی", role: "operator", password_hash: "x" },
    ])
    .returning(["id", "username"])
    .execute();
  managerId = users[0]!.id;
  for (const u of users) {
    const s = await createSession(db, { userId: u.id, ip: null, userAgent: null });
    cookies[u.username] = (await sessionCookie(ctx).serialize(s.id)).split(";")[0]!;
  }
  notifier = new pg.Client({ connectionString: connectionUrlOf(db) });
  await notifier.connect();
});

afterAll(async () => {
  await closeDeskEventHubs();
  await notifier?.end();
});

describe("the manager home's live alert stream", () => {
  it("answers 204 without a session and 403 to a user who may not read the manager home", async () => {
    const abort = new AbortController();
    expect((await open(null, abort.signal)).status).toBe(204);
    expect((await open("oper", abort.signal)).status).toBe(403);
  });

  it("forwards the sweep's alerts and a review to every open stream, through one LISTEN connection", async () => {
    const abort = new AbortController();
    const a = await open("boss", abort.signal);
    const b = await open("sup", abort.signal);
    expect(a.headers.get("Content-Type")).toMatch(/^text\/event-stream/);
    await readEvents(a.body!, (ev) => ev.some((e) => e.event === "ready"));
    await readEvents(b.body!, (ev) => ev.some((e) => e.event === "ready"));
    const { rows: listeners } = await sql<{ n: number }>`
      select count(*)::int as n from pg_stat_activity
      where datname = current_database() and query ilike ${`%listen%${SUPERVISOR_ALERTS_CHANNEL}%`}`.execute(db);
    expect(listeners[0]!.n).toBe(1);
    expect(deskEventHub(db).subscriberCount).toBe(2);

    // a breakdown registered 5 hours ago still waiting for an agency: the sweep marks its acceptance breached
    const customer = (await db.insertInto("customers").values({ full_name: "لیلا حسینی", mobile: "+989121234502" }).returning("id").executeTakeFirstOrThrow()).id;
    const created = new Date(Date.now() - 5 * 3_600_000);
    const due = slaDueTimes(created, "normal", "breakdown");
    await db
      .insertInto("tickets")
      .values({
        type: "breakdown", channel: "phone", customer_id: customer, warranty_status: "in_warranty", status: "dispatching", created_at: created,
        sla_accept_due_at: due.acceptDueAt, sla_visit_due_at: due.visitDueAt, sla_resolve_due_at: due.resolveDueAt,
      })
      .execute();
    // something foreign on the channel is ignored, not forwarded
    await notifier.query("select pg_notify($1, $2)", [SUPERVISOR_ALERTS_CHANNEL, '{"type":"sla_alerts","stage":"nowhere"}']);
    await sweepSla(db);
    for (const body of [a.body!, b.body!]) {
      const events = (await readEvents(body, (ev) => ev.some((e) => e.event === "sla_alerts"))).filter((e) => e.event !== "ready");
      expect(events).toHaveLength(1);
      expect(parseSupervisorAlertEvent(events[0]!.data)).toMatchObject({ type: "sla_alerts", stage: "accept", atRisk: 0, breached: 1 });
    }

    const alert = await db.selectFrom("supervisor_alerts").select("id").executeTakeFirstOrThrow();
    await acknowledgeAlert(db, { kind: "user", userId: managerId, ip: null }, Number(alert.id));
    const events = await readEvents(b.body!, (ev) => ev.some((e) => e.event === "alert_acknowledged"));
    expect(parseSupervisorAlertEvent(events.find((e) => e.event === "alert_acknowledged")!.data)).toMatchObject({ alertId: Number(alert.id) });

    abort.abort();
    await expect.poll(() => deskEventHub(db).subscriberCount, { timeout: 15_000 }).toBe(0);
  });
});
