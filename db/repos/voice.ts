import { sql, type Expression, type Kysely, type SqlBool } from "kysely";
import { COMPLAINT_MAX_SCORE } from "../../core/satisfaction";
import {
  csatPercent,
  daysBetween,
  feedbackBucketOf,
  feedbackKindOf,
  followThroughOf,
  meanScore,
  repeatBreakdownRuleOf,
  resolveSeconds,
  SATISFIED_MIN_SCORE,
  type CsatDimension,
  type FeedbackBucket,
  type FeedbackCategory,
  type FeedbackKind,
  type FollowThrough,
  type ScoreTally,
} from "../../core/feedback";
import { jalaliMonthOfDay } from "../../core/jalali";
import type { TicketStatus } from "../../core/ticket";
import type { DB } from "../connection";
import type { Database } from "../schema";
import type { DataScope } from "./scope";
import { withinRepeatWindowSql } from "./repeat-jobs";

/*
 * Satisfaction and the voice of the customer (issue 14, section 3): CSAT by agency, technician, brand,
 * category and month; the low scores and what happened after them; complaints and suggestions by category
 * and month; repeat breakdowns of the same serial. The rules (what is satisfied, low, a repeat) are
 * core/feedback.ts's; the figures are read from the reports' indexes (migration 2026_12_03_120000) and the
 * repeat_breakdowns roll-up (refreshRepeatBreakdowns, the workers' voice__refresh_repeats).
 *
 * Scope: the call centre (and managers) see everything. An agency sees the surveys and repeats of the jobs
 * assigned to it; the complaints and the follow-through of low scores are the call centre's own business
 * (as db/repos/satisfaction.ts: agencies are not shown the call centre's follow-up), so for an agency those
 * are empty without asking the database.
 */

export interface Range {
  from: Date;
  toExclusive: Date;
}

/** Tehran's calendar day of an instant, 'YYYY-MM-DD'. */
function tehranDayOf(d: Date): string {
  return new Date(d.getTime() + 3.5 * 3600_000).toISOString().slice(0, 10);
}

/** Tehran's calendar day of a timestamp column, as SQL. */
function tehranDay(column: string) {
  return sql<string>`to_char((${sql.ref(column)} at time zone 'Asia/Tehran')::date, 'YYYY-MM-DD')`;
}

function agencyOnly(scope: DataScope, column = "t.assigned_agency_id"): Expression<SqlBool> {
  return scope.kind === "all" ? sql<SqlBool>`true` : sql<SqlBool>`${sql.ref(column)} = ${scope.agencyId}`;
}

// ---------------------------------------------------------------------------------------------------------
// CSAT

export interface CsatRow extends ScoreTally {
  /** the group: an agency/technician/brand/category id, or a Jalali month 'YYYY-MM'; null: none (e.g. no technician) */
  key: string | null;
  label_fa: string | null;
  label_en: string | null;
  /** 0–100; null without an answer */
  csat: number | null;
  mean: number | null;
}

const tallySelect = sql<string>`count(*)::int as answered, coalesce(sum(s.score), 0)::int as score_sum,
  (count(*) filter (where s.score >= ${sql.lit(SATISFIED_MIN_SCORE)}))::int as satisfied,
  (count(*) filter (where s.score <= ${sql.lit(COMPLAINT_MAX_SCORE)}))::int as low`;

interface RawTally {
  answered: number;
  score_sum: number;
  satisfied: number;
  low: number;
}

function finish(key: string | null, label_fa: string | null, label_en: string | null, r: RawTally): CsatRow {
  const tally = { answered: r.answered, scoreSum: r.score_sum, satisfied: r.satisfied, low: r.low };
  return { key, label_fa, label_en, ...tally, csat: csatPercent(tally), mean: meanScore(tally) };
}

/**
 * CSAT of the surveys answered in the range, by one dimension, largest groups first (months in order).
 * A job's brand and category are its product's (the model's); a job without a product falls back to its
 * problem category.
 */
