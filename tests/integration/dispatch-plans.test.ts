/**
 * The dispatch decision at the scale (5,000 agencies across Iran, 100,000 open jobs, a few
 * thousand pending offers, one agency in five with a service area drawn): both candidate queries (every authorized agency near; the nearest first) read
 * only indexes of the big tables (no sequential scan of tickets, dispatch_offers, agencies or their areas
 * and authorizations), with the planner's own choice on analysed data, the nearest-first one walking the
 * location index in distance order; nearest first picks the same best agency as ranking them all; and
 * decisions at that scale offer an authorized, active agency with room.
 * (The p50/p99 of a decision are printed for information; bench/dispatch measures them.)
 */
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { createKysely, type DB } from "../../db/connection";
import { DEFAULT_DISPATCH_WEIGHTS } from "../../core/dispatch";
import { candidateFacts, candidateFactsQuery, nearestCandidateFacts, nearestCandidateFactsQuery, ticketDispatchFacts } from "../../db/repos/dispatch";
import { DISPATCH_ACTOR, dispatchTicket, NEAREST_CANDIDATES, rankForTicket } from "../../services/dispatch";
import { buildDispatchScale, type ScaleWorld } from "../support/dispatch-scale";
import { getTestDb, getTestDbUrl, resetDatabase } from "../support/db";

let db: DB;
let world: ScaleWorld;
const links = { baseUrl: "https://service.example.ir", trackingSecret: "test-tracking-secret-0123456789" };

async function newTicket(placeIndex: number, productIndex: number): Promise<number> {
  const p = world.places[placeIndex]!;
  const t = await db
    .insertInto("tickets")
    .values({
      type: "breakdown",
      channel: "phone",
      customer_id: world.customerId,
      customer_product_id: world.productIds[productIndex % world.productIds.length]!,
      warranty_status: "in_warranty",
      province: p.province,
      city: p.city,
      lat: p.lat + 0.01,
      lng: p.lng - 0.01,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return t.id;
}

function walk(node: Record<string, unknown>, out: { scans: string[]; indexes: string[]; ordered?: string[] }) {
  const type = String(node["Node Type"]);
  if (type === "Seq Scan") out.scans.push(String(node["Relation Name"]));
  if (typeof node["Index Name"] === "string") out.indexes.push(node["Index Name"]);
  if (typeof node["Index Name"] === "string" && node["Order By"]) out.ordered?.push(node["Index Name"]);
  for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child, out);
}

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  world = await buildDispatchScale(db);
  // one agency in five has its service area drawn on the map (a square of ±0.2° around it)
  await sql`insert into agency_service_polygons (agency_id, area)
    select id, polygon(box(point(lng - 0.2, lat - 0.2), point(lng + 0.2, lat + 0.2))) from agencies where lat is not null and id % 5 = 0`.execute(db);
  await sql`analyze agency_service_polygons`.execute(db);
}, 600_000);

