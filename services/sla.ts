/**
 * The SLA sweep (workers/tasks/sla__sweep.ts, every 5 minutes from the crontab): each stage of a ticket
 * (core/sla.ts: accept, visit, resolve) still open past the at-risk share of its time is marked at risk,
 * and past its due time breached — once per stage and level (sla_marks' primary key), with a history row
 * ('sla_at_risk' / 'sla_breached') and a supervisor alert, in one transaction per stage; supervisors are
 * told with NOTIFY supervisor_alerts. Two sweeps at once (two worker processes) write each mark once: the
 * second's insert meets the first's row and does nothing.
 *
 * The rule's SQL twin of core/sla.ts slaLevel: at risk when now >= created + share × (due − created),
 * breached when now > due (the due times themselves are on the working-day clock since issue 15 §2; the
 * at-risk share is of the calendar time between registration and due) — except a complaint's resolution,
 * at risk once at most the admin's lead (complaint_warn_hours, core/service-rules.ts complaintAtRisk) of
 * working hours is left, i.e. its due time is at or before complaintWarnHorizon(now). Each stage reads one range of its partial index (SLA_STAGE_INDEXES: the due
 * time over the tickets whose stage is open): due times in (now − lookback, now + (1 − share) ×
 * the stage's longest target], never every ticket.
 */
import { sql } from "kysely";
import {
  SLA_STAGE_OPEN_STATUSES,
  SLA_STAGES,
  staleSlaMarks,
  type SlaMark,
  type SlaStage,
} from "../core/sla";
import type { DB } from "../db/connection";
import { writeAudit } from "../db/repos/audit";
import { notifySupervisors } from "./alerts";
import { agencyWeeklyHours, slaTargetRulesWithTier } from "../db/repos/sla-rules";
import { AGENCY_SLA_STAGES, longestStageMs, longestStageSpanMs } from "../core/delays";
import { complaintWarnHorizon, slaAtRiskShareOf } from "../core/service-rules";
import { isWorkingHours } from "../core/dispatch";
import { weeklyHoursKey, type WeeklyHours, type WorkingCalendar } from "../core/working-time";
import { workingCalendars } from "./working-calendar";

export interface SlaSweepOptions {
  /** default: the database's now() */
  now?: Date;
  /** the at-risk share; default: the admin's rule in force (core/service-rules.ts sla_at_risk_percent) */
  share?: number;
  /** SLA_SWEEP_LOOKBACK_HOURS: due times further back are not looked at */
  lookbackHours?: number;
  /** at most this many tickets per stage and sweep (the next sweep goes on) */
  batch?: number;
}

export type SlaSweepCounts = Record<SlaStage, { atRisk: number; breached: number }>;

/** The history label of the sweep's rows (the UI shows "system" in the reader's language). */
const SWEEP_LABEL = "پایش مهلت خدمت";

/** The partial index each stage's sweep reads (its predicate: the stage's open statuses; a test holds them together). */
export const SLA_STAGE_INDEXES = {
  accept: "tickets_sla_accept_open_idx",
  visit: "tickets_sla_visit_open_idx",
  resolve: "tickets_unresolved_due_idx",
} as const satisfies Record<SlaStage, string>;

const DUE_COLUMN = { accept: "sla_accept_due_at", visit: "sla_visit_due_at", resolve: "sla_resolve_due_at" } as const satisfies Record<SlaStage, string>;

/** The statuses as SQL literals (our own constants), so the planner matches the partial index's predicate. */
function statusList(stage: SlaStage) {
  return sql.raw(`(${SLA_STAGE_OPEN_STATUSES[stage].map((s) => `'${s}'`).join(",")})`);
}

