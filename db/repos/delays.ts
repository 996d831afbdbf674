/**
 * The delay audit's reads (issue 14 §1): SLA target rules, and reports over ticket_milestones (the per-ticket
 * roll-up kept by triggers, migration 2026_12_03_100000). Every report takes the caller's DataScope: a manager
 * sees all agencies; an agency only itself. Date ranges are on the registration time, [from, toExclusive).
 */
import { sql, type RawBuilder } from "kysely";
import { DELAY_CAUSES, DELAY_STAGES, STAGE_BOUNDS, type DelayCause, type DelayStage, type SlaTargetRule } from "../../core/delays";
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
  /** seconds, per stage: median and mean (null: no ticket passed the stage) */
  median: Record<DelayStage, number | null>;
  mean: Record<DelayStage, number | null>;
  breaches: number;
  /** 0..100 */
  breachRate: number;
}

/**
 * The per-agency ranking: tickets registered in the range and accepted by an agency (agency_id set), median
 * and mean seconds per stage, tickets with at least one breached check and their share. Worst first.
 */
export function agencyDelayRankingQuery(scope: DataScope, f: DelayFilter) {
  const b = breachesOf(f.now);
  // one sort of (agency, stage, seconds) for every median, rather than one sort per stage and agency
  return sql<{ agency_id: number; name: string; code: string; tickets: number; breaches: number; stage: DelayStage | null; med: number | null; mean: number | null }>`
    with m as materialized (
      select m.agency_id, (${b.accept} or ${b.visit} or ${b.resolve}) as late,
        ${sql.join(DELAY_STAGES.map((s) => sql`${stageSeconds(s)} as ${sql.ref(`s_${s}`)}`))}
      from ticket_milestones m
      where ${where(scope, f)} and m.agency_id is not null
    ), per_agency as (
      select agency_id, count(*)::int as tickets, count(*) filter (where late)::int as breaches from m group by agency_id
    ), per_stage as (
      select m.agency_id, s.stage, percentile_cont(0.5) within group (order by s.secs) as med, avg(s.secs) as mean
      from m cross join lateral (values ${sql.join(DELAY_STAGES.map((st) => sql`(${st}::text, ${sql.ref(`m.s_${st}`)})`))}) s(stage, secs)
      where s.secs is not null
      group by m.agency_id, s.stage
    )
    select p.agency_id, a.name, a.code, p.tickets, p.breaches, ps.stage, ps.med, ps.mean
    from per_agency p join agencies a on a.id = p.agency_id
    left join per_stage ps on ps.agency_id = p.agency_id`;
}

export async function agencyDelayRanking(db: DB, scope: DataScope, f: DelayFilter): Promise<AgencyDelayRow[]> {
  // the medians sort the stage times: in memory, not spilled to disk (4 MB by default is too little for a
  // month of a million-ticket year); SET LOCAL needs the query's own transaction
  const run = async (trx: DB) => {
    await sql`set local work_mem = '32MB'`.execute(trx);
    return agencyDelayRankingQuery(scope, f).execute(trx);
  };
  const { rows } = db.isTransaction ? await agencyDelayRankingQuery(scope, f).execute(db) : await db.transaction().execute(run);
  const num = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v)));
  const byAgency = new Map<number, AgencyDelayRow>();
  for (const r of rows) {
    let row = byAgency.get(r.agency_id);
    if (!row) {
      row = {
        agencyId: r.agency_id,
        agencyName: r.name,
        agencyCode: r.code,
        tickets: r.tickets,
        median: Object.fromEntries(DELAY_STAGES.map((s) => [s, null])) as Record<DelayStage, number | null>,
        mean: Object.fromEntries(DELAY_STAGES.map((s) => [s, null])) as Record<DelayStage, number | null>,
        breaches: r.breaches,
        breachRate: r.tickets ? Math.round((1000 * r.breaches) / r.tickets) / 10 : 0,
      };
      byAgency.set(r.agency_id, row);
    }
    if (r.stage) {
      row.median[r.stage] = num(r.med);
      row.mean[r.stage] = num(r.mean);
    }
  }
  return [...byAgency.values()].sort((x, y) => y.breachRate - x.breachRate || y.breaches - x.breaches || x.agencyName.localeCompare(y.agencyName));
}

export interface DelaySummary {
  tickets: number;
  breached: Record<"accept" | "visit" | "resolve", number>;
  /** tickets showing each cause, and how often it showed in all */
  causes: Record<DelayCause, { tickets: number; occurrences: number }>;
}

