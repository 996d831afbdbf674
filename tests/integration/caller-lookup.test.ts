import { Kysely, PostgresDialect, sql, type CompiledQuery } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { typeParsers, type DB } from "../../db/connection";
import type { Database } from "../../db/schema";
import { startInboundCall } from "../../services/calls";
import { withDatabase } from "../support/global-setup";
import { getTestDb } from "../support/db";

/*
 * Every incoming call looks its caller up among the customers (services/calls.ts startInboundCall): by
 * mobile or by one of their other phones. On a realistically large customers table (200,000, a quarter
 * with other phones, as the demo seed makes them) and the planner's normal settings, the lookup must read
 * its two indexes — customers_mobile_idx and the GIN customers_other_phones_idx — never every customer.
 */

const CUSTOMERS = 200_000;
let db: DB;
let pool: pg.Pool;
let logged: DB;
let captured: CompiledQuery[] = [];
let seq = 0;

beforeAll(async () => {
  db = await getTestDb();
  await sql`insert into customers (full_name, mobile, other_phones, created_at, updated_at)
    select 'مشتری ' || g, '+98912' || lpad(g::text, 7, '0'),
           case when g % 4 = 0 then array['021' || lpad(g::text, 8, '0')]
                when g % 13 = 0 then array['+98935' || lpad(g::text, 7, '0')]
                else '{}'::text[] end,
           now() - g * interval '1 minute', now() - g * interval '1 minute'
    from generate_series(1, ${CUSTOMERS}) g`.execute(db);
  await sql`analyze customers`.execute(db);
  const name = (await sql<{ name: string }>`select current_database() as name`.execute(db)).rows[0]!.name;
  pool = new pg.Pool({ connectionString: withDatabase(inject("testAdminUrl"), name), max: 1, types: typeParsers });
  logged = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: (e) => {
      if (e.level === "query") captured.push(e.query);
    },
  });
}, 120_000);

afterAll(async () => {
  await logged?.destroy();
});

async function customerOf(callerNumber: string | null) {
  return (await startInboundCall(db, { channelId: `lookup-${++seq}`, callerNumber, calledNumber: "1500", nodeId: "node-1" })).customerId;
}
async function idByMobile(mobile: string) {
  return Number((await db.selectFrom("customers").select("id").where("mobile", "=", mobile).executeTakeFirstOrThrow()).id);
}

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}
function nodesOf(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodesOf)];
}

describe("the caller is matched to a customer", () => {
  it("by mobile in any written form, or by one of their other phones; none when unknown", async () => {
    expect(await customerOf("0912 000 0001")).toBe(await idByMobile("+989120000001"));
    expect(await customerOf("۰۹۱۲۰۰۰۰۰۰۲")).toBe(await idByMobile("+989120000002"));
    // another phone: a landline as stored, a second mobile in its +98 form whatever form the caller has
    expect(await customerOf("021-0000-0008")).toBe(await idByMobile("+989120000008"));
    expect(await customerOf("0098 935 000 0013")).toBe(await idByMobile("+989120000013"));
    expect(await customerOf("09399999999")).toBeNull();
    expect(await customerOf(null)).toBeNull();
  });

  it("a number that is one customer's mobile and another's other phone goes to the one updated last, as before", async () => {
    const older = await idByMobile("+989120000021");
    const newer = await idByMobile("+989120000022");
    await sql`update customers set other_phones = other_phones || array['+989120000021'], updated_at = now() + interval '1 minute' where id = ${newer}`.execute(db);
    expect(await customerOf("09120000021")).toBe(newer);
    await sql`update customers set updated_at = now() + interval '2 minutes' where id = ${older}`.execute(db);
    expect(await customerOf("09120000021")).toBe(older);
  });

  it(`on ${CUSTOMERS.toLocaleString("en")} customers, the lookup reads the mobile and other-phones indexes and never scans the table`, async () => {
    captured = [];
    await startInboundCall(logged, { channelId: `lookup-plan-${++seq}`, callerNumber: "02100000008", calledNumber: "1500", nodeId: "node-1" });
    const q = captured.find((c) => c.sql.includes("from customers"));
    expect(q).toBeDefined();
    const r = await pool.query(`explain (format json) ${q!.sql}`, q!.parameters as unknown[]);
    const nodes = nodesOf((r.rows[0]["QUERY PLAN"] as { Plan: PlanNode }[])[0]!.Plan);
    const onCustomers = nodes.filter((n) => n["Relation Name"] === "customers" || n["Index Name"]?.startsWith("customers_"));
    expect(onCustomers.map((n) => n["Node Type"])).not.toContain("Seq Scan");
    expect(onCustomers.map((n) => n["Index Name"]).filter(Boolean).sort()).toEqual(["customers_mobile_idx", "customers_other_phones_idx"]);

    // the form it replaced could only read every customer
    const old = await pool.query(`explain (format json) select id from customers where mobile = $1 or $1 = any(other_phones) order by updated_at desc limit 1`, ["02100000008"]);
    const oldNodes = nodesOf((old.rows[0]["QUERY PLAN"] as { Plan: PlanNode }[])[0]!.Plan);
    expect(oldNodes.some((n) => n["Node Type"] === "Seq Scan" && n["Relation Name"] === "customers")).toBe(true);
  });
});