export async function csatBy(db: DB, scope: DataScope, range: Range, dimension: CsatDimension): Promise<CsatRow[]> {
  const r = scope.kind === "all" ? await csatFromRollup(db, range, dimension) : await csatFromSurveys(db, scope, range, dimension);
  return labelled(db, dimension, r);
}

/** The call centre's CSAT: from the csat_daily roll-up (whole Tehran days of the range). */
async function csatFromRollup(db: DB, range: Range, dimension: CsatDimension) {
  const dim = dimension === "month" ? "total" : dimension;
  const key = dimension === "month" ? sql`to_char(day, 'YYYY-MM-DD')` : sql`key::text`;
  const r = await sql<RawTally & { key: string | null }>`
    select ${key} as key, sum(answered)::int as answered, sum(score_sum)::int as score_sum, sum(satisfied)::int as satisfied, sum(low)::int as low
    from csat_daily
    where dim = ${dim} and day >= ${tehranDayOf(range.from)}::date and day < ${tehranDayOf(range.toExclusive)}::date
    group by 1`.execute(db);
  return r.rows;
}

/** An agency's CSAT, from its own surveys (a few; the roll-up holds no agency's brand or month). */
async function csatFromSurveys(db: DB, scope: DataScope, range: Range, dimension: CsatDimension) {
  const groupKey = {
    agency: sql`t.assigned_agency_id::text`,
    technician: sql`t.technician_id::text`,
    brand: sql`pm.brand_id::text`,
    category: sql`coalesce(pm.category_id, t.problem_category_id)::text`,
    month: tehranDay("s.surveyed_at"),
  }[dimension];
  const r = await sql<RawTally & { key: string | null }>`
    select ${groupKey} as key, ${tallySelect}
    from satisfaction_surveys s
    join tickets t on t.id = s.ticket_id
    left join customer_products cp on cp.id = t.customer_product_id
    left join product_models pm on pm.id = cp.model_id
    where s.status = 'answered' and s.surveyed_at >= ${range.from} and s.surveyed_at < ${range.toExclusive}
      and ${agencyOnly(scope)}
    group by 1`.execute(db);
  return r.rows;
}

async function labelled(db: DB, dimension: CsatDimension, rows: (RawTally & { key: string | null })[]): Promise<CsatRow[]> {
  const r = { rows };
  if (dimension === "month") {
    const byMonth = new Map<string, RawTally>();
    for (const row of r.rows) {
      const month = jalaliMonthOfDay(row.key!);
      const m = byMonth.get(month) ?? { answered: 0, score_sum: 0, satisfied: 0, low: 0 };
      m.answered += row.answered;
      m.score_sum += row.score_sum;
      m.satisfied += row.satisfied;
      m.low += row.low;
      byMonth.set(month, m);
    }
    return [...byMonth.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([month, t]) => finish(month, month, month, t));
  }
  const ids = r.rows.map((x) => x.key).filter((k): k is string => k !== null).map(Number);
  const labels = new Map<string, { fa: string; en: string }>();
  if (ids.length) {
    const names =
      dimension === "agency"
        ? await db.selectFrom("agencies").select(["id", "name as fa", "name as en"]).where("id", "in", ids).execute()
        : dimension === "technician"
          ? await db.selectFrom("technicians").select(["id", "full_name as fa", "full_name as en"]).where("id", "in", ids).execute()
          : dimension === "brand"
            ? await db.selectFrom("brands").select(["id", "name_fa as fa", "name_en as en"]).where("id", "in", ids).execute()
            : await db.selectFrom("product_categories").select(["id", "name_fa as fa", "name_en as en"]).where("id", "in", ids).execute();
    for (const n of names) labels.set(String(n.id), { fa: n.fa, en: n.en });
  }
  return r.rows
    .map((row) => finish(row.key, row.key === null ? null : (labels.get(row.key)?.fa ?? null), row.key === null ? null : (labels.get(row.key)?.en ?? null), row))
    .sort((a, b) => b.answered - a.answered || (a.key ?? "").localeCompare(b.key ?? ""));
}

