// npm run bench:dispatch -- [--agencies 5000] [--jobs 100000] [--decisions 1000] [--day 3000] [--seed 13]
//                           [--k 20] [--nearest 32] [--compare] [--compare-prepared] [--per-statement] [--weights JSON]… [--database-url URL] [--keep]
// The dispatch engine at the scale of the country (issue 13, section 6). Generates (deterministic seed)
// 5,000 agencies across Iran's 31 provinces with their authorizations, service areas, capacities, working
// hours and performance, and 100,000 open jobs; then
//  1. times one dispatch decision — the real services/dispatch.ts dispatchTicket on a fresh `new` breakdown:
//     the candidate query, the scoring, the offer with its decision row, history, audit, SMS and deadline
//     job, in its transaction — N times, one at a time; prints p50/p99/mean (target p99 ≤ 5 ms), and the
//     EXPLAIN (ANALYZE, BUFFERS) of the candidate query once, flagging a Seq Scan on a large table;
//  2. simulates a day of tickets in arrival order (the engine online, each offer accepted at once) and
//     compares its total distance with the hindsight optimum (HiGHS), for the default weights and two
//     distance-heavier ones; prints unassigned counts and the online assignment's capacity and
//     eligibility violations (must be 0; target ≤ 5% above the optimum). Each --weights (DISPATCH_WEIGHTS'
//     JSON, missing keys the defaults) adds a variant to the day.
// The database: --database-url (emptied first!), else an embedded PostgreSQL of its own in
// DATA_DIR/bench-dispatch (EMBEDDED_PG_PORT, default 54389), removed at the end unless --keep.
import { rmSync } from "node:fs";
import { loadavg, cpus } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { DEFAULT_DISPATCH_WEIGHTS, parseDispatchWeights, type DispatchWeights } from "../core/dispatch";
import { createKysely, openDatabase, type DatabaseHandle } from "../db/connection";
import { dispatchTicket, NEAREST_CANDIDATES } from "../services/dispatch";
import { installJobQueue, migrateToLatest } from "../db/migrate";
import { truncateAppTables } from "../db/seed/reset";
import { checkAssignment, hindsightOptimum } from "./dispatch-optimum";
import { dayTickets, explainCandidateQuery, percentile, remainingCapacity, simulateDay, timeDecisions, timeParts, timeStatements, undoDay, withdrawOffers } from "./dispatch-run";
import { insertNewTickets } from "./dispatch-world";
import { generateWorld, loadWorld, newTicketSpecs } from "./dispatch-world";

interface Options {
  agencies: number;
  jobs: number;
  decisions: number;
  day: number;
  seed: number;
  k: number;
  /** services/dispatch.ts DispatchOptions.nearest (undefined: the engine's default) */
  nearest?: number;
  databaseUrl?: string;
  keep: boolean;
  /** also time, interleaved on the same tickets' places and products, the engine ranking every agency (nearest 0) against nearest first */
  compare: boolean;
  /** also time, interleaved, the engine on a pool whose statements are all unnamed against its own pool (prepared statements) */
  comparePrepared: boolean;
  /** also time each statement of as many decisions (Kysely's query log), and Node between them */
  perStatement: boolean;
  weights: DispatchWeights[];
}

function parseArgs(argv: string[]): Options {
  const o: Options = { agencies: 5000, jobs: 100_000, decisions: 1000, day: 3000, seed: 13, k: 20, keep: false, compare: false, comparePrepared: false, perStatement: false, weights: [] };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === "--keep" || flag === "--compare" || flag === "--compare-prepared" || flag === "--per-statement") {
      o[({ "--keep": "keep", "--compare": "compare", "--compare-prepared": "comparePrepared", "--per-statement": "perStatement" } as const)[flag]] = true;
      continue;
    }
    const value = argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === "--database-url") o.databaseUrl = value;
    else if (flag === "--weights") {
      const w = parseDispatchWeights(value);
      if (!w.ok) throw new Error(`--weights: ${w.message}`);
      o.weights.push(w.weights);
    }
    else {
      const key = ({ "--agencies": "agencies", "--jobs": "jobs", "--decisions": "decisions", "--day": "day", "--seed": "seed", "--k": "k", "--nearest": "nearest" } as const)[flag];
      const n = Number(value);
      if (!key || !Number.isInteger(n) || n < 0) throw new Error(`unknown option or bad value: ${flag} ${value}`);
      o[key] = n;
    }
  }
  return o;
}

