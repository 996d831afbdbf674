/**
 * The parts report's monthly summary (part_hold_monthly, kept by part_requests' statement triggers): on the demo
 * data plus 3,000 generated requests over a year and a half (every status, cancelled ones, tickets asking for the
 * same part in several months), the report — whole Jalali months from the summary, the days around them from the
 * requests — equals the report computed straight from the requests (the query it replaced) over many ranges,
 * before and after requests are received, cancelled, added and deleted; and the summary kept by the triggers is
 * the one a full recount makes.
 */
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import type { DB } from "../../db/connection";
import { holdingParts, type HoldRange } from "../../db/repos/parts";
import { seedDemo } from "../../db/seed/demo";
import { getTestDb, resetDatabase } from "../support/db";

const NOW = new Date("2026-11-23T08:00:00Z");
let db: DB;

/** The report straight from the requests: the query part_hold_monthly replaced. */
async function fromRequests(range: HoldRange, now: Date) {
  const r = await sql<Record<string, unknown>>`
    with held as (
      select pr.part_id, pr.ticket_id, pr.status,
             extract(epoch from (coalesce(pr.received_at, ${now}::timestamptz) - pr.requested_at)) / 86400.0 as days
      from part_requests pr
      where pr.requested_at >= ${range.from} and pr.requested_at < ${range.toExclusive} and pr.status <> 'cancelled'
    ), per_part as (
      select part_id,
             count(distinct ticket_id)::int as jobs,
             sum(days)::float8 as total_days,
             percentile_cont(0.5) within group (order by days)::float8 as median_days,
             count(*) filter (where status in ('requested', 'ordered', 'shipped'))::int as open_now
      from held group by part_id
    )
    select p.part_id, sp.code, sp.name, pm.name as model_name, p.jobs, p.total_days, p.median_days, p.open_now
    from per_part p
    join spare_parts sp on sp.id = p.part_id
    join product_models pm on pm.id = sp.model_id
    order by p.total_days desc, p.part_id
    limit 200`.execute(db);
  return r.rows;
}

const tehran = (day: string) => new Date(`${day}T00:00:00+03:30`);
const RANGES: [string, HoldRange][] = [
  ["Jalali year 1405 (whole months)", { from: tehran("2026-03-21"), toExclusive: tehran("2027-03-21") }],
  ["a year to today, from mid-month", { from: tehran("2025-11-24"), toExclusive: tehran("2026-11-24") }],
  ["Mehr and Aban", { from: tehran("2026-09-23"), toExclusive: tehran("2026-11-22") }],
  ["inside one month", { from: tehran("2026-10-01"), toExclusive: tehran("2026-10-20") }],
  ["the last 30 days", { from: tehran("2026-10-25"), toExclusive: tehran("2026-11-24") }],
  ["not at Tehran midnights", { from: new Date("2026-01-10T10:17:00Z"), toExclusive: new Date("2026-08-02T05:00:00Z") }],
];

async function expectSameAsRequests(now: Date) {
  for (const [name, range] of RANGES) {
    const got = await holdingParts(db, range, now);
    expect(got.length, name).toBeGreaterThan(0);
    expect({ name, rows: got }).toEqual({ name, rows: await fromRequests(range, now) });
  }
}

async function expectSummaryIsFullRecount() {
  const kept = await sql`select * from part_hold_monthly order by month_start, part_id`.execute(db);
  await sql`delete from part_hold_monthly`.execute(db);
  await sql`select part_hold_monthly_recount(array_agg(m), array_agg(p))
    from (select distinct jalali_month_start((requested_at at time zone 'Asia/Tehran')::date) as m, part_id as p from part_requests) x`.execute(db);
  const full = await sql`select * from part_hold_monthly order by month_start, part_id`.execute(db);
  expect(kept.rows).toEqual(full.rows);
}

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  await seedDemo(db, { now: NOW });
  // 3,000 requests over 540 days before NOW: a ticket of 40 asks for a part of 12 (so many tickets ask for
  // the same part in several months); statuses by a hash, receipts 0-40 days after the request
  await sql`
    with t as (select id, agency_id, row_number() over (order by id) as k from (
      select id, assigned_agency_id as agency_id from tickets where assigned_agency_id is not null order by id limit 40) x),
    p as (select id, list_price_rials, row_number() over (order by id) as k from (select id, list_price_rials from spare_parts order by id limit 12) y),
    g as (select g, ${NOW}::timestamptz - make_interval(secs => (g * 15551)::float8) as at,
                 (array['requested', 'ordered', 'shipped', 'received', 'received', 'received', 'cancelled'])[1 + (g * 7919) % 7] as status
          from generate_series(1, 3000) g)
    insert into part_requests (ticket_id, part_id, agency_id, quantity, unit_price_rials, status, source, requested_by_kind,
                               requested_at, ordered_at, shipped_at, received_at, cancelled_at)
    select t.id, p.id, t.agency_id, 1, p.list_price_rials, g.status,
           case when g.status = 'received' then 'central' end, 'technician', g.at,
           case when g.status in ('ordered', 'shipped') then g.at end,
           case when g.status = 'shipped' then g.at end,
           case when g.status = 'received' then g.at + make_interval(secs => ((g.g * 104729) % 3456000)::float8) end,
           case when g.status = 'cancelled' then g.at end
    from g join t on t.k = 1 + g.g % 40 join p on p.k = 1 + (g.g / 7) % 12`.execute(db);
}, 300_000);

describe("part_hold_monthly", () => {
  it("the report from the summary equals the report from the requests", async () => {
    const months = await sql<{ n: number }>`select count(distinct month_start)::int as n from part_hold_monthly`.execute(db);
    expect(months.rows[0]!.n).toBeGreaterThan(15);
    const shared = await sql<{ n: number }>`select count(*)::int as n from part_hold_monthly where cardinality(shared_tickets) > 0`.execute(db);
    expect(shared.rows[0]!.n).toBeGreaterThan(0);
    await expectSameAsRequests(NOW);
    await expectSameAsRequests(new Date(NOW.getTime() + 9 * 86_400_000));
    await expectSummaryIsFullRecount();
  });

  it("stays the same after receipts, cancellations, new requests and deletions", async () => {
    await sql`update part_requests set status = 'received', source = 'central', received_at = requested_at + interval '3 days'
      where id in (select id from part_requests where status in ('requested', 'ordered', 'shipped') order by id limit 100)`.execute(db);
    await sql`update part_requests set status = 'cancelled', cancelled_at = requested_at
      where id in (select id from part_requests where status = 'received' order by id desc limit 100)`.execute(db);
    // one more request of a ticket and part already asked for in an earlier month
    await sql`insert into part_requests (ticket_id, part_id, agency_id, quantity, unit_price_rials, status, requested_by_kind, requested_at)
      select ticket_id, part_id, agency_id, 1, unit_price_rials, 'requested', 'technician', ${new Date(NOW.getTime() - 3_600_000)}
      from part_requests where requested_at < ${tehran("2026-06-01")} and status = 'received' order by id limit 1`.execute(db);
    await sql`delete from part_requests where id in (select id from part_requests where status = 'received' order by id limit 20)`.execute(db);
    await expectSameAsRequests(NOW);
    await expectSummaryIsFullRecount();
  });
});