/** CSAT of the whole range (the page's headline). */
export async function csatTotal(db: DB, scope: DataScope, range: Range): Promise<CsatRow> {
  if (scope.kind === "all") {
    const rows = await csatFromRollup(db, range, "month");
    const t = { answered: 0, score_sum: 0, satisfied: 0, low: 0 };
    for (const x of rows) {
      t.answered += x.answered;
      t.score_sum += x.score_sum;
      t.satisfied += x.satisfied;
      t.low += x.low;
    }
    return finish(null, null, null, t);
  }
  const r = await sql<RawTally>`
    select ${tallySelect}
    from satisfaction_surveys s
    join tickets t on t.id = s.ticket_id
    where s.status = 'answered' and s.surveyed_at >= ${range.from} and s.surveyed_at < ${range.toExclusive}
      and ${agencyOnly(scope)}`.execute(db);
  return finish(null, null, null, r.rows[0]!);
}

export interface SurveyFilter {
  agencyId?: number;
  technicianId?: number;
  brandId?: number;
  categoryId?: number;
  /** only scores at or below this (e.g. the low ones) */
  maxScore?: number;
}

/** The answered surveys behind a CSAT figure, newest first (at most `limit`, 500; `before` a survey id: those older than it): each with its job ticket and the complaint it opened. */
export async function surveysOf(db: DB, scope: DataScope, range: Range, filter: SurveyFilter, opts: { limit?: number; before?: number } = {}) {
  const rows = await db
    .selectFrom("satisfaction_surveys as s")
    .innerJoin("tickets as t", "t.id", "s.ticket_id")
    .leftJoin("customer_products as cp", "cp.id", "t.customer_product_id")
    .leftJoin("product_models as pm", "pm.id", "cp.model_id")
    .leftJoin("brands as b", "b.id", "pm.brand_id")
    .leftJoin("product_categories as pc", (j) => j.on(sql<SqlBool>`pc.id = coalesce(pm.category_id, t.problem_category_id)`))
    .leftJoin("agencies as a", "a.id", "t.assigned_agency_id")
    .leftJoin("technicians as tech", "tech.id", "t.technician_id")
    .leftJoin("tickets as c", "c.id", "s.complaint_ticket_id")
    .select([
      "s.id",
      "s.surveyed_at",
      "s.score",
      "s.comment",
      "s.channel",
      "t.id as ticket_id",
      "t.number as ticket_number",
      "a.name as agency_name",
      "tech.full_name as technician_name",
      "pm.name as model_name",
      "b.name_fa as brand_fa",
      "b.name_en as brand_en",
      "pc.name_fa as category_fa",
      "pc.name_en as category_en",
      "c.id as complaint_ticket_id",
      "c.number as complaint_number",
    ])
    .where("s.status", "=", "answered")
    .where("s.surveyed_at", ">=", range.from)
    .where("s.surveyed_at", "<", range.toExclusive)
    .where(agencyOnly(scope))
    .$if(filter.agencyId !== undefined, (q) => q.where("t.assigned_agency_id", "=", filter.agencyId!))
    .$if(filter.technicianId !== undefined, (q) => q.where("t.technician_id", "=", filter.technicianId!))
    .$if(filter.brandId !== undefined, (q) => q.where("pm.brand_id", "=", filter.brandId!))
    .$if(filter.categoryId !== undefined, (q) => q.where(sql`coalesce(pm.category_id, t.problem_category_id)`, "=", filter.categoryId!))
    .$if(filter.maxScore !== undefined, (q) => q.where("s.score", "<=", filter.maxScore!))
    // `before` (a survey id) pages on, as lowScores does
    .$if(opts.before !== undefined, (q) => q.where(sql<SqlBool>`(s.surveyed_at, s.id) < (select b.surveyed_at, b.id from satisfaction_surveys b where b.id = ${opts.before!})`))
    .orderBy("s.surveyed_at", "desc")
    .orderBy("s.id", "desc")
    .limit(opts.limit ?? 500)
    .execute();
  return rows.map((r) => ({ ...r, surveyed_at: r.surveyed_at!.toISOString(), score: r.score! }));
}

