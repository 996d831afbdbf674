/**
 * Follow-up satisfaction surveys on a real PostgreSQL: scheduling at completion and by the sweep (once per
 * ticket), the automated call's request, scores (with the complaint and the supervisors' alert), no-answer →
 * retry → SMS survey, and inbound SMS read from the Kavenegar simulator through the real client and the
 * `sms__poll_inbound` step (stored once, matched by number, a digit reply scoring the survey).
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SURVEY_CONFIG, type SurveyConfig } from "../../core/satisfaction";
import type { DB } from "../../db/connection";
import { KAVENEGAR_SIMULATOR_API_KEY } from "../../platform/env";
import { createKavenegarClient } from "../../platform/kavenegar";
import type { Actor } from "../../services/actor";
import { registerFromCall } from "../../services/intake";
import {
  claimSurveyCall,
  createDueFollowUps,
  InvalidScoreError,
  pendingSurveyCalls,
  recordSurveyNoAnswer,
  recordSurveyScore,
  requestSurveyCall,
  scheduleFollowUp,
  surveyCallJobKey,
  sweepFollowUps,
} from "../../services/satisfaction";
import { pendingOutboundCalls } from "../../services/calls";
import { changeTicketStatus } from "../../services/tickets";
import { startKavenegarSimulator, type KavenegarSimulator } from "../../workers/kavenegar-simulator/index";
import { pollInboundSms } from "../../workers/tasks/sms__poll_inbound";
import { runSatisfactionSweep } from "../../workers/tasks/satisfaction__sweep";
import { getTestDb, getTestDbUrl, resetDatabase } from "../support/db";

let db: DB;
let sim: KavenegarSimulator;
let operator: Actor;
let supervisorId: number;
const LINE = "2000660110";
const config: SurveyConfig = { ...DEFAULT_SURVEY_CONFIG, mode: "call", delayDays: 0, maxAttempts: 2, retryMinutes: 30, smsFallback: true, smsReplyHours: 48 };
let mobileSeq = 0;

/** A breakdown job for a new customer, moved to in_progress (ready to be completed). */
async function job(mobile = `+98912555${String(++mobileSeq).padStart(4, "0")}`) {
  const r = await registerFromCall(db, operator, {
    idempotencyKey: randomUUID(),
    kind: "breakdown",
    customer: { fullName: "نرگس کاظمی", mobile, nationalCode: null },
    description: "ماشین لباسشویی آب را تخلیه نمی‌کند",
  });
  await changeTicketStatus(db, operator, { ticketId: r.ticketId, to: "in_progress" });
  return { ticketId: r.ticketId, number: r.ticketNumber, mobile };
}

async function completed(followUp: SurveyConfig | null = config, mobile?: string) {
  const j = await job(mobile);
  await changeTicketStatus(db, operator, { ticketId: j.ticketId, to: "completed", followUp: followUp ?? undefined });
  return j;
}

async function surveyOf(ticketId: number) {
  return db.selectFrom("satisfaction_surveys").selectAll().where("ticket_id", "=", ticketId).executeTakeFirst();
}

async function jobsWithKey(key: string) {
  const { rows } = await sql<{ identifier: string; payload: { surveyId: number }; run_at: Date }>`
    select t.identifier, j.payload, j.run_at from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
    where j.key = ${key}`.execute(db);
  return rows;
}

/** Makes a survey's next attempt due now (as time passing would). */
async function makeDue(surveyId: number) {
  await db.updateTable("satisfaction_surveys").set({ next_attempt_at: sql<Date>`now() - interval '1 second'` }).where("id", "=", surveyId).execute();
}

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  await sql`delete from graphile_worker._private_jobs`.execute(db);
  const u = await db.insertInto("users").values({ username: "oper", display_name: "سارا محمدی", role: "operator", password_hash: "x" }).returning("id").executeTakeFirstOrThrow();
  operator = { kind: "user", userId: u.id, ip: "10.0.0.7" };
  const s = await db.insertInto("users").values({ username: "sup", display_name: "رضا سرپرست", role: "supervisor", password_hash: "x" }).returning("id").executeTakeFirstOrThrow();
  supervisorId = s.id;
  await db.insertInto("users").values({ username: "sup-old", display_name: "سرپرست پیشین", role: "supervisor", password_hash: "x", active: false }).execute();
  sim = await startKavenegarSimulator({ port: 0, apiKey: KAVENEGAR_SIMULATOR_API_KEY, defaultSender: LINE, deliveryMs: 3_600_000 });
});