describe("the candidate query at 5,000 agencies and 100,000 open jobs", () => {
  it("reads the big tables through their indexes only", async () => {
    const ticketId = await newTicket(0, 7);
    const facts = (await ticketDispatchFacts(db, ticketId))!;
    const q = candidateFactsQuery(facts, new Date()).compile(db);
    const r = await explain(q);
    const out = { scans: [] as string[], indexes: [] as string[] };
    walk(r.rows[0]!["QUERY PLAN"][0]!.Plan, out);
    expect(out.scans.filter((t) => ["tickets", "dispatch_offers", "agencies", "agency_service_areas", "agency_authorizations", "agency_service_polygons"].includes(t))).toEqual([]);
    expect(out.indexes).toEqual(
      expect.arrayContaining([
        "agency_service_areas_place_idx",
        "agencies_location_idx",
        "tickets_agency_load_idx",
        "dispatch_offers_agency_live_idx",
        "dispatch_offers_agency_history_idx",
        "agency_authorizations_pkey",
        "agency_authorizations_skill_idx",
        "agency_service_polygons_agency_idx",
      ]),
    );
  });

  it("the nearest-first query walks agencies_location_idx in distance order (GiST <->), indexes only", async () => {
    const ticketId = await newTicket(0, 7);
    const facts = (await ticketDispatchFacts(db, ticketId))!;
    const r = await explain(nearestCandidateFactsQuery(facts, new Date(), NEAREST_CANDIDATES).compile(db));
    const out = { scans: [] as string[], indexes: [] as string[], ordered: [] as string[] };
    walk(r.rows[0]!["QUERY PLAN"][0]!.Plan, out);
    expect(out.scans.filter((t) => ["tickets", "dispatch_offers", "agencies", "agency_service_areas", "agency_authorizations", "agency_service_polygons"].includes(t))).toEqual([]);
    expect(out.ordered).toContain("agencies_location_idx");
    expect(out.indexes).toEqual(expect.arrayContaining(["agency_authorizations_pkey", "tickets_agency_load_idx", "dispatch_offers_agency_live_idx"]));
  });

  it("counts a candidate's pending offers by the agency's own index, even on statistics taken when none were pending", async () => {
    const ticketId = await newTicket(0, 7);
    const facts = (await ticketDispatchFacts(db, ticketId))!;
    const q = nearestCandidateFactsQuery(facts, new Date(), NEAREST_CANDIDATES).compile(db);
    const out = { scans: [] as string[], indexes: [] as string[] };
    await db
      .transaction()
      .execute(async (trx) => {
        const { rows } = await sql<{ id: number }>`update dispatch_offers set status = 'expired', responded_at = deadline_at where status = 'pending' returning id`.execute(trx);
        expect(rows.length).toBeGreaterThan(1000);
        await sql`analyze dispatch_offers`.execute(trx); // (rolled back with the rest)
        await sql`update dispatch_offers set status = 'pending', responded_at = null where id = any(${rows.map((r) => r.id)}::bigint[])`.execute(trx);
        const plan = await sql.raw<{ "QUERY PLAN": { Plan: Record<string, unknown> }[] }>(
          `explain (format json) ${q.sql.replace(/\$(\d+)/g, (_, n: string) => literal(q.parameters[Number(n) - 1]))}`,
        ).execute(trx);
        walk(plan.rows[0]!["QUERY PLAN"][0]!.Plan, out);
        throw new RolledBack();
      })
      .catch((e: unknown) => {
        if (!(e instanceof RolledBack)) throw e;
      });
    expect(out.scans).not.toContain("dispatch_offers");
    expect(out.indexes, JSON.stringify(out.indexes)).toContain("dispatch_offers_agency_live_idx");
    // nor any other index of the country's pending offers, walked and filtered by agency
    expect(out.indexes).not.toContain("dispatch_offers_one_pending");
  });

  it("nearest first picks the same best agency as ranking every authorized agency near the customer", async () => {
    const paths: Record<string, number> = {};
    for (let i = 0; i < 40; i++) {
      const ticketId = await newTicket(i % world.places.length, i * 3);
      const facts = (await ticketDispatchFacts(db, ticketId))!;
      const now = new Date();
      const fast = await rankForTicket(db, facts, now, DEFAULT_DISPATCH_WEIGHTS);
      const all = await rankForTicket(db, facts, now, DEFAULT_DISPATCH_WEIGHTS, 0);
      paths[fast.path] = (paths[fast.path] ?? 0) + 1;
      expect(fast.ranking.ranked[0]?.agencyId).toEqual(all.ranking.ranked[0]?.agencyId);
      if (fast.path === "nearest") {
        expect(fast.candidates.length).toBe(NEAREST_CANDIDATES);
        expect(all.candidates.length).toBeGreaterThan(NEAREST_CANDIDATES);
        // what it ranked is what the full ranking says of those agencies
        const full = new Map(all.ranking.ranked.map((c) => [c.agencyId, c]));
        for (const c of fast.ranking.ranked) expect(c).toEqual(full.get(c.agencyId));
      }
    }
    expect(paths.nearest ?? 0).toBeGreaterThan(0);
  });
});

