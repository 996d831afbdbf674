/**
 * The ACD's read (services/calls.ts acdFactsStatement) runs as a named statement: after five executions
 * PostgreSQL may keep one generic plan for it. That plan, on a calls table of many ended calls and a few live
 * ones, must find the queue and the operators' live calls through the partial index on live calls
 * (calls_live_idx), as the plan for the values does: the states it filters on are literals in its text.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DB } from "../../db/connection";
import { acdFactsStatement } from "../../services/calls";
import { getTestDb } from "../support/db";

let db: DB;

function walk(node: Record<string, unknown>, out: { scans: string[]; indexes: string[] }) {
  if (node["Node Type"] === "Seq Scan") out.scans.push(String(node["Relation Name"]));
  if (typeof node["Index Name"] === "string") out.indexes.push(node["Index Name"]);
  for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child, out);
}

beforeAll(async () => {
  db = await getTestDb();
  await sql`insert into calls (channel_id, direction, state, started_at, ended_at, disposition)
    select 'acd-plan-ended-' || g, 'inbound', 'ended', now() - make_interval(mins => g), now() - make_interval(mins => g) + interval '1 minute', 'answered'
    from generate_series(1, 30000) g
    on conflict (channel_id) do nothing`.execute(db);
  await sql`insert into calls (channel_id, direction, state, started_at, enqueued_at, node_id, queue)
    select 'acd-plan-queued-' || g, 'inbound', 'queued', now(), now(), 'acd-plan-node', 'breakdown'
    from generate_series(1, 5) g
    on conflict (channel_id) do nothing`.execute(db);
  await sql`analyze calls`.execute(db);
}, 120_000);

afterAll(async () => {
  await sql`delete from calls where channel_id like 'acd-plan-%'`.execute(db);
  await sql`analyze calls`.execute(db);
});

describe("the ACD's read as a prepared statement", () => {
  it("keeps a generic plan that reads calls through the live-calls index, with the same rows as the custom one", async () => {
    const own = await db.selectFrom("calls").select("id").where("channel_id", "like", "acd-plan-queued-%").execute();
    const q = acdFactsStatement(db, "acd-plan-node", own.map((r) => r.id), true);
    expect(q.parameters).toHaveLength(3);
    expect(q.sql).toContain(`"c"."state" = 'queued'`);
    const plans = await db.connection().execute(async (conn) => {
      await sql.raw(`prepare acd_plan_check(bigint[], text, boolean) as ${q.sql}`).execute(conn);
      const args = `'{${own.map((r) => r.id).join(",")}}'::bigint[], 'acd-plan-node', true`;
      const out: Record<string, unknown>[] = [];
      for (const mode of ["force_custom_plan", "force_generic_plan"]) {
        await sql.raw(`set plan_cache_mode = ${mode}`).execute(conn);
        const r = await sql.raw<{ "QUERY PLAN": { Plan: Record<string, unknown> }[] }>(`explain (format json) execute acd_plan_check(${args})`).execute(conn);
        out.push(r.rows[0]!["QUERY PLAN"][0]!.Plan);
      }
      const rows = await sql.raw<{ calls: { id: number }[] }>(`execute acd_plan_check(${args})`).execute(conn);
      await sql.raw(`reset plan_cache_mode`).execute(conn);
      await sql.raw(`deallocate acd_plan_check`).execute(conn);
      return { out, rows: rows.rows };
    });
    for (const plan of plans.out) {
      const found = { scans: [] as string[], indexes: [] as string[] };
      walk(plan, found);
      expect(found.scans).not.toContain("calls");
      expect(found.indexes).toContain("calls_live_idx");
    }
    expect(plans.rows[0]!.calls.map((c) => Number(c.id)).sort((a, b) => a - b)).toEqual(expect.arrayContaining(own.map((r) => Number(r.id))));
  });
});
