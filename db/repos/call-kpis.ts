import { sql, type Kysely, type RawBuilder, type Transaction } from "kysely";
import {
  addCounts,
  DEFAULT_SERVICE_LEVEL_SECONDS,
  kpiFigures,
  MISSED_ATTEMPT_OUTCOMES,
  OFFERED_DISPOSITIONS,
  wallOperatorState,
  ZERO_COUNTS,
  type KpiCounts,
  type KpiFigures,
  type WallOperatorState,
} from "../../core/call-kpis";
import type { CallDisposition, CallQueue, OperatorPresence } from "../../core/call";
import { tehranDay, wholeJalaliMonths } from "../../core/jalali";
import type { Database } from "../schema";

/*
 * The call centre's performance figures (core/call-kpis.ts defines them) read from the call-detail records:
 * the hourly roll-up (call_stats_hourly, refreshed by the worker's call_stats__refresh), the drill-down call
 * lists, the supervisor's live wall and the abandoned-call list. Hours and days are Tehran's.
 */

type Conn = Kysely<Database> | Transaction<Database>;

const TZ = "Asia/Tehran";
const offeredDispositions = sql.join(OFFERED_DISPOSITIONS.map((d) => sql.lit(d)));
const missedOutcomes = sql.join(MISSED_ATTEMPT_OUTCOMES.map((o) => sql.lit(o)));

/** The SQL condition "call `c` is offered" (core/call-kpis.ts isOffered). */
function offeredCall(alias: string): RawBuilder<boolean> {
  const c = sql.ref(alias);
  return sql<boolean>`(${c}.direction = 'inbound' and ${c}.state = 'ended' and ${c}.queue is not null
    and ${c}.wait_seconds is not null and ${c}.disposition in (${offeredDispositions}))`;
}

// ---------------------------------------------------------------------------------------------------------
// the hourly roll-up

/**
 * The roll-up rows of the offered calls `callFilter` selects (a condition on calls `c`): per Tehran day, hour,
 * queue and operator, with the columns of call_stats_hourly (local_day, local_hour, queue, op, offered,
 * answered, abandoned, answered_within, answer_wait, talk, longest, rung, missed). The one SQL of the figures:
 * the hourly roll-up is made of it, and the report counts the live day with it.
 */
function rollupSelect(thresholdSeconds: number | RawBuilder<number>, callFilter: RawBuilder<boolean>) {
  return sql`
    with c as (
      select c.id, c.queue, (c.started_at at time zone ${TZ})::date as local_day,
        extract(hour from c.started_at at time zone ${TZ})::smallint as local_hour,
        case when c.disposition = 'answered' then coalesce(c.operator_user_id, 0) end as answered_by,
        c.disposition, c.wait_seconds, c.talk_seconds
      from calls c
      where ${offeredCall("c")} and ${callFilter}
    ), att as (
      -- each call's ringings by call_attempts_call_idx (a hash join read every ringing ever made)
      select c.local_day, c.local_hour, c.queue, a.operator_user_id as op, a.call_id, a.outcome
      from c cross join lateral (select a.operator_user_id, a.call_id, a.outcome from call_attempts a where a.call_id = c.id offset 0) a
    ), part as (
      select local_day, local_hour, queue, op, call_id from att
      union
      select local_day, local_hour, queue, answered_by, id from c where answered_by is not null
    )
    select local_day, local_hour, queue, op, sum(offered)::int as offered, sum(answered)::int as answered,
      sum(abandoned)::int as abandoned, sum(answered_within)::int as answered_within, sum(answer_wait)::bigint as answer_wait,
      sum(talk)::bigint as talk, max(longest)::int as longest, sum(rung)::int as rung, sum(missed)::int as missed
    from (
      select local_day, local_hour, queue, coalesce(answered_by, 0) as op, count(*) as offered,
        count(*) filter (where disposition = 'answered') as answered,
        count(*) filter (where disposition = 'abandoned') as abandoned,
        count(*) filter (where disposition = 'answered' and wait_seconds <= ${thresholdSeconds}) as answered_within,
        coalesce(sum(wait_seconds) filter (where disposition = 'answered'), 0) as answer_wait,
        coalesce(sum(talk_seconds) filter (where disposition = 'answered'), 0) as talk,
        max(wait_seconds) as longest, 0 as rung, 0 as missed
      from c group by 1, 2, 3, 4
      union all
      select local_day, local_hour, queue, op, 0, 0, 0, 0, 0, 0, 0, count(distinct call_id), 0 from part group by 1, 2, 3, 4
      union all
      select local_day, local_hour, queue, op, 0, 0, 0, 0, 0, 0, 0, 0, count(*)
      from att where outcome in (${missedOutcomes}) group by 1, 2, 3, 4
    ) x
    group by 1, 2, 3, 4`;
}

