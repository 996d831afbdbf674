import { CompiledQuery, Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectionConfig, createKysely, type DB } from "../../db/connection";
import { executePrepared, MAX_PREPARED_PER_CONNECTION, PREPARE_MARKER, preparedName } from "../../db/prepared";
import { nearestCandidateFacts, ticketDispatchFacts } from "../../db/repos/dispatch";
import { createSession, findSessionUser } from "../../db/repos/sessions";
import { listTickets } from "../../db/repos/tickets";
import type { Database } from "../../db/schema";
import { seedDemo } from "../../db/seed/demo";
import { getTestDb, getTestDbUrl, resetDatabase } from "../support/db";

/*
 * db/prepared.ts: a statement marked by executePrepared is sent as a named statement by our pools' client
 * (PreparingClient), parsed once per connection and executed by name afterwards; the rows are those of the
 * same statement sent unnamed. Read on the server side (pg_prepared_statements: one row per statement the
 * connection prepared, with how many times PostgreSQL planned it custom or generic).
 */

let db: DB;
/** one connection of our own pool kind: every statement below runs on it */
let one: DB;
/** one connection through pg's own Client: every statement unnamed, as before */
let plain: DB;
const all = { kind: "all" } as const;

interface PreparedRow {
  name: string;
  statement: string;
  generic_plans: number;
  custom_plans: number;
}

async function preparedOn(conn: DB): Promise<PreparedRow[]> {
  const { rows } = await sql<PreparedRow>`
    select name, statement, generic_plans::int as generic_plans, custom_plans::int as custom_plans
    from pg_prepared_statements where not from_sql order by name`.execute(conn);
  return rows;
}

const executions = (r: PreparedRow) => r.generic_plans + r.custom_plans;

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  await seedDemo(db, { now: new Date("2026-11-28T09:00:00+03:30") });
  const url = await getTestDbUrl();
  one = createKysely(url, 1);
  plain = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ ...connectionConfig(url), max: 1 }) }) });
}, 120_000);

afterAll(async () => {
  await one?.destroy();
  await plain?.destroy();
});

