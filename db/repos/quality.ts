/**
 * Quality and the agency scorecard (issue 15 §5; the rules are core/quality.ts): the roll-ups and their reads.
 *
 * Roll-ups, kept by the agency__performance task (refreshAgencyPerformance in db/repos/dispatch.ts calls
 * `refreshScorecards` first, so dispatch always reads a fresh scorecard):
 *  - `reworks`: each breakdown is looked at ONCE, by a ticket-id watermark (scorecard_state), when it has been
 *    registered for a minute — as at its registration, with the rework window then in force. The lookup is a
 *    probe of the serial's tickets (tickets_product_created_idx) and their completion reports (unique by
 *    ticket), so a batch of 50,000 new tickets costs the same at 1,000,000 tickets as at 1,000.
 *    (repeat_breakdowns of the voice pages is another rule — registration after registration within 90 days,
 *    breakdowns only — so reworks cannot be read off it; CSAT is read from its csat_daily.)
 *  - `job_quality`: the jobs that may have changed since the last run only (see `refreshScorecards`), every
 *    job on the first run; a late rework reaches the job it reworks and so its month.
 *  - `agency_scorecards`: recomputed whole (delete and insert: idempotent) for every Jalali month touching
 *    the last rework window (core/quality.ts refreshWindowStart), every month a changed job belongs to and
 *    every month a claim decided, corrected or paid since the last run was decided in (claim_events' id
 *    watermark), all months on the first run. Each month's sources are read by their time indexes
 *    (dispatch_offers_agency_history_idx per agency, ticket_milestones_visit_due_idx / _resolve_due_idx, csat_daily's day,
 *    job_quality_completed_idx).
 */
import { sql, type Kysely, type RawBuilder } from "kysely";
import {
  DEFAULT_QUALITY_SETTINGS,
  periodOf,
  periodRange,
  periodsBetween,
  refreshWindowStart,
  reworkRuleOf,
  type QualitySettings,
  type ScorecardCounts,
} from "../../core/quality";
import { tehranDay } from "../../core/jalali";
import { DEFAULT_OFFICE_HOURS, makeWorkingCalendar, weeklyHoursKey, workingMsBetween, type WeeklyHours, type WorkingCalendar } from "../../core/working-time";
import type { Database } from "../schema";
import { claimDecisionsByAgencyMonth } from "./claims";
import { allHolidayDays } from "./holidays";
import type { DataScope } from "./scope";
import { refreshCsatDaily } from "./voice";
import { withinRepeatWindowSql } from "./repeat-jobs";

type Conn = Kysely<Database>;