/** The roll-up rows of the offered calls `callFilter` selects, inserted into call_stats_hourly. */
function insertRollup(trx: Conn, thresholdSeconds: number, callFilter: RawBuilder<boolean>) {
  return sql`
    insert into call_stats_hourly (local_day, local_hour, queue, operator_user_id, offered, answered, abandoned,
      answered_within, answer_wait_seconds, talk_seconds, longest_wait_seconds, rung, missed)
    ${rollupSelect(thresholdSeconds, callFilter)}`.execute(trx);
}

/**
 * Sums the hourly rows of the given Tehran days (every day when null) into call_stats_daily, replacing those
 * days' rows: the daily roll-up is the hourly one summed, never a second count.
 */
async function rollUpDays(trx: Conn, days: string[] | null) {
  const only = days === null ? sql`true` : sql`local_day = any(${days}::date[])`;
  await sql`delete from call_stats_daily where ${only}`.execute(trx);
  await sql`
    insert into call_stats_daily (local_day, queue, operator_user_id, offered, answered, abandoned, answered_within,
      answer_wait_seconds, talk_seconds, longest_wait_seconds, rung, missed)
    select local_day, queue, operator_user_id, sum(offered), sum(answered), sum(abandoned), sum(answered_within),
      sum(answer_wait_seconds), sum(talk_seconds), max(longest_wait_seconds), sum(rung), sum(missed)
    from call_stats_hourly where ${only}
    group by local_day, queue, operator_user_id`.execute(trx);
}

/**
 * Sums the hourly rows of the Jalali months of the given Tehran days (every month when null) into
 * call_stats_hour_of_day, replacing those months' rows: per month, queue, operator and hour of day, plus the
 * rows of operator -1, the sum over every operator (the queues' figures). The hourly roll-up summed again,
 * never a second count.
 */
async function rollUpMonths(trx: Conn, days: string[] | null) {
  const months =
    days === null
      ? sql`select distinct local_day, jalali_month_start(local_day) as month_start from call_stats_hourly`
      : sql`select j.start_day + g as local_day, j.start_day as month_start
          from jalali_months j, generate_series(0, j.end_day - j.start_day - 1) g
          where j.start_day in (select jalali_month_start(d) from unnest(${days}::date[]) d)`;
  await sql`delete from call_stats_hour_of_day
    where ${days === null ? sql`true` : sql`month_start in (select jalali_month_start(d) from unnest(${days}::date[]) d)`}`.execute(trx);
  await sql`
    with m as (${months})
    insert into call_stats_hour_of_day (month_start, queue, operator_user_id, local_hour, offered, answered, abandoned, answered_within,
      answer_wait_seconds, talk_seconds, longest_wait_seconds, rung, missed)
    select m.month_start, h.queue, case when grouping(h.operator_user_id) = 1 then -1 else h.operator_user_id end, h.local_hour,
      sum(offered), sum(answered), sum(abandoned), sum(answered_within), sum(answer_wait_seconds), sum(talk_seconds),
      max(longest_wait_seconds), sum(rung), sum(missed)
    from call_stats_hourly h join m on m.local_day = h.local_day
    where m.month_start is not null
    group by grouping sets ((m.month_start, h.queue, h.local_hour, h.operator_user_id), (m.month_start, h.queue, h.local_hour))`.execute(trx);
}

/** How far back from the last refresh the next one looks again (a transaction that ended a call may commit late). */
const REFRESH_OVERLAP = "10 minutes";

export interface RefreshResult {
  full: boolean;
  hours: number;
}

/**
 * Brings call_stats_hourly up to date: the Tehran hours of the inbound calls that ended since the last
 * refresh (less an overlap) are counted again from the call-detail records; everything when the roll-up was
 * never made or was made with another service-level threshold. One refresh at a time (advisory lock).
 */