// ---------------------------------------------------------------------------------------------------------
// Low scores and what happened after them

export interface LowScoreRow {
  survey_id: number;
  surveyed_at: string;
  score: number;
  comment: string | null;
  ticket_id: number;
  ticket_number: number;
  agency_name: string | null;
  technician_name: string | null;
  complaint_ticket_id: number | null;
  complaint_number: number | null;
  complaint_status: TicketStatus | null;
  complaint_category: FeedbackCategory | null;
  follow_through: FollowThrough;
  called_back: boolean;
  /** from the complaint's opening to its closing; null while open */
  resolve_seconds: number | null;
  closed_at: string | null;
}

/**
 * Every low score (1–2) answered in the range, newest first, with what followed: the complaint ticket it
 * opened, its status and category, whether the customer was called back (an answered outbound call linked to
 * the complaint, core/feedback.ts calledBack) and the time to resolve. The call centre's only.
 */
/**
 * The low scores of the range, newest first, at most `limit` (500). `before` (a survey id) pages on: only the
 * low scores older than that survey (by answer time, then id), so a page of the oldest costs what the first does.
 */
export async function lowScores(db: DB, scope: DataScope, range: Range, opts: { limit?: number; before?: number } = {}): Promise<LowScoreRow[]> {
  if (scope.kind !== "all") return [];
  const rows = await db
    .selectFrom("satisfaction_surveys as s")
    .innerJoin("tickets as t", "t.id", "s.ticket_id")
    .leftJoin("agencies as a", "a.id", "t.assigned_agency_id")
    .leftJoin("technicians as tech", "tech.id", "t.technician_id")
    .leftJoin("tickets as c", "c.id", "s.complaint_ticket_id")
    .select([
      "s.id as survey_id",
      "s.surveyed_at",
      "s.score",
      "s.comment",
      "t.id as ticket_id",
      "t.number as ticket_number",
      "a.name as agency_name",
      "tech.full_name as technician_name",
      "c.id as complaint_ticket_id",
      "c.number as complaint_number",
      "c.status as complaint_status",
      "c.feedback_category as complaint_category",
      "c.created_at as complaint_created_at",
      "c.closed_at as complaint_closed_at",
      sql<boolean>`coalesce(c.id is not null and exists (
        select 1 from ticket_calls tc join calls k on k.id = tc.call_id
        where tc.ticket_id = c.id and k.direction = 'outbound' and k.answered_at is not null), false)`.as("called_back"),
    ])
    .where("s.status", "=", "answered")
    .where("s.surveyed_at", ">=", range.from)
    .where("s.surveyed_at", "<", range.toExclusive)
    .where("s.score", "<=", COMPLAINT_MAX_SCORE)
    // (PostgreSQL derives `surveyed_at <= …` from the row comparison: the index's range scan starts at the cursor)
    .$if(opts.before !== undefined, (q) => q.where(sql<SqlBool>`(s.surveyed_at, s.id) < (select b.surveyed_at, b.id from satisfaction_surveys b where b.id = ${opts.before!})`))
    .orderBy("s.surveyed_at", "desc")
    .orderBy("s.id", "desc")
    .limit(opts.limit ?? 500)
    .execute();
  return rows.map((r) => ({
    survey_id: r.survey_id,
    surveyed_at: r.surveyed_at!.toISOString(),
    score: r.score!,
    comment: r.comment,
    ticket_id: r.ticket_id,
    ticket_number: r.ticket_number,
    agency_name: r.agency_name,
    technician_name: r.technician_name,
    complaint_ticket_id: r.complaint_ticket_id,
    complaint_number: r.complaint_number,
    complaint_status: r.complaint_status,
    complaint_category: r.complaint_category,
    follow_through: followThroughOf(r.complaint_status),
    called_back: r.called_back,
    resolve_seconds: r.complaint_created_at ? resolveSeconds(r.complaint_created_at, r.complaint_closed_at) : null,
    closed_at: r.complaint_closed_at ? r.complaint_closed_at.toISOString() : null,
  }));
}

// ---------------------------------------------------------------------------------------------------------
// Complaints and suggestions by category and month

