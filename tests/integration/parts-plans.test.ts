import { Kysely, PostgresDialect, sql, type CompiledQuery } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { typeParsers, type DB } from "../../db/connection";
import * as parts from "../../db/repos/parts";
import type { Database } from "../../db/schema";
import { withDatabase } from "../support/global-setup";
import { getTestDb } from "../support/db";

/*
 * The spare parts' reads (issue 15 §4) at scale depend on their indexes (measured on a copy of the 1,000,000-ticket
 * database with 71,000 part requests: the report over 30 days ~50 ms, an index-only scan of its range; the desk
 * ~2 ms). With sequential scans disabled the planner takes an index whenever one can serve: these plans name the
 * index each query must be able to use.
 */

let pool: pg.Pool;
let logged: DB;
let captured: CompiledQuery[] = [];

beforeAll(async () => {
  const db = await getTestDb();
  const name = (await sql<{ name: string }>`select current_database() as name`.execute(db)).rows[0]!.name;
  pool = new pg.Pool({ connectionString: withDatabase(inject("testAdminUrl"), name), max: 1, types: typeParsers });
  logged = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: (e) => void (e.level === "query" && captured.push(e.query)) });
});

afterAll(async () => {
  await logged?.destroy();
});

async function indexesUsed(call: (db: DB) => Promise<unknown>): Promise<string[]> {
  captured = [];
  await call(logged);
  const names: string[] = [];
  const client = await pool.connect();
  try {
    await client.query("set enable_seqscan = off");
    for (const q of captured) {
      const r = await client.query(`explain (format json) ${q.sql}`, q.parameters as unknown[]);
      const walk = (node: Record<string, unknown>) => {
        if (typeof node["Index Name"] === "string") names.push(node["Index Name"]);
        for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
      };
      walk((r.rows[0]["QUERY PLAN"] as { Plan: Record<string, unknown> }[])[0]!.Plan);
    }
  } finally {
    await client.query("reset all");
    client.release();
  }
  return names;
}

const range = { from: new Date("2026-10-01T00:00:00Z"), toExclusive: new Date("2026-11-01T00:00:00Z") };

describe("the spare parts' reads can use their indexes", () => {
  it("the report: the covering index of requests by time", async () => {
    expect(await indexesUsed((db) => parts.holdingParts(db, range, new Date()))).toContain("part_requests_requested_idx");
  });
  it("a part's tickets: the index by part and time", async () => {
    expect(await indexesUsed((db) => parts.holdingTickets(db, 1, range, new Date()))).toContain("part_requests_part_idx");
  });
  it("the parts desk: the partial index of open requests", async () => {
    expect(await indexesUsed((db) => parts.deskRequests(db, { status: "open" }))).toContain("part_requests_open_idx");
  });
  it("a job's parts: the index by ticket", async () => {
    expect(await indexesUsed((db) => parts.requestsOfTicket(db, { kind: "all" }, 1))).toContain("part_requests_ticket_idx");
  });
  it("a ticket page's parts with their defective returns: the ticket's requests, its live claim, the claim's lines", async () => {
    const used = await indexesUsed((db) => parts.ticketPartRequests(db, { kind: "agency", agencyId: 1 }, 1));
    expect(used).toEqual(expect.arrayContaining(["part_requests_ticket_idx", "warranty_claims_ticket_once", "warranty_claim_lines_claim_idx"]));
  });
  it("the agency's parts page: its own open requests, from the agency (part_requests_agency_open_idx)", async () => {
    expect(await indexesUsed((db) => parts.openRequestsOfAgency(db, 1))).toContain("part_requests_agency_open_idx");
    expect(await indexesUsed((db) => parts.stockOfAgency(db, 1))).toContain("agency_part_stock_pkey");
  });
});