afterAll(async () => {
  await sim?.close();
});

describe("scheduling", () => {
  it("completing a breakdown job schedules its follow-up once, due after the configured delay, with its call job", async () => {
    const j = await job();
    const before = Date.now();
    await changeTicketStatus(db, operator, { ticketId: j.ticketId, to: "completed", followUp: { ...config, delayDays: 2 } });
    const s = (await surveyOf(j.ticketId))!;
    expect(s).toMatchObject({ status: "pending", mode: "call", channel: "ivr_dtmf", attempts: 0, score: null });
    const due = s.due_at!.getTime();
    expect(due - before).toBeGreaterThanOrEqual(2 * 24 * 3600_000 - 5000);
    expect(due - Date.now()).toBeLessThanOrEqual(2 * 24 * 3600_000 + 1000);
    expect(s.next_attempt_at!.getTime()).toBe(due);
    const jobs = await jobsWithKey(surveyCallJobKey(s.id));
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ identifier: "satisfaction__call", payload: { surveyId: s.id } });
    expect(jobs[0]!.run_at.getTime()).toBe(due);
    // scheduling again (a re-completed job, the sweep) keeps the one follow-up
    const again = await scheduleFollowUp(db, { ticketId: j.ticketId, completedAt: new Date(), config });
    expect(again).toEqual({ surveyId: s.id, created: false });
    expect(await db.selectFrom("satisfaction_surveys").select("id").where("ticket_id", "=", j.ticketId).execute()).toHaveLength(1);
    expect(await jobsWithKey(surveyCallJobKey(s.id))).toHaveLength(1);
  });

  it("operator mode: the follow-up waits on the happy-call list, no call job", async () => {
    const j = await completed({ ...config, mode: "operator" });
    const s = (await surveyOf(j.ticketId))!;
    expect(s).toMatchObject({ mode: "operator", channel: "operator_call", status: "pending" });
    expect(await jobsWithKey(surveyCallJobKey(s.id))).toHaveLength(0);
  });

  it("the sweep gives a follow-up to jobs completed without one when it falls due, and leaves older ones alone", async () => {
    const recent = await completed(null);
    expect(await surveyOf(recent.ticketId)).toBeUndefined();
    // a job completed (by a path that scheduled nothing) three days ago
    const old = await job();
    await db.updateTable("tickets").set({ status: "completed" }).where("id", "=", old.ticketId).execute();
    await db
      .insertInto("ticket_events")
      .values({ ticket_id: old.ticketId, at: sql<Date>`now() - interval '3 days'`, actor_kind: "system", event_type: "status_changed", from_status: "in_progress", to_status: "completed", data: "{}" })
      .execute();
    // not yet due with a one-day delay
    expect(await createDueFollowUps(db, { ...config, delayDays: 1 })).toBe(0);
    const r = await runSatisfactionSweep({ db, config });
    expect(r.created).toBe(1);
    expect(await surveyOf(recent.ticketId)).toMatchObject({ status: "pending", mode: "call" });
    expect(await surveyOf(old.ticketId)).toBeUndefined();
    expect((await runSatisfactionSweep({ db, config })).created).toBe(0);
  });
});