export interface FeedbackCount {
  month: string;
  kind: FeedbackKind;
  bucket: FeedbackBucket;
  count: number;
}

/**
 * Complaint tickets (complaints and suggestions) registered in the range, counted by Jalali month, kind and
 * category (unclassified ones in their own bucket). The call centre's only.
 */
export async function feedbackCounts(db: DB, scope: DataScope, range: Range): Promise<FeedbackCount[]> {
  if (scope.kind !== "all") return [];
  // the Tehran day as a day number at UTC+03:30 (Iran's offset since 2022): integer arithmetic, not a time-zone
  // conversion per ticket (a year of complaints at a million tickets: ~3× faster)
  const r = await sql<{ dayn: number; kind: FeedbackKind | null; category: FeedbackCategory | null; n: number }>`
    select ((extract(epoch from t.created_at)::bigint + 12600) / 86400)::int as dayn, t.feedback_kind as kind, t.feedback_category as category, count(*)::int as n
    from tickets t
    where t.type = 'complaint' and t.created_at >= ${range.from} and t.created_at < ${range.toExclusive}
    group by 1, 2, 3`.execute(db);
  const out = new Map<string, FeedbackCount>();
  for (const row of r.rows) {
    const month = jalaliMonthOfDay(new Date(row.dayn * 86_400_000).toISOString().slice(0, 10));
    const kind = feedbackKindOf(row.kind);
    const bucket = feedbackBucketOf(row.category);
    const key = `${month}|${kind}|${bucket}`;
    const c = out.get(key) ?? { month, kind, bucket, count: 0 };
    c.count += row.n;
    out.set(key, c);
  }
  return [...out.values()].sort((a, b) => a.month.localeCompare(b.month) || a.kind.localeCompare(b.kind) || a.bucket.localeCompare(b.bucket));
}

export interface FeedbackFilter {
  kind?: FeedbackKind;
  /** a category, or 'unclassified' */
  bucket?: FeedbackBucket;
}

/** The complaint tickets behind a count, newest first. The call centre's only. */
export async function feedbackTickets(db: DB, scope: DataScope, range: Range, filter: FeedbackFilter, opts: { limit?: number } = {}) {
  if (scope.kind !== "all") return [];
  const rows = await db
    .selectFrom("tickets as t")
    .innerJoin("customers as cu", "cu.id", "t.customer_id")
    .select([
      "t.id",
      "t.number",
      "t.created_at",
      "t.closed_at",
      "t.status",
      "t.feedback_kind",
      "t.feedback_category",
      "t.problem_description",
      "t.related_ticket_id",
      "cu.full_name as customer_name",
    ])
    .where("t.type", "=", "complaint")
    .where("t.created_at", ">=", range.from)
    .where("t.created_at", "<", range.toExclusive)
    .$if(filter.kind === "complaint", (q) => q.where((eb) => eb.or([eb("t.feedback_kind", "=", "complaint"), eb("t.feedback_kind", "is", null)])))
    .$if(filter.kind === "suggestion", (q) => q.where("t.feedback_kind", "=", "suggestion"))
    .$if(filter.bucket === "unclassified", (q) => q.where("t.feedback_category", "is", null))
    .$if(filter.bucket !== undefined && filter.bucket !== "unclassified", (q) => q.where("t.feedback_category", "=", filter.bucket as FeedbackCategory))
    .orderBy("t.created_at", "desc")
    .orderBy("t.id", "desc")
    .limit(opts.limit ?? 500)
    .execute();
  return rows.map((r) => ({
    ...r,
    created_at: r.created_at.toISOString(),
    closed_at: r.closed_at ? r.closed_at.toISOString() : null,
    kind: feedbackKindOf(r.feedback_kind),
    bucket: feedbackBucketOf(r.feedback_category),
    resolve_seconds: resolveSeconds(r.created_at, r.closed_at),
  }));
}

// ---------------------------------------------------------------------------------------------------------
// Repeat breakdowns

