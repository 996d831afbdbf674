/**
 * The technician's job link (/j/<token>, issue 13 section 4), as pure rules: which presses exist and what
 * each does to the ticket, when a link still works, the visit window a job may be given, and the rate limit
 * on refused links. services/technician-links.ts and services/assignments.ts apply them.
 */
import type { TicketStatus } from "./ticket";

/**
 * What a technician may press on the job page, and what each does:
 *  - on_the_way: history only (the customer and the agency see the technician left); the status stays;
 *  - arrived: the work begins → `in_progress`;
 *  - done: the short completion report (services/job-completion.ts) → `completed` (completion SMS, follow-up);
 *  - needs_parts: an expected date → `on_hold` (waiting for a part), the date in the history;
 *  - cannot_repair: a reason → `on_hold`, and the supervisors are told (a supervisor alert): the job stays
 *    with its agency until a supervisor decides (reassign, cancel) — `on_hold` is reachable from both
 *    `scheduled` and `in_progress`, and unlike `cancelled` it decides nothing on the customer's behalf.
 */
export const JOB_ACTIONS = ["on_the_way", "arrived", "done", "needs_parts", "cannot_repair"] as const;
export type JobAction = (typeof JOB_ACTIONS)[number];

/** The statuses in which each press is offered (and accepted). */
export const JOB_ACTION_FROM: Readonly<Record<JobAction, readonly TicketStatus[]>> = {
  on_the_way: ["scheduled", "on_hold"],
  arrived: ["scheduled", "on_hold"],
  done: ["in_progress"],
  needs_parts: ["scheduled", "in_progress"],
  cannot_repair: ["scheduled", "in_progress", "on_hold"],
};

/** The status a press moves the ticket to; null: it stays where it is. */
export const JOB_ACTION_TO: Readonly<Record<JobAction, TicketStatus | null>> = {
  on_the_way: null,
  arrived: "in_progress",
  done: "completed",
  needs_parts: "on_hold",
  cannot_repair: "on_hold",
};

export function isJobAction(value: unknown): value is JobAction {
  return typeof value === "string" && (JOB_ACTIONS as readonly string[]).includes(value);
}

export function jobActionsFor(status: TicketStatus): JobAction[] {
  return JOB_ACTIONS.filter((a) => JOB_ACTION_FROM[a].includes(status));
}

/** Days a link keeps working after its job was closed or cancelled (JOB_LINK_DAYS_AFTER_CLOSE). */
export const DEFAULT_JOB_LINK_DAYS_AFTER_CLOSE = 7;
/** A link never outlives this many days from its issue, whatever the job does (a forgotten open job). */
export const JOB_LINK_MAX_DAYS = 90;

export type JobLinkState = "valid" | "revoked" | "expired" | "reassigned";

export interface JobLinkFacts {
  revokedAt: Date | string | null;
  expiresAt: Date | string;
  /** the link's technician and agency */
  technicianId: number;
  agencyId: number;
  /** the ticket as it is now */
  ticketTechnicianId: number | null;
  ticketAgencyId: number | null;
  ticketClosedAt: Date | string | null;
}

/**
 * Whether a genuine link (its token's hash is on file) still opens its job. Revoked first (it says why
 * the technician no longer has it), then a job no longer theirs (moved to another technician or agency by
 * any path, even one that did not revoke the link), then time: the hard cap, or the job's closing plus
 * `daysAfterClose` days.
 */
export function jobLinkState(link: JobLinkFacts, now: Date | number, daysAfterClose: number): JobLinkState {
  if (link.revokedAt !== null) return "revoked";
  if (link.ticketTechnicianId !== link.technicianId || link.ticketAgencyId !== link.agencyId) return "reassigned";
  const t = new Date(now).getTime();
  if (new Date(link.expiresAt).getTime() <= t) return "expired";
  if (link.ticketClosedAt !== null && new Date(link.ticketClosedAt).getTime() + daysAfterClose * 86_400_000 <= t) return "expired";
  return "valid";
}

/** Refused links from one address in this window count towards its limit. */
export const JOB_LINK_FAILURE_WINDOW_MINUTES = 15;
/** More refused links than this from one address in the window: every link is refused for a while. */
export const MAX_JOB_LINK_FAILURES_PER_IP = 20;

export function jobLinkThrottled(failuresInWindow: number): boolean {
  return failuresInWindow >= MAX_JOB_LINK_FAILURES_PER_IP;
}

export function jobLinkWindowStart(now: Date): Date {
  return new Date(now.getTime() - JOB_LINK_FAILURE_WINDOW_MINUTES * 60_000);
}

/** A visit window may not start more than this long ago (a form filled in slowly, clocks a little apart). */
export const VISIT_WINDOW_PAST_GRACE_MINUTES = 60;
/** The longest visit window: a technician's day. */
export const VISIT_WINDOW_MAX_HOURS = 12;
/** How far ahead a visit may be set. */
export const VISIT_WINDOW_MAX_DAYS_AHEAD = 60;

export type VisitWindowProblem = "order" | "past" | "tooLong" | "tooFar";

/** What is wrong with a visit window; null: it may be given. */
export function checkVisitWindow(from: Date, to: Date, now: Date): VisitWindowProblem | null {
  if (!(from.getTime() < to.getTime())) return "order";
  if (from.getTime() < now.getTime() - VISIT_WINDOW_PAST_GRACE_MINUTES * 60_000) return "past";
  if (to.getTime() - from.getTime() > VISIT_WINDOW_MAX_HOURS * 3_600_000) return "tooLong";
  if (from.getTime() > now.getTime() + VISIT_WINDOW_MAX_DAYS_AHEAD * 86_400_000) return "tooFar";
  return null;
}

/**
 * The visit window as the customer reads it in an SMS, in the Jalali calendar, Tehran time, Persian digits:
 * "شنبه ۱۴۰۵/۰۹/۱۵ ساعت ۱۰:۰۰ تا ۱۲:۰۰" (a window across midnight names both days).
 */
export function visitWindowText(from: Date, to: Date): string {
  const day = new Intl.DateTimeFormat("fa-IR-u-ca-persian-nu-arabext", {
    timeZone: "Asia/Tehran",
    weekday: "long",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  });
  const time = new Intl.DateTimeFormat("fa-IR-u-nu-arabext", { timeZone: "Asia/Tehran", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  const dayText = (d: Date) => {
    const parts = day.formatToParts(d);
    const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
    return `${get("weekday")} ${get("year")}/${get("month")}/${get("day")}`;
  };
  const fromDay = dayText(from);
  const toDay = dayText(to);
  return fromDay === toDay
    ? `${fromDay} ساعت ${time.format(from)} تا ${time.format(to)}`
    : `${fromDay} ساعت ${time.format(from)} تا ${toDay} ساعت ${time.format(to)}`;
}