/** A parameter's value as an SQL literal. */
function literal(v: unknown): string {
  if (v instanceof Date) return `'${v.toISOString()}'::timestamptz`;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return `'${String(v).replace(/'/g, "''")}'`;
}

/** EXPLAIN (format json) of a compiled query, its parameters inlined (the planner's choice for these values). */
class RolledBack extends Error {}

async function explain(q: { sql: string; parameters: readonly unknown[] }) {
  return sql.raw<{ "QUERY PLAN": { Plan: Record<string, unknown> }[] }>(
    `explain (format json) ${q.sql.replace(/\$(\d+)/g, (_, n: string) => literal(q.parameters[Number(n) - 1]))}`,
  ).execute(db);
}

describe("the named statements' generic plans (db/prepared.ts)", () => {
  it("after five executions PostgreSQL may plan them once for any values: those plans keep the k-NN walk and the indexes", async () => {
    // one connection of the engine's own pool kind, so every statement below is on it
    const one = createKysely(await getTestDbUrl(), 1);
    try {
      const now = new Date();
      const facts = [];
      for (let i = 0; i < 8; i++) facts.push((await ticketDispatchFacts(one, await newTicket(i % world.places.length, i * 5)))!);
      for (const f of facts) await nearestCandidateFacts(one, f, now, NEAREST_CANDIDATES);
      const { rows } = await sql<{ name: string; statement: string; generic_plans: number; custom_plans: number }>`
        select name, statement, generic_plans::int as generic_plans, custom_plans::int as custom_plans
        from pg_prepared_statements where not from_sql`.execute(one);
      const knn = rows.filter((r) => r.statement.includes("with knn as materialized"));
      const factsStatement = rows.filter((r) => r.statement.includes("from tickets t"));
      expect(knn).toHaveLength(1);
      expect(factsStatement).toHaveLength(1);
      expect(knn[0]!.generic_plans + knn[0]!.custom_plans).toBe(8);
      console.log(`nearest-first query, 8 executions: ${knn[0]!.custom_plans} custom plans, ${knn[0]!.generic_plans} generic; ticket facts: ${factsStatement[0]!.custom_plans} custom, ${factsStatement[0]!.generic_plans} generic`);

      // the generic plans themselves, forced, for the first ticket's values
      await sql`set plan_cache_mode = force_generic_plan`.execute(one);
      const q = nearestCandidateFactsQuery(facts[0]!, now, NEAREST_CANDIDATES).compile(one);
      const generic = await sql.raw<{ "QUERY PLAN": { Plan: Record<string, unknown> }[] }>(
        `explain (format json) execute ${knn[0]!.name}(${q.parameters.map(literal).join(", ")})`,
      ).execute(one);
      const out = { scans: [] as string[], indexes: [] as string[], ordered: [] as string[] };
      walk(generic.rows[0]!["QUERY PLAN"][0]!.Plan, out);
      expect(out.scans.filter((t) => ["tickets", "dispatch_offers", "agencies", "agency_service_areas", "agency_authorizations", "agency_service_polygons"].includes(t))).toEqual([]);
      expect(out.ordered).toContain("agencies_location_idx");
      expect(out.indexes).toEqual(expect.arrayContaining(["agency_authorizations_pkey", "tickets_agency_load_idx", "dispatch_offers_agency_live_idx"]));

      const f = await sql.raw<{ "QUERY PLAN": { Plan: Record<string, unknown> }[] }>(
        `explain (format json) execute ${factsStatement[0]!.name}(${facts[0]!.id})`,
      ).execute(one);
      const fo = { scans: [] as string[], indexes: [] as string[] };
      walk(f.rows[0]!["QUERY PLAN"][0]!.Plan, fo);
      expect(fo.scans.filter((t) => ["tickets", "dispatch_offers", "customer_products"].includes(t))).toEqual([]);
      expect(fo.indexes).toEqual(expect.arrayContaining(["tickets_pkey"]));

      // and the generic plan answers as the custom one did
      expect(await nearestCandidateFacts(one, facts[1]!, now, NEAREST_CANDIDATES)).toEqual(await nearestCandidateFacts(db, facts[1]!, now, NEAREST_CANDIDATES));

      // every authorized agency near (held tickets, not proven, the supervisor's list): its generic plan too
      await sql`set plan_cache_mode = auto`.execute(one);
      for (const x of facts) await candidateFacts(one, x, now);
      const everyone = (await sql<{ name: string }>`select name from pg_prepared_statements where statement like '%near as (%'`.execute(one)).rows;
      expect(everyone).toHaveLength(1);
      await sql`set plan_cache_mode = force_generic_plan`.execute(one);
      const all = candidateFactsQuery(facts[0]!, now).compile(one);
      const g = await sql.raw<{ "QUERY PLAN": { Plan: Record<string, unknown> }[] }>(
        `explain (format json) execute ${everyone[0]!.name}(${all.parameters.map(literal).join(", ")})`,
      ).execute(one);
      const go = { scans: [] as string[], indexes: [] as string[] };
      walk(g.rows[0]!["QUERY PLAN"][0]!.Plan, go);
      expect(go.scans.filter((t) => ["tickets", "dispatch_offers", "agencies", "agency_service_areas", "agency_authorizations", "agency_service_polygons"].includes(t))).toEqual([]);
      expect(go.indexes).toEqual(expect.arrayContaining(["agency_service_areas_place_idx", "agencies_location_idx", "tickets_agency_load_idx", "dispatch_offers_agency_live_idx"]));
      expect(await candidateFacts(one, facts[2]!, now)).toEqual(await candidateFacts(db, facts[2]!, now));
    } finally {
      await one.destroy();
    }
  });
});