describe("the automated call's request", () => {
  it("queues one call for telephony (NOTIFY telephony_commands), counted as an attempt; a repeated job calls no one", async () => {
    const j = await completed();
    const s = (await surveyOf(j.ticketId))!;
    const listener = new pg.Client({ connectionString: await getTestDbUrl() });
    await listener.connect();
    const notes: string[] = [];
    listener.on("notification", (n) => notes.push(n.payload ?? ""));
    await listener.query("listen telephony_commands");
    try {
      const first = await requestSurveyCall(db, s.id);
      expect(first).not.toBeNull();
      expect(await requestSurveyCall(db, s.id)).toBeNull();
      const call = await db.selectFrom("calls").selectAll().where("id", "=", first!.callId).executeTakeFirstOrThrow();
      expect(call).toMatchObject({ direction: "outbound", state: "queued", called_number: j.mobile, ticket_id: j.ticketId, operator_user_id: null, node_id: null });
      expect(await db.selectFrom("ticket_calls").select("call_id").where("ticket_id", "=", j.ticketId).execute()).toEqual([{ call_id: call.id }]);
      expect(await surveyOf(j.ticketId)).toMatchObject({ call_id: call.id, attempts: 1, next_attempt_at: null });
      // the click-to-dial path never takes it; the survey path does, once
      expect(await pendingOutboundCalls(db)).not.toContain(call.id);
      expect(await pendingSurveyCalls(db)).toContain(call.id);
      const claimed = await claimSurveyCall(db, call.id, "node-a");
      expect(claimed).toMatchObject({ callId: call.id, surveyId: s.id, calledNumber: j.mobile });
      expect(await claimSurveyCall(db, call.id, "node-b")).toBeNull();
      await expect.poll(() => notes).toContainEqual(JSON.stringify({ type: "survey", callId: call.id }));
      const audit = await db.selectFrom("audit_log").select(["action", "entity_id"]).where("action", "=", "survey.call").execute();
      expect(audit).toContainEqual({ action: "survey.call", entity_id: String(j.ticketId) });
    } finally {
      await listener.end();
    }
  });

  it("a follow-up not due yet is not called", async () => {
    const j = await completed({ ...config, delayDays: 1 });
    const s = (await surveyOf(j.ticketId))!;
    expect(await requestSurveyCall(db, s.id)).toBeNull();
    expect((await surveyOf(j.ticketId))!.attempts).toBe(0);
  });
});

