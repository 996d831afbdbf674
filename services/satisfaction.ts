/**
 * Follow-up satisfaction surveys (پیگیری رضایت), one business action per function, each owning its
 * transaction. The rules are core/satisfaction.ts; the configuration is platform/env.ts SATISFACTION_*.
 *
 * - A job completed gets one follow-up (satisfaction_surveys, unique per ticket), due a configured number of
 *   days later: scheduled with the completion (services/tickets.ts) and, as a safety net, by the workers'
 *   sweep (`createDueFollowUps`).
 * - `call` mode: when due, the workers ask for an automated call (`requestSurveyCall`: a calls row queued for
 *   the telephony processes, NOTIFY telephony_commands {survey}); the telephony shell claims it, plays the
 *   question and reads one key, then records the score or the no-answer here.
 * - `operator` mode: the follow-up is a task on the operators' happy-call list (/desk/follow-ups); the
 *   operator dials, then records the score or the no-answer.
 * - No answer: another attempt after the retry interval, until the attempts are used up; then the SMS survey
 *   (the outbox, services/outbox.ts) and the customer's digit reply records the score (`receiveInboundSms`).
 * - A score of 1–2 opens a complaint ticket linked to the job and alerts the supervisors (NOTIFY desk_events
 *   complaint_opened, one per supervisor, delivered on commit).
 */
import { sql, type Transaction } from "kysely";
import { DESK_EVENTS_CHANNEL, type CallDisposition, type DeskEvent } from "../core/call";
import { normalizeIranMobile } from "../core/phone";
import { DISPATCHED_TYPES } from "../core/ticket";
import {
  afterNoAnswer,
  isScore,
  opensComplaint,
  smsReplyDeadline,
  surveySmsText,
  scoreFromSms,
  type SurveyChannel,
  type SurveyConfig,
} from "../core/satisfaction";
import { configuredDueTimes } from "../core/delays";
import { workingCalendars } from "./working-calendar";
import { toPersianDigits } from "../core/digits";
import type { DB } from "../db/connection";
import { writeAudit } from "../db/repos/audit";
import { appendTicketEvent } from "../db/repos/ticket-events";
import type { Database } from "../db/schema";
import type { Env } from "../platform/env";
import type { Actor } from "./actor";
import { callEnded, newChannelId, TELEPHONY_COMMANDS_CHANNEL } from "./calls";
import { enqueueSms } from "./outbox";
import { addJob } from "../db/job-queue";

type Tx = Transaction<Database>;

/** The workers' task that places one automated follow-up call (workers/tasks/satisfaction__call.ts). */
export const SATISFACTION_CALL_TASK = "satisfaction__call";

/** The job key of a survey's call job: at most one waiting job per survey. */
export function surveyCallJobKey(surveyId: number): string {
  return `satisfaction-call:${surveyId}`;
}

/**
 * A job completed more than this long before its follow-up fell due, and without one, is left alone by the
 * sweep: it was completed before follow-ups were scheduled (imported, the demo data), not missed by us.
 */
export const SWEEP_LOOKBACK_HOURS = 24;

export function surveyConfigOf(env: Env): SurveyConfig {
  return {
    mode: env.SATISFACTION_MODE,
    delayDays: env.SATISFACTION_DELAY_DAYS,
    maxAttempts: env.SATISFACTION_CALL_ATTEMPTS,
    retryMinutes: env.SATISFACTION_RETRY_MINUTES,
    smsFallback: env.SATISFACTION_SMS_FALLBACK,
    smsReplyHours: env.SATISFACTION_SMS_REPLY_HOURS,
  };
}

export class SurveyNotFoundError extends Error {
  constructor(readonly surveyId: number) {
    super(`survey ${surveyId} not found`);
  }
}

export class InvalidScoreError extends Error {
  constructor(readonly score: unknown) {
    super(`not a score 1–5: ${String(score)}`);
  }
}

/** The comment an operator types with a score: at most this long. */
export const MAX_SURVEY_COMMENT_LENGTH = 1000;

async function dbNow(trx: Tx | DB): Promise<Date> {
  const { rows } = await sql<{ now: Date }>`select now() as now`.execute(trx);
  return rows[0]!.now;
}