/** Runs `fn` in a transaction of its own, or in the caller's (the demo seed loads everything in one). */
function inTransaction<T>(db: Conn, fn: (trx: Conn) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

export async function qualitySettings(db: Conn): Promise<QualitySettings & { updatedAt: Date | null }> {
  const r = await db.selectFrom("quality_settings").select(["rework_window_days", "probation_months", "probation_jobs", "updated_at"]).executeTakeFirst();
  if (!r) return { ...DEFAULT_QUALITY_SETTINGS, updatedAt: null };
  return { reworkWindowDays: r.rework_window_days, probationMonths: r.probation_months, probationJobs: r.probation_jobs, updatedAt: r.updated_at };
}

export async function saveQualitySettings(db: Conn, s: QualitySettings, userId: number | null): Promise<void> {
  await db
    .insertInto("quality_settings")
    .values({ id: true, rework_window_days: s.reworkWindowDays, probation_months: s.probationMonths, probation_jobs: s.probationJobs, updated_by: userId })
    .onConflict((oc) =>
      oc.column("id").doUpdateSet({
        rework_window_days: s.reworkWindowDays,
        probation_months: s.probationMonths,
        probation_jobs: s.probationJobs,
        updated_by: userId,
        updated_at: sql`now()`,
      }),
    )
    .execute();
}

/** The one state row, locked (re-created after a truncation of every table, as the tests' reset does). */
async function lockState(trx: Conn) {
  await trx.insertInto("scorecard_state").values({ id: true }).onConflict((oc) => oc.column("id").doNothing()).execute();
  return trx.selectFrom("scorecard_state").selectAll().forUpdate().executeTakeFirstOrThrow();
}

// ---------------------------------------------------------------------------------------------------------
// reworks

/**
 * Marks the breakdowns registered since the watermark (and at least `settleSeconds` ago) that rework an
 * earlier job of their serial (core/repeat-job.ts repeatedJob under core/quality.ts reworkRuleOf: the latest
 * completion of a non-cancelled ticket within the window before the registration; the window's SQL is
 * withinRepeatWindowSql). Returns the rows added.
 */
export async function refreshReworks(db: Conn, opts: { batch?: number; settleSeconds?: number } = {}): Promise<number> {
  const batch = opts.batch ?? 50_000;
  const settle = opts.settleSeconds ?? 60;
  let added = 0;
  for (;;) {
    const n = await inTransaction(db, async (trx) => {
      const wm = await lockState(trx);
      const { reworkWindowDays } = await qualitySettings(trx);
      const upto = await sql<{ id: string | null }>`
        select max(id) as id from (
          select id from tickets where id > ${wm.reworks_last_ticket_id} and created_at < now() - make_interval(secs => ${settle})
          order by id limit ${batch}) x`.execute(trx);
      const last = upto.rows[0]?.id == null ? null : Number(upto.rows[0].id);
      if (last === null) return -1;
      const ins = await sql`
        insert into reworks (ticket_id, completed_ticket_id, agency_id, technician_id, customer_product_id, model_id, registered_at, completed_at, window_days)
        select t.id, p.ticket_id, p.agency_id, p.technician_id, t.customer_product_id, cp.model_id, t.created_at, p.completed_at, ${reworkWindowDays}
        from tickets t
        join customer_products cp on cp.id = t.customer_product_id
        cross join lateral (
          select cr.ticket_id, cr.agency_id, coalesce(cr.technician_id, q.technician_id) as technician_id, cr.completed_at
          from tickets q join completion_reports cr on cr.ticket_id = q.id
          where q.customer_product_id = t.customer_product_id and q.id <> t.id and q.status <> 'cancelled'
            and ${withinRepeatWindowSql(sql.ref("cr.completed_at"), sql.ref("t.created_at"), reworkRuleOf({ reworkWindowDays }).windowDays)}
          order by cr.completed_at desc, cr.ticket_id desc
          limit 1) p
        where t.id > ${wm.reworks_last_ticket_id} and t.id <= ${last}
          and t.type = 'breakdown' and t.customer_product_id is not null and t.status <> 'cancelled'
        on conflict (ticket_id) do nothing`.execute(trx);
      await trx.updateTable("scorecard_state").set({ reworks_last_ticket_id: last }).execute();
      return Number(ins.numAffectedRows ?? 0);
    });
    if (n < 0) break;
    added += n;
  }
  return added;
}

// ---------------------------------------------------------------------------------------------------------
// job_quality and agency_scorecards

/**
 * job_quality's rows of the completed jobs `where` selects (a condition on `cr`, completion_reports), after
 * deleting theirs (core/quality.ts isFirstTimeFix: no hold, never reopened, no non-cancelled rework).
 * Returns the Jalali periods of the jobs' completions, before and after.
 */
async function rebuildJobs(trx: Conn, where: RawBuilder<boolean>): Promise<Set<string>> {
  const gone = await sql<{ completed_at: Date }>`
    delete from job_quality j using completion_reports cr where j.ticket_id = cr.ticket_id and ${where} returning j.completed_at`.execute(trx);
  const added = await sql<{ completed_at: Date }>`
    insert into job_quality (ticket_id, agency_id, technician_id, model_id, completed_at, holds, reopened, rework_ticket_id, first_time_fix)
    select cr.ticket_id, cr.agency_id, coalesce(cr.technician_id, t.technician_id), cp.model_id, cr.completed_at, h.holds, h.reopened, rw.ticket_id,
      (h.holds = 0 and not h.reopened and rw.ticket_id is null)
    from completion_reports cr
    join tickets t on t.id = cr.ticket_id
    left join customer_products cp on cp.id = t.customer_product_id
    cross join lateral (
      select count(*) filter (where e.to_status = 'on_hold')::int as holds,
             coalesce(bool_or(e.from_status = 'completed' and e.to_status = 'in_progress'), false) as reopened
      from ticket_events e where e.ticket_id = cr.ticket_id and e.event_type = 'status_changed') h
    left join lateral (
      select r.ticket_id from reworks r join tickets rt on rt.id = r.ticket_id
      where r.completed_ticket_id = cr.ticket_id and rt.status <> 'cancelled'
      order by r.registered_at, r.ticket_id limit 1) rw on true
    where ${where} and t.status <> 'cancelled'
    returning completed_at`.execute(trx);
  return new Set([...gone.rows, ...added.rows].map((r) => periodOf(r.completed_at)));
}

/** The working-day calendar of an agency's weekly hours (null: the call centre's), e.g. services/working-calendar.ts `workingCalendars(db).of`. */
export type CalendarOf = (hours: WeeklyHours | null) => WorkingCalendar;

export interface ScorecardRefreshOptions {
  full?: boolean;
  settleSeconds?: number;
  /** the calendars answer times are counted on; default: built here from official_holidays (one per set of hours) */
  calendarOf?: CalendarOf;
}

/** Calendars from the holiday table as it is now, one per distinct set of hours (for one refresh). */
export async function calendarsFromHolidays(db: Conn): Promise<CalendarOf> {
  const holidays = await allHolidayDays(db);
  const cache = new Map<string, WorkingCalendar>();
  return (hours) => {
    const h = hours ?? DEFAULT_OFFICE_HOURS;
    const key = weeklyHoursKey(h);
    let cal = cache.get(key);
    if (!cal) cache.set(key, (cal = makeWorkingCalendar(h, holidays)));
    return cal;
  };
}

/**
 * The answered offers of a month (offered in [from, to), accepted or rejected with an answer time) per agency:
 * how many, and the sum of their answer times in the agency's WORKING seconds (core/quality.ts "answer time":
 * core/working-time.ts workingMsBetween on the agency's hours). Each agency's offers are read by
 * dispatch_offers_agency_history_idx; the clock runs here, not in SQL, so its one definition (holidays,
 * overnight hours, around the clock) is not copied.
 */
export async function answerTimesOfMonth(trx: Conn, from: Date, to: Date, calendarOf: CalendarOf): Promise<Map<number, { answers: number; seconds: number }>> {
  const { rows } = await sql<{ agency_id: string; hours: WeeklyHours | null; a: number[]; b: number[] }>`
    select a.id as agency_id, a.working_hours as hours, x.a, x.b
    from agencies a
    cross join lateral (
      select array_agg(date_part('epoch', d.offered_at) * 1000) as a, array_agg(date_part('epoch', d.responded_at) * 1000) as b
      from dispatch_offers d
      where d.agency_id = a.id and d.offered_at >= ${from} and d.offered_at < ${to}
        and d.status in ('accepted', 'rejected') and d.responded_at is not null) x
    where x.a is not null`.execute(trx);
  const out = new Map<number, { answers: number; seconds: number }>();
  for (const r of rows) {
    const cal = calendarOf(r.hours);
    let ms = 0;
    for (let i = 0; i < r.a.length; i++) ms += Math.max(0, workingMsBetween(r.a[i]!, r.b[i]!, cal));
    out.set(Number(r.agency_id), { answers: r.a.length, seconds: Math.round(ms / 1000) });
  }
  return out;
}

/**
 * The Jalali months of the decisions of the claims with a decision, correction or payment among claim_events
 * (afterId, uptoId] — read by the primary key's range, each claim by its own.
 */
async function claimMonthsSince(trx: Conn, afterId: number, uptoId: number): Promise<Set<string>> {
  if (uptoId <= afterId) return new Set();
  const { rows } = await sql<{ at: Date }>`
    select min(c.decided_at) as at
    from warranty_claims c
    where c.decided_at is not null and c.id in (
      select e.claim_id from claim_events e
      where e.id > ${afterId} and e.id <= ${uptoId} and e.kind in ('approved', 'partly_approved', 'rejected', 'corrected', 'paid'))
    group by (c.decided_at at time zone 'Asia/Tehran')::date`.execute(trx);
  return new Set(rows.map((r) => periodOf(r.at)));
}

/** Recomputes one Jalali month of agency_scorecards from its sources and job_quality (delete and insert: idempotent). */
async function refreshMonth(trx: Conn, period: string, now: Date, calendarOf: CalendarOf): Promise<number> {
  const { from, toExclusive: to } = periodRange(period);
  await sql`delete from agency_scorecards where period = ${period}`.execute(trx);
  const answered = await answerTimesOfMonth(trx, from, to, calendarOf);
  const claims = (await claimDecisionsByAgencyMonth(trx, from, to)).filter((k) => k.period === period);
  const rows = await sql`
    with o as (
      -- per agency, its offers of the month by dispatch_offers_agency_history_idx (agency_id, offered_at)
      select a.id as agency_id, x.decided, x.accepted
      from agencies a
      cross join lateral (
        select count(*) filter (where d.status in ('accepted','rejected','expired'))::int as decided,
          count(*) filter (where d.status = 'accepted')::int as accepted,
          count(*) as n
        from dispatch_offers d where d.agency_id = a.id and d.offered_at >= ${from} and d.offered_at < ${to}) x
      where x.n > 0
    ),
    ans as (
      -- answer times in working seconds (answerTimesOfMonth)
      select * from unnest(${[...answered.keys()]}::bigint[], ${[...answered.values()].map((v) => v.answers)}::int[],
        ${[...answered.values()].map((v) => v.seconds)}::bigint[]) as x(agency_id, answers, answer_secs)
    ),
    k as (
      -- warranty claims decided in the month (db/repos/claims.ts claimDecisionsByAgencyMonth)
      select * from unnest(${claims.map((k) => k.agencyId)}::bigint[], ${claims.map((k) => k.decided)}::int[],
        ${claims.map((k) => k.rejected)}::int[], ${claims.map((k) => k.partlyApproved)}::int[]) as x(agency_id, decided, rejected, partly)
    ),
    v as (
      select agency_id,
        count(*) filter (where visit_due_at <= ${now}::timestamptz or visited_at is not null)::int as due,
        count(*) filter (where visited_at <= visit_due_at)::int as on_time
      from ticket_milestones
      where agency_id is not null and visit_due_at >= ${from} and visit_due_at < ${to} and not cancelled
      group by agency_id
    ),
    s as (
      select agency_id,
        count(*) filter (where resolve_due_at <= ${now}::timestamptz or done_at is not null)::int as due,
        count(*) filter (where done_at <= resolve_due_at)::int as met
      from ticket_milestones
      where agency_id is not null and resolve_due_at >= ${from} and resolve_due_at < ${to} and not cancelled
      group by agency_id
    ),
    c as (
      select key as agency_id, sum(answered)::int as n, sum(score_sum)::int as total
      from csat_daily where dim = 'agency' and key is not null and day >= ${tehranDay(from)}::date and day < ${tehranDay(to)}::date
      group by key
    ),
    j as (
      select agency_id, count(*)::int as jobs, count(*) filter (where rework_ticket_id is not null)::int as reworks,
        count(*) filter (where first_time_fix)::int as ftf
      from job_quality where completed_at >= ${from} and completed_at < ${to}
      group by agency_id
    ),
    ids as (select agency_id from o union select agency_id from v union select agency_id from s union select agency_id from c union select agency_id from j
      union select agency_id from k)
    insert into agency_scorecards (period, agency_id, offers_decided, offers_accepted, answers, answer_seconds_sum, visits_due, visits_on_time,
      sla_due, sla_met, csat_count, csat_sum, jobs, reworks, ftf, claims_decided, claims_rejected, claims_partly, refreshed_at)
    select ${period}, ids.agency_id, coalesce(o.decided, 0), coalesce(o.accepted, 0), coalesce(ans.answers, 0), coalesce(ans.answer_secs, 0),
      coalesce(v.due, 0), coalesce(v.on_time, 0), coalesce(s.due, 0), coalesce(s.met, 0), coalesce(c.n, 0), coalesce(c.total, 0),
      coalesce(j.jobs, 0), coalesce(j.reworks, 0), coalesce(j.ftf, 0), coalesce(k.decided, 0), coalesce(k.rejected, 0), coalesce(k.partly, 0), now()
    from ids
    join agencies a on a.id = ids.agency_id
    left join o on o.agency_id = ids.agency_id
    left join ans on ans.agency_id = ids.agency_id
    left join k on k.agency_id = ids.agency_id
    left join v on v.agency_id = ids.agency_id
    left join s on s.agency_id = ids.agency_id
    left join c on c.agency_id = ids.agency_id
    left join j on j.agency_id = ids.agency_id`.execute(trx);
  return Number(rows.numAffectedRows ?? 0);
}

/**
 * Brings the scorecard roll-ups up to date at `now`:
 *  1. reworks (watermark by ticket id), CSAT by day (the voice roll-up csat_daily);
 *  2. job_quality of the jobs that may have changed since the last run — completion reports after its
 *     watermark, the tickets with a status change after its event watermark (a hold, a reopening, a
 *     re-completion, a cancellation), and the jobs the new reworks (or a cancelled rework) name — each found
 *     by a primary-key range or probe; every job on the first run (or with `full`);
 *  3. agency_scorecards of every month from the rework window's start to now (their offers, visits and
 *     surveys still move), of every month a changed job belongs to, and of every month a claim was decided in
 *     whose decision, correction or payment was recorded since the last run (claim_events after its
 *     watermark: a correction of a claim decided months ago re-rolls that month) — all months on the first run.
 * Returns the months recomputed.
 */
export async function refreshScorecards(db: Conn, now: Date, opts: ScorecardRefreshOptions = {}): Promise<string[]> {
  const before = await inTransaction(db, async (trx) => (await lockState(trx)).reworks_last_ticket_id);
  await refreshReworks(db, { settleSeconds: opts.settleSeconds });
  await refreshCsatDaily(db);
  const { months, start } = await inTransaction(db, async (trx) => {
    const state = await lockState(trx);
    const settings = await qualitySettings(trx);
    const full = opts.full || state.built_from === null;
    let start = refreshWindowStart(now, settings.reworkWindowDays);
    const wm = await sql<{ report: string | null; event: string | null; claim_event: string | null }>`
      select (select max(id) from completion_reports) as report, (select max(id) from ticket_events) as event,
        (select max(id) from claim_events) as claim_event`.execute(trx);
    const lastReport = Number(wm.rows[0]?.report ?? 0);
    const lastEvent = Number(wm.rows[0]?.event ?? 0);
    const lastClaimEvent = Number(wm.rows[0]?.claim_event ?? 0);
    let changed: Set<string>;
    if (full) {
      await sql`truncate job_quality`.execute(trx);
      changed = await rebuildJobs(trx, sql<boolean>`true`);
      const first = await sql<{ at: Date | null }>`select min(created_at) as at from tickets`.execute(trx);
      const at = first.rows[0]?.at;
      if (at && at < start) start = at;
    } else {
      changed = await rebuildJobs(
        trx,
        sql<boolean>`cr.ticket_id in (
          select r.ticket_id from completion_reports r where r.id > ${state.jobs_last_report_id} and r.id <= ${lastReport}
          union
          select e.ticket_id from ticket_events e
          where e.id > ${state.jobs_last_event_id} and e.id <= ${lastEvent} and e.event_type = 'status_changed'
            and e.to_status in ('on_hold', 'in_progress', 'completed', 'cancelled')
          union
          select w.completed_ticket_id from reworks w where w.ticket_id > ${before}
          union
          select w.completed_ticket_id from reworks w
          where w.ticket_id in (select e.ticket_id from ticket_events e
            where e.id > ${state.jobs_last_event_id} and e.id <= ${lastEvent} and e.event_type = 'status_changed' and e.to_status = 'cancelled'))`,
      );
    }
    // the decision months of the claims decided, corrected or paid since the last run (claim_events by its
    // primary key, each claim by its own): a correction months later changes the month of the decision
    if (!full) for (const p of await claimMonthsSince(trx, state.claims_last_event_id, lastClaimEvent)) changed.add(p);
    await trx
      .updateTable("scorecard_state")
      .set({ jobs_last_report_id: lastReport, jobs_last_event_id: lastEvent, claims_last_event_id: lastClaimEvent })
      .execute();
    const months = [...new Set([...periodsBetween(start, now), ...changed])].sort();
    return { months, start };
  });
  const calendarOf = opts.calendarOf ?? (await calendarsFromHolidays(db));
  for (const period of months) {
    await inTransaction(db, (trx) => refreshMonth(trx, period, now, calendarOf));
  }
  await inTransaction(db, async (trx) => {
    await lockState(trx);
    await trx.updateTable("scorecard_state").set({ built_from: start, refreshed_at: sql`now()` }).execute();
  });
  return months;
}

/** Recomputes everything from nothing (after a bulk load, or a change of the rework window to apply to the past). */
export async function rebuildScorecards(db: Conn, now: Date, opts: Omit<ScorecardRefreshOptions, "full"> = {}): Promise<string[]> {
  await inTransaction(db, async (trx) => {
    await lockState(trx);
    await trx.deleteFrom("reworks").execute();
    await trx
      .updateTable("scorecard_state")
      .set({ reworks_last_ticket_id: 0, jobs_last_report_id: 0, jobs_last_event_id: 0, claims_last_event_id: 0, built_from: null })
      .execute();
  });
  return refreshScorecards(db, now, { ...opts, full: true });
}

// ---------------------------------------------------------------------------------------------------------
// reads

const COUNT_COLUMNS = [
  "offers_decided",
  "offers_accepted",
  "answers",
  "answer_seconds_sum",
  "visits_due",
  "visits_on_time",
  "sla_due",
  "sla_met",
  "csat_count",
  "csat_sum",
  "jobs",
  "reworks",
  "ftf",
  "claims_decided",
  "claims_rejected",
  "claims_partly",
] as const;

type CountRow = Record<(typeof COUNT_COLUMNS)[number], number>;

export function countsOf(r: CountRow): ScorecardCounts {
  return {
    offersDecided: r.offers_decided,
    offersAccepted: r.offers_accepted,
    answers: r.answers,
    answerSecondsSum: r.answer_seconds_sum,
    visitsDue: r.visits_due,
    visitsOnTime: r.visits_on_time,
    slaDue: r.sla_due,
    slaMet: r.sla_met,
    csatCount: r.csat_count,
    csatSum: r.csat_sum,
    jobs: r.jobs,
    reworks: r.reworks,
    ftf: r.ftf,
    claimsDecided: r.claims_decided,
    claimsRejected: r.claims_rejected,
    claimsPartly: r.claims_partly,
  };
}

export interface ScorecardRow {
  agencyId: number;
  code: string;
  name: string;
  period: string;
  probation: boolean;
  counts: ScorecardCounts;
}

/**
 * One month's scorecards, every agency with a figure in it (agency_scorecards' primary key), with the
 * agency's probation now. An agency's scope sees its own row only.
 */
export async function scorecardsOfMonth(db: Conn, scope: DataScope, period: string): Promise<ScorecardRow[]> {
  let q = db
    .selectFrom("agency_scorecards as s")
    .innerJoin("agencies as a", "a.id", "s.agency_id")
    .leftJoin("agency_performance as p", "p.agency_id", "s.agency_id")
    .select(["s.agency_id", "a.code", "a.name", "s.period", "p.on_probation", ...COUNT_COLUMNS.map((c) => `s.${c}` as const)])
    .where("s.period", "=", period);
  if (scope.kind === "agency") q = q.where("s.agency_id", "=", scope.agencyId);
  const rows = await q.orderBy("a.code").execute();
  return rows.map((r) => ({ agencyId: r.agency_id, code: r.code, name: r.name, period: r.period, probation: r.on_probation ?? false, counts: countsOf(r) }));
}

/** One agency's months, newest first (agency_scorecards_agency_idx); an agency's scope only its own. */
export async function scorecardsOfAgency(db: Conn, scope: DataScope, agencyId: number, limit = 24): Promise<ScorecardRow[]> {
  if (scope.kind === "agency" && scope.agencyId !== agencyId) return [];
  const rows = await db
    .selectFrom("agency_scorecards as s")
    .innerJoin("agencies as a", "a.id", "s.agency_id")
    .leftJoin("agency_performance as p", "p.agency_id", "s.agency_id")
    .select(["s.agency_id", "a.code", "a.name", "s.period", "p.on_probation", ...COUNT_COLUMNS.map((c) => `s.${c}` as const)])
    .where("s.agency_id", "=", agencyId)
    .orderBy("s.period", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ agencyId: r.agency_id, code: r.code, name: r.name, period: r.period, probation: r.on_probation ?? false, counts: countsOf(r) }));
}