describe("scores", () => {
  it("a good score is recorded once, in the job's history and the audit log", async () => {
    const j = await completed();
    const s = (await surveyOf(j.ticketId))!;
    const r = await recordSurveyScore(db, operator, { surveyId: s.id, score: 5, channel: "operator_call", comment: "  خیلی خوب بود  " });
    expect(r).toEqual({ surveyId: s.id, ticketId: j.ticketId, score: 5, recorded: true, complaintTicketId: null });
    expect(await surveyOf(j.ticketId)).toMatchObject({ status: "answered", score: 5, channel: "operator_call", comment: "خیلی خوب بود", operator_user_id: operator.userId, complaint_ticket_id: null });
    const events = await db.selectFrom("ticket_events").select(["event_type", "data", "actor_user_id"]).where("ticket_id", "=", j.ticketId).where("event_type", "=", "survey_answered").execute();
    expect(events).toEqual([{ event_type: "survey_answered", actor_user_id: operator.userId!, data: { surveyId: s.id, score: 5, channel: "operator_call", text: "خیلی خوب بود" } }]);
    // a second answer changes nothing
    const again = await recordSurveyScore(db, operator, { surveyId: s.id, score: 1, channel: "operator_call" });
    expect(again).toMatchObject({ recorded: false, score: 5, complaintTicketId: null });
    expect(await db.selectFrom("tickets").select("id").where("type", "=", "complaint").where("related_ticket_id", "=", j.ticketId).execute()).toEqual([]);
    const audit = await db.selectFrom("audit_log").select(["actor_user_id", "details"]).where("action", "=", "survey.score").where("entity_id", "=", String(j.ticketId)).execute();
    expect(audit).toEqual([{ actor_user_id: operator.userId!, details: { surveyId: s.id, score: 5, channel: "operator_call" } }]);
  });

  it("a score of 1–2 opens a complaint linked to the job and alerts each active supervisor", async () => {
    const j = await completed();
    const s = (await surveyOf(j.ticketId))!;
    const listener = new pg.Client({ connectionString: await getTestDbUrl() });
    await listener.connect();
    const notes: { type: string; operatorUserId: number; ticketId: number; score: number }[] = [];
    listener.on("notification", (n) => notes.push(JSON.parse(n.payload ?? "{}")));
    await listener.query("listen desk_events");
    try {
      const r = await recordSurveyScore(db, { kind: "customer", label: "کلید تلفن مشتری" }, { surveyId: s.id, score: 2, channel: "ivr_dtmf" });
      expect(r.recorded).toBe(true);
      const complaint = await db.selectFrom("tickets").selectAll().where("id", "=", r.complaintTicketId!).executeTakeFirstOrThrow();
      const jobRow = await db.selectFrom("tickets").selectAll().where("id", "=", j.ticketId).executeTakeFirstOrThrow();
      expect(complaint).toMatchObject({ type: "complaint", status: "new", priority: "high", channel: "phone", related_ticket_id: j.ticketId, customer_id: jobRow.customer_id });
      expect(complaint.problem_description).toContain("۲ از ۵");
      expect(complaint.sla_resolve_due_at).not.toBeNull();
      expect(await surveyOf(j.ticketId)).toMatchObject({ status: "answered", score: 2, complaint_ticket_id: complaint.id });
      const created = await db.selectFrom("ticket_events").select(["event_type", "to_status", "data"]).where("ticket_id", "=", complaint.id).execute();
      expect(created).toEqual([{ event_type: "created", to_status: "new", data: { type: "complaint", channel: "phone", relatedTicketId: j.ticketId, surveyId: s.id, score: 2 } }]);
      await expect.poll(() => notes.filter((n) => n.type === "complaint_opened")).toEqual([
        expect.objectContaining({ type: "complaint_opened", operatorUserId: supervisorId, ticketId: complaint.id, score: 2 }),
      ]);
      expect(await db.selectFrom("audit_log").select("entity_id").where("action", "=", "survey.complaint").execute()).toContainEqual({ entity_id: String(complaint.id) });
    } finally {
      await listener.end();
    }
  });

  it("a score outside 1–5 is refused", async () => {
    const j = await completed();
    const s = (await surveyOf(j.ticketId))!;
    await expect(recordSurveyScore(db, operator, { surveyId: s.id, score: 6, channel: "operator_call" })).rejects.toBeInstanceOf(InvalidScoreError);
    await expect(recordSurveyScore(db, operator, { surveyId: s.id, score: 0, channel: "operator_call" })).rejects.toBeInstanceOf(InvalidScoreError);
    expect((await surveyOf(j.ticketId))!.status).toBe("pending");
  });
});

