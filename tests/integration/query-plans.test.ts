import { Kysely, PostgresDialect, sql, type CompiledQuery } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { typeParsers, type DB } from "../../db/connection";
import * as audit from "../../db/repos/audit";
import * as dashboard from "../../db/repos/dashboard";
import * as fees from "../../db/repos/fees";
import * as tickets from "../../db/repos/tickets";
import type { Database } from "../../db/schema";
import { withDatabase } from "../support/global-setup";
import { getTestDb } from "../support/db";
import { inject } from "vitest";

/*
 * The hot reads at a million tickets depend on their indexes, several of them partial (their predicates
 * are SQL lists frozen in a migration, the queries' lists come from core/). With sequential scans and
 * sorts disabled the planner takes an index whenever one can serve: these plans name the index each query
 * must be able to use, so a change of a status list or of a query's shape cannot silently lose it.
 */

let pool: pg.Pool;
let logged: DB;
let captured: CompiledQuery[] = [];
const all = { kind: "all" } as const;

beforeAll(async () => {
  const db = await getTestDb();
  const name = (await sql<{ name: string }>`select current_database() as name`.execute(db)).rows[0]!.name;
  pool = new pg.Pool({ connectionString: withDatabase(inject("testAdminUrl"), name), max: 1, types: typeParsers });
  logged = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: (e) => {
      if (e.level === "query") captured.push(e.query);
    },
  });
});

afterAll(async () => {
  await logged?.destroy();
});

/** Indexes in the plans of every query `call` runs. */
async function indexesUsed(call: (db: DB) => Promise<unknown>, { allowSort = false } = {}): Promise<string[]> {
  captured = [];
  await call(logged);
  const queries = captured;
  captured = [];
  const names: string[] = [];
  const client = await pool.connect();
  try {
    // an empty table's plans would rather scan or sort; forbid both so that only "cannot use" is left
    await client.query("set enable_seqscan = off");
    // a search's few rows are sorted after their lookup: with sorts off, any ordered index would win instead
    if (!allowSort) await client.query("set enable_sort = off");
    for (const q of queries) {
      const r = await client.query(`explain (format json) ${q.sql}`, q.parameters as unknown[]);
      const walk = (node: Record<string, unknown>) => {
        if (typeof node["Index Name"] === "string") names.push(node["Index Name"]);
        for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
      };
      walk((r.rows[0]["QUERY PLAN"] as { Plan: Record<string, unknown> }[])[0]!.Plan);
    }
  } finally {
    await client.query("reset enable_seqscan");
    await client.query("reset enable_sort");
    client.release();
  }
  return names;
}

