/**
 * The delay audit's reads (issue 14 §1): SLA target rules, and reports over ticket_milestones (the per-ticket
 * roll-up kept by triggers, migration 2026_12_03_100000). Every report takes the caller's DataScope: a manager
 * sees all agencies; an agency only itself. Date ranges are on the registration time, [from, toExclusive).
 */
import { createHash } from "node:crypto";
import { sql, type RawBuilder } from "kysely";
import {
  addFigures,
  counterOf,
  DELAY_CAUSES,
  DELAY_COUNTERS,
  DELAY_STAGES,
  DURATION_BUCKET_EDGES,
  emptyFigures,
  HIST_BUCKETS,
  STAGE_BOUNDS,
  stageFigures,
  subtractFigures,
  type DelayCause,
  type DelayCounter,
  type DelayFigures,
  type DelayStage,
  type SlaTargetRule,
} from "../../core/delays";
import { tehranDay, tehranDayStart } from "../../core/jalali";
import type { Priority } from "../../core/ticket";
import { DEFAULT_SLA_AT_RISK_SHARE, SLA_STAGE_OPEN_STATUSES, SLA_STAGES, type SlaStage } from "../../core/sla";
import type { DB } from "../connection";
import type { DataScope } from "./scope";

export interface SlaTargetRow extends SlaTargetRule {
  id: number;
  categoryName: string | null;
  updatedAt: Date;
}

export async function listSlaTargets(db: DB): Promise<SlaTargetRow[]> {
  const rows = await db
    .selectFrom("sla_targets")
    .leftJoin("product_categories", "product_categories.id", "sla_targets.category_id")
    .select([
      "sla_targets.id",
      "sla_targets.priority",
      "sla_targets.category_id",
      "sla_targets.province",
      "sla_targets.accept_minutes",
      "sla_targets.visit_minutes",
      "sla_targets.resolve_minutes",
      "sla_targets.updated_at",
      "product_categories.name_fa",
    ])
    .orderBy(sql`(sla_targets.category_id is not null)::int * 4 + (sla_targets.province is not null)::int * 2 + (sla_targets.priority is not null)::int`)
    .orderBy(sql`array_position(array['urgent','high','normal','low'], sla_targets.priority)`)
    .orderBy("sla_targets.id")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    priority: r.priority,
    categoryId: r.category_id,
    province: r.province,
    acceptMinutes: r.accept_minutes,
    visitMinutes: r.visit_minutes,
    resolveMinutes: r.resolve_minutes,
    updatedAt: r.updated_at,
    categoryName: r.name_fa,
  }));
}

/** The rules as core/delays.ts slaTargetFor reads them. */
export async function slaTargetRules(db: DB): Promise<SlaTargetRule[]> {
  const rows = await db
    .selectFrom("sla_targets")
    .select(["priority", "category_id", "province", "accept_minutes", "visit_minutes", "resolve_minutes"])
    .execute();
  return rows.map((r) => ({
    priority: r.priority,
    categoryId: r.category_id,
    province: r.province,
    acceptMinutes: r.accept_minutes,
    visitMinutes: r.visit_minutes,
    resolveMinutes: r.resolve_minutes,
  }));
}

export async function slaTargetById(db: DB, id: number) {
  return db
    .selectFrom("sla_targets")
    .select(["id", "priority", "category_id", "province", "accept_minutes", "visit_minutes", "resolve_minutes"])
    .where("id", "=", id)
    .executeTakeFirst();
}

// ---------------------------------------------------------------------------------------------------------
// Reports

export interface DelayFilter {
  from: Date;
  toExclusive: Date;
  /** the SLA clock's "now": an open milestone past its due time counts as breached */
  now: Date;
  agencyId?: number | null;
  stage?: DelayStage | null;
  cause?: DelayCause | null;
  /** only tickets that breached this check */
  breach?: "accept" | "visit" | "resolve" | "any" | null;
}

const M = (c: string) => sql.ref(`m.${c}`);

function stageSeconds(stage: DelayStage): RawBuilder<number | null> {
  const [a, b] = STAGE_BOUNDS[stage];
  const col = (x: string) => (x === "visited" ? "visited_at" : x === "done" ? "done_at" : `${x}_at`);
  return sql<number | null>`extract(epoch from (${M(col(b))} - ${M(col(a))}))`;
}

/** The SQL of core/delays.ts breached(reached, due, now, closed). */
function breachSql(reached: string, due: string, now: Date): RawBuilder<boolean> {
  return sql<boolean>`(${M(due)} is not null and case when ${M(reached)} is not null then ${M(reached)} > ${M(due)}
    else ${M("closed_at")} is null and ${now}::timestamptz > ${M(due)} end)`;
}