describe("decisions at scale", () => {
  it("decisions offer an authorized, active agency with room, covering the customer", async () => {
    const times: number[] = [];
    for (let i = 0; i < 60; i++) {
      const place = i % 3 === 0 ? 4 + ((i * 7) % (world.places.length - 4)) : i % 4;
      const ticketId = await newTicket(place, i);
      const t0 = performance.now();
      const r = await dispatchTicket(db, DISPATCH_ACTOR, { ticketId }, { links, offerMinutes: 30 });
      times.push(performance.now() - t0);
      if (r.outcome !== "offered") continue;
      const { rows } = await sql<{ ok: boolean }>`
        select a.status = 'active'
           and exists (select 1 from agency_authorizations z join product_models m on m.brand_id = z.brand_id and m.category_id = z.category_id
                       join customer_products cp on cp.model_id = m.id join tickets t on t.customer_product_id = cp.id
                       where t.id = ${ticketId} and z.agency_id = a.id)
           and (select count(*) from tickets x where x.assigned_agency_id = a.id and x.status in ('assigned','scheduled','in_progress','on_hold'))
             + (select count(*) from dispatch_offers o where o.agency_id = a.id and o.status = 'pending' and o.ticket_id <> ${ticketId} and o.deadline_at > now())
             < a.daily_job_capacity as ok
        from agencies a where a.id = ${r.agencyId}`.execute(db);
      expect(rows[0]!.ok).toBe(true);
    }
    times.sort((a, b) => a - b);
    const pct = (p: number) => times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)]!.toFixed(2);
    console.log(`dispatch decision (query + scoring + offer, own transaction): p50 ${pct(50)} ms, p99 ${pct(99)} ms over ${times.length}`);
  });
});