export async function refreshCallStats(db: Conn, thresholdSeconds: number): Promise<RefreshResult> {
  // inside the caller's transaction when given one (the demo seed), else in its own
  const run = <T>(body: (trx: Conn) => Promise<T>) => (db.isTransaction ? body(db) : db.transaction().execute(body));
  return run(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('call_stats_refresh'))`.execute(trx);
    const state = await trx.selectFrom("call_stats_state").select(["ended_before", "threshold_seconds"]).where("id", "=", 1).executeTakeFirst();
    const now = (await sql<{ now: Date }>`select now() as now`.execute(trx)).rows[0]!.now;
    let result: RefreshResult;
    if (!state || state.threshold_seconds !== thresholdSeconds) {
      await sql`delete from call_stats_hourly`.execute(trx);
      await insertRollup(trx, thresholdSeconds, sql<boolean>`true`);
      await rollUpDays(trx, null);
      await rollUpMonths(trx, null);
      result = { full: true, hours: 0 };
    } else {
      const { rows } = await sql<{ local_day: string; local_hour: number }>`
        select distinct (started_at at time zone ${TZ})::date as local_day, extract(hour from started_at at time zone ${TZ})::int as local_hour
        from calls where direction = 'inbound' and ended_at >= ${state.ended_before}::timestamptz - ${REFRESH_OVERLAP}::interval`.execute(trx);
      if (rows.length > 0) {
        const days = rows.map((r) => r.local_day);
        const hours = rows.map((r) => r.local_hour);
        await sql`delete from call_stats_hourly h using unnest(${days}::date[], ${hours}::int[]) as t(d, hr)
          where h.local_day = t.d and h.local_hour = t.hr`.execute(trx);
        await insertRollup(
          trx,
          thresholdSeconds,
          sql<boolean>`exists (select 1 from unnest(${days}::date[], ${hours}::int[]) as t(d, hr)
            where c.started_at >= (t.d + make_interval(hours => t.hr)) at time zone ${TZ}
              and c.started_at < (t.d + make_interval(hours => t.hr + 1)) at time zone ${TZ})`,
        );
        await rollUpDays(trx, [...new Set(days)]);
        await rollUpMonths(trx, [...new Set(days)]);
      }
      result = { full: false, hours: rows.length };
    }
    await trx
      .insertInto("call_stats_state")
      .values({ id: 1, refreshed_at: now, ended_before: now, threshold_seconds: thresholdSeconds })
      .onConflict((oc) => oc.column("id").doUpdateSet({ refreshed_at: now, ended_before: now, threshold_seconds: thresholdSeconds }))
      .execute();
    return result;
  });
}

export async function callStatsState(db: Conn): Promise<{ refreshedAt: Date; thresholdSeconds: number } | null> {
  const s = await db.selectFrom("call_stats_state").select(["refreshed_at", "threshold_seconds"]).where("id", "=", 1).executeTakeFirst();
  return s ? { refreshedAt: s.refreshed_at, thresholdSeconds: s.threshold_seconds } : null;
}

// ---------------------------------------------------------------------------------------------------------
// the report

export interface KpiFilter {
  /** Tehran days, 'YYYY-MM-DD' (Gregorian), the end excluded */
  fromDay: string;
  toDayExclusive: string;
  queue?: CallQueue | null;
  operatorUserId?: number | null;
  /** the service-level threshold of the live day's count (default: the one the roll-up was made with) */
  thresholdSeconds?: number;
  /** the present (default: now): its Tehran day is counted live from the call-detail records */
  now?: Date;
}

export interface KpiRow extends KpiFigures {
  key: string;
}

export interface OperatorKpiRow extends KpiRow {
  operatorUserId: number;
  name: string;
}

export interface CallKpiReport {
  totals: KpiFigures;
  byQueue: KpiRow[];
  byOperator: OperatorKpiRow[];
  /** key: the Tehran day 'YYYY-MM-DD' */
  byDay: KpiRow[];
  /** key: the hour of day '0'..'23', every hour present */
  byHour: KpiRow[];
}

type SumRow = {
  dim: number;
  queue: string | null;
  op: number | null;
  day: string | null;
  hour: number | null;
  offered: number;
  rung: number;
  answered: number;
  abandoned: number;
  answered_within: number;
  answer_wait: number;
  talk: number;
  longest: number;
  missed: number;
};

function countsOf(r: SumRow, operatorView: boolean): KpiCounts {
  return {
    offered: Number(operatorView ? r.rung : r.offered),
    answered: Number(r.answered),
    abandoned: operatorView ? 0 : Number(r.abandoned),
    missed: Number(r.missed),
    answeredWithinThreshold: Number(r.answered_within),
    answerWaitSeconds: Number(r.answer_wait),
    talkSeconds: Number(r.talk),
    longestWaitSeconds: Number(r.longest),
  };
}

/**
 * The figures of a date range in one statement: the days before today from the daily roll-up (totals, by
 * queue, by operator, by Tehran day); by hour of day the whole Jalali months of them from the monthly
 * hour-of-day roll-up (call_stats_hour_of_day) and the days around those from the hourly one; today counted
 * live from the call-detail records with the roll-up's own SQL (rollupSelect), so the report is never a
 * refresh behind and a year reads a few hundred rows per queue and operator. With an operator named, every figure is that
 * operator's (offered: the calls their phone rang for); otherwise the queues' (by operator stays the operators').
 */
export async function callKpiReport(db: Conn, f: KpiFilter): Promise<CallKpiReport> {
  const operatorView = f.operatorUserId != null;
  const today = tehranDay(f.now ?? new Date());
  // the roll-up covers [fromDay, pastEnd); today, when in the range, is counted live
  const pastEnd = f.toDayExclusive < today ? f.toDayExclusive : today;
  const liveToday = f.fromDay <= today && today < f.toDayExclusive;
  const threshold =
    f.thresholdSeconds ?? sql<number>`coalesce((select threshold_seconds from call_stats_state where id = 1), ${DEFAULT_SERVICE_LEVEL_SECONDS}::int)`;
  const live = liveToday
    ? rollupSelect(
        threshold,
        sql<boolean>`c.started_at >= ${today}::date::timestamp at time zone ${TZ} and c.started_at < (${today}::date + 1)::timestamp at time zone ${TZ}`,
      )
    : sql`select null::date as local_day, null::smallint as local_hour, null::text as queue, null::bigint as op, 0 as offered, 0 as answered,
        0 as abandoned, 0 as answered_within, 0::bigint as answer_wait, 0::bigint as talk, 0 as longest, 0 as rung, 0 as missed where false`;
  const rolled = (col: string) => sql`${sql.ref(col)}`;
  const filters = (opCol: string) => sql`
      ${f.queue ? sql`and queue = ${f.queue}` : sql``}
      ${operatorView ? sql`and ${rolled(opCol)} = ${f.operatorUserId}` : sql``}`;
  // by hour of day: the whole Jalali months inside the past part from call_stats_hour_of_day, the days
  // before and after them from the hourly rows
  const months = wholeJalaliMonths(f.fromDay, pastEnd);
  const hourlySpans = (months ? [[f.fromDay, months.from], [months.toExclusive, pastEnd]] : [[f.fromDay, pastEnd]]).filter(([a, b]) => a! < b!) as [string, string][];
  const sums = sql`sum(offered) as offered, sum(rung) as rung, sum(answered) as answered, sum(abandoned) as abandoned,
      sum(answered_within) as answered_within, sum(answer_wait) as answer_wait, sum(talk) as talk,
      max(longest) as longest, sum(missed) as missed`;
  const { rows } = await sql<SumRow>`
    with live as (${live}),
    d as (
      select local_day, queue, operator_user_id as op, offered, rung, answered, abandoned, answered_within,
        answer_wait_seconds as answer_wait, talk_seconds as talk, longest_wait_seconds as longest, missed
      from call_stats_daily
      where local_day >= ${f.fromDay}::date and local_day < ${pastEnd}::date ${filters("operator_user_id")}
      union all
      select local_day, queue, op, offered, rung, answered, abandoned, answered_within, answer_wait, talk, longest, missed
      from live where true ${filters("op")}
    ),
    h as (
      ${
        months
          ? sql`select local_hour, offered, rung, answered, abandoned, answered_within,
        answer_wait_seconds as answer_wait, talk_seconds as talk, longest_wait_seconds as longest, missed
      from call_stats_hour_of_day
      where month_start >= ${months.from}::date and month_start < ${months.toExclusive}::date
        and operator_user_id = ${operatorView ? f.operatorUserId! : -1} ${f.queue ? sql`and queue = ${f.queue}` : sql``}
      union all`
          : sql``
      }
      ${sql.join(
        hourlySpans.map(
          ([a, b]) => sql`select local_hour, offered, rung, answered, abandoned, answered_within,
        answer_wait_seconds as answer_wait, talk_seconds as talk, longest_wait_seconds as longest, missed
      from call_stats_hourly
      where local_day >= ${a}::date and local_day < ${b}::date ${filters("operator_user_id")}
      union all`,
        ),
        sql` `,
      )}
      select local_hour, offered, rung, answered, abandoned, answered_within, answer_wait, talk, longest, missed
      from live where true ${filters("op")}
    )
    select grouping(queue, op, local_day) * 2 + 1 as dim, queue, op, local_day::text as day, null::int as hour, ${sums}
    from d
    group by grouping sets ((), (queue), (op), (local_day))
    union all
    select 14 as dim, null, null, null, local_hour::int, ${sums}
    from h
    group by local_hour`.execute(db);
  // grouping() bits: queue 8, operator 4, day 2, hour 1 (a 1 bit: not grouped by it)
  let totals = ZERO_COUNTS;
  const byQueue: KpiRow[] = [];
  const opRows: SumRow[] = [];
  const byDay: KpiRow[] = [];
  const hours = new Map<number, KpiCounts>();
  for (const r of rows) {
    const dim = Number(r.dim);
    if (dim === 15) totals = countsOf(r, operatorView);
    else if (dim === 7) byQueue.push({ key: r.queue!, ...kpiFigures(countsOf(r, operatorView)) });
    else if (dim === 11) {
      if (Number(r.op) !== 0) opRows.push(r);
    } else if (dim === 13) byDay.push({ key: r.day!, ...kpiFigures(countsOf(r, operatorView)) });
    else if (dim === 14) hours.set(Number(r.hour), countsOf(r, operatorView));
  }
  const names = opRows.length
    ? await db
        .selectFrom("users")
        .select(["id", "display_name"])
        .where(
          "id",
          "in",
          opRows.map((r) => Number(r.op)),
        )
        .execute()
    : [];
  const nameOf = new Map(names.map((u) => [u.id, u.display_name]));
  const byOperator = opRows
    .map((r) => ({
      key: String(r.op),
      operatorUserId: Number(r.op),
      name: nameOf.get(Number(r.op)) ?? `#${r.op}`,
      ...kpiFigures(countsOf(r, true)),
    }))
    .sort((a, b) => b.offered - a.offered || a.name.localeCompare(b.name));
  byQueue.sort((a, b) => a.key.localeCompare(b.key));
  byDay.sort((a, b) => a.key.localeCompare(b.key));
  const byHour = Array.from({ length: 24 }, (_, h) => ({ key: String(h), ...kpiFigures(addCounts(ZERO_COUNTS, hours.get(h) ?? ZERO_COUNTS)) }));
  return { totals: kpiFigures(totals), byQueue, byOperator, byDay, byHour };
}