function breachesOf(now: Date) {
  return {
    accept: breachSql("accepted_at", "accept_due_at", now),
    visit: breachSql("visited_at", "visit_due_at", now),
    resolve: breachSql("done_at", "resolve_due_at", now),
  };
}

const CAUSE_COLUMN: Record<DelayCause, string> = {
  rejection: "rejections",
  deadline_missed: "deadlines_missed",
  waiting_parts: "waiting_parts",
  customer_unavailable: "customer_unavailable",
  reassignment: "reassignments",
};

function where(scope: DataScope, f: DelayFilter): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [
    sql`m.registered_at >= ${f.from}::timestamptz`,
    sql`m.registered_at < ${f.toExclusive}::timestamptz`,
    // breakdowns: dispatched to agencies (in-house work has no agency stages)
    sql`m.type = 'breakdown'`,
  ];
  if (scope.kind === "agency") parts.push(sql`m.agency_id = ${scope.agencyId}::bigint`);
  if (f.agencyId) parts.push(sql`m.agency_id = ${f.agencyId}::bigint`);
  if (f.stage) parts.push(sql`${stageSeconds(f.stage)} is not null`);
  if (f.cause) parts.push(sql`${M(CAUSE_COLUMN[f.cause])} > 0`);
  if (f.breach) {
    const b = breachesOf(f.now);
    parts.push(f.breach === "any" ? sql`(${b.accept} or ${b.visit} or ${b.resolve})` : b[f.breach]);
  }
  return sql.join(parts, sql` and `);
}

export interface AgencyDelayRow {
  agencyId: number;
  agencyName: string;
  agencyCode: string;
  tickets: number;
  /** seconds, per stage: median (from the duration buckets, core/delays.ts histogramMedian) and mean (null: no ticket passed the stage) */
  median: Record<DelayStage, number | null>;
  mean: Record<DelayStage, number | null>;
  breaches: number;
  /** 0..100 */
  breachRate: number;
}

export interface DelaySummary {
  tickets: number;
  breached: Record<"accept" | "visit" | "resolve", number>;
  /** tickets showing each cause, and how often it showed in all */
  causes: Record<DelayCause, { tickets: number; occurrences: number }>;
}

const TZ = "Asia/Tehran";
const EDGES = sql`${DURATION_BUCKET_EDGES}::float8[]`;

/** What the roll-up's arrays mean; a roll-up made with another layout is rebuilt in full. */
export const DELAY_ROLLUP_LAYOUT = createHash("sha1")
  .update(JSON.stringify({ edges: DURATION_BUCKET_EDGES, counters: DELAY_COUNTERS, stages: DELAY_STAGES }))
  .digest("hex");

type FigureRow = { agency_id: number; day: string | null; counts: number[]; seconds: number[]; hidx: number[] | null; hn: number[] | null };

/**
 * The additive figures (core/delays.ts DelayFigures) of the breakdowns `cond` selects from ticket_milestones
 * `m`, per agency (0: none) and, with `byDay`, per Tehran day of registration. Breaches are judged at `now`.
 * Histograms come back sparse (bucket indexes and counts).
 */
function figuresQuery(cond: RawBuilder<unknown>, now: Date, byDay: boolean) {
  const b = breachesOf(now);
  const counters = [
    sql`count(*)`,
    sql`count(*) filter (where late)`,
    sql`count(*) filter (where b_accept)`,
    sql`count(*) filter (where b_visit)`,
    sql`count(*) filter (where b_resolve)`,
    ...DELAY_CAUSES.map((c) => sql`count(*) filter (where ${sql.ref(CAUSE_COLUMN[c])} > 0)`),
    ...DELAY_CAUSES.map((c) => sql`coalesce(sum(${sql.ref(CAUSE_COLUMN[c])}), 0)`),
  ];
  return sql<FigureRow>`
    with m as materialized (
      select coalesce(m.agency_id, 0) as agency_id,
        ${byDay ? sql`(m.registered_at at time zone ${TZ})::date::text` : sql`null::text`} as day,
        (${b.accept} or ${b.visit} or ${b.resolve}) as late, ${b.accept} as b_accept, ${b.visit} as b_visit, ${b.resolve} as b_resolve,
        ${sql.join(DELAY_STAGES.map((s) => sql`${stageSeconds(s)}::float8 as ${sql.ref(`s_${s}`)}`))},
        ${sql.join(DELAY_CAUSES.map((c) => sql.ref(`m.${CAUSE_COLUMN[c]}`)))}
      from ticket_milestones m
      where ${cond}
    ), c as (
      select agency_id, day, array[${sql.join(counters)}]::int[] as counts,
        array[${sql.join(DELAY_STAGES.map((s) => sql`coalesce(sum(${sql.ref(`s_${s}`)}), 0)`))}]::float8[] as seconds
      from m group by agency_id, day
    ), h as (
      select agency_id, day, array_agg(i order by i) as hidx, array_agg(n order by i) as hn
      from (
        select m.agency_id, m.day, s.k * ${HIST_BUCKETS}::int + width_bucket(s.secs, ${EDGES}) as i, count(*)::int as n
        from m cross join lateral (values ${sql.join(DELAY_STAGES.map((st, k) => sql`(${k}::int, m.${sql.ref(`s_${st}`)})`))}) s(k, secs)
        where s.secs is not null
        group by 1, 2, 3
      ) x
      group by agency_id, day
    )
    select c.agency_id, c.day, c.counts, c.seconds, h.hidx, h.hn
    from c left join h on h.agency_id = c.agency_id and h.day is not distinct from c.day`;
}