describe("prepared statements (db/prepared.ts)", () => {
  it("a marked query is prepared once on the connection, run by name each time, with the rows of an unnamed one", async () => {
    const q = db.selectFrom("tickets").select(["id", "number", "status"]).where("id", ">", 0).orderBy("id").limit(sql.lit(20)).compile();
    const expected = (await plain.executeQuery(q)).rows;
    expect(expected.length).toBeGreaterThan(0);
    for (let i = 0; i < 7; i++) expect(await executePrepared(one, q)).toEqual(expected);
    const name = preparedName(PREPARE_MARKER + q.sql);
    const mine = (await preparedOn(one)).filter((r) => r.name === name);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.statement).toBe(PREPARE_MARKER + q.sql);
    expect(executions(mine[0]!)).toBe(7);
    // after five custom plans PostgreSQL settled on the generic one (no value here changes the plan)
    expect(mine[0]!.generic_plans).toBeGreaterThan(0);
    // the same text on pg's own client runs unnamed: nothing is left prepared there
    expect(await executePrepared(plain, q)).toEqual(expected);
    expect(await preparedOn(plain)).toEqual([]);
  });

  it("unmarked statements stay unnamed", async () => {
    const before = (await preparedOn(one)).length;
    await db.selectFrom("tickets").select("id").limit(1).execute();
    await one.selectFrom("users").select("id").where("username", "=", "operator").execute();
    expect((await preparedOn(one)).length).toBe(before);
  });

  it("inside a transaction it runs named on the transaction's connection", async () => {
    const q = CompiledQuery.raw("select count(*)::int as n from tickets where status = $1", ["new"]);
    const expected = (await plain.executeQuery<{ n: number }>(q)).rows;
    const inTrx = await one.transaction().execute(async (trx) => [await executePrepared(trx, q), await executePrepared(trx, q)]);
    expect(inTrx).toEqual([expected, expected]);
    const mine = (await preparedOn(one)).find((r) => r.name === preparedName(PREPARE_MARKER + q.sql));
    expect(mine && executions(mine)).toBe(2);
  });

  it("a statement that fails to parse fails as usual and the connection goes on", async () => {
    await expect(executePrepared(one, CompiledQuery.raw("select no_such_column from tickets"))).rejects.toThrow(/no_such_column/);
    await expect(executePrepared(one, CompiledQuery.raw("select no_such_column from tickets"))).rejects.toThrow(/no_such_column/);
    expect(await executePrepared(one, CompiledQuery.raw("select 41 + 1 as n"))).toEqual([{ n: 42 }]);
  });

  it("the hot queries run named with the same answers: session lookup, ticket list, dispatch facts and candidates", async () => {
    const user = await db.selectFrom("users").select("id").where("username", "=", "operator").executeTakeFirstOrThrow();
    const session = await createSession(db, { userId: user.id, ip: null, userAgent: null });
    const signedIn = await findSessionUser(plain, session.id);
    expect(signedIn?.username).toBe("operator");
    for (let i = 0; i < 6; i++) expect(await findSessionUser(one, session.id)).toEqual(signedIn);
    expect(await findSessionUser(one, "no-such-session")).toBeUndefined();

    for (const filters of [{}, { page: 2, pageSize: 5 }, { status: "new" as const }, { type: "breakdown" as const, sort: "number" as const, dir: "asc" as const }]) {
      const expected = await listTickets(plain, all, filters);
      expect(expected.rows.length).toBeGreaterThan(0);
      for (let i = 0; i < 2; i++) expect(await listTickets(one, all, filters)).toEqual(expected);
    }

    const breakdown = await db
      .selectFrom("tickets")
      .select("id")
      .where("type", "=", "breakdown")
      .where("lat", "is not", null)
      .orderBy("id")
      .executeTakeFirstOrThrow();
    const now = new Date();
    const facts = (await ticketDispatchFacts(plain, breakdown.id))!;
    const mine = (await ticketDispatchFacts(one, breakdown.id))!;
    expect({ ...mine, dbNow: null }).toEqual({ ...facts, dbNow: null });
    expect(await nearestCandidateFacts(one, facts, now, 32)).toEqual(await nearestCandidateFacts(plain, facts, now, 32));
    expect(await nearestCandidateFacts(one, facts, now, 2)).toEqual(await nearestCandidateFacts(plain, facts, now, 2));

    const statements = await preparedOn(one);
    const find = (re: RegExp) => statements.filter((s) => re.test(s.statement));
    const sessionLookup = find(/from "sessions"/);
    expect(sessionLookup).toHaveLength(1);
    // seven lookups (one of a session that does not exist), the generic plan once PostgreSQL settled on it
    expect(executions(sessionLookup[0]!)).toBe(7);
    expect(sessionLookup[0]!.generic_plans).toBeGreaterThan(0);
    // one statement per list shape (filters, page, sort), run twice each
    const lists = find(/join "customers"/);
    expect(lists).toHaveLength(4);
    for (const l of lists) expect(executions(l)).toBe(2);
    expect(find(/from tickets t/)).toHaveLength(1);
    // k is written into the text: a statement for each
    expect(find(/with knn as materialized/)).toHaveLength(2);
  });

  it(`prepares at most ${MAX_PREPARED_PER_CONNECTION} statements per connection, and runs the rest unnamed`, async () => {
    const own = createKysely(await getTestDbUrl(), 1);
    try {
      for (let i = 0; i < MAX_PREPARED_PER_CONNECTION + 5; i++) {
        expect(await executePrepared(own, CompiledQuery.raw(`select ${i}::int as n`))).toEqual([{ n: i }]);
      }
      expect(await preparedOn(own)).toHaveLength(MAX_PREPARED_PER_CONNECTION);
      // those already prepared still run by name
      const first = CompiledQuery.raw("select 0::int as n");
      expect(await executePrepared(own, first)).toEqual([{ n: 0 }]);
      expect(executions((await preparedOn(own)).find((r) => r.name === preparedName(PREPARE_MARKER + first.sql))!)).toBe(2);
    } finally {
      await own.destroy();
    }
  });
});