/** The operators who took calls (for the report's filter). */
export async function callCentreOperators(db: Conn): Promise<{ id: number; name: string }[]> {
  const rows = await db
    .selectFrom("operators as o")
    .innerJoin("users as u", "u.id", "o.user_id")
    .select(["u.id", "u.display_name"])
    .orderBy("u.display_name")
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.display_name }));
}

// ---------------------------------------------------------------------------------------------------------
// the calls behind a figure

export const CALL_LIST_KINDS = ["offered", "answered", "abandoned", "missed", "within"] as const;
export type CallListKind = (typeof CALL_LIST_KINDS)[number];

export interface CallListFilter extends KpiFilter {
  kind: CallListKind;
  /** one Tehran day 'YYYY-MM-DD' inside the range */
  day?: string | null;
  /** one hour of day 0..23 */
  hour?: number | null;
  thresholdSeconds: number;
}

export interface CallListRow {
  id: number;
  startedAt: string;
  callerNumber: string | null;
  queue: string | null;
  operatorName: string | null;
  disposition: CallDisposition | null;
  waitSeconds: number | null;
  talkSeconds: number | null;
  missedBy: string | null;
  ticketId: number | null;
  ticketNumber: number | null;
}

export const CALL_LIST_LIMIT = 500;

/**
 * The offered calls behind one figure of the report, newest first (at most CALL_LIST_LIMIT): the same
 * definitions as the roll-up, read from the call-detail records by start time.
 */
