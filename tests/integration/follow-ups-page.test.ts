/**
 * The happy-call list (/desk/follow-ups) and the follow-up on the ticket page, through the routes' loaders and
 * actions: an operator records a score (a low one opens a complaint shown on both tickets) or a no-answer;
 * bad input is a message, never a 500; completing a job from the desk schedules its follow-up by the
 * configuration; agencies are not shown the call centre's follow-up.
 */
import type { AppLoadContext } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import { action as followUpsAction, loader as followUpsLoader } from "../../app/routes/desk.follow-ups";
import { action as ticketPageAction, loader as ticketPageLoader } from "../../app/routes/desk.tickets.$ticketId";
import { loader as managerTicketLoader } from "../../app/routes/manager.tickets.$ticketId";
import { loader as agencyTicketLoader } from "../../app/routes/agency.tickets.$ticketId";
import { sessionCookie } from "../../app/lib/auth.server";
import { DEFAULT_SURVEY_CONFIG } from "../../core/satisfaction";
import type { DB } from "../../db/connection";
import { createSession } from "../../db/repos/sessions";
import { loadEnv } from "../../platform/env";
import { scheduleFollowUp } from "../../services/satisfaction";
import { getTestDb, resetDatabase } from "../support/db";
import { testContext } from "../support/context";

let db: DB;
let ctx: AppLoadContext;
const cookies: Record<string, string> = {};
const userIds: Record<string, number> = {};
let agencyId: number;
let customerId: number;
let nextNumber = 10_000_700;
const operatorMode = { ...DEFAULT_SURVEY_CONFIG, mode: "operator" as const, delayDays: 0, maxAttempts: 2, retryMinutes: 60 };

async function completedJob(status: "completed" | "in_progress" = "completed") {
  const t = await db
    .insertInto("tickets")
    .values({ number: nextNumber++, type: "breakdown", channel: "phone", customer_id: customerId, warranty_status: "unknown", status, assigned_agency_id: agencyId })
    .returning(["id", "number"])
    .executeTakeFirstOrThrow();
  return t;
}

async function call<T>(fn: () => Promise<T>): Promise<T | Response> {
  try {
    return await fn();
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

function post(url: string, form: Record<string, string>, who = "oper") {
  return new Request(`http://localhost${url}`, {
    method: "POST",
    headers: { Cookie: cookies[who]!, "Content-Type": "application/x-www-form-urlencoded", Origin: "http://localhost" },
    body: new URLSearchParams(form),
  });
}

function get(url: string, who = "oper") {
  return new Request(`http://localhost${url}`, { headers: { Cookie: cookies[who]! } });
}

async function list(who = "oper") {
  return followUpsLoader({ request: get("/desk/follow-ups", who), context: ctx, params: {} } as never);
}

async function submit(form: Record<string, string>) {
  return (await call(() => followUpsAction({ request: post("/desk/follow-ups", form), context: ctx, params: {} } as never))) as Response;
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
      { username: "sup", display_name: "سرپرست", role: "supervisor", password_hash: "x" },
      { username: "boss", display_name: "مدیر", role: "manager", password_hash: "x" },
      { username: "agent", display_name: "نماینده", role: "agency_admin", agency_id: agencyId, password_hash: "x" },
    ])
    .returning(["id", "username"])
    .execute();
  for (const u of users) {
    userIds[u.username] = u.id;
    const s = await createSession(db, { userId: u.id, ip: "127.0.0.1", userAgent: "test" });
    cookies[u.username] = (await sessionCookie(ctx).serialize(s.id)).split(";")[0]!;
  }
  customerId = (await db.insertInto("customers").values({ full_name: "مینا احمدی", mobile: "+989121234500" }).returning("id").executeTakeFirstOrThrow()).id;
});