function figuresOf(r: FigureRow): DelayFigures {
  const f = emptyFigures();
  f.counts = r.counts.map(Number);
  f.seconds = r.seconds.map(Number);
  (r.hidx ?? []).forEach((i, k) => (f.hist[Number(i)] = Number(r.hn![k])));
  return f;
}

/** Tehran day boundaries: the day of `from`, and whether both ends are Tehran midnights (the roll-up's grain). */
function dayRange(from: Date, toExclusive: Date): { fromDay: string; toDayExclusive: string } | null {
  const fromDay = tehranDay(from);
  const toDayExclusive = tehranDay(toExclusive);
  if (tehranDayStart(fromDay).getTime() !== from.getTime() || tehranDayStart(toDayExclusive).getTime() !== toExclusive.getTime()) return null;
  return { fromDay, toDayExclusive };
}

export interface DelayFiguresByAgency {
  /** agency id (0: no agency) → its figures over the range */
  figures: Map<number, DelayFigures>;
  names: Map<number, { name: string; code: string }>;
  /** whether the figures were read from the roll-up (a range of whole Tehran days, the roll-up filled) */
  fromRollup: boolean;
}

const CHECK_COLUMNS = [
  ["accepted_at", "accept_due_at"],
  ["visited_at", "visit_due_at"],
  ["done_at", "resolve_due_at"],
] as const;

/**
 * The open breakdowns with a check not reached whose due time lies in (after, upTo]: the breaches the clock
 * made in that span (one partial index per check).
 */
function dueCrossedSql(after: Date | RawBuilder<unknown>, upTo: Date | RawBuilder<unknown>) {
  return sql.join(
    CHECK_COLUMNS.map(
      ([reached, due]) => sql`select ticket_id from ticket_milestones
        where closed_at is null and ${sql.ref(reached)} is null and type = 'breakdown'
          and ${sql.ref(due)} > ${after}::timestamptz and ${sql.ref(due)} <= ${upTo}::timestamptz`,
    ),
    sql` union `,
  );
}

/** The live part of a whole-day range read from the roll-up made at `rolledAt`: the requests registered since. */
export function delayLiveFiguresQuery(scope: DataScope, f: Pick<DelayFilter, "from" | "toExclusive" | "now">, rolledAt: Date | null) {
  const base = where(scope, { from: f.from, toExclusive: f.toExclusive, now: f.now });
  return figuresQuery(rolledAt ? sql`${base} and m.registered_at > ${rolledAt}::timestamptz` : base, f.now, false);
}

/**
 * What the clock changed since the roll-up was made (at `rolledAt`) in the requests it holds: per agency, the
 * late requests and the breaches per check at `now` less those at `rolledAt`, of the open requests whose
 * unreached due time lies in between (a `now` before `rolledAt`, as a report of a past instant, takes them back).
 */
export function delayClockCorrectionQuery(scope: DataScope, f: Pick<DelayFilter, "from" | "toExclusive" | "now">, rolledAt: Date) {
  const bNow = breachesOf(f.now);
  const bThen = breachesOf(rolledAt);
  const i = (b: RawBuilder<boolean>) => sql`(${b})::int`;
  return sql<{ agency_id: number; late: number; accept: number; visit: number; resolve: number }>`
    select coalesce(m.agency_id, 0) as agency_id,
      sum(${i(sql<boolean>`${bNow.accept} or ${bNow.visit} or ${bNow.resolve}`)} - ${i(sql<boolean>`${bThen.accept} or ${bThen.visit} or ${bThen.resolve}`)})::int as late,
      sum(${i(bNow.accept)} - ${i(bThen.accept)})::int as accept,
      sum(${i(bNow.visit)} - ${i(bThen.visit)})::int as visit,
      sum(${i(bNow.resolve)} - ${i(bThen.resolve)})::int as resolve
    from ticket_milestones m
    where m.ticket_id in (${dueCrossedSql(rolledAt < f.now ? rolledAt : f.now, rolledAt < f.now ? f.now : rolledAt)})
      and ${where(scope, { from: f.from, toExclusive: f.toExclusive, now: f.now })} and m.registered_at <= ${rolledAt}::timestamptz
    group by 1`;
}