export async function callsBehindFigure(db: Conn, f: CallListFilter): Promise<CallListRow[]> {
  const from = f.day ?? f.fromDay;
  const to = f.day ? sql`(${f.day}::date + 1)` : sql`${f.toDayExclusive}::date`;
  const op = f.operatorUserId ?? null;
  const kindCond = (() => {
    switch (f.kind) {
      case "offered":
        return op === null
          ? sql`true`
          : sql`(c.operator_user_id = ${op} and c.disposition = 'answered' or exists (select 1 from call_attempts a where a.call_id = c.id and a.operator_user_id = ${op}))`;
      case "answered":
        return op === null ? sql`c.disposition = 'answered'` : sql`c.disposition = 'answered' and c.operator_user_id = ${op}`;
      case "within":
        return sql`c.disposition = 'answered' and c.wait_seconds <= ${f.thresholdSeconds} ${op === null ? sql`` : sql`and c.operator_user_id = ${op}`}`;
      case "abandoned":
        return sql`c.disposition = 'abandoned'`;
      case "missed":
        return sql`exists (select 1 from call_attempts a where a.call_id = c.id and a.outcome in (${missedOutcomes}) ${op === null ? sql`` : sql`and a.operator_user_id = ${op}`})`;
    }
  })();
  const { rows } = await sql<{
    id: number;
    started_at: Date;
    caller_number: string | null;
    queue: string | null;
    operator_name: string | null;
    disposition: CallDisposition | null;
    wait_seconds: number | null;
    talk_seconds: number | null;
    missed_by: string | null;
    ticket_id: number | null;
    ticket_number: number | null;
  }>`
    select c.id, c.started_at, c.caller_number, c.queue, u.display_name as operator_name, c.disposition, c.wait_seconds,
      c.talk_seconds, t.id as ticket_id, t.number as ticket_number,
      (select string_agg(distinct mu.display_name, '، ') from call_attempts a join users mu on mu.id = a.operator_user_id
        where a.call_id = c.id and a.outcome in (${missedOutcomes})) as missed_by
    from calls c
    left join users u on u.id = c.operator_user_id and c.disposition = 'answered'
    left join tickets t on t.id = c.ticket_id
    where ${offeredCall("c")}
      and c.started_at >= ${from}::date::timestamp at time zone ${TZ} and c.started_at < (${to})::timestamp at time zone ${TZ}
      ${f.hour != null ? sql`and extract(hour from c.started_at at time zone ${TZ}) = ${f.hour}` : sql``}
      ${f.queue ? sql`and c.queue = ${f.queue}` : sql``}
      and ${kindCond}
    order by c.started_at desc, c.id desc
    limit ${CALL_LIST_LIMIT}`.execute(db);
  return rows.map((r) => ({
    id: Number(r.id),
    startedAt: new Date(r.started_at).toISOString(),
    callerNumber: r.caller_number,
    queue: r.queue,
    operatorName: r.operator_name,
    disposition: r.disposition,
    waitSeconds: r.wait_seconds,
    talkSeconds: r.talk_seconds,
    missedBy: r.missed_by,
    ticketId: r.ticket_id === null ? null : Number(r.ticket_id),
    ticketNumber: r.ticket_number === null ? null : Number(r.ticket_number),
  }));
}

