/**
 * Quality and the agency scorecard (issue 15 §5): rework, first-time fix, the monthly scorecard's rates,
 * probation, and the dispatch performance term read from the scorecard. Pure; the figures come from the
 * roll-ups of db/repos/quality.ts (reworks, job_quality, agency_scorecards), which apply the same
 * definitions in SQL (each SQL mirror names the function here it follows).
 *
 * ## Rework
 * A repeat of an earlier job (core/repeat-job.ts, `reworkRuleOf`): a new BREAKDOWN of a serial (customer_products
 * row) registered within `reworkWindowDays` (default 30, an admin setting: quality_settings) AFTER a completion
 * of an earlier job of the same serial (any type: a repair, an installation) counts against the agency and the
 * technician that completed that job (its completion report). When several earlier jobs qualify, the latest
 * completion is the one reworked. Cancelled tickets neither are nor cause rework. The window in force when the
 * new ticket is registered is the one used (the roll-up marks it then, and keeps the window it used).
 *
 * ## First-time fix (FTF)
 * A completed job (a completion report) is a first-time fix when ALL of:
 *  - it was never put on hold (no status change to on_hold: waiting for parts, the customer away, any other
 *    reason — each means the technician came back a second time),
 *  - it was never reopened (completed → in_progress: the fix did not hold at once),
 *  - it was not reworked (no rework names it).
 * The rate = FTF jobs / completed jobs, by agency, technician or model, of the jobs completed in a period.
 * A job completed less than the rework window ago is provisionally FTF: a rework may still come. The
 * scorecard roll-up recomputes every month that such jobs belong to (see `monthsToRefresh`).
 *
 * ## The monthly scorecard (per agency and Jalali month; each count attributed as stated)
 *  - acceptance = offers accepted / offers decided (accepted, rejected, expired) — by the offer's month;
 *  - answer time = mean of the agency's WORKING time between offered and answered (core/working-time.ts
 *    workingMsBetween on the agency's weekly hours and the official holidays: an offer made at 16:55 and
 *    answered at 08:05 the next working morning took 10 minutes, not 15 hours) over accepted or rejected
 *    offers — by the offer's month;
 *  - on-time visits = visits by their due time / visits due — by the due time's month; a visit is due once
 *    its due time has passed or it happened;
 *  - SLA met = jobs done by their resolve due time / jobs due — the same way, by the resolve due time;
 *  - CSAT = the mean score (1–5) of the surveys answered in the month on its tickets;
 *  - rework = reworked jobs / completed jobs, by the completion's month;
 *  - first-time fix = FTF jobs / completed jobs, by the completion's month.
 *  - claim rejections = (rejected + CLAIM_PARTLY_WEIGHT · approved in part) / decided warranty claims — by
 *    the decision's month (a claim counts once, in the month it was decided; one approved in part and later
 *    paid still counts as approved in part). A claim approved in part weighs half a rejection: some of what the
 *    agency claimed was not owed (a part not covered, a distance too long), but the job itself was recognised.
 *    "Approved in part" is read from what the claim owes NOW (`claimScorecardOutcome`): a later correction that
 *    takes some back makes a claim approved in full count as approved in part, and one that restores a cut in
 *    full makes it count as approved — still in the decision's month, which the refresh then recomputes
 *    (db/repos/quality.ts refreshScorecards: the months of the claims decided, corrected or paid since its
 *    last run), however old that month is.
 *
 * ## Claim rejections and dispatch
 * They enter dispatch's performance term, lightly (PERFORMANCE_WEIGHTS.claims = 0.05, taken from acceptance):
 * a claim the manufacturer rejects means work claimed that was not warranted or not done as claimed — a
 * trust signal about the agency — but it comes weeks after the job and is often paperwork, and the customer
 * never sees it, so it weighs as little as answer speed. The term uses the share of claims HONOURED
 * (1 − the rejection rate), smoothed like every other rate.
 *
 * ## Probation
 * A new agency starts on probation; it ends at the first of: `probationMonths` months (default 3) after its
 * start (contract start, else when it was recorded), or `probationJobs` completed jobs (default 20); or
 * earlier when an admin ends it (audited). While on probation (see `dispatchCapacity`, `performanceTerm`):
 *  - it may hold at most PROBATION_CAPACITY_SHARE of its capacity (rounded up, at least 1 job): a new
 *    agency proves itself on a few jobs before it gets its full share;
 *  - its performance term is at most PROBATION_PERFORMANCE_CAP (below the neutral 0.5 of an agency without
 *    history): among agencies of similar distance and load, a proven one is preferred.
 *
 * ## The dispatch performance term (reads the scorecard)
 *    performance = Σ PERFORMANCE_WEIGHTS[rate] · smoothed rate  (weights sum to 1)
 * over the last PERFORMANCE_WINDOW_MONTHS Jalali months of the scorecard (the current one included). Each
 * rate is pulled towards a neutral 0.5 by PRIOR_JOBS pseudo-observations, so an agency with little history
 * is neither best nor worst. Answer speed = 1 / (1 + mean answer minutes / ANSWER_SCALE_MINUTES).
 */

