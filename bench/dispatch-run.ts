/**
 * bench/dispatch's measurements, shared by the CLI (bench/dispatch.ts) and its tiny-scale test
 * (tests/integration/bench-dispatch.test.ts):
 *  - `timeDecisions`: the real services/dispatch.ts dispatchTicket on fresh `new` breakdown tickets, one at a
 *    time (query + scoring + offer insert, in its transaction), wall-clock per decision;
 *  - `explainCandidateQuery`: EXPLAIN (ANALYZE, BUFFERS) of db/repos/dispatch.ts's candidate query (the
 *    nearest-first one by default), with the
 *    sequential scans of large tables named;
 *  - `simulateDay`: a day of tickets in arrival order, each dispatched by the engine at its arrival time and
 *    accepted at once by the agency offered (so capacity is consumed as the day goes);
 *  - `remainingCapacity`: each agency's capacity left, as the database says at the start of the day.
 * The yardstick (eligibility, the check of an assignment, the hindsight optimum) is bench/dispatch-optimum.ts.
 */
import { sql, CompiledQuery } from "kysely";
import { createKysely, type DB } from "../db/connection";
import { PREPARE_MARKER } from "../db/prepared";
import { DEFAULT_DISPATCH_WEIGHTS, rankCandidates, type DispatchWeights } from "../core/dispatch";
import { candidateFactsQuery, nearestCandidateFactsQuery, ticketDispatchFacts } from "../db/repos/dispatch";
import { dispatchTicket, NEAREST_CANDIDATES, rankForTicket } from "../services/dispatch";
import { workingCalendars } from "../services/working-calendar";
import type { PublicLinks } from "../platform/links";
import { Rng } from "../db/seed/util";
import { capacityOf, type Assignment, type DayTicket } from "./dispatch-optimum";
import { insertNewTickets, newTicketSpecs, type Loaded, type NewTicketSpec, type World } from "./dispatch-world";

const BENCH_ACTOR = { kind: "system" as const, label: "بنچمارک ارجاع" };
const LINKS: PublicLinks = { baseUrl: "http://localhost:3000", trackingSecret: "bench-dispatch-tracking-secret" } as PublicLinks;

// ---------------------------------------------------------------------------------------------
// One decision, timed
// ---------------------------------------------------------------------------------------------

export interface DecisionTimes {
  ms: number[];
  outcomes: Record<string, number>;
}

/** Creates `specs.length` new tickets, then dispatches each with the real service at `now`, timing each call. */
export async function timeDecisions(
  db: DB,
  loaded: Loaded,
  specs: readonly NewTicketSpec[],
  now: Date,
  seed: number,
  nearest?: number,
  /** commit as the ticket__dispatch job does (DispatchOptions.asyncCommit); false: as a person's request does */
  asyncCommit = true,
): Promise<DecisionTimes & { ticketIds: number[] }> {
  const ticketIds = await insertNewTickets(db, loaded, specs, specs.map(() => new Date(now.getTime() - 60_000)), seed);
  const ms: number[] = [];
  const outcomes: Record<string, number> = {};
  for (const id of ticketIds) {
    const t0 = performance.now();
    const r = await dispatchTicket(db, BENCH_ACTOR, { ticketId: id }, { now, links: LINKS, asyncCommit, ...(nearest !== undefined ? { nearest } : {}) });
    ms.push(performance.now() - t0);
    const key = r.outcome === "offered" ? "offered" : `${r.outcome}:${r.reason}`;
    outcomes[key] = (outcomes[key] ?? 0) + 1;
  }
  return { ms, outcomes, ticketIds };
}

/**
 * The decision's parts, read-only, on tickets not yet dispatched: the ticket's facts + the candidate query
 * (db/repos/dispatch.ts), and the scoring (core/dispatch.ts rankCandidates), each timed; plus the candidates
 * the query returned.
 */