describe("no answer", () => {
  it("retries after the interval, then sends the SMS survey through the outbox", async () => {
    const j = await completed();
    const s = (await surveyOf(j.ticketId))!;
    const first = (await requestSurveyCall(db, s.id))!;
    // a report about another call changes nothing
    expect(await recordSurveyNoAnswer(db, { kind: "system", label: "t" }, { surveyId: s.id, callId: first.callId + 1000, config })).toBeNull();
    const retry = await recordSurveyNoAnswer(db, { kind: "system", label: "t" }, { surveyId: s.id, callId: first.callId, config });
    expect(retry?.step).toBe("retry");
    const afterFirst = (await surveyOf(j.ticketId))!;
    expect(afterFirst.attempts).toBe(1);
    expect(afterFirst.next_attempt_at!.getTime() - Date.now()).toBeGreaterThan(29 * 60_000);
    // reported twice: once
    expect(await recordSurveyNoAnswer(db, { kind: "system", label: "t" }, { surveyId: s.id, callId: first.callId, config })).toBeNull();
    const jobs = await jobsWithKey(surveyCallJobKey(s.id));
    expect(jobs.some((x) => Math.abs(x.run_at.getTime() - afterFirst.next_attempt_at!.getTime()) < 1000)).toBe(true);
    expect(await requestSurveyCall(db, s.id)).toBeNull(); // not due yet
    await makeDue(s.id);
    const second = (await requestSurveyCall(db, s.id))!;
    const sms = await recordSurveyNoAnswer(db, { kind: "system", label: "t" }, { surveyId: s.id, callId: second.callId, config });
    expect(sms?.step).toBe("sms");
    const row = await db.selectFrom("sms_messages").selectAll().where("id", "=", sms!.smsId!).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ direction: "outbound", status: "queued", purpose: "satisfaction_survey", receptor: j.mobile, ticket_id: j.ticketId });
    expect(row.body).toContain("۱ (ناراضی) تا ۵");
    expect(await jobsWithKey(`sms:${row.id}`)).toHaveLength(1);
    expect(await surveyOf(j.ticketId)).toMatchObject({ status: "pending", channel: "sms", attempts: 2, sms_id: row.id, next_attempt_at: null });
  });

  it("without the SMS fallback the follow-up ends as no answer; an operator's attempts are counted as reported", async () => {
    const operatorMode = { ...config, mode: "operator" as const, smsFallback: false };
    const j = await completed(operatorMode);
    const s = (await surveyOf(j.ticketId))!;
    expect((await recordSurveyNoAnswer(db, operator, { surveyId: s.id, config: operatorMode }))?.step).toBe("retry");
    expect((await surveyOf(j.ticketId))!.attempts).toBe(1);
    // the operator tries again before the interval: too early
    expect(await recordSurveyNoAnswer(db, operator, { surveyId: s.id, config: operatorMode })).toBeNull();
    await makeDue(s.id);
    expect((await recordSurveyNoAnswer(db, operator, { surveyId: s.id, config: operatorMode }))?.step).toBe("give_up");
    expect(await surveyOf(j.ticketId)).toMatchObject({ status: "no_answer", attempts: 2 });
  });

  it("the sweep ends an SMS survey past its deadline as no answer, and handles a call that ended without a report", async () => {
    const j = await completed({ ...config, maxAttempts: 1 });
    const s = (await surveyOf(j.ticketId))!;
    const call = (await requestSurveyCall(db, s.id))!;
    // the telephony process died: the call was ended by the reconciliation, nobody reported the no-answer
    await db.updateTable("calls").set({ state: "ended", ended_at: sql<Date>`now()`, disposition: "failed" }).where("id", "=", call.callId).execute();
    const swept = await sweepFollowUps(db, { ...config, maxAttempts: 1 });
    expect(swept.orphaned).toBeGreaterThanOrEqual(1);
    expect(await surveyOf(j.ticketId)).toMatchObject({ channel: "sms", status: "pending" });
    await db.updateTable("satisfaction_surveys").set({ sms_deadline_at: sql<Date>`now() - interval '1 minute'` }).where("id", "=", s.id).execute();
    expect((await sweepFollowUps(db, config)).smsExpired).toBeGreaterThanOrEqual(1);
    expect(await surveyOf(j.ticketId)).toMatchObject({ status: "no_answer" });
  });
});