/** The months that have scorecards, newest first (for the month picker). */
export async function scorecardPeriods(db: Conn, limit = 36): Promise<string[]> {
  const rows = await sql<{ period: string }>`
    with recursive p as (
      (select period from agency_scorecards order by period desc limit 1)
      union all
      select (select s.period from agency_scorecards s where s.period < p.period order by s.period desc limit 1) from p where p.period is not null
    )
    select period from p where period is not null limit ${limit}`.execute(db);
  return rows.rows.map((r) => r.period);
}

export interface AgencyProbationInfo {
  agencyId: number;
  code: string;
  name: string;
  onProbation: boolean;
  jobsTotal: number;
  startDay: string;
  endedEarlyAt: Date | null;
  endedReason: string | null;
}

/** An agency's probation as the scorecard shows it (agency_performance, agency_probation). */
export async function probationOf(db: Conn, agencyId: number): Promise<AgencyProbationInfo | undefined> {
  const rows = await probationRows(db, { agencyId });
  return rows[0];
}

/** Agencies on probation now, and those whose probation an admin ended (the admin's quality page). */
export async function probationList(db: Conn): Promise<AgencyProbationInfo[]> {
  return probationRows(db, { listed: true });
}

async function probationRows(db: Conn, o: { agencyId?: number; listed?: boolean }): Promise<AgencyProbationInfo[]> {
  let q = db
    .selectFrom("agencies as a")
    .leftJoin("agency_performance as p", "p.agency_id", "a.id")
    .leftJoin("agency_probation as e", "e.agency_id", "a.id")
    .select([
      "a.id",
      "a.code",
      "a.name",
      "p.on_probation",
      "p.jobs_total",
      sql<string>`coalesce(a.contract_start, (a.created_at at time zone 'Asia/Tehran')::date)::text`.as("start_day"),
      "e.ended_at",
      "e.reason",
    ]);
  if (o.agencyId !== undefined) q = q.where("a.id", "=", o.agencyId);
  if (o.listed) q = q.where((eb) => eb.or([eb("p.on_probation", "=", true), eb("e.agency_id", "is not", null)]));
  const rows = await q.orderBy("a.code").limit(500).execute();
  return rows.map((r) => ({
    agencyId: r.id,
    code: r.code,
    name: r.name,
    onProbation: r.on_probation ?? false,
    jobsTotal: r.jobs_total ?? 0,
    startDay: r.start_day,
    endedEarlyAt: r.ended_at,
    endedReason: r.reason,
  }));
}