/** Saturday 2026-12-05 10:30 in Tehran: the decisions' instant (most agencies open). */
const DECISION_AT = new Date("2026-12-05T07:00:00Z");
/** Sunday 2026-12-13 in Tehran: the simulated day (08:00-20:00); each weights variant a week later, so no offer of a run counts in the next one's fairness window. */
const DAY_START = new Date("2026-12-13T04:30:00Z");
const WEEK_MS = 7 * 86_400_000;

const fmt = (x: number, d = 2) => x.toFixed(d);

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const dataDir = path.resolve(process.env.DATA_DIR ?? ".data", "bench-dispatch");
  let handle: DatabaseHandle;
  if (o.databaseUrl) handle = await openDatabase({ databaseUrl: o.databaseUrl, dataDir, embeddedPort: 0 });
  else {
    rmSync(dataDir, { recursive: true, force: true });
    handle = await openDatabase({ dataDir, embeddedPort: Number(process.env.EMBEDDED_PG_PORT ?? 54389), log: () => {} });
  }
  const db = handle.db;
  try {
    await migrateToLatest(db);
    await installJobQueue(handle.url);
    await truncateAppTables(db);
    const cpu = cpus()[0]?.model ?? "?";
    console.log(`bench:dispatch — ${o.agencies} agencies, ${o.jobs} open jobs, seed ${o.seed}; ${cpus().length} × ${cpu}; load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);

    let t0 = performance.now();
    const world = generateWorld({ seed: o.seed, agencies: o.agencies, openJobs: o.jobs });
    const loaded = await loadWorld(db, world, { log: (s) => console.log(`  loaded ${s}`) });
    const provinces = new Set(world.agencies.map((a) => a.place.province)).size;
    console.log(`  world generated and loaded in ${fmt((performance.now() - t0) / 1000, 1)} s (${provinces} provinces, ${new Set(world.agencies.map((a) => a.place.city)).size} cities)`);

    // ---- 1. one decision ----
    if (o.decisions > 0) {
      const specs = newTicketSpecs(world, o.seed + 1, o.decisions + 20);
      // 20 warm-ups (connections, plans, caches), not counted
      const warm = await timeDecisions(db, loaded, specs.slice(0, 20), DECISION_AT, o.seed + 2, o.nearest);
      await withdrawOffers(db, warm.ticketIds);
      const r = await timeDecisions(db, loaded, specs.slice(20), DECISION_AT, o.seed + 3, o.nearest);
      const sorted = [...r.ms].sort((a, b) => a - b);
      const mean = r.ms.reduce((s, x) => s + x, 0) / r.ms.length;
      console.log(`\n1. one dispatch decision (dispatchTicket: candidate query + scoring + offer, decision, history, audit, SMS, deadline job), ${r.ms.length} decisions at ${DECISION_AT.toISOString()}`);
      console.log(`   committed as the ticket__dispatch job commits it (asyncCommit: made durable by the job's completion)`);
      console.log(`   p50 ${fmt(percentile(sorted, 50))} ms   p99 ${fmt(percentile(sorted, 99))} ms   mean ${fmt(mean)} ms   max ${fmt(sorted.at(-1)!)} ms   (target p99 ≤ 5 ms: ${percentile(sorted, 99) <= 5 ? "met" : "MISSED"})`);
      console.log(`   outcomes: ${Object.entries(r.outcomes).map(([k, v]) => `${k} ${v}`).join(", ")}`);
      // the same decisions committed as a person's request is (waiting for the WAL to reach the disk), for comparison
      const syncSpecs = newTicketSpecs(world, o.seed + 7, Math.min(200, o.decisions));
      const sync = await timeDecisions(db, loaded, syncSpecs, DECISION_AT, o.seed + 8, o.nearest, false);
      await withdrawOffers(db, sync.ticketIds);
      const ss = [...sync.ms].sort((a, b) => a - b);
      console.log(`   the same committed synchronously (a supervisor's request): p50 ${fmt(percentile(ss, 50))} ms   p99 ${fmt(percentile(ss, 99))} ms over ${ss.length}`);
      // the parts alone, read-only, on as many fresh tickets (the same places and products)
      const fresh = await insertNewTickets(db, loaded, specs.slice(20), specs.slice(20).map(() => new Date(DECISION_AT.getTime() - 60_000)), o.seed + 5);
      const parts = await timeParts(db, fresh, DECISION_AT, o.nearest);
      const q = [...parts.queryMs].sort((a, b) => a - b);
      const sc = [...parts.scoreMs].sort((a, b) => a - b);
      const cands = [...parts.candidates].sort((a, b) => a - b);
      console.log(`   of which, alone: ticket facts + candidate query p50 ${fmt(percentile(q, 50))} / p99 ${fmt(percentile(q, 99))} ms; scoring (rankCandidates) p50 ${fmt(percentile(sc, 50), 3)} / p99 ${fmt(percentile(sc, 99), 3)} ms; candidates returned p50 ${percentile(cands, 50)} / max ${cands.at(-1)}`);
      const nearestFirst = await sql<{ proven: number; n: number; km50: number | null }>`select count(evaluated_within_km)::int as proven, count(*)::int as n,
        percentile_cont(0.5) within group (order by evaluated_within_km) as km50 from dispatch_decisions where ticket_id = any(${r.ticketIds}::bigint[])`.execute(db);
      const nf = nearestFirst.rows[0]!;
      console.log(
        `   nearest first (--nearest ${o.nearest ?? NEAREST_CANDIDATES}): ${nf.proven} of ${nf.n} decisions ranked only the nearest authorized agencies (within ${fmt(nf.km50 ?? 0, 1)} km at the median), proven best; ` +
          `the parts' run: ${Object.entries(parts.paths).map(([k, v]) => `${k} ${v}`).join(", ")} (complete: fewer authorized near than that, all ranked; widened: not proven, all ranked)`,
      );
      const stored = await sql<{ avg: number; max: number; n: number }>`select avg(pg_column_size(ranked))::float8 as avg, max(pg_column_size(ranked))::int as max,
        avg(jsonb_array_length(ranked))::float8 as n from dispatch_decisions`.execute(db);
      const st = stored.rows[0]!;
      console.log(`   each decision stores its ranking (dispatch_decisions.ranked): ${fmt(st.n, 0)} candidates, ${fmt(st.avg / 1024, 1)} KiB on average (max ${fmt(st.max / 1024, 1)} KiB, compressed)`);
      const settings = await sql<{ name: string; setting: string }>`select name, setting from pg_settings where name in ('fsync', 'synchronous_commit', 'shared_buffers') order by name`.execute(db);
      console.log(`   PostgreSQL: ${settings.rows.map((x) => `${x.name}=${x.setting}`).join(", ")}`);
      // a ticket of the biggest city (the most agencies near): the nearest-first query, then every authorized agency near
      const biggest = world.agencies.map((a) => a.place).reduce((a, b) => (b.weight > a.weight ? b : a));
      const inBiggest = r.ticketIds.find((_, i) => specs[20 + i]!.place.city === biggest.city) ?? r.ticketIds[0]!;
      for (const [label, k] of [[`the engine's first query, nearest ${o.nearest ?? NEAREST_CANDIDATES} (nearestCandidateFactsQuery)`, o.nearest ?? NEAREST_CANDIDATES], ["every authorized agency near (candidateFactsQuery: held tickets, not proven, the supervisor's list)", 0]] as const) {
        const plan = await explainCandidateQuery(db, inBiggest, DECISION_AT, 10_000, k);
        console.log(`\n   EXPLAIN (ANALYZE, BUFFERS) of ${label}, a ticket in ${biggest.city}:`);
        console.log(plan.plan.split("\n").map((l) => `   | ${l}`).join("\n"));
        console.log(plan.largeSeqScans.length ? `   ⚠ Seq Scan on a large table: ${plan.largeSeqScans.join(", ")}` : `   no Seq Scan on a large table`);
      }
      await withdrawOffers(db, [...r.ticketIds, ...fresh]);

      if (o.perStatement) {
        const rows = await timeStatements(handle.url, loaded, newTicketSpecs(world, o.seed + 9, o.decisions), DECISION_AT, o.seed + 9, db);
        console.log(`\n   each statement of ${o.decisions} more decisions, as the client waits for it (p50 / p90 / p99 ms; n: how many decisions had it):`);
        for (const { label, ms } of rows) {
          const so = [...ms].sort((a, b) => a - b);
          console.log(`   ${label.padEnd(60)} ${fmt(percentile(so, 50))} / ${fmt(percentile(so, 90))} / ${fmt(percentile(so, 99))}   n ${ms.length}`);
        }
      }

      if (o.comparePrepared) {
        // A/B under the same machine load: each spec twice, alternating a pool whose statements are all unnamed
        // (pg's own client: parsed and planned at each execution) with the engine's own pool (db/prepared.ts:
        // the ticket facts and candidate queries named, planned generically once PostgreSQL settles)
        const unnamed = createKysely(handle.url, 2, { prepared: false });
        try {
          const ab = specs.slice(20).flatMap((sp) => [sp, sp]);
          const ids = await insertNewTickets(db, loaded, ab, ab.map(() => new Date(DECISION_AT.getTime() - 60_000)), o.seed + 7);
          const times: Record<string, number[]> = { unnamed: [], prepared: [] };
          for (let i = 0; i < ids.length; i++) {
            const mode = i % 2 === 0 ? "unnamed" : "prepared";
            const t1 = performance.now();
            await dispatchTicket(mode === "unnamed" ? unnamed : db, { kind: "system", label: "بنچمارک ارجاع" }, { ticketId: ids[i]! }, { now: DECISION_AT, links: { baseUrl: "http://localhost:3000", trackingSecret: "bench-dispatch-tracking-secret" }, ...(o.nearest !== undefined ? { nearest: o.nearest } : {}) });
            times[mode]!.push(performance.now() - t1);
            await withdrawOffers(db, [ids[i]!]);
          }
          for (const [mode, ms] of Object.entries(times)) {
            const so = [...ms].sort((a, b) => a - b);
            console.log(`   A/B interleaved, ${mode === "unnamed" ? "unnamed statements (pg's own client)" : "prepared statements (db/prepared.ts)"}: p50 ${fmt(percentile(so, 50))} / p99 ${fmt(percentile(so, 99))} / mean ${fmt(ms.reduce((a, b) => a + b, 0) / ms.length)} ms over ${ms.length}`);
          }
          console.log(`   load average now ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
        } finally {
          await unnamed.destroy();
        }
      }

      if (o.compare) {
        // A/B under the same machine load: each spec twice, one decision ranking every authorized agency near
        // the customer (nearest 0, the engine before nearest first), one nearest first, alternating
        const ab = specs.slice(20).flatMap((sp) => [sp, sp]);
        const ids = await insertNewTickets(db, loaded, ab, ab.map(() => new Date(DECISION_AT.getTime() - 60_000)), o.seed + 6);
        const times: Record<string, number[]> = { all: [], nearest: [] };
        for (let i = 0; i < ids.length; i++) {
          const mode = i % 2 === 0 ? "all" : "nearest";
          const t1 = performance.now();
          await dispatchTicket(db, { kind: "system", label: "بنچمارک ارجاع" }, { ticketId: ids[i]! }, { now: DECISION_AT, links: { baseUrl: "http://localhost:3000", trackingSecret: "bench-dispatch-tracking-secret" }, ...(mode === "all" ? { nearest: 0 } : o.nearest !== undefined ? { nearest: o.nearest } : {}) });
          times[mode]!.push(performance.now() - t1);
          // each offer withdrawn at once: both modes see the same load
          await withdrawOffers(db, [ids[i]!]);
        }
        for (const [mode, ms] of Object.entries(times)) {
          const so = [...ms].sort((a, b) => a - b);
          console.log(`   A/B interleaved, ${mode === "all" ? "every authorized agency near (--nearest 0)" : "nearest first"}: p50 ${fmt(percentile(so, 50))} / p99 ${fmt(percentile(so, 99))} / mean ${fmt(ms.reduce((a, b) => a + b, 0) / ms.length)} ms over ${ms.length}`);
        }
        console.log(`   load average now ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
      }
    }

    // ---- 2. a simulated day ----
    if (o.day > 0) {
      const capacity = await remainingCapacity(db, world, DAY_START);
      const variants: [string, DispatchWeights][] = [
        ["default weights", { ...DEFAULT_DISPATCH_WEIGHTS }],
        ["distance-heavy", { distance: 0.85, load: 0.05, performance: 0.05, fairness: 0.05 }],
        ["distance only", { distance: 1, load: 0, performance: 0, fairness: 0 }],
        ...o.weights.map((w): [string, DispatchWeights] => ["--weights", w]),
      ];
      const base = dayTickets(world, o.seed + 4, o.day, DAY_START);
      t0 = performance.now();
      const opt = await hindsightOptimum(world, base, capacity, o.k);
      const optCheck = checkAssignment(world, base, capacity, opt);
      console.log(`\n2. a simulated day: ${o.day} tickets arriving 08:00-20:00 (Tehran), each offer accepted at once`);
      console.log(
        `   hindsight optimum (HiGHS, LP on ${opt.columns.toLocaleString("en")} of ${opt.arcsTotal.toLocaleString("en")} eligible ticket×agency arcs, ${opt.rounds} round(s) of column generation, ${fmt((performance.now() - t0) / 1000, 1)} s): ` +
          `total ${fmt(opt.totalKm, 1)} km, mean ${fmt(opt.totalKm / Math.max(1, optCheck.assigned))} km, unassigned ${optCheck.unassigned}, violations ${optCheck.capacityViolations + optCheck.eligibilityViolations}`,
      );
      for (let v = 0; v < variants.length; v++) {
        const [label, weights] = variants[v]!;
        // the same day, a week later per variant (same weekday and hours; the previous run's offers out of the fairness window)
        const day = base.map((d) => ({ spec: d.spec, at: new Date(d.at.getTime() + v * WEEK_MS) }));
        const run = await simulateDay(db, world, loaded, day, weights, o.seed + 10 + v, o.nearest);
        const c = checkAssignment(world, day, capacity, run);
        const sorted = [...run.ms].sort((a, b) => a - b);
        const above = ((c.totalKm - opt.totalKm) / opt.totalKm) * 100;
        const sameCount = c.assigned === optCheck.assigned;
        console.log(
          `   online, ${label} ${JSON.stringify(weights)}: total ${fmt(c.totalKm, 1)} km (${above >= 0 ? "+" : ""}${fmt(above, 1)}% vs optimum${sameCount ? "" : `, but ${c.assigned} assigned vs ${optCheck.assigned}`}), ` +
            `mean ${fmt(c.totalKm / Math.max(1, c.assigned))} km, unassigned ${c.unassigned}, capacity violations ${c.capacityViolations}, eligibility violations ${c.eligibilityViolations}; ` +
            `decision p50 ${fmt(percentile(sorted, 50))} / p99 ${fmt(percentile(sorted, 99))} ms — target ≤ 5%: ${above <= 5 && sameCount ? "met" : "MISSED"}`,
        );
        await undoDay(db, run.ticketIds);
      }
    }
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from dispatch_offers`.execute(db);
    console.log(`\n(${rows[0]!.n - loaded.loadedOffers} offers written in all)`);
  } finally {
    await handle.close();
    if (!o.databaseUrl && !o.keep) rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