// ---------------------------------------------------------------------------------------------------------
// the live wall

export interface WallWaitingCall {
  callId: number;
  queue: string | null;
  callerNumber: string | null;
  enqueuedAt: string;
  /** the operator whose phone rings for it now */
  ringing: string | null;
}

export interface WallOperator {
  userId: number;
  name: string;
  extension: string;
  presence: OperatorPresence;
  state: WallOperatorState;
  /** since when they are in this state (the call's answer, the ringing's start, the presence change or the last call's end) */
  since: string | null;
}

export interface WallSnapshot {
  now: string;
  waiting: WallWaitingCall[];
  operators: WallOperator[];
  /** today's (Tehran) figures from the call-detail records */
  today: KpiFigures;
  thresholdSeconds: number;
}

/** What the supervisor's wall shows, read in one go from PostgreSQL (never from a process's memory). */
export async function wallSnapshot(db: Conn, thresholdSeconds: number): Promise<WallSnapshot> {
  const { rows: waitRows } = await sql<{
    id: number;
    queue: string | null;
    caller_number: string | null;
    enqueued_at: Date;
    ringing: string | null;
  }>`
    select c.id, c.queue, c.caller_number, c.enqueued_at,
      (select u.display_name from call_attempts a join users u on u.id = a.operator_user_id
        where a.call_id = c.id and a.outcome = 'ringing' limit 1) as ringing
    from calls c
    where c.state in ('queued', 'ringing') and c.direction = 'inbound' and c.enqueued_at is not null
    order by c.enqueued_at, c.id`.execute(db);
  const { rows: opRows } = await sql<{
    user_id: number;
    name: string;
    extension: string;
    presence: OperatorPresence;
    presence_since: Date;
    last_call_ended_at: Date | null;
    call_since: Date | null;
    ringing_since: Date | null;
    now: Date;
  }>`
    select o.user_id, u.display_name as name, o.extension, o.presence, o.presence_since, o.last_call_ended_at, now() as now,
      (select coalesce(min(c.answered_at), min(c.started_at)) from calls c where c.operator_user_id = o.user_id and c.state <> 'ended'
        and (c.state = 'connected' or c.direction = 'outbound')) as call_since,
      (select min(a.started_at) from call_attempts a where a.operator_user_id = o.user_id and a.outcome = 'ringing') as ringing_since
    from operators o join users u on u.id = o.user_id
    where u.active
    order by u.display_name, o.user_id`.execute(db);
  const now = opRows[0]?.now ?? (await sql<{ now: Date }>`select now() as now`.execute(db)).rows[0]!.now;
  const operators = opRows.map((o): WallOperator => {
    const state = wallOperatorState(
      { presence: o.presence, onCall: o.call_since !== null, ringing: o.ringing_since !== null, lastCallEndedAt: o.last_call_ended_at },
      now,
    );
    const since =
      state === "on_call" ? o.call_since : state === "ringing" ? o.ringing_since : state === "wrap_up" ? o.last_call_ended_at : o.presence_since;
    return {
      userId: Number(o.user_id),
      name: o.name,
      extension: o.extension,
      presence: o.presence,
      state,
      since: since ? new Date(since).toISOString() : null,
    };
  });
  const today = await todayCounts(db, thresholdSeconds);
  return {
    now: new Date(now).toISOString(),
    waiting: waitRows.map((w) => ({
      callId: Number(w.id),
      queue: w.queue,
      callerNumber: w.caller_number,
      enqueuedAt: new Date(w.enqueued_at).toISOString(),
      ringing: w.ringing,
    })),
    operators,
    today: kpiFigures(today),
    thresholdSeconds,
  };
}

