/**
 * Follow-up satisfaction surveys (پیگیری رضایت مشتری), defined once: when a follow-up is due after a job is
 * completed, how it is made (an automated call that collects a DTMF score, or a task on the operators'
 * happy-call list), how many calls are tried and how far apart, the SMS survey as the fallback, how a
 * score is read from a key or an SMS reply, and which scores open a complaint.
 */
import { toLatinDigits, toPersianDigits } from "./digits";
import { isDispatchedType, type TicketType } from "./ticket";

/** How a follow-up is made: `call` — an automated call (ARI) plays the question and reads a key; `operator` — a happy-call task for an operator. */
export const SURVEY_MODES = ["call", "operator"] as const;
export type SurveyMode = (typeof SURVEY_MODES)[number];

/** How the answer came (satisfaction_surveys.channel): the automated call's key, an operator's call, an SMS reply, the web. */
export const SURVEY_CHANNELS = ["ivr_dtmf", "operator_call", "sms", "web"] as const;
export type SurveyChannel = (typeof SURVEY_CHANNELS)[number];

/**
 * Where a survey is. `pending`: still to be answered (waiting for its next attempt, being called, or waiting
 * for an SMS reply); `answered`: a score is recorded; `no_answer`: every way of reaching the customer was
 * tried; `refused`: the customer declined.
 */
export const SURVEY_STATUSES = ["pending", "answered", "no_answer", "refused"] as const;
export type SurveyStatus = (typeof SURVEY_STATUSES)[number];

export const MIN_SCORE = 1;
export const MAX_SCORE = 5;
/** A score at or below this opens a complaint ticket and alerts the supervisors. */
export const COMPLAINT_MAX_SCORE = 2;

export function isScore(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= MIN_SCORE && value <= MAX_SCORE;
}

export function opensComplaint(score: number): boolean {
  return score <= COMPLAINT_MAX_SCORE;
}

/** The rules of follow-ups, from configuration (platform/env.ts SATISFACTION_*). */
export interface SurveyConfig {
  mode: SurveyMode;
  /** days after completion the follow-up is due (0: at once) */
  delayDays: number;
  /** automated calls (or operator attempts) before falling back to the SMS survey */
  maxAttempts: number;
  /** minutes between two attempts after a no-answer */
  retryMinutes: number;
  /** send the SMS survey when every call went unanswered */
  smsFallback: boolean;
  /** hours an SMS survey waits for its reply before the follow-up ends as no answer */
  smsReplyHours: number;
}

export const DEFAULT_SURVEY_CONFIG: SurveyConfig = {
  mode: "call",
  delayDays: 2,
  maxAttempts: 3,
  retryMinutes: 120,
  smsFallback: true,
  smsReplyHours: 72,
};

const DAY_MS = 24 * 3600_000;

/** When the follow-up of a job completed at `completedAt` is due. */
export function followUpDueAt(completedAt: Date, config: Pick<SurveyConfig, "delayDays">): Date {
  return new Date(completedAt.getTime() + config.delayDays * DAY_MS);
}

/** What follows an attempt nobody answered (the `attempts` made so far, this one included). */
export type NoAnswerStep = { kind: "retry"; at: Date } | { kind: "sms" } | { kind: "give_up" };

export function afterNoAnswer(attempts: number, now: Date, config: Pick<SurveyConfig, "maxAttempts" | "retryMinutes" | "smsFallback">): NoAnswerStep {
  if (attempts < config.maxAttempts) return { kind: "retry", at: new Date(now.getTime() + config.retryMinutes * 60_000) };
  return config.smsFallback ? { kind: "sms" } : { kind: "give_up" };
}

/** When an SMS survey sent at `sentAt` stops waiting for its reply. */
export function smsReplyDeadline(sentAt: Date, config: Pick<SurveyConfig, "smsReplyHours">): Date {
  return new Date(sentAt.getTime() + config.smsReplyHours * 3600_000);
}

/** The key pressed in the automated call: 1–5 is the score; anything else (0, 6–9, *, #) is not. */
export function scoreFromDtmf(digit: string | null | undefined): number | null {
  if (!digit || !/^[1-5]$/.test(digit)) return null;
  return Number(digit);
}

/** Re-prompts after a wrong key or silence before the call gives up on a score. */
export const SURVEY_MAX_PROMPTS = 3;

/**
 * A score from an SMS reply: one digit 1–5 in Latin, Persian (۵) or Arabic-Indic (٥) digits, with spaces,
 * punctuation, a trailing word or emoji around it ("5", " ۵ ", "۴.", "امتیاز ۴", "5 ممنون"). A reply with
 * no digit, several digits ("45", "1 2") or a digit outside 1–5 is no score: an SMS reply is read only when
 * it is unambiguous.
 */
export function scoreFromSms(text: string | null | undefined): number | null {
  if (!text) return null;
  const latin = toLatinDigits(text.normalize("NFKC"));
  const runs = latin.match(/[0-9]+/g);
  if (!runs || runs.length !== 1) return null;
  const run = runs[0]!;
  if (run.length !== 1) return null;
  const score = Number(run);
  return isScore(score) ? score : null;
}

/** The SMS survey's text (Persian, the customer's language). */
export function surveySmsText(ticketNumber: number): string {
  return (
    `مشتری گرامی، درخواست خدمت شماره ${toPersianDigits(ticketNumber)} انجام شد. ` +
    `لطفاً میزان رضایت خود را با ارسال عددی از ۱ (ناراضی) تا ۵ (کاملاً راضی) در پاسخ همین پیامک اعلام کنید.`
  );
}

/**
 * (issue 15 §1) The jobs whose completion gets the follow-up satisfaction call: the on-site jobs an agency
 * does — a breakdown and an installation (core/ticket.ts DISPATCHED_TYPES: dispatched alike, judged alike).
 * A follow-up or complaint ticket is the call centre's own work and gets none.
 */
export function getsFollowUpSurvey(type: TicketType): boolean {
  return isDispatchedType(type);
}