export function delaySummaryQuery(scope: DataScope, f: DelayFilter) {
  const b = breachesOf(f.now);
  const causeCols = DELAY_CAUSES.flatMap((c) => [
    sql`count(*) filter (where ${M(CAUSE_COLUMN[c])} > 0)::int as ${sql.ref(`t_${c}`)}`,
    sql`coalesce(sum(${M(CAUSE_COLUMN[c])}), 0)::int as ${sql.ref(`o_${c}`)}`,
  ]);
  return sql<Record<string, number>>`
    select count(*)::int as tickets,
      count(*) filter (where ${b.accept})::int as accept, count(*) filter (where ${b.visit})::int as visit,
      count(*) filter (where ${b.resolve})::int as resolve, ${sql.join(causeCols)}
    from ticket_milestones m where ${where(scope, f)}`;
}

export async function delaySummary(db: DB, scope: DataScope, f: DelayFilter): Promise<DelaySummary> {
  const { rows } = await delaySummaryQuery(scope, f).execute(db);
  const r = rows[0]!;
  return {
    tickets: r.tickets!,
    breached: { accept: r.accept!, visit: r.visit!, resolve: r.resolve! },
    causes: Object.fromEntries(DELAY_CAUSES.map((c) => [c, { tickets: r[`t_${c}`]!, occurrences: r[`o_${c}`]! }])) as DelaySummary["causes"],
  };
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

/** The tickets behind a figure (newest registration first), at most `limit`. */
export function delayTicketsQuery(scope: DataScope, f: DelayFilter, limit: number) {
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
    order by m.registered_at desc, m.ticket_id desc
    limit ${limit}`;
}

export async function delayTickets(db: DB, scope: DataScope, f: DelayFilter, limit = 500): Promise<DelayTicketRow[]> {
  const { rows } = await delayTicketsQuery(scope, f, limit).execute(db);
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
 * its statuses), with when the sweep marked it (sla_marks). Each stage reads its partial index of due times
 * over its open statuses (services/sla.ts SLA_STAGE_INDEXES). Breached first, then the soonest due.
 */
export function slaWatchQuery(scope: DataScope, now: Date, share: number, limit: number) {
  const perStage = SLA_STAGES.map((st) => {
    const due = sql.ref(`t.${DUE_COLUMN[st]}`);
    return sql`
      select t.id, t.number, t.status, t.priority, t.assigned_agency_id, ${st}::text as stage, ${due} as due_at,
        case when ${due} < ${now}::timestamptz then 'breached' else 'at_risk' end as level
      from tickets t
      where t.status in (${sql.join(SLA_STAGE_OPEN_STATUSES[st].map((x) => sql.lit(x)))}) and ${due} is not null
        and ${due} <= ${now}::timestamptz + (1 - ${share}::float8) * (${due} - t.created_at)
        ${scope.kind === "agency" ? sql`and t.assigned_agency_id = ${scope.agencyId}::bigint` : sql``}`;
  });
  return sql<{
    id: number; number: number; status: string; priority: Priority; agency_name: string | null;
    stage: SlaStage; level: "at_risk" | "breached"; due_at: Date; marked_at: Date | null; n_risk: number; n_breached: number;
  }>`
    with w as (${sql.join(perStage, sql` union all `)})
    select w.id, w.number, w.status, w.priority, a.name as agency_name, w.stage, w.level, w.due_at,
      (select max(k.marked_at) from sla_marks k where k.ticket_id = w.id and k.stage = w.stage) as marked_at,
      count(*) filter (where w.level = 'at_risk') over ()::int as n_risk,
      count(*) filter (where w.level = 'breached') over ()::int as n_breached
    from w left join agencies a on a.id = w.assigned_agency_id
    order by (w.level = 'breached') desc, w.due_at
    limit ${limit}`;
}

export async function slaWatchList(db: DB, scope: DataScope, now: Date, share = DEFAULT_SLA_AT_RISK_SHARE, limit = 200): Promise<{ rows: SlaWatchRow[]; atRisk: number; breached: number }> {
  const { rows } = await slaWatchQuery(scope, now, share, limit).execute(db);
  return {
    atRisk: rows[0]?.n_risk ?? 0,
    breached: rows[0]?.n_breached ?? 0,
    rows: rows.map((r) => ({
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