/** Today's (Tehran day of the database's clock) counts, straight from the call-detail records. */
async function todayCounts(db: Conn, thresholdSeconds: number): Promise<KpiCounts> {
  const { rows } = await sql<{
    offered: number;
    answered: number;
    abandoned: number;
    answered_within: number;
    answer_wait: number;
    talk: number;
    longest: number;
    missed: number;
  }>`
    with bounds as (select date_trunc('day', now() at time zone ${TZ}) at time zone ${TZ} as start),
    c as (
      select c.id, c.disposition, c.wait_seconds, c.talk_seconds from calls c, bounds
      where c.started_at >= bounds.start and ${offeredCall("c")}
    )
    select count(*) as offered,
      count(*) filter (where disposition = 'answered') as answered,
      count(*) filter (where disposition = 'abandoned') as abandoned,
      count(*) filter (where disposition = 'answered' and wait_seconds <= ${thresholdSeconds}) as answered_within,
      coalesce(sum(wait_seconds) filter (where disposition = 'answered'), 0) as answer_wait,
      coalesce(sum(talk_seconds) filter (where disposition = 'answered'), 0) as talk,
      coalesce(max(wait_seconds), 0) as longest,
      (select count(*) from call_attempts a join c on c.id = a.call_id where a.outcome in (${missedOutcomes})) as missed
    from c`.execute(db);
  const r = rows[0]!;
  return {
    offered: Number(r.offered),
    answered: Number(r.answered),
    abandoned: Number(r.abandoned),
    missed: Number(r.missed),
    answeredWithinThreshold: Number(r.answered_within),
    answerWaitSeconds: Number(r.answer_wait),
    talkSeconds: Number(r.talk),
    longestWaitSeconds: Number(r.longest),
  };
}