export async function timeParts(db: DB, ticketIds: readonly number[], now: Date, nearest?: number): Promise<{ queryMs: number[]; scoreMs: number[]; candidates: number[]; paths: Record<string, number> }> {
  const paths: Record<string, number> = {};
  const queryMs: number[] = [];
  const scoreMs: number[] = [];
  const candidates: number[] = [];
  for (const id of ticketIds) {
    // the engine's own reading (services/dispatch.ts rankForTicket: nearest first, all when not proven)
    const t0 = performance.now();
    const facts = await ticketDispatchFacts(db, id);
    const { candidates: c, path, calendarOf } = await rankForTicket(db, facts!, now, DEFAULT_DISPATCH_WEIGHTS, nearest, await workingCalendars(db, facts!.clock));
    paths[path] = (paths[path] ?? 0) + 1;
    const t1 = performance.now();
    // the scoring alone, again, on what was read (with the engine's calendars: hours + official holidays)
    rankCandidates(c, now, DEFAULT_DISPATCH_WEIGHTS, calendarOf);
    scoreMs.push(performance.now() - t1);
    queryMs.push(t1 - t0);
    candidates.push(c.length);
  }
  return { queryMs, scoreMs, candidates, paths };
}

/**
 * Each statement of a decision, as the client waits for it (Kysely's query log on a pool of its own: the
 * engine's statements, prepared as usual), plus what is left for Node between them; `decisions` fresh tickets,
 * dispatched one at a time like timeDecisions'. Statement i is the i-th of its decision (begin, ticket facts,
 * candidate query, offer, commit, or more when a decision ranks everybody or holds).
 */