export async function endProbation(db: Conn, agencyId: number, userId: number | null, reason: string): Promise<boolean> {
  const r = await db
    .insertInto("agency_probation")
    .values({ agency_id: agencyId, ended_by: userId, reason })
    .onConflict((oc) => oc.column("agency_id").doNothing())
    .executeTakeFirst();
  if (Number(r.numInsertedOrUpdatedRows ?? 0) === 0) return false;
  await db.updateTable("agency_performance").set({ on_probation: false }).where("agency_id", "=", agencyId).execute();
  return true;
}

export interface JobQualityRow {
  ticket_id: number;
  ticket_number: number;
  completed_at: Date;
  technician: string | null;
  model: string | null;
  holds: number;
  reopened: boolean;
  rework_ticket_id: number | null;
  rework_number: number | null;
  first_time_fix: boolean;
}

/** The most jobs a month's list shows (a page, not an export: the month's figures count them all). */
export const JOBS_LIMIT = 500;

/** An agency's jobs completed in a month with their quality (job_quality_agency_idx); an agency's scope only its own. */
export async function jobsOfAgencyMonth(db: Conn, scope: DataScope, agencyId: number, period: string, limit = JOBS_LIMIT): Promise<JobQualityRow[]> {
  if (scope.kind === "agency" && scope.agencyId !== agencyId) return [];
  const { from, toExclusive } = periodRange(period);
  return db
    .selectFrom("job_quality as j")
    .innerJoin("tickets as t", "t.id", "j.ticket_id")
    .leftJoin("technicians as tech", "tech.id", "j.technician_id")
    .leftJoin("product_models as m", "m.id", "j.model_id")
    .leftJoin("tickets as rt", "rt.id", "j.rework_ticket_id")
    .select([
      "j.ticket_id",
      "t.number as ticket_number",
      "j.completed_at",
      "tech.full_name as technician",
      "m.name as model",
      "j.holds",
      "j.reopened",
      "j.rework_ticket_id",
      "rt.number as rework_number",
      "j.first_time_fix",
    ])
    .where("j.agency_id", "=", agencyId)
    .where("j.completed_at", ">=", from)
    .where("j.completed_at", "<", toExclusive)
    .orderBy("j.completed_at")
    .orderBy("j.ticket_id")
    .limit(limit)
    .execute();
}