// ---------------------------------------------------------------------------------------------------------
// the abandoned-call list

export interface AbandonedCaller {
  callId: number;
  startedAt: string;
  number: string;
  queue: string | null;
  disposition: CallDisposition;
  waitSeconds: number | null;
  customerId: number | null;
  customerName: string | null;
  /** how the item was cleared: the caller was called back (an outbound call to the number) or called again */
  clearedBy: "called_back" | "called_again" | null;
  clearedAt: string | null;
  clearedByUser: string | null;
  clearingCallId: number | null;
}

export const ABANDONED_LIST_DAYS = 7;
export const ABANDONED_LIST_LIMIT = 300;

/**
 * The callers who rang and were not answered (abandoned in the queue, or missed: asked to be called back and
 * the call-back did not reach them), newest first, over the last `days` Tehran days. Open: nobody has called
 * the number since (no outbound call to it: click-to-dial or an IVR call-back) and the caller has not rung
 * again; cleared: the first such later call says by whom and when. A call-back the ACD is still to dial (or
 * that reached the caller) is not listed.
 */
export async function abandonedCallers(db: Conn, input: { status: "open" | "cleared"; days?: number }): Promise<AbandonedCaller[]> {
  const days = input.days ?? ABANDONED_LIST_DAYS;
  const { rows } = await sql<{
    id: number;
    started_at: Date;
    caller_number: string;
    queue: string | null;
    disposition: CallDisposition;
    wait_seconds: number | null;
    customer_id: number | null;
    customer_name: string | null;
    next_id: number | null;
    next_direction: "inbound" | "outbound" | null;
    next_at: Date | null;
    next_by: string | null;
  }>`
    select c.id, c.started_at, c.caller_number, c.queue, c.disposition, c.wait_seconds, c.customer_id, cu.full_name as customer_name,
      nxt.id as next_id, nxt.direction as next_direction, nxt.started_at as next_at, nu.display_name as next_by
    from calls c
    left join customers cu on cu.id = c.customer_id
    left join lateral (
      select * from (
        (select x.id, x.direction, x.started_at, null::bigint as by_user from calls x
          where x.caller_number = c.caller_number and x.direction = 'inbound' and x.started_at > c.started_at
          order by x.started_at limit 1)
        union all
        (select x.id, x.direction, x.started_at, coalesce(x.created_by, x.operator_user_id) from calls x
          where x.called_number = c.caller_number and x.direction = 'outbound' and x.started_at > c.started_at
          order by x.started_at limit 1)
      ) n order by n.started_at limit 1
    ) nxt on true
    left join users nu on nu.id = nxt.by_user
    where c.direction = 'inbound' and c.disposition in ('abandoned', 'missed') and c.caller_number is not null
      and c.started_at >= date_trunc('day', now() at time zone ${TZ}) at time zone ${TZ} - make_interval(days => ${days - 1})
      and not exists (select 1 from call_callbacks cb where cb.call_id = c.id and cb.status in ('waiting', 'dialing', 'done'))
      and ${input.status === "open" ? sql`nxt.id is null` : sql`nxt.id is not null`}
    order by c.started_at desc, c.id desc
    limit ${ABANDONED_LIST_LIMIT}`.execute(db);
  return rows.map((r) => ({
    callId: Number(r.id),
    startedAt: new Date(r.started_at).toISOString(),
    number: r.caller_number,
    queue: r.queue,
    disposition: r.disposition,
    waitSeconds: r.wait_seconds,
    customerId: r.customer_id === null ? null : Number(r.customer_id),
    customerName: r.customer_name,
    clearedBy: r.next_id === null ? null : r.next_direction === "outbound" ? "called_back" : "called_again",
    clearedAt: r.next_at ? new Date(r.next_at).toISOString() : null,
    clearedByUser: r.next_by,
    clearingCallId: r.next_id === null ? null : Number(r.next_id),
  }));
}
