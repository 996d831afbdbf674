import { beforeAll, describe, expect, it } from "vitest";
import type { DB } from "../../db/connection";
import { agenciesByOpenJobs, overdueTickets, referralFeeTotals } from "../../db/repos/dashboard";
import type { TicketStatusValue } from "../../db/schema";
import { getTestDb, resetDatabase } from "../support/db";

let db: DB;
let agency: Record<"a" | "b" | "c", number>;
let customerId: number;
const now = new Date("2026-11-20T10:00:00Z");
const hoursFromNow = (h: number) => new Date(now.getTime() + h * 3600_000);

async function ticket(status: TicketStatusValue, agencyId: number | null, dueInHours: number | null = null) {
  const t = await db
    .insertInto("tickets")
    .values({
      type: "breakdown", channel: "phone", customer_id: customerId, warranty_status: "out_of_warranty", status,
      assigned_agency_id: agencyId, sla_resolve_due_at: dueInHours === null ? null : hoursFromNow(dueInHours),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return t.id;
}

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  const rows = await db
    .insertInto("agencies")
    .values([
      { code: "THR-001", name: "نمایندگی الف", province: "تهران", city: "تهران" },
      { code: "THR-002", name: "نمایندگی ب", province: "تهران", city: "تهران" },
      { code: "THR-003", name: "نمایندگی ج", province: "تهران", city: "تهران" },
    ])
    .returning("id")
    .execute();
  agency = { a: rows[0]!.id, b: rows[1]!.id, c: rows[2]!.id };
  customerId = (await db.insertInto("customers").values({ full_name: "مشتری", mobile: "+989121234567" }).returning("id").executeTakeFirstOrThrow()).id;
});

describe("manager dashboard figures", () => {
  it("count overdue tickets among those still owed work only", async () => {
    await ticket("in_progress", agency.a, -2); // overdue
    await ticket("new", null, -1); // overdue
    await ticket("scheduled", agency.b, 5); // not yet due
    await ticket("completed", agency.a, -3); // done: not overdue
    await ticket("closed", agency.b, -3);
    await ticket("on_hold", agency.b, null); // no due time
    expect(await overdueTickets(db, now)).toBe(2);
  });

  it("rank agencies by current load, with idle agencies at zero", async () => {
    await ticket("assigned", agency.b);
    await ticket("in_progress", agency.b);
    const top = await agenciesByOpenJobs(db, 10);
    // load so far: a has in_progress (completed does not count); b has scheduled, on_hold, assigned, in_progress
    expect(top.map((r) => [r.code, Number(r.open_jobs)])).toEqual([
      ["THR-002", 4],
      ["THR-001", 1],
      ["THR-003", 0],
    ]);
    expect(await agenciesByOpenJobs(db, 2)).toHaveLength(2);
  });

  it("sum this period's referral revenue and every unpaid balance, from the ledger's monthly roll-up", async () => {
    expect(await referralFeeTotals(db, "1405-08")).toEqual({ thisPeriod: 0, unsettled: 0 });
    const fee = async (period: string, amount_rials: number) => {
      const ticketId = await ticket("closed", agency.a);
      await db
        .insertInto("agency_ledger")
        .values({ agency_id: agency.a, kind: "referral_fee", ticket_id: ticketId, period, invoice_amount_rials: amount_rials * 10, rate_percent: 10, amount_rials })
        .execute();
    };
    const payment = async (period: string, amount_rials: number) => {
      await db
        .insertInto("agency_ledger")
        .values({ agency_id: agency.a, kind: "payment", period, amount_rials: -amount_rials, reference: `STL-${period}`, paid_on: "2026-11-01" })
        .execute();
    };
    await fee("1405-08", 1000);
    await fee("1405-08", 2000);
    await payment("1405-08", 2000);
    await fee("1405-07", 400);
    await fee("1405-07", 800);
    await payment("1405-07", 800);
    expect(await referralFeeTotals(db, "1405-08")).toEqual({ thisPeriod: 3000, unsettled: 1400 });
    expect(await referralFeeTotals(db, "1405-09")).toEqual({ thisPeriod: 0, unsettled: 1400 });
  });
});
