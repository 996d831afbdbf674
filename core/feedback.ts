/**
 * The voice of the customer (صدای مشتری), defined once: what counts as a satisfied customer (CSAT), the
 * kinds and categories of feedback an operator files a complaint ticket under, what happened after a low
 * score, and what makes a breakdown a repeat of the same serial (evidence for R&D).
 *
 * The score scale is core/satisfaction.ts's (1–5). The SQL of db/repos/voice.ts uses these constants (never
 * its own copies); tests/unit/feedback.test.ts holds the arithmetic.
 */
import { repeatBreakdownRule, type RepeatRule } from "./repeat-job";
import { MAX_SCORE, MIN_SCORE, opensComplaint } from "./satisfaction";
import type { TicketStatus } from "./ticket";

// ---------------------------------------------------------------------------------------------------------
// CSAT

/** A score at or above this (4 and 5 of 5) is a satisfied customer: CSAT is their share of the answered surveys. */
export const SATISFIED_MIN_SCORE = 4;

export function isSatisfied(score: number): boolean {
  return score >= SATISFIED_MIN_SCORE && score <= MAX_SCORE;
}

/** A low score is one that opens a complaint (core/satisfaction.ts COMPLAINT_MAX_SCORE): 1 and 2 of 5. */
export function isLowScore(score: number): boolean {
  return score >= MIN_SCORE && opensComplaint(score);
}

/** The answered surveys of one group (an agency, a month…), as the database sums them. */
export interface ScoreTally {
  answered: number;
  scoreSum: number;
  satisfied: number;
  low: number;
}

export const EMPTY_TALLY: ScoreTally = { answered: 0, scoreSum: 0, satisfied: 0, low: 0 };

export function tallyScores(scores: readonly number[]): ScoreTally {
  const t = { ...EMPTY_TALLY };
  for (const s of scores) {
    t.answered += 1;
    t.scoreSum += s;
    if (isSatisfied(s)) t.satisfied += 1;
    if (isLowScore(s)) t.low += 1;
  }
  return t;
}

/** CSAT: the share (0–100, one decimal) of answered surveys scoring SATISFIED_MIN_SCORE or more; null with no answer. */
export function csatPercent(t: Pick<ScoreTally, "answered" | "satisfied">): number | null {
  if (t.answered <= 0) return null;
  return Math.round((1000 * t.satisfied) / t.answered) / 10;
}

/** The mean score (1–5, two decimals); null with no answer. */
export function meanScore(t: Pick<ScoreTally, "answered" | "scoreSum">): number | null {
  if (t.answered <= 0) return null;
  return Math.round((100 * t.scoreSum) / t.answered) / 100;
}

/** The groups CSAT is read by. */
export const CSAT_DIMENSIONS = ["agency", "technician", "brand", "category", "month"] as const;
export type CsatDimension = (typeof CSAT_DIMENSIONS)[number];

// ---------------------------------------------------------------------------------------------------------
// Feedback: complaints and suggestions by category

/**
 * A ticket of type `complaint` (شکایات، انتقادات و پیشنهادات) is a complaint or a suggestion; null on a
 * ticket not yet classified, which counts as a complaint (`feedbackKindOf`).
 */
export const FEEDBACK_KINDS = ["complaint", "suggestion"] as const;
export type FeedbackKind = (typeof FEEDBACK_KINDS)[number];

/** What the feedback is about: a small fixed vocabulary, so the months can be compared. */
export const FEEDBACK_CATEGORIES = [
  "technician_behaviour",
  "repair_quality",
  "delay",
  "price_invoice",
  "parts",
  "call_centre",
  "product_quality",
  "other",
] as const;
export type FeedbackCategory = (typeof FEEDBACK_CATEGORIES)[number];

export function isFeedbackKind(value: unknown): value is FeedbackKind {
  return typeof value === "string" && (FEEDBACK_KINDS as readonly string[]).includes(value);
}

export function isFeedbackCategory(value: unknown): value is FeedbackCategory {
  return typeof value === "string" && (FEEDBACK_CATEGORIES as readonly string[]).includes(value);
}

export function feedbackKindOf(kind: FeedbackKind | null | undefined): FeedbackKind {
  return kind ?? "complaint";
}

/** The report's bucket of a complaint ticket not classified yet. */
export const UNCLASSIFIED = "unclassified" as const;
export type FeedbackBucket = FeedbackCategory | typeof UNCLASSIFIED;

export function feedbackBucketOf(category: FeedbackCategory | null | undefined): FeedbackBucket {
  return category ?? UNCLASSIFIED;
}

// ---------------------------------------------------------------------------------------------------------
// What happened after a low score

/**
 * A low score's follow-through: `no_complaint` (none was opened — a survey answered before complaints were
 * opened automatically), `open` (the complaint is still being handled), `resolved` (closed), `cancelled`.
 */
export const FOLLOW_THROUGH = ["no_complaint", "open", "resolved", "cancelled"] as const;
export type FollowThrough = (typeof FOLLOW_THROUGH)[number];

export function followThroughOf(complaintStatus: TicketStatus | null | undefined): FollowThrough {
  if (!complaintStatus) return "no_complaint";
  if (complaintStatus === "closed") return "resolved";
  if (complaintStatus === "cancelled") return "cancelled";
  return "open";
}

/** Time to resolve a complaint, in seconds: from its opening to its closing; null while not closed. */
export function resolveSeconds(openedAt: Date | string, closedAt: Date | string | null | undefined): number | null {
  if (!closedAt) return null;
  return Math.max(0, Math.round((new Date(closedAt).getTime() - new Date(openedAt).getTime()) / 1000));
}

/**
 * The customer was called back when an outbound call linked to the complaint ticket was answered
 * (the desk's click-to-dial from the complaint's page links the call to it).
 */
export function calledBack(calls: readonly { direction: "inbound" | "outbound"; answeredAt: Date | string | null }[]): boolean {
  return calls.some((c) => c.direction === "outbound" && c.answeredAt !== null);
}

// ---------------------------------------------------------------------------------------------------------
// Repeat breakdowns of the same serial

/** A breakdown of a product (customer_products: one serial) this many days or fewer after its previous one is a repeat. */
export const REPEAT_WINDOW_DAYS = 90;

const DAY_MS = 24 * 3600_000;

/**
 * The report's repeat breakdown (core/repeat-job.ts repeatBreakdownRule, "a repeat of an earlier job" defined
 * once): a breakdown of a serial registered after an earlier breakdown of it and at most REPEAT_WINDOW_DAYS days
 * (24 h each) after that one's registration, any problem, neither cancelled; the earlier one named is the latest
 * (core/repeat-job.ts repeatedJob). Its SQL twin is db/repos/voice.ts refreshRepeatBreakdowns.
 */
export function repeatBreakdownRuleOf(windowDays = REPEAT_WINDOW_DAYS): RepeatRule {
  return repeatBreakdownRule(windowDays);
}

/** Days between two breakdowns of a serial (one decimal). */
export function daysBetween(previousAt: Date | string, at: Date | string): number {
  return Math.round((10 * (new Date(at).getTime() - new Date(previousAt).getTime())) / DAY_MS) / 10;
}

// ---------------------------------------------------------------------------------------------------------
// Months