describe("the happy-call list", () => {
  it("lists due operator follow-ups; a score of 2 is recorded by the operator and opens a complaint shown on both tickets", async () => {
    const job = await completedJob();
    const { surveyId } = await scheduleFollowUp(db, { ticketId: job.id, completedAt: new Date(Date.now() - 1000), config: operatorMode });
    const notDue = await completedJob();
    await scheduleFollowUp(db, { ticketId: notDue.id, completedAt: new Date(), config: { ...operatorMode, delayDays: 1 } });
    const page = await list();
    expect(page.rows.map((r) => r.id)).toEqual([surveyId]);
    expect(page.rows[0]).toMatchObject({ ticket_id: job.id, number: job.number, customer_name: "مینا احمدی", mobile: "+989121234500", attempts: 0 });
    expect(page.canDial).toBe(true);

    const res = await submit({ intent: "score", surveyId: String(surveyId), score: "2", comment: "  تکنسین دیر آمد " });
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/desk/follow-ups?done=complaint");
    const s = await db.selectFrom("satisfaction_surveys").selectAll().where("id", "=", surveyId).executeTakeFirstOrThrow();
    expect(s).toMatchObject({ status: "answered", score: 2, channel: "operator_call", operator_user_id: userIds.oper, comment: "تکنسین دیر آمد" });
    expect((await list()).rows).toEqual([]);

    // the job's page (desk and manager) shows the follow-up with the complaint; the complaint's page its job
    for (const [loader, path, who] of [
      [ticketPageLoader, "desk", "sup"],
      [managerTicketLoader, "manager", "boss"],
    ] as const) {
      const p = await loader({ request: get(`/${path}/tickets/${job.id}`, who), context: ctx, params: { ticketId: String(job.id) } } as never);
      expect(p.followUp).toMatchObject({ status: "answered", score: 2, channel: "operator_call", mode: "operator", complaint_ticket_id: s.complaint_ticket_id, calling: false });
      expect(p.followUp!.complaint_number).toBeGreaterThan(0);
      const c = await loader({ request: get(`/${path}/tickets/${s.complaint_ticket_id}`, who), context: ctx, params: { ticketId: String(s.complaint_ticket_id) } } as never);
      expect(c.ticket.type).toBe("complaint");
      expect(c.complaintOf).toEqual({ ticket_id: job.id, number: job.number, score: 2 });
    }
    // the agency sees its job, not the call centre's follow-up
    const a = await agencyTicketLoader({ request: get(`/agency/tickets/${job.id}`, "agent"), context: ctx, params: { ticketId: String(job.id) } } as never);
    expect(a.followUp).toBeNull();
  });

  it("a second score for an answered follow-up, a missing score, a bad score: messages, nothing changes", async () => {
    const job = await completedJob();
    const { surveyId } = await scheduleFollowUp(db, { ticketId: job.id, completedAt: new Date(Date.now() - 1000), config: operatorMode });
    const missing = await submit({ intent: "score", surveyId: String(surveyId) });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ surveyId, error: "followUps.error.score" });
    const bad = await submit({ intent: "score", surveyId: String(surveyId), score: "7" });
    expect(bad.status).toBe(400);
    const long = await submit({ intent: "score", surveyId: String(surveyId), score: "4", comment: "x".repeat(1001) });
    expect(await long.json()).toMatchObject({ error: "followUps.error.commentTooLong", comment: "x".repeat(1001) });
    expect((await submit({ intent: "score", surveyId: String(surveyId), score: "5" })).headers.get("Location")).toBe("/desk/follow-ups?done=score");
    const again = await submit({ intent: "score", surveyId: String(surveyId), score: "1" });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: "followUps.error.notPending" });
    expect(await db.selectFrom("satisfaction_surveys").select("score").where("id", "=", surveyId).executeTakeFirstOrThrow()).toEqual({ score: 5 });
  });

  it("no answer: the follow-up leaves the list until the retry interval has passed", async () => {
    const job = await completedJob();
    const { surveyId } = await scheduleFollowUp(db, { ticketId: job.id, completedAt: new Date(Date.now() - 1000), config: operatorMode });
    const res = await submit({ intent: "noAnswer", surveyId: String(surveyId) });
    expect(res.headers.get("Location")).toBe("/desk/follow-ups?done=noAnswer");
    const s = await db.selectFrom("satisfaction_surveys").select(["attempts", "next_attempt_at", "status"]).where("id", "=", surveyId).executeTakeFirstOrThrow();
    expect(s.attempts).toBe(1);
    expect(s.next_attempt_at!.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect((await list()).rows.map((r) => r.id)).not.toContain(surveyId);
  });
});

describe("completing a job from the desk", () => {
  it("schedules its follow-up by the configuration (automated call, due after SATISFACTION_DELAY_DAYS)", async () => {
    const env = loadEnv({ NODE_ENV: "test", SESSION_SECRET: "test-secret-test-secret", DATA_DIR: ".data/test-env", SATISFACTION_DELAY_DAYS: "3" });
    const job = await completedJob("in_progress");
    const res = (await call(() =>
      ticketPageAction({ request: post(`/desk/tickets/${job.id}`, { intent: "status", to: "completed" }), context: { ...ctx, env }, params: { ticketId: String(job.id) } } as never),
    )) as Response;
    expect(res.status).toBe(302);
    const s = await db.selectFrom("satisfaction_surveys").selectAll().where("ticket_id", "=", job.id).executeTakeFirstOrThrow();
    expect(s).toMatchObject({ mode: "call", status: "pending", channel: "ivr_dtmf" });
    expect(s.due_at!.getTime() - Date.now()).toBeGreaterThan(3 * 24 * 3600_000 - 60_000);
    const p = await ticketPageLoader({ request: get(`/desk/tickets/${job.id}`), context: ctx, params: { ticketId: String(job.id) } } as never);
    expect(p.followUp).toMatchObject({ status: "pending", mode: "call", score: null, attempts: 0 });
  });
});