import { reworkRule, type RepeatRule } from "./repeat-job";
import { jalaliMonthStart, jalaliToGregorian, jalaliYearMonth, tehranDayStart, tehranJalaliDate } from "./jalali";

export interface QualitySettings {
  reworkWindowDays: number;
  probationMonths: number;
  probationJobs: number;
}

export const DEFAULT_QUALITY_SETTINGS: Readonly<QualitySettings> = Object.freeze({ reworkWindowDays: 30, probationMonths: 3, probationJobs: 20 });

/** The limits an admin may set (the form and the table's checks agree). */
export const QUALITY_LIMITS = {
  reworkWindowDays: { min: 1, max: 365 },
  probationMonths: { min: 0, max: 24 },
  probationJobs: { min: 0, max: 1000 },
} as const satisfies Record<keyof QualitySettings, { min: number; max: number }>;

const DAY_MS = 86_400_000;

// ---------- rework ----------

/** The rework rule in force (core/repeat-job.ts reworkRule with the admin's window). */
export function reworkRuleOf(settings: Pick<QualitySettings, "reworkWindowDays">): RepeatRule {
  return reworkRule(settings.reworkWindowDays);
}

// ---------- first-time fix ----------

export interface JobHistory {
  /** status changes to on_hold */
  holds: number;
  /** completed → in_progress happened */
  reopened: boolean;
  /** a rework names it */
  reworked: boolean;
}

export function isFirstTimeFix(j: JobHistory): boolean {
  return j.holds === 0 && !j.reopened && !j.reworked;
}

