import { sql } from "kysely";
import pg from "pg";
import { beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import type { DB } from "../../db/connection";
import { countTicketsByStatus } from "../../db/repos/tickets";
import type { TicketStatusValue } from "../../db/schema";
import { getTestDb, resetDatabase } from "../support/db";
import { withDatabase } from "../support/global-setup";

let db: DB;
let customerId: number;

/** What a full count says, to hold the kept counts against. */
async function counted() {
  const rows = await db
    .selectFrom("tickets")
    .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
    .groupBy("status")
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

async function addTickets(statuses: TicketStatusValue[]) {
  const rows = await db
    .insertInto("tickets")
    .values(statuses.map((status) => ({ type: "breakdown" as const, channel: "phone" as const, customer_id: customerId, warranty_status: "unknown" as const, status })))
    .returning("id")
    .execute();
  return rows.map((r) => r.id);
}

beforeAll(async () => {
  db = await getTestDb();
});

beforeEach(async () => {
  await resetDatabase(db);
  customerId = (await db.insertInto("customers").values({ full_name: "مشتری", mobile: "+989121234567" }).returning("id").executeTakeFirstOrThrow()).id;
});

describe("ticket counts per status kept by triggers", () => {
  it("follow inserts, updates and deletes of one or many rows", async () => {
    const ids = await addTickets(["new", "new", "new", "dispatching", "closed"]);
    expect(await countTicketsByStatus(db, { kind: "all" })).toEqual(await counted());
    expect(await countTicketsByStatus(db, { kind: "all" })).toEqual({ new: 3, dispatching: 1, closed: 1 });

    await db.updateTable("tickets").set({ status: "dispatching" }).where("id", "in", ids.slice(0, 2)).execute();
    await db.updateTable("tickets").set({ priority: "high" }).execute(); // no status change
    expect(await countTicketsByStatus(db, { kind: "all" })).toEqual({ new: 1, dispatching: 3, closed: 1 });

    await db.updateTable("tickets").set({ status: "cancelled" }).where("status", "=", "dispatching").execute();
    await db.deleteFrom("tickets").where("id", "=", ids[4]!).execute();
    expect(await countTicketsByStatus(db, { kind: "all" })).toEqual({ new: 1, cancelled: 3 });
    expect(await countTicketsByStatus(db, { kind: "all" })).toEqual(await counted());
  });

  it("forget everything on TRUNCATE and ignore rolled-back changes", async () => {
    await addTickets(["new", "closed"]);
    await sql`truncate tickets cascade`.execute(db);
    expect(await countTicketsByStatus(db, { kind: "all" })).toEqual({});
    await db
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto("tickets").values({ type: "breakdown", channel: "phone", customer_id: customerId, warranty_status: "unknown" }).execute();
        throw new Error("rolled back");
      })
      .catch(() => {});
    expect(await countTicketsByStatus(db, { kind: "all" })).toEqual({});
  });

  it("fold their rows when many changes pile up, and stay exact", async () => {
    const ids = await addTickets(["new", "new", "new"]);
    for (let i = 0; i < 260; i++) {
      await db.updateTable("tickets").set({ status: i % 2 ? "new" : "dispatching" }).where("id", "=", ids[i % 3]!).execute();
    }
    const rows = await db.selectFrom("ticket_status_counts").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    expect(Number(rows.n)).toBeLessThanOrEqual(201);
    expect(await countTicketsByStatus(db, { kind: "all" })).toEqual(await counted());
  });

  it("never make two writers wait for each other", async () => {
    const [a, b] = await addTickets(["new", "new"]);
    const name = (await sql<{ name: string }>`select current_database() as name`.execute(db)).rows[0]!.name;
    const url = withDatabase(inject("testAdminUrl"), name);
    const one = new pg.Client({ connectionString: url });
    const two = new pg.Client({ connectionString: url });
    await one.connect();
    await two.connect();
    try {
      await one.query("begin");
      await one.query("update tickets set status = 'dispatching' where id = $1", [a]);
      await one.query("insert into tickets (type, channel, customer_id, warranty_status) values ('breakdown', 'phone', $1, 'unknown')", [customerId]);
      // the second writer changes the same statuses while the first is still open: it must not wait
      await two.query("set lock_timeout = '500ms'");
      await two.query("begin");
      await two.query("update tickets set status = 'dispatching' where id = $1", [b]);
      await two.query("insert into tickets (type, channel, customer_id, warranty_status) values ('breakdown', 'phone', $1, 'unknown')", [customerId]);
      await two.query("commit");
      await one.query("commit");
    } finally {
      await one.end();
      await two.end();
    }
    expect(await countTicketsByStatus(db, { kind: "all" })).toEqual({ new: 2, dispatching: 2 });
  });
});