describe("inbound SMS (sms__poll_inbound against the Kavenegar simulator)", () => {
  const client = () => createKavenegarClient({ apiKey: KAVENEGAR_SIMULATOR_API_KEY, baseUrl: `${sim.url}/v1`, timeoutMs: 5000 });

  async function smsSurvey() {
    const j = await completed({ ...config, maxAttempts: 1 });
    const s = (await surveyOf(j.ticketId))!;
    const call = (await requestSurveyCall(db, s.id))!;
    await recordSurveyNoAnswer(db, { kind: "system", label: "t" }, { surveyId: s.id, callId: call.callId, config: { ...config, maxAttempts: 1 } });
    return { ...j, surveyId: s.id };
  }

  it("a digit reply to the SMS survey (Persian digits, spaces) records the score; every message is stored once", async () => {
    const j = await smsSurvey();
    const local = `0${j.mobile.slice(3)}`;
    sim.injectInbound({ from: local, to: LINE, message: " ۴ " });
    const r = await pollInboundSms({ db, client: client(), line: LINE });
    expect(r).toMatchObject({ stored: 1, scored: 1 });
    expect(await surveyOf(j.ticketId)).toMatchObject({ status: "answered", score: 4, channel: "sms" });
    const inbound = await db.selectFrom("sms_messages").selectAll().where("direction", "=", "inbound").where("ticket_id", "=", j.ticketId).execute();
    expect(inbound).toHaveLength(1);
    expect(inbound[0]).toMatchObject({ status: "received", body: " ۴ ", sender: j.mobile, receptor: LINE, purpose: "satisfaction_reply" });
    expect(inbound[0]!.customer_id).not.toBeNull();
    expect((await surveyOf(j.ticketId))!.reply_sms_id).toBe(inbound[0]!.id);
    // polled again (the read ones come back with isread=1): nothing new
    expect(await pollInboundSms({ db, client: client(), line: LINE })).toMatchObject({ stored: 0, scored: 0 });
    expect(await db.selectFrom("sms_messages").select("id").where("direction", "=", "inbound").where("ticket_id", "=", j.ticketId).execute()).toHaveLength(1);
    const event = await db.selectFrom("ticket_events").select(["actor_kind", "data"]).where("ticket_id", "=", j.ticketId).where("event_type", "=", "survey_answered").executeTakeFirstOrThrow();
    expect(event).toMatchObject({ actor_kind: "customer", data: { score: 4, channel: "sms" } });
  });

  it("a low SMS score opens a complaint on the SMS channel; a reply without a score is only stored; a stranger's SMS has no customer", async () => {
    const low = await smsSurvey();
    const chatty = await smsSurvey();
    sim.injectInbound({ from: `0${low.mobile.slice(3)}`, to: LINE, message: "1" });
    sim.injectInbound({ from: `+98${chatty.mobile.slice(3)}`, to: LINE, message: "سلام، کی تماس می‌گیرید؟" });
    sim.injectInbound({ from: "09350000001", to: LINE, message: "5" });
    const r = await pollInboundSms({ db, client: client(), line: LINE });
    expect(r).toMatchObject({ stored: 3, scored: 1 });
    const lowSurvey = (await surveyOf(low.ticketId))!;
    expect(lowSurvey).toMatchObject({ status: "answered", score: 1 });
    const complaint = await db.selectFrom("tickets").select(["type", "channel", "related_ticket_id"]).where("id", "=", lowSurvey.complaint_ticket_id!).executeTakeFirstOrThrow();
    expect(complaint).toEqual({ type: "complaint", channel: "sms", related_ticket_id: low.ticketId });
    expect(await surveyOf(chatty.ticketId)).toMatchObject({ status: "pending", channel: "sms" });
    const chattyMsg = await db.selectFrom("sms_messages").select(["ticket_id", "purpose"]).where("direction", "=", "inbound").where("body", "like", "سلام%").executeTakeFirstOrThrow();
    expect(chattyMsg).toEqual({ ticket_id: chatty.ticketId, purpose: "satisfaction_reply" });
    const stranger = await db.selectFrom("sms_messages").select(["customer_id", "ticket_id", "sender"]).where("direction", "=", "inbound").where("sender", "=", "+989350000001").executeTakeFirstOrThrow();
    expect(stranger).toEqual({ customer_id: null, ticket_id: null, sender: "+989350000001" });
  });

  it("a customer's SMS with no survey pending is filed under their latest ticket", async () => {
    const j = await job();
    sim.injectInbound({ from: `0${j.mobile.slice(3)}`, to: LINE, message: "۵" });
    expect(await pollInboundSms({ db, client: client(), line: LINE })).toMatchObject({ stored: 1, scored: 0 });
    const m = await db.selectFrom("sms_messages").select(["ticket_id", "purpose"]).where("direction", "=", "inbound").where("ticket_id", "=", j.ticketId).executeTakeFirstOrThrow();
    expect(m).toEqual({ ticket_id: j.ticketId, purpose: "inbound" });
  });

  it("no line configured: nothing is polled", async () => {
    expect(await pollInboundSms({ db, client: client(), line: null })).toEqual({ received: 0, stored: 0, scored: 0, cards: 0 });
  });
});
