/**
 * The spare parts' demo data (db/seed/demo-parts.ts) on a fresh demo: parts on order, shipped, received and
 * still requested; the jobs on hold wait for parts with an expected date; agencies hold stock, THR-001 enough to
 * fill its waiting requests from its shelf; the manager's report is filled.
 */
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import type { DB } from "../../db/connection";
import { holdingParts } from "../../db/repos/parts";
import { seedDemo } from "../../db/seed/demo";
import { getTestDb, resetDatabase } from "../support/db";

const NOW = new Date("2026-11-23T08:00:00Z");
let db: DB;

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  await seedDemo(db, { now: NOW });
});

describe("demo parts", () => {
  it("has requests in every step, each consistent with its dates", async () => {
    const rows = await sql<{ status: string; n: number }>`select status, count(*)::int as n from part_requests group by status`.execute(db);
    const by = Object.fromEntries(rows.rows.map((r) => [r.status, r.n]));
    for (const s of ["requested", "ordered", "shipped", "received"]) expect(by[s], s).toBeGreaterThan(0);
    const bad = await sql<{ n: number }>`
      select count(*)::int as n from part_requests
      where received_at < requested_at or shipped_at < ordered_at or ordered_at < requested_at or requested_at > ${NOW}`.execute(db);
    expect(bad.rows[0]!.n).toBe(0);
    // a request's part is of its job's model
    const wrongModel = await sql<{ n: number }>`
      select count(*)::int as n from part_requests pr
      join tickets t on t.id = pr.ticket_id join customer_products cp on cp.id = t.customer_product_id
      join spare_parts sp on sp.id = pr.part_id where sp.model_id <> cp.model_id`.execute(db);
    expect(wrongModel.rows[0]!.n).toBe(0);
  });

  it("puts the jobs on hold with parts open waiting for parts, and THR-001 can fill its requested ones from stock", async () => {
    const held = await sql<{ reason: string | null; date: string | null; open: number }>`
      select t.hold_reason as reason, t.hold_expected_date::text as date,
             (select count(*)::int from part_requests pr where pr.ticket_id = t.id and pr.status in ('requested', 'ordered', 'shipped')) as open
      from tickets t where t.status = 'on_hold' and exists (select 1 from part_requests pr where pr.ticket_id = t.id)`.execute(db);
    expect(held.rows.length).toBeGreaterThan(0);
    for (const r of held.rows) expect(r).toMatchObject({ reason: "waiting_for_parts", date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), open: 1 });
    const fillable = await sql<{ n: number }>`
      select count(*)::int as n from part_requests pr join agencies a on a.id = pr.agency_id
      join agency_part_stock s on s.agency_id = pr.agency_id and s.part_id = pr.part_id
      where a.code = 'THR-001' and pr.status = 'requested' and s.quantity >= pr.quantity`.execute(db);
    const requested = await sql<{ n: number }>`
      select count(*)::int as n from part_requests pr join agencies a on a.id = pr.agency_id where a.code = 'THR-001' and pr.status = 'requested'`.execute(db);
    expect(fillable.rows[0]!.n).toBe(requested.rows[0]!.n);
    expect(Number((await db.selectFrom("agency_part_stock").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n)).toBeGreaterThan(10);
  });

  it("fills the manager's report over the last 60 days", async () => {
    const rows = await holdingParts(db, { from: new Date(NOW.getTime() - 60 * 86_400_000), toExclusive: NOW }, NOW);
    expect(rows.length).toBeGreaterThan(3);
    expect(rows.some((r) => r.open_now > 0)).toBe(true);
    expect(rows[0]!.total_days).toBeGreaterThanOrEqual(rows[rows.length - 1]!.total_days);
  });
});