/**
 * Adds the survey's call job for `runAt` (graphile-worker's SQL, inside the caller's transaction); a waiting job of
 * the survey is moved to that time (job key mode `replace`). The job itself is idempotent, so a job running
 * meanwhile and the new one never call twice.
 */
async function addCallJob(trx: Tx | DB, surveyId: number, runAt: Date): Promise<void> {
  await addJob(trx, SATISFACTION_CALL_TASK, { surveyId }, { runAt, jobKey: surveyCallJobKey(surveyId), jobKeyMode: "replace" });
}

// ---------------------------------------------------------------------------------------------------------
// scheduling

/**
 * The follow-up of a completed job, inside the caller's transaction (the completion's): due `delayDays`
 * after `completedAt`. Idempotent per ticket: a second call (a re-completed job, the sweep) leaves the first.
 * In `call` mode the call job is added for the due time.
 */
export async function scheduleFollowUpInTrx(
  trx: Tx | DB,
  input: { ticketId: number; completedAt: Date; config: SurveyConfig },
): Promise<{ surveyId: number; created: boolean }> {
  const { config } = input;
  const due = new Date(input.completedAt.getTime() + config.delayDays * 24 * 3600_000);
  const channel: SurveyChannel = config.mode === "call" ? "ivr_dtmf" : "operator_call";
  const inserted = await trx
    .insertInto("satisfaction_surveys")
    .values({ ticket_id: input.ticketId, channel, status: "pending", mode: config.mode, due_at: due, next_attempt_at: due })
    .onConflict((oc) => oc.column("ticket_id").doNothing())
    .returning("id")
    .executeTakeFirst();
  if (!inserted) {
    const existing = await trx.selectFrom("satisfaction_surveys").select("id").where("ticket_id", "=", input.ticketId).executeTakeFirstOrThrow();
    return { surveyId: existing.id, created: false };
  }
  if (config.mode === "call") await addCallJob(trx, inserted.id, due);
  return { surveyId: inserted.id, created: true };
}

export async function scheduleFollowUp(db: DB, input: { ticketId: number; completedAt: Date; config: SurveyConfig }) {
  return db.transaction().execute((trx) => scheduleFollowUpInTrx(trx, input));
}

/**
 * The sweep's first step: on-site jobs (core/satisfaction.ts getsFollowUpSurvey: breakdowns, installations) completed (and still completed or closed) whose follow-up fell due
 * within the last SWEEP_LOOKBACK_HOURS and that have none get one now. Returns how many were created.
 */
export async function createDueFollowUps(db: DB, config: SurveyConfig, opts: { limit?: number } = {}): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const now = await dbNow(trx);
    const dueBefore = new Date(now.getTime() - config.delayDays * 24 * 3600_000);
    const dueAfter = new Date(dueBefore.getTime() - SWEEP_LOOKBACK_HOURS * 3600_000);
    const rows = await trx
      .selectFrom("ticket_events as e")
      .innerJoin("tickets as t", "t.id", "e.ticket_id")
      .select(["t.id", (eb) => eb.fn.max("e.at").as("completed_at")])
      .where("e.event_type", "=", "status_changed")
      .where("e.to_status", "=", "completed")
      .where("e.at", "<=", dueBefore)
      .where("e.at", ">", dueAfter)
      .where("t.type", "in", [...DISPATCHED_TYPES])
      .where("t.status", "in", ["completed", "closed"])
      .where((eb) => eb.not(eb.exists(eb.selectFrom("satisfaction_surveys as s").select("s.id").whereRef("s.ticket_id", "=", "t.id"))))
      .groupBy("t.id")
      .orderBy("t.id")
      .limit(opts.limit ?? 200)
      .execute();
    let created = 0;
    for (const r of rows) {
      const result = await scheduleFollowUpInTrx(trx, { ticketId: r.id, completedAt: new Date(r.completed_at), config });
      if (result.created) created++;
    }
    return created;
  });
}

/**
 * The sweep's other steps: automated follow-ups due now get their call job (when the job added at scheduling
 * was lost or the configuration changed); a survey whose call ended without a score or a no-answer (the
 * telephony process stopped mid-call) gets its no-answer; SMS surveys past their reply deadline end as no
 * answer. Returns what was done, for the log.
 */