/** The rolled-up part of a whole-day range: per agency, its cumulative row at the range's end minus the one before it. */
export function delayRollupRangeQuery(scope: DataScope, days: { fromDay: string; toDayExclusive: string }) {
  const only = scope.kind === "agency" ? scope.agencyId : null;
  // the subtraction is left to the caller: PostgreSQL unnesting 38 × 830 pairs costs more than JavaScript
  return sql<{ agency_id: number; hc: number[]; hs: number[]; hh: number[]; lc: number[] | null; ls: number[] | null; lh: number[] | null }>`
    with a as (${only !== null ? sql`select ${only}::bigint as id` : sql`select id from agencies union all select 0`})
    select a.id as agency_id, hi.cum_counts as hc, hi.cum_seconds as hs, hi.cum_hist as hh, lo.cum_counts as lc, lo.cum_seconds as ls, lo.cum_hist as lh
    from a
    join lateral (
      select d.cum_counts, d.cum_seconds, d.cum_hist from delay_daily d
      where d.agency_id = a.id and d.day < ${days.toDayExclusive}::date order by d.day desc limit 1
    ) hi on true
    left join lateral (
      select d.cum_counts, d.cum_seconds, d.cum_hist from delay_daily d
      where d.agency_id = a.id and d.day < ${days.fromDay}::date order by d.day desc limit 1
    ) lo on true
    where hi.cum_counts[1] > coalesce(lo.cum_counts[1], 0)`;
}

/**
 * The figures of the breakdowns registered in the range, per agency, in the caller's scope. For a range of
 * whole Tehran days, from the roll-up delay_daily as of its last refresh (the cumulative row at the range's
 * last day minus the one before its first day: two index probes per agency, whatever the range's length),
 * plus, live: the requests registered since the refresh, and the breaches the clock made since in the
 * requests it holds (open requests whose unreached due time passed). Any other range (or no roll-up yet) is
 * read wholly live. Both paths bucket the durations alike (core/delays.ts DURATION_BUCKET_EDGES) and give the
 * same figures, except that a request's milestones changed since the last refresh (delay_daily__refresh, every
 * minute) count as they were until the next one.
 */
export async function delayFiguresByAgency(db: DB, scope: DataScope, f: Pick<DelayFilter, "from" | "toExclusive" | "now">): Promise<DelayFiguresByAgency> {
  const whole = dayRange(f.from, f.toExclusive);
  const state = whole ? await db.selectFrom("delay_daily_state").select(["refreshed_at", "layout"]).where("id", "=", 1).executeTakeFirst() : undefined;
  const rolledAt = state && state.layout === DELAY_ROLLUP_LAYOUT ? state.refreshed_at : null;
  const days = rolledAt ? whole : null;
  const only = scope.kind === "agency" ? scope.agencyId : null;
  const [live, rolled, correction, agencies] = await Promise.all([
    delayLiveFiguresQuery(scope, f, rolledAt).execute(db),
    days ? delayRollupRangeQuery(scope, days).execute(db) : Promise.resolve({ rows: [] }),
    rolledAt ? delayClockCorrectionQuery(scope, f, rolledAt).execute(db) : Promise.resolve({ rows: [] }),
    db.selectFrom("agencies").select(["id", "name", "code"]).$if(only !== null, (q) => q.where("id", "=", only!)).execute(),
  ]);
  const figures = new Map<number, DelayFigures>();
  const put = (agency: number, x: DelayFigures) => figures.set(agency, figures.has(agency) ? addFigures(figures.get(agency)!, x) : x);
  for (const r of rolled.rows) {
    const hi = { counts: r.hc, seconds: r.hs, hist: r.hh };
    put(Number(r.agency_id), r.lc ? subtractFigures(hi, { counts: r.lc, seconds: r.ls!, hist: r.lh! }) : { counts: [...r.hc], seconds: [...r.hs], hist: [...r.hh] });
  }
  for (const r of live.rows) put(Number(r.agency_id), figuresOf(r));
  for (const r of correction.rows) {
    const fig = figures.get(Number(r.agency_id));
    if (!fig) continue;
    const add = (c: DelayCounter, n: number) => (fig.counts[DELAY_COUNTERS.indexOf(c)]! += Number(n));
    add("late", r.late);
    add("breach_accept", r.accept);
    add("breach_visit", r.visit);
    add("breach_resolve", r.resolve);
  }
  return { figures, names: new Map(agencies.map((a) => [a.id, { name: a.name, code: a.code }])), fromRollup: days !== null };
}