/** A share, or null when there is nothing to divide by. */
export function rate(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

// ---------- the monthly scorecard ----------

/** One agency-month of the roll-up (agency_scorecards), or a sum of several. */
export interface ScorecardCounts {
  offersDecided: number;
  offersAccepted: number;
  answers: number;
  answerSecondsSum: number;
  visitsDue: number;
  visitsOnTime: number;
  slaDue: number;
  slaMet: number;
  csatCount: number;
  csatSum: number;
  jobs: number;
  reworks: number;
  ftf: number;
  /** warranty claims decided in the month, and of them rejected / approved in part */
  claimsDecided: number;
  claimsRejected: number;
  claimsPartly: number;
}

export const EMPTY_COUNTS: Readonly<ScorecardCounts> = Object.freeze({
  offersDecided: 0,
  offersAccepted: 0,
  answers: 0,
  answerSecondsSum: 0,
  visitsDue: 0,
  visitsOnTime: 0,
  slaDue: 0,
  slaMet: 0,
  csatCount: 0,
  csatSum: 0,
  jobs: 0,
  reworks: 0,
  ftf: 0,
  claimsDecided: 0,
  claimsRejected: 0,
  claimsPartly: 0,
});

export function addCounts(a: ScorecardCounts, b: ScorecardCounts): ScorecardCounts {
  const out = { ...a };
  for (const k of Object.keys(EMPTY_COUNTS) as (keyof ScorecardCounts)[]) out[k] = a[k] + b[k];
  return out;
}

export interface ScorecardRates {
  acceptance: number | null;
  /** seconds */
  answerSeconds: number | null;
  onTime: number | null;
  slaMet: number | null;
  /** mean score 1–5 */
  csat: number | null;
  rework: number | null;
  firstTimeFix: number | null;
  /** (rejected + CLAIM_PARTLY_WEIGHT · partly) / decided claims */
  claimRejection: number | null;
}

/** How much of a rejection a claim approved in part counts as (see "The monthly scorecard"). */
export const CLAIM_PARTLY_WEIGHT = 0.5;

/**
 * How a warranty claim counts on the scorecard of its decision's month (see "The monthly scorecard"): not at
 * all before it is decided (null); `rejected`; `partly` when what it owes now — what was granted plus every
 * later correction (core/claims.ts claimOwedFromLedger) — is below what was claimed; otherwise `approved`.
 * db/repos/claims.ts claimDecisionsByAgencyMonth applies the same rule in SQL.
 */
export function claimScorecardOutcome(c: {
  status: "draft" | "submitted" | "approved" | "partly_approved" | "rejected" | "paid";
  claimedRials: number;
  owedRials: number;
}): "rejected" | "partly" | "approved" | null {
  if (c.status === "draft" || c.status === "submitted") return null;
  if (c.status === "rejected") return "rejected";
  return c.owedRials < c.claimedRials ? "partly" : "approved";
}

/** The weighted count of rejections among the decided claims (never more than decided). */
export function claimRejections(c: Pick<ScorecardCounts, "claimsDecided" | "claimsRejected" | "claimsPartly">): number {
  return Math.min(Math.max(0, c.claimsDecided), Math.max(0, c.claimsRejected) + CLAIM_PARTLY_WEIGHT * Math.max(0, c.claimsPartly));
}

export function scorecardRates(c: ScorecardCounts): ScorecardRates {
  return {
    acceptance: rate(c.offersAccepted, c.offersDecided),
    answerSeconds: c.answers > 0 ? c.answerSecondsSum / c.answers : null,
    onTime: rate(c.visitsOnTime, c.visitsDue),
    slaMet: rate(c.slaMet, c.slaDue),
    csat: c.csatCount > 0 ? c.csatSum / c.csatCount : null,
    rework: rate(c.reworks, c.jobs),
    firstTimeFix: rate(c.ftf, c.jobs),
    claimRejection: rate(claimRejections(c), c.claimsDecided),
  };
}

/**
 * From when a refresh recomputes the scorecard: every Jalali month touching the rework window (plus a day)
 * before `now` is recomputed whole, so a late rework reaches the month of the job it reworks (and a late
 * survey or visit its month); older months are final.
 */
export function refreshWindowStart(now: Date, reworkWindowDays: number): Date {
  return new Date(now.getTime() - (reworkWindowDays + 1) * DAY_MS);
}

// ---------- probation ----------

export const PROBATION_CAPACITY_SHARE = 0.5;
export const PROBATION_PERFORMANCE_CAP = 0.4;

/** The day `months` calendar months after an ISO day (clamped to the month's last day). */
export function addMonthsToDay(isoDay: string, months: number): string {
  const [y, m, d] = isoDay.split("-").map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(Math.min(d, last)).padStart(2, "0")}`;
}

export interface ProbationFacts {
  /** contract start, else the day it was recorded: 'YYYY-MM-DD' */
  startDay: string;
  /** completed jobs, all time */
  jobsCompleted: number;
  /** an admin ended it early */
  endedEarly: boolean;
}

/** The day probation ends by time ('YYYY-MM-DD', exclusive). */
export function probationEndsOn(startDay: string, settings: Pick<QualitySettings, "probationMonths">): string {
  return addMonthsToDay(startDay, settings.probationMonths);
}

/** Whether the agency is on probation on the (Tehran) day `today` ('YYYY-MM-DD'). */
export function onProbation(f: ProbationFacts, today: string, settings: Pick<QualitySettings, "probationMonths" | "probationJobs">): boolean {
  if (f.endedEarly) return false;
  if (f.jobsCompleted >= settings.probationJobs) return false;
  return today < probationEndsOn(f.startDay, settings);
}

/** The capacity dispatch may fill: PROBATION_CAPACITY_SHARE of it (rounded up) while on probation. */
export function dispatchCapacity(capacity: number, probation: boolean): number {
  if (!probation || capacity <= 0) return capacity;
  return Math.max(1, Math.ceil(capacity * PROBATION_CAPACITY_SHARE));
}

// ---------- the dispatch performance term ----------

export const PERFORMANCE_WINDOW_MONTHS = 3;
export const PRIOR_JOBS = 5;
export const ANSWER_SCALE_MINUTES = 15;

export const PERFORMANCE_RATES = ["acceptance", "answerSpeed", "onTime", "slaMet", "csat", "firstTimeFix", "claims"] as const;
export type PerformanceRate = (typeof PERFORMANCE_RATES)[number];

/**
 * What counts most is what the customer feels: a job fixed the first time (FTF, which includes rework) and
 * their satisfaction, then keeping the promised times (on-time visit, SLA) and taking the work offered
 * (acceptance); a quick answer and claims honoured by the manufacturer matter least (an offer lapses on its
 * own deadline anyway; a rejected claim is late and unseen by the customer — see "Claim rejections and dispatch").
 */
export const PERFORMANCE_WEIGHTS: Readonly<Record<PerformanceRate, number>> = Object.freeze({
  acceptance: 0.1,
  answerSpeed: 0.05,
  onTime: 0.15,
  slaMet: 0.15,
  csat: 0.25,
  firstTimeFix: 0.25,
  claims: 0.05,
});

function smoothed(successes: number, trials: number): number {
  const n = Math.max(0, trials);
  const s = Math.min(Math.max(0, successes), n);
  return (s + 0.5 * PRIOR_JOBS) / (n + PRIOR_JOBS);
}

export function answerSpeed(meanSeconds: number): number {
  return 1 / (1 + Math.max(0, meanSeconds) / 60 / ANSWER_SCALE_MINUTES);
}

/** Each smoothed rate of the term, in [0, 1]. */
export function performanceRates(c: ScorecardCounts): Record<PerformanceRate, number> {
  const speed = c.answers > 0 ? answerSpeed(c.answerSecondsSum / c.answers) : 0.5;
  return {
    acceptance: smoothed(c.offersAccepted, c.offersDecided),
    answerSpeed: (speed * Math.max(0, c.answers) + 0.5 * PRIOR_JOBS) / (Math.max(0, c.answers) + PRIOR_JOBS),
    onTime: smoothed(c.visitsOnTime, c.visitsDue),
    slaMet: smoothed(c.slaMet, c.slaDue),
    // CSAT: (score − 1) / 4 per answer, summed = (sum − count) / 4
    csat: smoothed((c.csatSum - c.csatCount) / 4, c.csatCount),
    firstTimeFix: smoothed(c.ftf, c.jobs),
    // claims honoured: 1 − the rejection rate, as successes over decided claims
    claims: smoothed(c.claimsDecided - claimRejections(c), c.claimsDecided),
  };
}

/** The performance component of dispatch's score, in [0, 1]. */
export function performanceTerm(c: ScorecardCounts, probation: boolean): number {
  const r = performanceRates(c);
  const v = PERFORMANCE_RATES.reduce((s, k) => s + PERFORMANCE_WEIGHTS[k] * r[k], 0);
  return probation ? Math.min(v, PROBATION_PERFORMANCE_CAP) : v;
}

/** Parses the admin's settings form (already integers); a message key per field out of its limits. */
export function validateQualitySettings(s: QualitySettings): Partial<Record<keyof QualitySettings, "outOfRange">> {
  const errors: Partial<Record<keyof QualitySettings, "outOfRange">> = {};
  for (const k of Object.keys(QUALITY_LIMITS) as (keyof QualitySettings)[]) {
    const v = s[k];
    if (!Number.isInteger(v) || v < QUALITY_LIMITS[k].min || v > QUALITY_LIMITS[k].max) errors[k] = "outOfRange";
  }
  return errors;
}

// ---------- Jalali months (the scorecard's periods) ----------

const PERIOD = /^(\d{4})-(\d{2})$/;

/** A period 'YYYY-MM' (Jalali, Latin digits) as written in the URL, or null. */
export function parsePeriod(text: string | null | undefined): string | null {
  const m = PERIOD.exec((text ?? "").trim());
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  return year >= 1300 && year <= 1500 && month >= 1 && month <= 12 ? `${m[1]}-${m[2]}` : null;
}

/** The instants a Jalali month starts and ends (exclusive), at Tehran midnights. */
export function periodRange(period: string): { from: Date; toExclusive: Date } {
  const [y, m] = period.split("-").map(Number) as [number, number];
  const first = { year: y, month: m, day: 1 };
  const next = jalaliMonthStart(first, 1);
  return { from: tehranDayStart(jalaliToGregorian(first)!), toExclusive: tehranDayStart(jalaliToGregorian(next)!) };
}

/** The period `offset` months from the one of `at` (0: its own; −1: the month before). */
export function periodOf(at: Date, offset = 0): string {
  const start = jalaliMonthStart(tehranJalaliDate(at), offset);
  return `${String(start.year).padStart(4, "0")}-${String(start.month).padStart(2, "0")}`;
}

/** The periods from the one of `from` to the one of `to`, oldest first. */
export function periodsBetween(from: Date, to: Date): string[] {
  const last = jalaliYearMonth(to);
  const out: string[] = [];
  for (let i = 0; i < 1200; i++) {
    const p = periodOf(from, i);
    out.push(p);
    if (p >= last) break;
  }
  return out;
}

/** The dispatch performance term's periods: the last PERFORMANCE_WINDOW_MONTHS, the current one included. */
export function performancePeriods(now: Date): string[] {
  return Array.from({ length: PERFORMANCE_WINDOW_MONTHS }, (_, i) => periodOf(now, i - PERFORMANCE_WINDOW_MONTHS + 1));
}