export async function sweepFollowUps(db: DB, config: SurveyConfig, opts: { limit?: number } = {}) {
  const limit = opts.limit ?? 200;
  const now = await dbNow(db);
  const due = await db
    .selectFrom("satisfaction_surveys")
    .select("id")
    .where("status", "=", "pending")
    .where("mode", "=", "call")
    .where("channel", "=", "ivr_dtmf")
    .where("next_attempt_at", "<=", now)
    .orderBy("next_attempt_at")
    .limit(limit)
    .execute();
  for (const s of due) await addCallJob(db, s.id, now);
  const orphaned = await db
    .selectFrom("satisfaction_surveys as s")
    .innerJoin("calls as c", "c.id", "s.call_id")
    .select(["s.id", "s.call_id"])
    .where("s.status", "=", "pending")
    .where("s.channel", "=", "ivr_dtmf")
    .where("s.next_attempt_at", "is", null)
    .where("c.state", "=", "ended")
    .limit(limit)
    .execute();
  for (const s of orphaned) await recordSurveyNoAnswer(db, SYSTEM, { surveyId: s.id, callId: s.call_id, config });
  const expired = await db
    .updateTable("satisfaction_surveys")
    .set({ status: "no_answer", updated_at: now })
    .where("status", "=", "pending")
    .where("channel", "=", "sms")
    .where("sms_deadline_at", "<=", now)
    .returning("id")
    .execute();
  return { callsDue: due.length, orphaned: orphaned.length, smsExpired: expired.length };
}

const SYSTEM: Actor = { kind: "system", label: "پیگیری رضایت" };

// ---------------------------------------------------------------------------------------------------------
// the automated call

/**
 * The workers ask for the automated call of a due follow-up: a calls row (outbound, queued, no operator)
 * linked to the job's ticket, the attempt counted, and NOTIFY telephony_commands {survey, callId} on commit.
 * Null (nothing done) when the survey is not waiting for a call now: answered, not due yet, a call already
 * in progress — so a repeated job never calls twice.
 */
export async function requestSurveyCall(db: DB, surveyId: number): Promise<{ callId: number } | null> {
  return db.transaction().execute(async (trx) => {
    const s = await trx
      .selectFrom("satisfaction_surveys as s")
      .innerJoin("tickets as t", "t.id", "s.ticket_id")
      .innerJoin("customers as c", "c.id", "t.customer_id")
      .select(["s.id", "s.status", "s.mode", "s.channel", "s.next_attempt_at", "s.attempts", "t.id as ticket_id", "t.customer_id", "c.mobile"])
      .where("s.id", "=", surveyId)
      .forUpdate("s")
      .executeTakeFirst();
    if (!s) return null;
    const now = await dbNow(trx);
    if (s.status !== "pending" || s.mode !== "call" || s.channel !== "ivr_dtmf" || !s.next_attempt_at || s.next_attempt_at > now) return null;
    const call = await trx
      .insertInto("calls")
      .values({ direction: "outbound", state: "queued", called_number: s.mobile, customer_id: s.customer_id, ticket_id: s.ticket_id, queue: "follow_up" })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx.insertInto("ticket_calls").values({ ticket_id: s.ticket_id, call_id: call.id, linked_at: now }).execute();
    await trx
      .updateTable("satisfaction_surveys")
      .set({ call_id: call.id, attempts: s.attempts + 1, next_attempt_at: null, updated_at: now })
      .where("id", "=", s.id)
      .execute();
    await appendTicketEvent(trx, {
      ticketId: s.ticket_id,
      at: now,
      actor: SYSTEM,
      type: "call_attached",
      data: { callId: call.id, direction: "outbound", reason: "survey", attempt: s.attempts + 1 },
    });
    await writeAudit(trx, { actorUserId: null, action: "survey.call", entityType: "ticket", entityId: s.ticket_id, details: { surveyId, callId: call.id, attempt: s.attempts + 1 } });
    await sql`select pg_notify(${TELEPHONY_COMMANDS_CHANNEL}, ${JSON.stringify({ type: "survey", callId: call.id })})`.execute(trx);
    return { callId: call.id };
  });
}