/** The candidates of one stage: the query whose plan tests/integration/sla-sweep.test.ts checks. */
export function slaCandidatesQuery(
  stage: SlaStage,
  o: {
    now: Date;
    share: number;
    lookbackHours: number;
    batch: number;
    /** the stage's longest clock (core/delays.ts longestStageMs over the configured rules) */
    longestMs?: number;
    /**
     * resolve stage: a complaint is at risk once its due time is at or before this instant (core/service-rules.ts
     * complaintWarnHorizon: the admin's lead in working hours after now) instead of past the share of its time
     */
    complaintWarnBy?: Date;
  },
) {
  const due = sql.ref(`t.${DUE_COLUMN[stage]}`);
  const aheadMs = Math.ceil((1 - o.share) * (o.longestMs ?? longestStageMs([], stage)));
  const warnBy = stage === "resolve" ? (o.complaintWarnBy ?? null) : null;
  const upTo = new Date(Math.max(o.now.getTime() + aheadMs, warnBy?.getTime() ?? 0));
  const shareRule = sql`${o.now}::timestamptz >= t.created_at + ${o.share}::float8 * (${due} - t.created_at)`;
  const riskRule = warnBy ? sql`(case when t.type = 'complaint' then ${due} <= ${warnBy}::timestamptz else ${shareRule} end)` : shareRule;
  return sql<{ id: number; due_at: Date; level: "at_risk" | "breached" }>`
    select t.id, ${due} as due_at, case when ${due} < ${o.now}::timestamptz then 'breached' else 'at_risk' end as level
    from tickets t
    where t.status in ${statusList(stage)} and ${due} is not null
      and ${due} > ${o.now}::timestamptz - make_interval(hours => ${o.lookbackHours})
      and ${due} <= ${upTo}::timestamptz
      and ${riskRule}
      and not exists (select 1 from sla_marks m where m.ticket_id = t.id and m.stage = ${stage}
                      and (m.level = 'breached' or ${due} >= ${o.now}::timestamptz))
    order by ${due}
    limit ${o.batch}`;
}

/** One sweep over every stage. Returns what it marked (already marked stages are not counted again). */
export async function sweepSla(db: DB, opts: SlaSweepOptions = {}): Promise<SlaSweepCounts> {
  const lookbackHours = opts.lookbackHours ?? 48;
  const batch = opts.batch ?? 1000;
  const counts = {} as SlaSweepCounts;
  // the configured SLA target rules (issue 14 §1) bound how far ahead a due time may lie: on the working-day
  // clock (issue 15 §2) a target of working minutes spans more calendar time (a night, a Friday, Nowruz), so
  // the bound is the longest calendar span of the longest target from any hour of the last 60 days
  // (the agency's stages, once accepted, run on its own hours from the acceptance — services/agency-due-times.ts —
  // so their span is at most the call centre's span up to the acceptance plus the agency's from it)
  const [rules, clock, hoursOfAgencies] = await Promise.all([slaTargetRulesWithTier(db), workingCalendars(db), agencyWeeklyHours(db)]);
  const share = opts.share ?? slaAtRiskShareOf(clock.rules);
  const agencyHours = new Map<string, WeeklyHours>();
  for (const h of hoursOfAgencies) if (isWorkingHours(h)) agencyHours.set(weeklyHoursKey(h), h);
  for (const stage of SLA_STAGES) {
    counts[stage] = await db.transaction().execute(async (trx) => {
      const now = opts.now ?? (await sql<{ now: Date }>`select now() as now`.execute(trx)).rows[0]!.now;
      const office = clock.dueClock(null);
      const officeSpan = longestStageSpanMs(rules, stage, office, now);
      let agencySpan = 0;
      if ((AGENCY_SLA_STAGES as readonly SlaStage[]).includes(stage)) {
        const seen = new Set<WorkingCalendar>([office.calendar]);
        for (const h of agencyHours.values()) {
          const c = clock.dueClock(h);
          if (seen.has(c.calendar)) continue;
          seen.add(c.calendar);
          agencySpan = Math.max(agencySpan, longestStageSpanMs(rules, stage, c, now));
        }
      }
      const longestMs = Math.max(longestStageMs(rules, stage), officeSpan + agencySpan);
      // complaints (handled in-house, due on the call centre's clock) are warned about the admin's lead in working hours before their due time
      const complaintWarnBy = complaintWarnHorizon(now, clock.rules.complaint_warn_hours, clock.office);
      return markSlaStageInTrx(trx, stage, { now, share, lookbackHours, batch, longestMs, complaintWarnBy });
    });
  }
  return counts;
}

/**
 * One stage of the sweep inside the caller's transaction: the marks, their history rows and supervisor
 * alerts, the audit row and the NOTIFY (the demo seed marks its history with it, with a long look-back).
 */