describe("the hot reads can use their indexes", () => {
  it("overdue tickets: the partial index over unresolved tickets", async () => {
    expect(await indexesUsed((db) => dashboard.overdueTickets(db, new Date()))).toContain("tickets_unresolved_due_idx");
  });

  it("agencies by current load: the partial index over their load statuses", async () => {
    expect(await indexesUsed((db) => dashboard.agenciesByOpenJobs(db, 10))).toContain("tickets_agency_load_idx");
  });

  it("a ticket's offers: the index by ticket", async () => {
    expect(await indexesUsed((db) => tickets.ticketOffers(db, all, 1))).toContain("dispatch_offers_ticket_idx");
  });

  it("search by tracking code and by mobile: the unique number and the mobile index", async () => {
    const used = await indexesUsed((db) => tickets.listTickets(db, all, { q: "۱۰۰۰۰۲۹۸" }));
    expect(used).toContain("tickets_number_key");
    expect(await indexesUsed((db) => tickets.listTickets(db, all, { q: "۰۹۱۲۳۴۵۶۷۸۹" }))).toContain("customers_mobile_idx");
  });

  it("search by name: the trigram index over the name keys", async () => {
    expect(await indexesUsed((db) => tickets.listTickets(db, all, { q: "صادقي" }))).toContain("customers_name_search_trgm_idx");
  });

  it("search by serial: the serial key index, then the tickets by product", async () => {
    const db = await getTestDb();
    // a product to find, so the tickets' lookup by product runs too
    const brand = await db.insertInto("brands").values({ code: "plan-b", name_fa: "ب", name_en: "B" }).returning("id").executeTakeFirstOrThrow();
    const cat = await db.insertInto("product_categories").values({ code: "plan-c", name_fa: "ج", name_en: "C" }).returning("id").executeTakeFirstOrThrow();
    const model = await db.insertInto("product_models").values({ brand_id: brand.id, category_id: cat.id, model_code: "M", name: "M" }).returning("id").executeTakeFirstOrThrow();
    const customer = await db.insertInto("customers").values({ full_name: "پلن", mobile: "+989990000001" }).returning("id").executeTakeFirstOrThrow();
    await db.insertInto("customer_products").values({ customer_id: customer.id, model_id: model.id, serial_number: "PLAN12345", warranty_months: 18 }).execute();
    const used = await indexesUsed((db) => tickets.listTickets(db, all, { q: "plan۱۲۳۴۵" }), { allowSort: true });
    expect(used).toEqual(expect.arrayContaining(["customer_products_serial_key_idx", "tickets_product_created_idx"]));
  });

  it("the list's sorts and the priority filter: one index each, in either direction", async () => {
    const cases = [
      ["number", "tickets_number_key"],
      ["status", "tickets_status_rank_idx"],
      ["priority", "tickets_priority_rank_idx"],
      ["sla_due", "tickets_resolve_due_idx"],
      ["created_at", "tickets_created_idx"],
    ] as const;
    for (const [sort, index] of cases) {
      for (const dir of ["asc", "desc"] as const) {
        expect(await indexesUsed((db) => tickets.listTickets(db, all, { sort, dir, page: 3 })), `${sort} ${dir}`).toContain(index);
      }
    }
    expect(await indexesUsed((db) => tickets.listTickets(db, all, { priority: "urgent" }))).toContain("tickets_priority_rank_idx");
  });

  it("an agency's lists: its tickets newest first from their own index, its pending offers by ticket id", async () => {
    const agency = { kind: "agency", agencyId: 1 } as const;
    for (const filters of [{}, { status: "closed" as const }, { statuses: ["assigned", "in_progress"] as const }, { page: 3 }]) {
      const used = await indexesUsed((db) => tickets.listTickets(db, agency, filters));
      expect(used, JSON.stringify(filters)).toEqual(
        // its live pending offers: dispatch_offers_agency_live_idx (pending only, by agency and deadline, with the ticket)
        expect.arrayContaining(["tickets_agency_created_idx", "dispatch_offers_agency_live_idx", "tickets_pkey"]),
      );
    }
  });

  it("an agency's counts by status: its assigned tickets from the index by agency and status", async () => {
    const used = await indexesUsed((db) => tickets.countTicketsByStatus(db, { kind: "agency", agencyId: 1 }));
    expect(used).toEqual(expect.arrayContaining(["tickets_agency_idx", "dispatch_offers_agency_live_idx", "tickets_pkey"]));
  });

  it("the audit page: a ticket's number by its primary key", async () => {
    expect(await indexesUsed((db) => audit.recentAudit(db))).toContain("tickets_pkey");
  });

  it("the agency ledger: newest entries by time, statements and totals from the monthly roll-up, revenue edges from the covering index", async () => {
    expect(await indexesUsed((db) => fees.latestEntries(db, 200))).toContain("agency_ledger_at_idx");
    expect(await indexesUsed((db) => fees.agencyStatements(db, 1))).toContain("ledger_monthly_agency_idx");
    expect(await indexesUsed((db) => fees.statementEntries(db, 1, "1405-09"))).toContain("agency_ledger_statement_idx");
    const from = new Date("2026-11-10T00:00:00+03:30");
    const to = new Date("2026-12-10T00:00:00+03:30");
    expect(await indexesUsed((db) => fees.revenueBreakdown(db, { from, toExclusive: to }))).toContain("agency_ledger_revenue_idx");
  });

  it("call figures: the covering index of inbound calls by start time", async () => {
    expect(await indexesUsed((db) => dashboard.callStats(db, new Date()))).toContain("calls_inbound_started_stats_idx");
  });

  it("open tickets near a point: the partial location index over open tickets", async () => {
    const [lat, lng] = [35.7, 51.34];
    const used = await indexesUsed((db) =>
      sql`select id from tickets
        where lat is not null and status not in ('closed', 'cancelled')
          and earth_box(ll_to_earth(${lat}, ${lng}), 3000) @> ll_to_earth(lat, lng)`.execute(db),
    );
    expect(used).toContain("tickets_open_location_idx");
  });
});