export interface SurveyDial {
  callId: number;
  surveyId: number;
  channelId: string;
  calledNumber: string;
}

/** Queued automated follow-up calls no telephony process has taken yet (on connect and by the sweep). */
export async function pendingSurveyCalls(db: DB): Promise<number[]> {
  const rows = await db
    .selectFrom("calls")
    .innerJoin("satisfaction_surveys as s", "s.call_id", "calls.id")
    .select("calls.id")
    .where("calls.state", "=", "queued")
    .where("calls.direction", "=", "outbound")
    .where("calls.node_id", "is", null)
    .where("calls.operator_user_id", "is", null)
    .orderBy("calls.started_at")
    .limit(100)
    .execute();
  return rows.map((r) => r.id);
}

/** A telephony process takes a queued follow-up call (the customer's channel id is chosen here). Null when taken already. */
export async function claimSurveyCall(db: DB, callId: number, nodeId: string): Promise<SurveyDial | null> {
  return db.transaction().execute(async (trx) => {
    const channelId = newChannelId("survey");
    const call = await trx
      .updateTable("calls")
      .set({ node_id: nodeId, state: "ringing", channel_id: channelId })
      .where("id", "=", callId)
      .where("state", "=", "queued")
      .where("direction", "=", "outbound")
      .where("node_id", "is", null)
      .where("operator_user_id", "is", null)
      .returning(["id", "called_number"])
      .executeTakeFirst();
    if (!call || !call.called_number) return null;
    const survey = await trx.selectFrom("satisfaction_surveys").select("id").where("call_id", "=", callId).executeTakeFirst();
    if (!survey) {
      await trx.updateTable("calls").set({ state: "ended", ended_at: sql<Date>`now()`, disposition: "failed" }).where("id", "=", callId).execute();
      return null;
    }
    return { callId: call.id, surveyId: survey.id, channelId, calledNumber: call.called_number };
  });
}