/** The roll-ups' one state row, locked (re-created after a truncation of every table, as the tests' reset does). */
async function lockState(trx: Kysely<Database>) {
  await trx.insertInto("voice_rollups_state").values({ id: true }).onConflict((oc) => oc.column("id").doNothing()).execute();
  return trx.selectFrom("voice_rollups_state").selectAll().forUpdate().executeTakeFirstOrThrow();
}

/** Runs `fn` in a transaction of its own, or in the caller's (the demo seed loads everything in one). */
function inTransaction<T>(db: Kysely<Database>, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

/**
 * Brings the repeat_breakdowns roll-up up to date: every breakdown with a product registered after the
 * watermark (and at least a minute ago, so a registration still being committed is not passed over) that
 * repeats an earlier breakdown of its product gets a row naming the one it repeats — the SQL twin of
 * core/repeat-job.ts repeatedJob under core/feedback.ts repeatBreakdownRuleOf (REPEAT_WINDOW_DAYS after the
 * earlier registration, 24-hour days: db/repos/repeat-jobs.ts withinRepeatWindowSql; the latest earlier one,
 * ties the higher id). Cancelled breakdowns (a duplicate registration, a mistake) are neither repeats nor the
 * previous one; tests/integration/repeat-jobs.test.ts holds this query to core. Batches of `batch` tickets until caught up; returns the rows added. Run by the workers
 * (voice__refresh_repeats), the demo seed and the tests; the bulk seed's tickets are covered by the first run.
 */
export async function refreshRepeatBreakdowns(db: Kysely<Database>, opts: { batch?: number; settleSeconds?: number } = {}): Promise<number> {
  const batch = opts.batch ?? 50_000;
  const settle = opts.settleSeconds ?? 60;
  const rule = repeatBreakdownRuleOf();
  let added = 0;
  for (;;) {
    const n = await inTransaction(db, async (trx) => {
      // the one row (gone after a truncation of every table, as the tests' reset does)
      const wm = await lockState(trx);
      const upto = await sql<{ id: string | null }>`
        select max(id) as id from (
          select id from tickets where id > ${wm.repeats_last_ticket_id} and created_at < now() - make_interval(secs => ${settle})
          order by id limit ${batch}) x`.execute(trx);
      const last = upto.rows[0]?.id == null ? null : Number(upto.rows[0].id);
      if (last === null) {
        await trx.updateTable("voice_rollups_state").set({ repeats_refreshed_at: sql`now()` }).execute();
        return -1;
      }
      const ins = await sql`
        insert into repeat_breakdowns (ticket_id, previous_ticket_id, customer_product_id, model_id, created_at, previous_created_at)
        select t.id, p.id, t.customer_product_id, cp.model_id, t.created_at, p.created_at
        from tickets t
        join customer_products cp on cp.id = t.customer_product_id
        cross join lateral (
          select q.id, q.created_at from tickets q
          where q.type = 'breakdown' and q.customer_product_id = t.customer_product_id
            and ${withinRepeatWindowSql(sql.ref("q.created_at"), sql.ref("t.created_at"), rule.windowDays)}
            and q.status <> 'cancelled'
          order by q.created_at desc, q.id desc
          limit 1) p
        where t.id > ${wm.repeats_last_ticket_id} and t.id <= ${last}
          and t.type = 'breakdown' and t.customer_product_id is not null and t.status <> 'cancelled'
        on conflict (ticket_id) do nothing`.execute(trx);
      await trx.updateTable("voice_rollups_state").set({ repeats_last_ticket_id: last, repeats_refreshed_at: sql`now()` }).execute();
      return Number(ins.numAffectedRows ?? 0);
    });
    if (n < 0) break;
    added += n;
  }
  return added;
}

/**
 * Brings csat_daily up to date: the Tehran days from the day before its last run (every day on the first run,
 * or after `rebuildCsatDaily`) are recomputed from the answered surveys, in one pass with one grouping set per
 * dimension. A survey is answered at most once and at the time it is recorded, so only the latest days change.
 */
export async function refreshCsatDaily(db: Kysely<Database>): Promise<number> {
  return inTransaction(db, async (trx) => {
    const state = await lockState(trx);
    const fromDay = state.csat_through ? sql`(${state.csat_through}::date - 1)` : null;
    await sql`delete from csat_daily ${fromDay ? sql`where day >= ${fromDay}` : sql``}`.execute(trx);
    const ins = await sql`
      insert into csat_daily (day, dim, key, answered, score_sum, satisfied, low)
      select day,
        case grouping(agency_id, technician_id, brand_id, category_id)
          when 15 then 'total' when 7 then 'agency' when 11 then 'technician' when 13 then 'brand' else 'category' end,
        coalesce(agency_id, technician_id, brand_id, category_id),
        count(*), sum(score),
        count(*) filter (where score >= ${sql.lit(SATISFIED_MIN_SCORE)}),
        count(*) filter (where score <= ${sql.lit(COMPLAINT_MAX_SCORE)})
      from (
        select (s.surveyed_at at time zone 'Asia/Tehran')::date as day, s.score, t.assigned_agency_id as agency_id, t.technician_id,
          pm.brand_id, coalesce(pm.category_id, t.problem_category_id) as category_id
        from satisfaction_surveys s
        join tickets t on t.id = s.ticket_id
        left join customer_products cp on cp.id = t.customer_product_id
        left join product_models pm on pm.id = cp.model_id
        where s.status = 'answered' and s.score is not null
          ${fromDay ? sql`and s.surveyed_at >= (${fromDay}::timestamp at time zone 'Asia/Tehran')` : sql``}
      ) x
      group by grouping sets ((day), (day, agency_id), (day, technician_id), (day, brand_id), (day, category_id))`.execute(trx);
    await trx
      .updateTable("voice_rollups_state")
      .set({ csat_through: sql`(now() at time zone 'Asia/Tehran')::date`, csat_refreshed_at: sql`now()` })
      .execute();
    return Number(ins.numAffectedRows ?? 0);
  });
}

/** Recomputes csat_daily from nothing (after surveys were loaded with past answer times: the seeds, the tests). */
export async function rebuildCsatDaily(db: Kysely<Database>): Promise<number> {
  return inTransaction(db, async (trx) => {
    await lockState(trx);
    await trx.updateTable("voice_rollups_state").set({ csat_through: null }).execute();
    return refreshCsatDaily(trx);
  });
}

/** Both roll-ups (the workers' voice__refresh; the bulk seed with `rebuildCsat`, its surveys being answered in the past). */
export async function refreshVoiceRollups(db: Kysely<Database>, opts: { rebuildCsat?: boolean; settleSeconds?: number } = {}) {
  const repeats = await refreshRepeatBreakdowns(db, { settleSeconds: opts.settleSeconds });
  const csatRows = opts.rebuildCsat ? await rebuildCsatDaily(db) : await refreshCsatDaily(db);
  return { repeats, csatRows };
}

/** Rebuilds the roll-up from nothing (after a bulk load whose tickets are not in id order of time, e.g. the demo seed). */
export async function rebuildRepeatBreakdowns(db: Kysely<Database>, opts: { settleSeconds?: number } = {}): Promise<number> {
  await inTransaction(db, async (trx) => {
    await trx.deleteFrom("repeat_breakdowns").execute();
    await lockState(trx);
    await trx.updateTable("voice_rollups_state").set({ repeats_last_ticket_id: 0, repeats_refreshed_at: null }).execute();
  });
  return refreshRepeatBreakdowns(db, opts);
}

export interface RepeatGroup {
  key: string;
  label_fa: string;
  label_en: string;
  /** the brand (by model) */
  brand_fa: string | null;
  brand_en: string | null;
  /** repeat breakdowns registered in the range */
  repeats: number;
  /** distinct serials behind them */
  serials: number;
}

/**
 * Repeat breakdowns registered in the range by model or by category, most repeats first: which products
 * fail again. An agency sees those of its own jobs.
 */
export async function repeatsBy(db: DB, scope: DataScope, range: Range, by: "model" | "category"): Promise<RepeatGroup[]> {
  const key = by === "model" ? sql`r.model_id` : sql`pm.category_id`;
  const r = await sql<{ key: string; repeats: number; serials: number }>`
    select ${key}::text as key, count(*)::int as repeats, count(distinct r.customer_product_id)::int as serials
    from repeat_breakdowns r
    join product_models pm on pm.id = r.model_id
    ${scope.kind === "all" ? sql`` : sql`join tickets t on t.id = r.ticket_id`}
    where r.created_at >= ${range.from} and r.created_at < ${range.toExclusive} and ${agencyOnly(scope)}
    group by 1`.execute(db);
  const ids = r.rows.map((x) => Number(x.key));
  const labels = new Map<string, { fa: string; en: string; bfa: string | null; ben: string | null }>();
  if (ids.length) {
    if (by === "model") {
      const ms = await db
        .selectFrom("product_models as pm")
        .innerJoin("brands as b", "b.id", "pm.brand_id")
        .select(["pm.id", "pm.name", "b.name_fa", "b.name_en"])
        .where("pm.id", "in", ids)
        .execute();
      for (const m of ms) labels.set(String(m.id), { fa: m.name, en: m.name, bfa: m.name_fa, ben: m.name_en });
    } else {
      const cs = await db.selectFrom("product_categories").select(["id", "name_fa", "name_en"]).where("id", "in", ids).execute();
      for (const c of cs) labels.set(String(c.id), { fa: c.name_fa, en: c.name_en, bfa: null, ben: null });
    }
  }
  return r.rows
    .map((x) => {
      const l = labels.get(x.key);
      return { key: x.key, label_fa: l?.fa ?? x.key, label_en: l?.en ?? x.key, brand_fa: l?.bfa ?? null, brand_en: l?.ben ?? null, repeats: x.repeats, serials: x.serials };
    })
    .sort((a, b) => b.repeats - a.repeats || b.serials - a.serials || a.key.localeCompare(b.key));
}

/** The repeat breakdowns behind a figure (a model or a category, or all): serial, model, the two tickets, the days between. */
export async function repeatRows(
  db: DB,
  scope: DataScope,
  range: Range,
  filter: { modelId?: number; categoryId?: number },
  opts: { limit?: number } = {},
) {
  const rows = await db
    .selectFrom("repeat_breakdowns as r")
    .innerJoin("tickets as t", "t.id", "r.ticket_id")
    .innerJoin("tickets as p", "p.id", "r.previous_ticket_id")
    .innerJoin("customer_products as cp", "cp.id", "r.customer_product_id")
    .innerJoin("product_models as pm", "pm.id", "r.model_id")
    .innerJoin("brands as b", "b.id", "pm.brand_id")
    .innerJoin("product_categories as pc", "pc.id", "pm.category_id")
    .leftJoin("agencies as a", "a.id", "t.assigned_agency_id")
    .select([
      "r.ticket_id",
      "t.number as ticket_number",
      "r.created_at",
      "r.previous_ticket_id",
      "p.number as previous_number",
      "r.previous_created_at",
      "cp.serial_number",
      "pm.name as model_name",
      "pm.model_code",
      "b.name_fa as brand_fa",
      "b.name_en as brand_en",
      "pc.name_fa as category_fa",
      "pc.name_en as category_en",
      "a.name as agency_name",
      "t.status",
    ])
    .where("r.created_at", ">=", range.from)
    .where("r.created_at", "<", range.toExclusive)
    .where(agencyOnly(scope))
    .$if(filter.modelId !== undefined, (q) => q.where("r.model_id", "=", filter.modelId!))
    .$if(filter.categoryId !== undefined, (q) => q.where("pm.category_id", "=", filter.categoryId!))
    .orderBy("r.created_at", "desc")
    .orderBy("r.ticket_id", "desc")
    .limit(opts.limit ?? 2000)
    .execute();
  return rows.map((r) => ({
    ...r,
    created_at: r.created_at.toISOString(),
    previous_created_at: r.previous_created_at.toISOString(),
    days_between: daysBetween(r.previous_created_at, r.created_at),
  }));
}