export async function timeStatements(url: string, loaded: Loaded, specs: readonly NewTicketSpec[], now: Date, seed: number, db: DB): Promise<{ label: string; ms: number[] }[]> {
  let current: { label: string; ms: number }[] | null = null;
  const logged = createKysely(url, 2, {
    log: (e) => {
      if (!current) return;
      const text = e.query.sql.replace(PREPARE_MARKER, "").replace(/\s+/g, " ").trim();
      current.push({ label: text.slice(0, 48), ms: e.queryDurationMillis });
    },
  });
  try {
    const ids = await insertNewTickets(db, loaded, specs, specs.map(() => new Date(now.getTime() - 60_000)), seed);
    const rows = new Map<string, number[]>();
    for (const id of ids) {
      current = [];
      const t0 = performance.now();
      await dispatchTicket(logged, BENCH_ACTOR, { ticketId: id }, { now, links: LINKS, asyncCommit: true });
      const total = performance.now() - t0;
      const statements: { label: string; ms: number }[] = current;
      current = null;
      const add = (label: string, ms: number) => {
        const times = rows.get(label);
        if (times) times.push(ms);
        else rows.set(label, [ms]);
      };
      statements.forEach((s, i) => add(`${i + 1}. ${s.label}`, s.ms));
      add("Node between the statements", total - statements.reduce((a, s) => a + s.ms, 0));
    }
    await withdrawOffers(db, ids);
    return [...rows].map(([label, ms]) => ({ label, ms }));
  } finally {
    await logged.destroy();
  }
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** The pending offers of the given tickets are withdrawn (they no longer count as load); the tickets go back to `new`. */
export async function withdrawOffers(db: DB, ticketIds: readonly number[]): Promise<void> {
  if (!ticketIds.length) return;
  await sql`update dispatch_offers set status = 'withdrawn', responded_at = offered_at + interval '1 second', response_reason = 'بنچمارک'
    where ticket_id = any(${ticketIds}::bigint[]) and status = 'pending'`.execute(db);
  await sql`update tickets set status = 'cancelled', updated_at = now() where id = any(${ticketIds}::bigint[]) and status in ('new', 'dispatching')`.execute(db);
}

// ---------------------------------------------------------------------------------------------
// The candidate query's plan
// ---------------------------------------------------------------------------------------------

export interface PlanReport {
  plan: string;
  /** "Seq Scan on <table>" of tables with more than `largeRows` rows */
  largeSeqScans: string[];
}

/** `nearest`: the engine's first query (nearestCandidateFactsQuery with that k); 0: every authorized agency near (candidateFactsQuery). */
export async function explainCandidateQuery(db: DB, ticketId: number, now: Date, largeRows = 10_000, nearest = NEAREST_CANDIDATES): Promise<PlanReport> {
  const facts = await ticketDispatchFacts(db, ticketId);
  if (!facts) throw new Error(`no ticket ${ticketId}`);
  const q = (nearest > 0 ? nearestCandidateFactsQuery(facts, now, nearest) : candidateFactsQuery(facts, now)).compile(db);
  const res = await db.executeQuery<{ "QUERY PLAN": string }>(CompiledQuery.raw(`explain (analyze, buffers) ${q.sql}`, [...q.parameters]));
  const plan = res.rows.map((r) => r["QUERY PLAN"]).join("\n");
  const scanned = [...plan.matchAll(/Seq Scan on (\w+)/g)].map((m) => m[1]!);
  const largeSeqScans: string[] = [];
  for (const table of new Set(scanned)) {
    const { rows } = await sql<{ n: number }>`select reltuples::float8 as n from pg_class where relname = ${table} and relkind = 'r'`.execute(db);
    if ((rows[0]?.n ?? 0) > largeRows) largeSeqScans.push(`${table} (≈${Math.round(rows[0]!.n).toLocaleString("en")} rows)`);
  }
  return { plan, largeSeqScans };
}

// ---------------------------------------------------------------------------------------------
// A simulated day
// ---------------------------------------------------------------------------------------------

/** Remaining capacity of each agency (index in world.agencies) in the database now: capacity − open jobs − live offers. */
/** `n` tickets of a day, arriving at random over 12 hours from `start`, in arrival order. */
export function dayTickets(world: World, seed: number, n: number, start: Date): DayTicket[] {
  const rng = new Rng(seed);
  const specs = newTicketSpecs(world, seed + 7, n);
  const times = specs.map(() => start.getTime() + rng.float() * 12 * 3_600_000).sort((a, b) => a - b);
  return specs.map((spec, k) => ({ spec, at: new Date(Math.floor(times[k]!)) }));
}

export async function remainingCapacity(db: DB, world: World, at: Date): Promise<number[]> {
  const { rows } = await sql<{ agency_id: number; n: number }>`
    select agency_id, sum(n)::int as n from (
      select assigned_agency_id as agency_id, count(*) as n from tickets
       where assigned_agency_id is not null and status in ('assigned', 'scheduled', 'in_progress', 'on_hold') group by 1
      union all
      select agency_id, count(*) from dispatch_offers where status = 'pending' and deadline_at > ${at} group by 1
    ) x group by agency_id`.execute(db);
  const used = new Map(rows.map((r) => [Number(r.agency_id), r.n]));
  return world.agencies.map((a) => Math.max(0, capacityOf(a) - (used.get(a.id) ?? 0)));
}

/**
 * The engine online: each ticket, in arrival order, dispatched at its arrival time by the real service; the
 * agency offered accepts at once (the offer accepted, the ticket assigned to it: one more open job).
 */
export async function simulateDay(db: DB, world: World, loaded: Loaded, day: readonly DayTicket[], weights: DispatchWeights, seed: number, nearest?: number): Promise<Assignment & { ticketIds: number[]; ms: number[] }> {
  const ticketIds = await insertNewTickets(db, loaded, day.map((d) => d.spec), day.map((d) => new Date(d.at.getTime() - 1000)), seed);
  const indexOf = new Map(world.agencies.map((a, k) => [a.id, k]));
  const agencyOf: (number | null)[] = [];
  const ms: number[] = [];
  for (let k = 0; k < day.length; k++) {
    const now = day[k]!.at;
    const t0 = performance.now();
    const r = await dispatchTicket(db, BENCH_ACTOR, { ticketId: ticketIds[k]! }, { now, links: LINKS, weights, ...(nearest !== undefined ? { nearest } : {}) });
    ms.push(performance.now() - t0);
    if (r.outcome !== "offered") {
      agencyOf.push(null);
      continue;
    }
    agencyOf.push(indexOf.get(r.agencyId) ?? null);
    await sql`with o as (update dispatch_offers set status = 'accepted', responded_at = ${now} where id = ${r.offerId} returning ticket_id, agency_id)
      update tickets t set status = 'assigned', assigned_agency_id = o.agency_id, updated_at = ${now} from o where t.id = o.ticket_id`.execute(db);
  }
  return { agencyOf, ticketIds, ms };
}

/** Puts the day's tickets out of the way (cancelled, no longer load) so another run starts from the same state. */
export async function undoDay(db: DB, ticketIds: readonly number[]): Promise<void> {
  await sql`update dispatch_offers set status = 'withdrawn', responded_at = coalesce(responded_at, offered_at + interval '1 second')
    where ticket_id = any(${ticketIds}::bigint[]) and status in ('pending', 'accepted')`.execute(db);
  await sql`update tickets set status = 'cancelled', updated_at = now() where id = any(${ticketIds}::bigint[])`.execute(db);
}