/** The per-agency ranking out of the figures: requests accepted by an agency; worst breach rate first. */
export function rankingOf(x: DelayFiguresByAgency): AgencyDelayRow[] {
  const rows: AgencyDelayRow[] = [];
  for (const [agencyId, fig] of x.figures) {
    const tickets = counterOf(fig, "tickets");
    if (agencyId === 0 || tickets <= 0) continue;
    const breaches = counterOf(fig, "late");
    const { median, mean } = stageFigures(fig);
    const round = (r: Record<DelayStage, number | null>) =>
      Object.fromEntries(DELAY_STAGES.map((s) => [s, r[s] === null ? null : Math.round(r[s]!)])) as Record<DelayStage, number | null>;
    const name = x.names.get(agencyId);
    rows.push({
      agencyId,
      agencyName: name?.name ?? `#${agencyId}`,
      agencyCode: name?.code ?? "",
      tickets,
      median: round(median),
      mean: round(mean),
      breaches,
      breachRate: Math.round((1000 * breaches) / tickets) / 10,
    });
  }
  return rows.sort((a, b) => b.breachRate - a.breachRate || b.breaches - a.breaches || a.agencyName.localeCompare(b.agencyName));
}

/** The summary out of the figures: every breakdown of the range (with an agency or not). */
export function summaryOf(x: DelayFiguresByAgency): DelaySummary {
  let total = emptyFigures();
  for (const fig of x.figures.values()) total = addFigures(total, fig);
  const n = (c: DelayCounter) => counterOf(total, c);
  return {
    tickets: n("tickets"),
    breached: { accept: n("breach_accept"), visit: n("breach_visit"), resolve: n("breach_resolve") },
    causes: Object.fromEntries(DELAY_CAUSES.map((c) => [c, { tickets: n(`tickets_${c}`), occurrences: n(`occurrences_${c}`) }])) as DelaySummary["causes"],
  };
}

/**
 * The per-agency ranking: tickets registered in the range and accepted by an agency (agency_id set), median
 * (from the duration buckets) and mean seconds per stage, tickets with at least one breached check and their
 * share. Worst first.
 */
export async function agencyDelayRanking(db: DB, scope: DataScope, f: DelayFilter): Promise<AgencyDelayRow[]> {
  return rankingOf(await delayFiguresByAgency(db, scope, f));
}

export async function delaySummary(db: DB, scope: DataScope, f: DelayFilter): Promise<DelaySummary> {
  return summaryOf(await delayFiguresByAgency(db, scope, f));
}

// ---------------------------------------------------------------------------------------------------------
// The roll-up's refresh (delay_daily__refresh)

/** How far back from the last refresh the next one looks again (a transaction may commit after its now()). */
const REFRESH_OVERLAP = "10 minutes";
/** Days per statement of a full refresh. */
const FULL_CHUNK_DAYS = 31;

export interface DelayRollupRefresh {
  full: boolean;
  /** Tehran days whose closed requests were counted again */
  days: number;
  /** delay_daily rows written */
  rows: number;
}

function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** Runs of consecutive days, as [first, lastExclusive). */
function dayRuns(sortedDays: readonly string[], maxLength: number): [string, string][] {
  const runs: [string, string][] = [];
  for (const d of sortedDays) {
    const last = runs[runs.length - 1];
    if (last && last[1] === d && daysBetween(last[0], d) < maxLength) last[1] = nextDay(d);
    else runs.push([d, nextDay(d)]);
  }
  return runs;
}

function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/**
 * Brings delay_daily up to date, incrementally and idempotently: the Tehran registration days of the
 * milestones changed since the last refresh (less an overlap) are counted again from ticket_milestones
 * (closed breakdowns), and the cumulative rows from the earliest such day on are rebuilt from the days'
 * own figures (each row minus the one before it). Everything when never made or made with another layout.
 * One refresh at a time (advisory lock); inside the caller's transaction when given one.
 */