export async function markSlaStageInTrx(
  trx: DB,
  stage: SlaStage,
  o: { now: Date; share: number; lookbackHours: number; batch: number; longestMs: number; complaintWarnBy?: Date },
): Promise<{ atRisk: number; breached: number }> {
  const { now, share } = o;
  const candidates = slaCandidatesQuery(stage, o);
  const { rows } = await sql<{ level: "at_risk" | "breached"; n: number }>`
    with candidates as (${candidates}),
    marked as (
      insert into sla_marks (ticket_id, stage, level, due_at, marked_at)
      select id, ${stage}, level, due_at, ${now}::timestamptz from candidates
      on conflict do nothing
      returning ticket_id, level, due_at
    ),
    events as (
      insert into ticket_events (ticket_id, at, actor_kind, actor_label, event_type, data)
      select ticket_id, ${now}::timestamptz, 'system', ${SWEEP_LABEL}, 'sla_' || level,
             jsonb_build_object('stage', ${stage}::text, 'due_at', due_at)
      from marked
      returning 1
    ),
    alerts as (
      insert into supervisor_alerts (created_at, kind, ticket_id, stage, due_at)
      select ${now}::timestamptz, 'sla_' || level, ticket_id, ${stage}, due_at from marked
      returning 1
    )
    -- (data-modifying CTEs run to completion whether read or not)
    select level, count(*)::int as n from marked group by level`.execute(trx);
  const c = {
    atRisk: rows.find((r) => r.level === "at_risk")?.n ?? 0,
    breached: rows.find((r) => r.level === "breached")?.n ?? 0,
  };
  if (c.atRisk + c.breached > 0) {
    await writeAudit(trx, { actorUserId: null, action: "sla.sweep", details: { stage, ...c, share } });
    await notifySupervisors(trx, [{ type: "sla_alerts", stage, ...c, at: now.toISOString() }]);
  }
  return c;
}

/**
 * Withdraws the marks of one ticket that no longer hold after its due times moved (core/sla.ts staleSlaMarks):
 * inside the caller's transaction, with the ticket locked, right after the new due times are written (an
 * agency's acceptance on its clock, a job taken back to intake's due times). Each withdrawn mark's row goes, so
 * the sweep weighs the stage again against the new due time (and marks it again if it is, or becomes, at risk or
 * breached); its supervisor alert, if nobody reviewed it yet, is taken off the open list, and the open manager
 * pages are told to re-read it (NOTIFY alert_acknowledged, the event that says "an alert left the open list").
 * Returns what was withdrawn, for the history row of the action that moved the due times.
 */
export async function withdrawStaleSlaMarksInTrx(
  trx: DB,
  input: { ticketId: number; before: Partial<Record<SlaStage, Date | null>>; after: Partial<Record<SlaStage, Date | null>>; now: Date },
): Promise<SlaMark[]> {
  const marks = await trx.selectFrom("sla_marks").select(["stage", "level"]).where("ticket_id", "=", input.ticketId).execute();
  const stale = staleSlaMarks(marks, input.before, input.after, input.now);
  if (stale.length === 0) return stale;
  // the marks go, and each one's alert, still open, is no longer true: it leaves the open list (one already
  // reviewed stays as it was), its watchers told as when it is acknowledged
  const { rows: closed } = await sql<{ id: string }>`
    with stale as (
      select * from unnest(${stale.map((m) => m.stage)}::text[], ${stale.map((m) => m.level)}::text[]) as s(stage, level)
    ), marks as (
      delete from sla_marks k using stale
      where k.ticket_id = ${input.ticketId} and k.stage = stale.stage and k.level = stale.level
    ), alerts as (
      delete from supervisor_alerts a using stale
      where a.ticket_id = ${input.ticketId} and a.stage = stale.stage and a.kind = 'sla_' || stale.level and a.acknowledged_at is null
      returning a.id
    )
    select id::text from alerts order by id`.execute(trx);
  await notifySupervisors(trx, closed.map((a) => ({ type: "alert_acknowledged", alertId: Number(a.id), at: input.now.toISOString() })));
  return stale;
}