/** The customer picked up the follow-up call. False when the call is over meanwhile (hang it up). */
export async function surveyCallAnswered(db: DB, callId: number): Promise<boolean> {
  const row = await db
    .updateTable("calls")
    .set({ state: "connected", answered_at: sql<Date>`now()` })
    .where("id", "=", callId)
    .where("state", "=", "ringing")
    .returning("id")
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * The follow-up call is over: its call-detail record is completed (services/calls.ts callEnded) and, when no
 * score was recorded, the survey's no-answer path runs (another attempt later, or the SMS survey).
 */
export async function surveyCallEnded(
  db: DB,
  callId: number,
  input: { disposition?: CallDisposition; cause?: number | null },
  config: SurveyConfig,
): Promise<{ noAnswer: boolean }> {
  await callEnded(db, callId, input);
  const survey = await db.selectFrom("satisfaction_surveys").select(["id", "status"]).where("call_id", "=", callId).executeTakeFirst();
  if (!survey || survey.status !== "pending") return { noAnswer: false };
  const r = await recordSurveyNoAnswer(db, SYSTEM, { surveyId: survey.id, callId, config });
  return { noAnswer: r !== null };
}

// ---------------------------------------------------------------------------------------------------------
// answers

export interface ScoreInput {
  surveyId: number;
  score: number;
  channel: SurveyChannel;
  comment?: string | null;
  /** the automated call the key was pressed in */
  callId?: number | null;
  /** the inbound SMS that carried the digit */
  replySmsId?: number | null;
}

export interface ScoreResult {
  surveyId: number;
  ticketId: number;
  score: number;
  /** false: the survey had been answered already (nothing changed; `score` is the one kept) */
  recorded: boolean;
  complaintTicketId: number | null;
}

/**
 * Records a follow-up's score in one transaction: the survey row, the `survey_answered` history row on the
 * job's ticket, the audit row; a score of 1–2 also opens a complaint ticket linked to the job (related_ticket_id,
 * the survey's complaint_ticket_id) and alerts every active supervisor on the desk. A survey answered already
 * keeps its first answer (a key pressed twice, a double submit, a late SMS).
 */
export async function recordSurveyScore(db: DB, actor: Actor, input: ScoreInput): Promise<ScoreResult> {
  if (!isScore(input.score)) throw new InvalidScoreError(input.score);
  return db.transaction().execute((trx) => scoreInTrx(trx, actor, input));
}

async function scoreInTrx(trx: Tx, actor: Actor, input: ScoreInput): Promise<ScoreResult> {
  if (!isScore(input.score)) throw new InvalidScoreError(input.score);
  const comment = input.comment?.trim().slice(0, MAX_SURVEY_COMMENT_LENGTH) || null;
  const s = await trx
    .selectFrom("satisfaction_surveys")
    .select(["id", "ticket_id", "status", "score", "complaint_ticket_id"])
    .where("id", "=", input.surveyId)
    .forUpdate()
    .executeTakeFirst();
  if (!s) throw new SurveyNotFoundError(input.surveyId);
  if (s.status === "answered") {
    return { surveyId: s.id, ticketId: s.ticket_id, score: s.score ?? input.score, recorded: false, complaintTicketId: s.complaint_ticket_id };
  }
  const now = await dbNow(trx);
  const complaintTicketId = opensComplaint(input.score) ? await openComplaint(trx, actor, { jobTicketId: s.ticket_id, surveyId: s.id, score: input.score, comment, channel: input.channel, now }) : null;
  await trx
    .updateTable("satisfaction_surveys")
    .set({
      status: "answered",
      score: input.score,
      comment,
      channel: input.channel,
      surveyed_at: now,
      next_attempt_at: null,
      operator_user_id: input.channel === "operator_call" && actor.userId !== undefined ? actor.userId : null,
      complaint_ticket_id: complaintTicketId,
      reply_sms_id: input.replySmsId ?? null,
      updated_at: now,
    })
    .where("id", "=", s.id)
    .execute();
  await appendTicketEvent(trx, {
    ticketId: s.ticket_id,
    at: now,
    actor,
    type: "survey_answered",
    data: {
      surveyId: s.id,
      score: input.score,
      channel: input.channel,
      ...(input.callId ? { callId: input.callId } : {}),
      ...(complaintTicketId ? { complaintTicketId } : {}),
      ...(comment ? { text: comment } : {}),
    },
  });
  await writeAudit(trx, {
    actorUserId: actor.userId ?? null,
    action: "survey.score",
    entityType: "ticket",
    entityId: s.ticket_id,
    ip: actor.ip ?? undefined,
    details: { surveyId: s.id, score: input.score, channel: input.channel, ...(complaintTicketId ? { complaintTicketId } : {}) },
  });
  return { surveyId: s.id, ticketId: s.ticket_id, score: input.score, recorded: true, complaintTicketId };
}

/** The complaint a low score opens: a ticket of type complaint for the job's customer and product, linked to the job. */
async function openComplaint(
  trx: Tx,
  actor: Actor,
  input: { jobTicketId: number; surveyId: number; score: number; comment: string | null; channel: SurveyChannel; now: Date },
): Promise<number> {
  const job = await trx
    .selectFrom("tickets")
    .select(["id", "number", "customer_id", "customer_product_id", "problem_category_id", "warranty_status", "address_id", "province", "city", "address_text", "lat", "lng"])
    .where("id", "=", input.jobTicketId)
    .executeTakeFirstOrThrow();
  const { now } = input;
  // the complaint's deadline on the working-day clock (issue 15 §2: complaint_resolve_days working days)
  const due = configuredDueTimes([], now, { priority: "high", categoryId: null, province: null }, "complaint", (await workingCalendars(trx)).dueClock(null));
  const description =
    `امتیاز رضایت ${toPersianDigits(input.score)} از ۵ در پیگیری درخواست ${toPersianDigits(job.number)}.` + (input.comment ? ` نظر مشتری: ${input.comment}` : "");
  const channel = input.channel === "sms" ? "sms" : input.channel === "web" ? "web" : "phone";
  const complaint = await trx
    .insertInto("tickets")
    .values({
      type: "complaint",
      channel,
      customer_id: job.customer_id,
      customer_product_id: job.customer_product_id,
      problem_category_id: job.problem_category_id,
      problem_description: description,
      warranty_status: job.warranty_status,
      priority: "high",
      address_id: job.address_id,
      province: job.province,
      city: job.city,
      address_text: job.address_text,
      lat: job.lat,
      lng: job.lng,
      related_ticket_id: job.id,
      created_by: actor.userId ?? null,
      sla_accept_due_at: due.acceptDueAt,
      sla_visit_due_at: due.visitDueAt,
      sla_resolve_due_at: due.resolveDueAt,
      created_at: now,
      updated_at: now,
    })
    .returning(["id", "number"])
    .executeTakeFirstOrThrow();
  await appendTicketEvent(trx, {
    ticketId: complaint.id,
    at: now,
    actor,
    type: "created",
    to: "new",
    data: { type: "complaint", channel, relatedTicketId: job.id, surveyId: input.surveyId, score: input.score },
  });
  await writeAudit(trx, {
    actorUserId: actor.userId ?? null,
    action: "survey.complaint",
    entityType: "ticket",
    entityId: complaint.id,
    ip: actor.ip ?? undefined,
    details: { number: complaint.number, relatedTicketId: job.id, surveyId: input.surveyId, score: input.score },
  });
  // Every active supervisor's desk is told (delivered on commit, dropped on rollback).
  const supervisors = await trx.selectFrom("users").select("id").where("role", "=", "supervisor").where("active", "=", true).execute();
  for (const u of supervisors) {
    const event: DeskEvent = { type: "complaint_opened", operatorUserId: u.id, ticketId: complaint.id, score: input.score, at: now.toISOString() };
    await sql`select pg_notify(${DESK_EVENTS_CHANNEL}, ${JSON.stringify(event)})`.execute(trx);
  }
  return complaint.id;
}

/**
 * An attempt went unanswered (the automated call was not picked up, was hung up before a key, or an operator
 * could not reach the customer): another attempt after the retry interval while attempts remain, then the
 * SMS survey (its outbox row and send job in this transaction), or — with the fallback off — the follow-up
 * ends as no answer. For an automated call, `callId` must be the survey's current call (a late report of an
 * older call changes nothing). Null when nothing was to be done (answered, or already handled).
 */
export async function recordSurveyNoAnswer(
  db: DB,
  actor: Actor,
  input: { surveyId: number; callId?: number | null; config: SurveyConfig },
): Promise<{ step: "retry" | "sms" | "give_up"; nextAttemptAt?: Date; smsId?: number } | null> {
  return db.transaction().execute(async (trx) => {
    const s = await trx
      .selectFrom("satisfaction_surveys as s")
      .innerJoin("tickets as t", "t.id", "s.ticket_id")
      .innerJoin("customers as c", "c.id", "t.customer_id")
      .select(["s.id", "s.status", "s.mode", "s.channel", "s.attempts", "s.call_id", "s.next_attempt_at", "t.id as ticket_id", "t.number", "c.mobile"])
      .where("s.id", "=", input.surveyId)
      .forUpdate("s")
      .executeTakeFirst();
    if (!s) throw new SurveyNotFoundError(input.surveyId);
    if (s.status !== "pending" || s.channel === "sms") return null;
    const now = await dbNow(trx);
    let attempts = s.attempts;
    if (s.mode === "call" || s.channel === "ivr_dtmf") {
      // the report of the survey's current call, once
      if (input.callId == null || s.call_id !== input.callId || s.next_attempt_at !== null) return null;
    } else {
      // an operator's attempt is counted when it is reported
      if (s.next_attempt_at && s.next_attempt_at > now) return null;
      attempts += 1;
    }
    const step = afterNoAnswer(attempts, now, input.config);
    if (step.kind === "retry") {
      await trx.updateTable("satisfaction_surveys").set({ attempts, next_attempt_at: step.at, updated_at: now }).where("id", "=", s.id).execute();
      if (s.mode === "call") await addCallJob(trx, s.id, step.at);
      return { step: "retry", nextAttemptAt: step.at };
    }
    if (step.kind === "sms") {
      const { smsId } = await enqueueSms(trx, { receptor: s.mobile, body: surveySmsText(s.number), purpose: "satisfaction_survey", ticketId: s.ticket_id, now });
      await trx
        .updateTable("satisfaction_surveys")
        .set({ attempts, channel: "sms", sms_id: smsId, sms_deadline_at: smsReplyDeadline(now, input.config), next_attempt_at: null, updated_at: now })
        .where("id", "=", s.id)
        .execute();
      return { step: "sms", smsId };
    }
    await trx.updateTable("satisfaction_surveys").set({ attempts, status: "no_answer", next_attempt_at: null, updated_at: now }).where("id", "=", s.id).execute();
    return { step: "give_up" };
  });
}

// ---------------------------------------------------------------------------------------------------------
// inbound SMS

export interface InboundSms {
  /** the provider's id of the received message */
  messageId: string;
  /** the customer's number as the provider gives it */
  from: string;
  /** our line */
  to: string;
  text: string;
  receivedAt: Date;
}

export interface InboundResult {
  /** false: this provider message was stored before (a repeated poll) */
  stored: boolean;
  smsId: number | null;
  customerId: number | null;
  ticketId: number | null;
  /** the survey the reply answered */
  score: ScoreResult | null;
}

/**
 * An SMS a customer sent to our line, stored once (by the provider's message id) in one transaction: matched
 * to the customer by their normalised mobile number (the one most recently updated when several share it) and
 * to their latest ticket; a reply to a pending SMS survey of theirs (the latest sent, before its deadline) that
 * holds one digit 1–5 records that score, and the message is filed under the surveyed ticket.
 */
export async function receiveInboundSms(db: DB, msg: InboundSms): Promise<InboundResult> {
  return db.transaction().execute(async (trx) => {
    const mobile = normalizeIranMobile(msg.from);
    const customer = mobile
      ? await trx.selectFrom("customers").select("id").where("mobile", "=", mobile).orderBy("updated_at", "desc").orderBy("id", "desc").executeTakeFirst()
      : undefined;
    const customerIds = mobile
      ? (await trx.selectFrom("customers").select("id").where("mobile", "=", mobile).execute()).map((c) => c.id)
      : [];
    const now = await dbNow(trx);
    const survey = customerIds.length
      ? await trx
          .selectFrom("satisfaction_surveys as s")
          .innerJoin("tickets as t", "t.id", "s.ticket_id")
          .select(["s.id", "s.ticket_id", "t.customer_id"])
          .where("t.customer_id", "in", customerIds)
          .where("s.status", "=", "pending")
          .where("s.channel", "=", "sms")
          .where("s.sms_deadline_at", ">", now)
          .orderBy("s.sms_id", "desc")
          .executeTakeFirst()
      : undefined;
    const latest = customerIds.length
      ? await trx.selectFrom("tickets").select("id").where("customer_id", "in", customerIds).orderBy("created_at", "desc").orderBy("id", "desc").executeTakeFirst()
      : undefined;
    const ticketId = survey?.ticket_id ?? latest?.id ?? null;
    const customerId = survey?.customer_id ?? customer?.id ?? null;
    const inserted = await trx
      .insertInto("sms_messages")
      .values({
        direction: "inbound",
        inbound_message_id: msg.messageId,
        sender: (mobile ?? msg.from).slice(0, 40),
        receptor: msg.to,
        body: msg.text,
        purpose: survey ? "satisfaction_reply" : "inbound",
        status: "received",
        ticket_id: ticketId,
        customer_id: customerId,
        received_at: msg.receivedAt,
        created_at: now,
      })
      .onConflict((oc) => oc.column("inbound_message_id").where("inbound_message_id", "is not", null).doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!inserted) return { stored: false, smsId: null, customerId, ticketId, score: null };
    const score = survey ? scoreFromSms(msg.text) : null;
    const result =
      survey && score !== null
        ? await scoreInTrx(trx, { kind: "customer", label: "پاسخ پیامکی مشتری" }, { surveyId: survey.id, score, channel: "sms", replySmsId: inserted.id })
        : null;
    return { stored: true, smsId: inserted.id, customerId, ticketId, score: result };
  });
}