export interface FtfGroup {
  key: number | null;
  label: string | null;
  jobs: number;
  ftf: number;
  reworks: number;
}

/**
 * First-time fix of the jobs completed in a month, by technician or by model (of one agency, or all when
 * `agencyId` is undefined; an agency's scope only its own), from job_quality's completion-time index.
 */
export async function ftfBy(db: Conn, scope: DataScope, period: string, by: "technician" | "model" | "agency", agencyId?: number): Promise<FtfGroup[]> {
  const agency = scope.kind === "agency" ? scope.agencyId : agencyId;
  const { from, toExclusive } = periodRange(period);
  const key = by === "technician" ? sql`j.technician_id` : by === "model" ? sql`j.model_id` : sql`j.agency_id`;
  const label =
    by === "technician"
      ? sql`(select full_name from technicians x where x.id = g.key)`
      : by === "model"
        ? sql`(select name from product_models x where x.id = g.key)`
        : sql`(select name from agencies x where x.id = g.key)`;
  const { rows } = await sql<FtfGroup>`
    select g.key, ${label} as label, g.jobs, g.ftf, g.reworks from (
      select ${key} as key, count(*)::int as jobs, count(*) filter (where j.first_time_fix)::int as ftf,
        count(*) filter (where j.rework_ticket_id is not null)::int as reworks
      from job_quality j
      where j.completed_at >= ${from} and j.completed_at < ${toExclusive}
        ${agency === undefined ? sql`` : sql`and j.agency_id = ${agency}`}
      group by 1) g
    order by g.jobs desc, g.key`.execute(db);
  return rows;
}
