// npx tsx bench/queries.ts [--runs N]
// Wall-clock timings of representative queries against the configured database (DATABASE_URL,
// or the embedded PostgreSQL in DATA_DIR). Fill it first: npm run seed:large -- --tickets 1000000
import { sql, type RawBuilder } from "kysely";
import { loadEnv } from "../platform/env";
import { jalaliYearMonth } from "../core/jalali";
import { AGENCY_LOAD_STATUSES, TERMINAL_STATUSES } from "../core/ticket";
import { openDatabase, type DB } from "../db/connection";
import { runCli } from "../db/cli/run";

interface Case {
  name: string;
  query: () => RawBuilder<unknown>;
}

/** A status set of core/ticket as an SQL list of literals. */
const statusList = (set: readonly string[]) => sql.join(set.map((s) => sql.lit(s)));

function cases(agencyId: number, periods: string[]): Case[] {
  // Tehran, Azadi Square area: a dense neighbourhood
  const [lat, lng, radiusM] = [35.6997, 51.338, 3000];
  return [
    {
      name: "tickets by status 'new', page 1",
      query: () => sql`
        select t.id, t.number, t.status, t.priority, t.created_at, c.full_name, c.mobile, a.name as agency
        from tickets t
        join customers c on c.id = t.customer_id
        left join agencies a on a.id = t.assigned_agency_id
        where t.status = 'new'
        order by t.created_at desc
        limit 50`,
    },
    {
      name: "tickets by status 'closed', page 1",
      query: () => sql`
        select t.id, t.number, t.status, t.priority, t.created_at, c.full_name, c.mobile, a.name as agency
        from tickets t
        join customers c on c.id = t.customer_id
        left join agencies a on a.id = t.assigned_agency_id
        where t.status = 'closed'
        order by t.created_at desc
        limit 50`,
    },
    {
      name: "one agency's open tickets (THR-001)",
      query: () => sql`
        select t.id, t.number, t.status, t.priority, t.created_at, t.sla_visit_due_at, c.full_name, t.city
        from tickets t
        join customers c on c.id = t.customer_id
        where t.assigned_agency_id = ${agencyId}
          and t.status in (${statusList(AGENCY_LOAD_STATUSES)})
        order by t.created_at desc
        limit 50`,
    },
    {
      name: `open tickets within ${radiusM / 1000} km of a point (earthdistance)`,
      query: () => sql`
        select t.id, t.number, t.status, earth_distance(ll_to_earth(${lat}, ${lng}), ll_to_earth(t.lat, t.lng)) as metres
        from tickets t
        where t.lat is not null
          and earth_box(ll_to_earth(${lat}, ${lng}), ${radiusM}) @> ll_to_earth(t.lat, t.lng)
          and earth_distance(ll_to_earth(${lat}, ${lng}), ll_to_earth(t.lat, t.lng)) <= ${radiusM}
          and t.status not in (${statusList(TERMINAL_STATUSES)})
        order by metres
        limit 100`,
    },
    {
      name: `referral-fee totals per agency, ${periods.length} Jalali months`,
      query: () => sql`
        select f.agency_id, a.code, f.period, count(*) as tickets, sum(f.invoice_amount_rials) as invoiced,
          sum(f.fee_rials) as fees, sum(f.fee_rials) filter (where not f.settled) as unsettled
        from referral_fees f
        join agencies a on a.id = f.agency_id
        where f.period in (${sql.join(periods)})
        group by f.agency_id, a.code, f.period
        order by f.period, fees desc`,
    },
    {
      name: "one ticket's history",
      query: () => sql`
        select e.at, e.event_type, e.from_status, e.to_status, e.actor_kind, u.display_name
        from ticket_events e left join users u on u.id = e.actor_user_id
        where e.ticket_id = (select max(id) - 17 from tickets)
        order by e.at, e.id`,
    },
  ];
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

async function time(db: DB, c: Case, runs: number): Promise<{ median: number; p95: number; min: number; rows: number }> {
  let rows = 0;
  for (let i = 0; i < 2; i++) rows = (await c.query().execute(db)).rows.length; // warm-up
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    rows = (await c.query().execute(db)).rows.length;
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { median: percentile(ms, 50), p95: percentile(ms, 95), min: ms[0]!, rows };
}

await runCli(async () => {
  const args = process.argv.slice(2);
  const runsAt = args.indexOf("--runs");
  const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 20;
  if (!Number.isInteger(runs) || runs < 1) throw new Error("usage: npx tsx bench/queries.ts [--runs N]");
  const env = loadEnv();
  const handle = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.dataDir, embeddedPort: env.EMBEDDED_PG_PORT, log: console.log, poolSize: 1 });
  try {
    const db = handle.db;
    const counts = (await sql<{ tickets: string; events: string; fees: string; version: string }>`
      select (select count(*) from tickets) as tickets, (select count(*) from ticket_events) as events,
        (select count(*) from referral_fees) as fees, current_setting('server_version') as version`.execute(db)).rows[0]!;
    const agency = await db.selectFrom("agencies").select("id").where("code", "=", "THR-001").executeTakeFirst()
      ?? (await db.selectFrom("agencies").select("id").orderBy("id").executeTakeFirst());
    if (!agency) throw new Error("no agencies: load data first (npm run seed, npm run seed:large)");
    const now = Date.now();
    const periods = [...new Set([0, 31, 62].map((d) => jalaliYearMonth(new Date(now - d * 86_400_000))))];

    console.log(`PostgreSQL ${counts.version}: ${Number(counts.tickets)} tickets, ${Number(counts.events)} ticket events, ${Number(counts.fees)} referral fees; ${runs} runs each after 2 warm-ups`);
    console.log(`${"query".padEnd(58)} ${"median ms".padStart(10)} ${"p95 ms".padStart(10)} ${"min ms".padStart(10)} ${"rows".padStart(6)}`);
    for (const c of cases(agency.id, periods)) {
      const r = await time(db, c, runs);
      console.log(`${c.name.padEnd(58)} ${r.median.toFixed(2).padStart(10)} ${r.p95.toFixed(2).padStart(10)} ${r.min.toFixed(2).padStart(10)} ${String(r.rows).padStart(6)}`);
    }
  } finally {
    await handle.close();
  }
});