export async function refreshDelayRollup(db: DB): Promise<DelayRollupRefresh> {
  const run = <T>(body: (trx: DB) => Promise<T>) => (db.isTransaction ? body(db) : db.transaction().execute(body));
  return run(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('delay_daily_refresh'))`.execute(trx);
    const state = await trx.selectFrom("delay_daily_state").select(["changed_before", "layout"]).where("id", "=", 1).executeTakeFirst();
    const now = (await sql<{ now: Date }>`select now() as now`.execute(trx)).rows[0]!.now;
    const full = !state || state.layout !== DELAY_ROLLUP_LAYOUT;
    let dirty: string[];
    if (full) {
      const { rows } = await sql<{ lo: string | null; hi: string | null }>`
        select (min(registered_at) at time zone ${TZ})::date::text as lo, (max(registered_at) at time zone ${TZ})::date::text as hi
        from ticket_milestones`.execute(trx);
      dirty = [];
      if (rows[0]?.lo) for (let d = rows[0].lo; d <= rows[0].hi!; d = nextDay(d)) dirty.push(d);
    } else {
      // the days of the milestones changed, and of the open requests whose unreached due time passed, since
      const since = sql`(${state.changed_before}::timestamptz - ${REFRESH_OVERLAP}::interval)`;
      const { rows } = await sql<{ day: string }>`
        select distinct (registered_at at time zone ${TZ})::date::text as day from (
          select registered_at from ticket_milestones where refreshed_at >= ${since}
          union all
          select registered_at from ticket_milestones where ticket_id in (${dueCrossedSql(since, now)})
        ) x order by 1`.execute(trx);
      dirty = rows.map((r) => r.day);
    }
    let written = 0;
    const asFigures = (r: { cum_counts: number[]; cum_seconds: number[]; cum_hist: number[] }): DelayFigures => ({
      counts: r.cum_counts.map(Number),
      seconds: r.cum_seconds.map(Number),
      hist: r.cum_hist.map(Number),
    });
    type Out = { agency_id: number; day: string; cum_counts: number[]; cum_seconds: number[]; cum_hist: number[] };
    const insert = async (out: Out[]) => {
      for (let i = 0; i < out.length; i += 500) await trx.insertInto("delay_daily").values(out.slice(i, i + 500)).execute();
      written += out.length;
    };
    const recount = async (lo: string, hi: string) => {
      const cond = sql`m.type = 'breakdown'
        and m.registered_at >= ${lo}::date::timestamp at time zone ${TZ} and m.registered_at < ${hi}::date::timestamp at time zone ${TZ}`;
      return (await figuresQuery(cond, now, true).execute(trx)).rows;
    };
    if (full) {
      // streamed: a month of days at a time, each agency's running total carried on
      await sql`delete from delay_daily`.execute(trx);
      const acc = new Map<number, DelayFigures>();
      for (const [lo, hi] of dayRuns(dirty, FULL_CHUNK_DAYS)) {
        const rows = (await recount(lo, hi)).sort((a, b) => a.day!.localeCompare(b.day!));
        const out: Out[] = [];
        for (const r of rows) {
          const a = Number(r.agency_id);
          const cum = addFigures(acc.get(a) ?? emptyFigures(), figuresOf(r));
          acc.set(a, cum);
          out.push({ agency_id: a, day: r.day!, cum_counts: cum.counts, cum_seconds: cum.seconds, cum_hist: cum.hist });
        }
        await insert(out);
      }
    } else if (dirty.length > 0) {
      const d0 = dirty[0]!;
      const dirtySet = new Set(dirty);
      // per agency: day → its own figures, recounted for the dirty days, kept (row minus the row before) for the others
      const daily = new Map<number, Map<string, DelayFigures>>();
      const dayMap = (a: number) => daily.get(a) ?? daily.set(a, new Map()).get(a)!;
      for (const [lo, hi] of dayRuns(dirty, FULL_CHUNK_DAYS)) {
        for (const r of await recount(lo, hi)) dayMap(Number(r.agency_id)).set(r.day!, figuresOf(r));
      }
      const bases = (
        await sql<{ agency_id: number; cum_counts: number[]; cum_seconds: number[]; cum_hist: number[] }>`
          select distinct on (agency_id) agency_id, cum_counts, cum_seconds, cum_hist from delay_daily
          where day < ${d0}::date order by agency_id, day desc`.execute(trx)
      ).rows;
      const base = new Map<number, DelayFigures>(bases.map((b) => [Number(b.agency_id), asFigures(b)]));
      const existing = await trx
        .selectFrom("delay_daily")
        .select(["agency_id", "day", "cum_counts", "cum_seconds", "cum_hist"])
        .where("day", ">=", d0)
        .orderBy("agency_id")
        .orderBy("day")
        .execute();
      const prevCum = new Map(base);
      for (const r of existing) {
        const a = Number(r.agency_id);
        const cum = asFigures(r);
        const own = subtractFigures(cum, prevCum.get(a) ?? emptyFigures());
        prevCum.set(a, cum);
        if (!dirtySet.has(r.day)) dayMap(a).set(r.day, own);
      }
      await sql`delete from delay_daily where day >= ${d0}::date`.execute(trx);
      const out: Out[] = [];
      for (const [a, byDay] of daily) {
        let acc = base.get(a) ?? emptyFigures();
        for (const day of [...byDay.keys()].sort()) {
          acc = addFigures(acc, byDay.get(day)!);
          out.push({ agency_id: a, day, cum_counts: acc.counts, cum_seconds: acc.seconds, cum_hist: acc.hist });
        }
      }
      await insert(out);
    }
    await trx
      .insertInto("delay_daily_state")
      .values({ id: 1, refreshed_at: now, changed_before: now, layout: DELAY_ROLLUP_LAYOUT })
      .onConflict((oc) => oc.column("id").doUpdateSet({ refreshed_at: now, changed_before: now, layout: DELAY_ROLLUP_LAYOUT }))
      .execute();
    return { full, days: dirty.length, rows: written };
  });
}

export interface DelayTicketRow {
  ticketId: number;
  number: number;
  status: string;
  priority: Priority;
  agencyName: string | null;
  province: string | null;
  categoryName: string | null;
  registeredAt: Date;
  seconds: Record<DelayStage, number | null>;
  breached: Record<"accept" | "visit" | "resolve", boolean>;
  causes: Record<DelayCause, number>;
}

/** The tickets behind a figure (newest registration first), at most `limit`, after the keyset `before` when given. */
export function delayTicketsQuery(scope: DataScope, f: DelayFilter, limit: number, before: { at: Date; id: number } | null = null) {
  const b = breachesOf(f.now);
  return sql<Record<string, unknown>>`
    select m.ticket_id, t.number, t.status, m.priority, a.name as agency_name, m.province, c.name_fa as category_name, m.registered_at,
      ${sql.join(DELAY_STAGES.map((s) => sql`${stageSeconds(s)} as ${sql.ref(`s_${s}`)}`))},
      ${b.accept} as b_accept, ${b.visit} as b_visit, ${b.resolve} as b_resolve,
      m.rejections, m.deadlines_missed, m.waiting_parts, m.customer_unavailable, m.reassignments
    from ticket_milestones m
    join tickets t on t.id = m.ticket_id
    left join agencies a on a.id = m.agency_id
    left join product_categories c on c.id = m.category_id
    where ${where(scope, f)}
      ${before ? sql`and (m.registered_at, m.ticket_id) < (${before.at}::timestamptz, ${before.id}::bigint)` : sql``}
    order by m.registered_at desc, m.ticket_id desc
    limit ${limit}`;
}

export async function delayTickets(db: DB, scope: DataScope, f: DelayFilter, limit = 500, before: { at: Date; id: number } | null = null): Promise<DelayTicketRow[]> {
  const { rows } = await delayTicketsQuery(scope, f, limit, before).execute(db);
  const num = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v)));
  return rows.map((r) => ({
    ticketId: r.ticket_id as number,
    number: r.number as number,
    status: r.status as string,
    priority: r.priority as Priority,
    agencyName: r.agency_name as string | null,
    province: r.province as string | null,
    categoryName: r.category_name as string | null,
    registeredAt: r.registered_at as Date,
    seconds: Object.fromEntries(DELAY_STAGES.map((s) => [s, num(r[`s_${s}`])])) as Record<DelayStage, number | null>,
    breached: { accept: r.b_accept as boolean, visit: r.b_visit as boolean, resolve: r.b_resolve as boolean },
    causes: Object.fromEntries(DELAY_CAUSES.map((c) => [c, r[CAUSE_COLUMN[c]] as number])) as Record<DelayCause, number>,
  }));
}

export interface SlaWatchRow {
  ticketId: number;
  number: number;
  status: string;
  priority: Priority;
  agencyName: string | null;
  stage: SlaStage;
  level: "at_risk" | "breached";
  dueAt: Date;
  /** when the SLA sweep raised its alert (null: not swept yet) */
  markedAt: Date | null;
}

const DUE_COLUMN: Record<SlaStage, string> = { accept: "sla_accept_due_at", visit: "sla_visit_due_at", resolve: "sla_resolve_due_at" };

/**
 * Open tickets whose stage is at risk or breached now, by the SLA sweep's own rule (core/sla.ts slaLevel:
 * at risk from `share` of the clock, breached past the due time; the stage open while the ticket is in one of
 * its statuses), with when the sweep marked it (sla_marks). Breached first, then the soonest due; at most
 * `limit` rows (of the level asked for, both when none), and the counts of both levels.
 * Bounded: each stage's partial index of open due times (services/sla.ts SLA_STAGE_INDEXES) carries the id,
 * registration time and agency (migration 2026_12_06_120000), so the counts are index-only scans of the open
 * entries, and the list takes per stage and level the first `limit` entries in due order (breached: due before
 * now; at risk: due from now, the share tested on the entry) — only the rows shown visit the tickets.
 */
export function slaWatchQuery(scope: DataScope, now: Date, share: number, limit: number, level: "at_risk" | "breached" | null = null) {
  const agency = scope.kind === "agency" ? sql`and t.assigned_agency_id = ${scope.agencyId}::bigint` : sql``;
  const open = (st: SlaStage) => {
    const due = sql.ref(`t.${DUE_COLUMN[st]}`);
    // literals (our own constants), so the planner matches the partial index's predicate
    return sql`from tickets t where t.status in (${sql.join(SLA_STAGE_OPEN_STATUSES[st].map((x) => sql.lit(x)))}) and ${due} is not null ${agency}`;
  };
  const atRisk = (st: SlaStage) => {
    const due = sql.ref(`t.${DUE_COLUMN[st]}`);
    return sql`${due} >= ${now}::timestamptz and ${now}::timestamptz >= t.created_at + ${share}::float8 * (${due} - t.created_at)`;
  };
  const counts = SLA_STAGES.map((st) => {
    const due = sql.ref(`t.${DUE_COLUMN[st]}`);
    return sql`select count(*) filter (where ${due} < ${now}::timestamptz) as b, count(*) filter (where ${atRisk(st)}) as r ${open(st)}`;
  });
  const lists: RawBuilder<unknown>[] = [];
  for (const st of SLA_STAGES) {
    const due = sql.ref(`t.${DUE_COLUMN[st]}`);
    const head = sql`select t.id, t.assigned_agency_id, ${st}::text as stage, ${due} as due_at`;
    if (level !== "at_risk") {
      lists.push(sql`(${head}, 'breached'::text as level ${open(st)} and ${due} < ${now}::timestamptz order by ${due}, t.id limit ${limit})`);
    }
    if (level !== "breached") {
      lists.push(sql`(${head}, 'at_risk'::text as level ${open(st)} and ${atRisk(st)} order by ${due}, t.id limit ${limit})`);
    }
  }
  return sql<{
    id: number; number: number; status: string; priority: Priority; agency_name: string | null;
    stage: SlaStage; level: "at_risk" | "breached"; due_at: Date; marked_at: Date | null; n_risk: number; n_breached: number;
  }>`
    with n as (
      select coalesce(sum(r), 0)::int as n_risk, coalesce(sum(b), 0)::int as n_breached
      from (${sql.join(counts, sql` union all `)}) c
    ),
    l as (
      select * from (${sql.join(lists, sql` union all `)}) w
      order by (w.level = 'breached') desc, w.due_at, w.id, w.stage
      limit ${limit}
    )
    select l.id, t.number, t.status, t.priority, a.name as agency_name, l.stage, l.level, l.due_at,
      (select max(k.marked_at) from sla_marks k where k.ticket_id = l.id and k.stage = l.stage) as marked_at,
      n.n_risk, n.n_breached
    from n left join l on true left join tickets t on t.id = l.id left join agencies a on a.id = l.assigned_agency_id
    order by (l.level = 'breached') desc, l.due_at, l.id, l.stage`;
}

export async function slaWatchList(
  db: DB,
  scope: DataScope,
  now: Date,
  share = DEFAULT_SLA_AT_RISK_SHARE,
  limit = 200,
  level: "at_risk" | "breached" | null = null,
): Promise<{ rows: SlaWatchRow[]; atRisk: number; breached: number }> {
  const { rows } = await slaWatchQuery(scope, now, share, limit, level).execute(db);
  return {
    atRisk: rows[0]?.n_risk ?? 0,
    breached: rows[0]?.n_breached ?? 0,
    // the counts' row comes alone when nothing is listed
    rows: rows.filter((r) => r.id !== null).map((r) => ({
      ticketId: r.id,
      number: r.number,
      status: r.status,
      priority: r.priority,
      agencyName: r.agency_name,
      stage: r.stage,
      level: r.level,
      dueAt: r.due_at,
      markedAt: r.marked_at,
    })),
  };
}

/** One ticket's milestones (the ticket page's stage durations). */
export async function ticketMilestones(db: DB, ticketId: number) {
  return db
    .selectFrom("ticket_milestones")
    .select(["registered_at", "offered_at", "accepted_at", "visited_at", "done_at", "closed_at", "cancelled", "accept_due_at", "visit_due_at", "resolve_due_at"])
    .where("ticket_id", "=", ticketId)
    .executeTakeFirst();
}

/** An agency's name for a drill-down's heading (null: no such agency). */
export async function agencyLabel(db: DB, agencyId: number): Promise<string | null> {
  const a = await db.selectFrom("agencies").select(["name", "code"]).where("id", "=", agencyId).executeTakeFirst();
  return a ? `${a.name} (${a.code})` : null;
}

/** What the SLA rule form offers: the product categories, and the provinces agencies and tickets name. */
export async function slaRuleChoices(db: DB) {
  const [categories, provinces] = await Promise.all([
    db.selectFrom("product_categories").select(["id", "name_fa", "name_en"]).orderBy("name_fa").execute(),
    sql<{ province: string }>`select distinct province from agencies order by province`.execute(db),
  ]);
  return { categories, provinces: provinces.rows.map((r) => r.province) };
}
