/**
 * Issue 14 §2 on real PostgreSQL, against a hand-computed fixture: completing an out-of-warranty job writes its
 * referral fee once (the rate in force on the completion day, rate and invoice snapshotted, the Jalali month),
 * a rate change mid-month gives two jobs of one agency in one month different rates, an adjustment is a new
 * entry, settling writes a payment that closes the month; the monthly roll-up, the statements, the unpaid
 * balances and the revenue breakdown all agree with the entries.
 *
 * Fixture (Azar 1405 = 2026-11-22 … 2026-12-21, Tehran):
 *   agency A: 10 % until 2026-11-27, 12 % from 2026-11-27; agency B: 8 %.
 *   job 1 (A, brand X / category K, Tehran)  completed 2026-11-24 10:00, invoice 1,250,000 → 10 % → 125,000
 *   job 2 (A, brand X / category K, Tehran)  completed 2026-11-29 10:00, invoice 2,000,000 → 12 % → 240,000
 *   job 3 (A, in warranty)                   completed 2026-11-30, no invoice             → no fee
 *   job 4 (B, brand Y / category K, Isfahan) completed 2026-11-25 10:00, invoice 1,000,005 → 8 % → 80,000 (80,000.4)
 *   adjustment of job 1's fee on 2026-12-01: −25,000 ("invoice corrected")
 *   A's Azar: fees 365,000, adjustments −25,000, due 340,000; settled on 2026-12-23 (Dey) as BANK-778 → balance 0.
 *   B's Azar: 80,000 unpaid.
 */
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { sessionCookie } from "../../app/lib/auth.server";
import { loader as agencyStatementsLoader } from "../../app/routes/agency.statement";
import { loader as agencyStatementLoader } from "../../app/routes/agency.statement_.$period";
import { loader as agencyExportLoader } from "../../app/routes/agency.statement_.$period.export";
import { loader as managerStatementLoader } from "../../app/routes/manager.fees.statements.$agencyId.$period";
import { loader as managerExportLoader } from "../../app/routes/manager.fees.statements.$agencyId.$period.export";
import { createSession } from "../../db/repos/sessions";
import { testContext } from "../support/context";
import type { DB } from "../../db/connection";
import * as fees from "../../db/repos/fees";
import { adjustFee, LedgerError, NoFeeRateError, settleStatement } from "../../services/fees";
import { completeJob } from "../../services/job-completion";
import { getTestDb, resetDatabase } from "../support/db";

const at = (iso: string) => new Date(iso);
const cookies: Record<string, string> = {};

async function call(fn: (args: never) => Promise<unknown>, url: string, who: string, params: Record<string, string> = {}): Promise<unknown> {
  try {
    return await fn({ request: new Request(`http://localhost${url}`, { headers: { Cookie: cookies[who]! } }), context: testContext(db), params } as never);
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}
let db: DB;
let agencyA: number;
let agencyB: number;
let agencyNoRate: number;
let brandX: number;
let brandY: number;
let categoryK: number;
let userA: number;
let userB: number;
let userNoRate: number;
let manager: number;
let operator: number;
let customerId: number;
const products = { x: 0, y: 0 };
const jobs = { one: 0, two: 0, three: 0, four: 0 };

async function job(agencyId: number, warranty: "in_warranty" | "out_of_warranty", productId: number | null, province: string) {
  const t = await db
    .insertInto("tickets")
    .values({
      type: "breakdown", channel: "phone", customer_id: customerId, customer_product_id: productId, warranty_status: warranty,
      status: "in_progress", assigned_agency_id: agencyId, province, city: province,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return t.id;
}

function complete(ticketId: number, agencyId: number, userId: number, invoice: number | null, now: Date) {
  return completeJob(
    db,
    { kind: "agency", userId },
    { ticketId, agencyId, workDone: "تعویض برد و تست", parts: [], invoiceAmountRials: invoice },
    { now } as never,
  );
}

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  const [a, b, c] = await db
    .insertInto("agencies")
    .values([
      { code: "THR-001", name: "نمایندگی مرکزی تهران", province: "تهران", city: "تهران" },
      { code: "ISF-001", name: "نمایندگی اصفهان", province: "اصفهان", city: "اصفهان" },
      { code: "SHZ-001", name: "نمایندگی شیراز", province: "فارس", city: "شیراز" },
    ])
    .returning("id")
    .execute();
  agencyA = a!.id;
  agencyB = b!.id;
  agencyNoRate = c!.id;
  await db
    .insertInto("agency_fee_rates")
    .values([
      { agency_id: agencyA, rate_percent: 10, effective_from: "2026-01-01", effective_to: "2026-11-27" },
      { agency_id: agencyA, rate_percent: 12, effective_from: "2026-11-27" },
      { agency_id: agencyB, rate_percent: 8, effective_from: "2026-01-01" },
    ])
    .execute();
  const users = await db
    .insertInto("users")
    .values([
      { username: "agencya", display_name: "حسن اکبری", role: "agency_admin", password_hash: "x", agency_id: agencyA },
      { username: "agencyb", display_name: "سارا نوری", role: "agency_admin", password_hash: "x", agency_id: agencyB },
      { username: "agencyc", display_name: "علی فارسی", role: "agency_admin", password_hash: "x", agency_id: agencyNoRate },
      { username: "boss", display_name: "مدیر خدمات", role: "manager", password_hash: "x" },
      { username: "oper", display_name: "اپراتور", role: "operator", password_hash: "x" },
      { username: "staffa", display_name: "کارمند", role: "agency_staff", password_hash: "x", agency_id: agencyA },
    ])
    .returning(["id", "username"])
    .execute();
  [userA, userB, userNoRate, manager, operator] = users.map((u) => u.id) as [number, number, number, number, number];
  for (const u of users) {
    const s = await createSession(db, { userId: u.id, ip: "127.0.0.1", userAgent: "test" });
    cookies[u.username] = (await sessionCookie(testContext(db)).serialize(s.id)).split(";")[0]!;
  }
  const brands = await db.insertInto("brands").values([{ code: "brand-x", name_fa: "برند ایکس", name_en: "Brand X" }, { code: "brand-y", name_fa: "برند وای", name_en: "Brand Y" }]).returning("id").execute();
  brandX = brands[0]!.id;
  brandY = brands[1]!.id;
  categoryK = (await db.insertInto("product_categories").values({ code: "fridge", name_fa: "یخچال", name_en: "Refrigerator" }).returning("id").executeTakeFirstOrThrow()).id;
  const models = await db
    .insertInto("product_models")
    .values([
      { brand_id: brandX, category_id: categoryK, model_code: "X-1", name: "X one" },
      { brand_id: brandY, category_id: categoryK, model_code: "Y-1", name: "Y one" },
    ])
    .returning("id")
    .execute();
  customerId = (await db.insertInto("customers").values({ full_name: "مریم رضایی", mobile: "+989121112233" }).returning("id").executeTakeFirstOrThrow()).id;
  const cps = await db
    .insertInto("customer_products")
    .values([
      { customer_id: customerId, model_id: models[0]!.id, serial_number: "SN-X-1", warranty_months: 18 },
      { customer_id: customerId, model_id: models[1]!.id, serial_number: "SN-Y-1", warranty_months: 18 },
    ])
    .returning("id")
    .execute();
  products.x = cps[0]!.id;
  products.y = cps[1]!.id;

  jobs.one = await job(agencyA, "out_of_warranty", products.x, "تهران");
  jobs.two = await job(agencyA, "out_of_warranty", products.x, "تهران");
  jobs.three = await job(agencyA, "in_warranty", products.x, "تهران");
  jobs.four = await job(agencyB, "out_of_warranty", products.y, "اصفهان");
  await complete(jobs.one, agencyA, userA, 1_250_000, at("2026-11-24T10:00:00+03:30"));
  await complete(jobs.two, agencyA, userA, 2_000_000, at("2026-11-29T10:00:00+03:30"));
  await complete(jobs.three, agencyA, userA, null, at("2026-11-30T10:00:00+03:30"));
  await complete(jobs.four, agencyB, userB, 1_000_005, at("2026-11-25T10:00:00+03:30"));
});

describe("accrual on completion", () => {
  it("writes each out-of-warranty job's fee at the rate in force that day, snapshotted, in the Jalali month", async () => {
    const rows = await db
      .selectFrom("agency_ledger")
      .select(["ticket_id", "agency_id", "kind", "period", "invoice_amount_rials", "rate_percent", "amount_rials", "brand_id", "category_id", "province"])
      .orderBy("id")
      .execute();
    expect(rows).toEqual([
      { ticket_id: jobs.one, agency_id: agencyA, kind: "referral_fee", period: "1405-09", invoice_amount_rials: 1_250_000, rate_percent: 10, amount_rials: 125_000, brand_id: brandX, category_id: categoryK, province: "تهران" },
      { ticket_id: jobs.two, agency_id: agencyA, kind: "referral_fee", period: "1405-09", invoice_amount_rials: 2_000_000, rate_percent: 12, amount_rials: 240_000, brand_id: brandX, category_id: categoryK, province: "تهران" },
      { ticket_id: jobs.four, agency_id: agencyB, kind: "referral_fee", period: "1405-09", invoice_amount_rials: 1_000_005, rate_percent: 8, amount_rials: 80_000, brand_id: brandY, category_id: categoryK, province: "اصفهان" },
    ]);
    const audit = await db.selectFrom("audit_log").select(["entity_id"]).where("action", "=", "ledger.fee_accrue").execute();
    expect(audit.map((r) => Number(r.entity_id)).sort()).toEqual([jobs.one, jobs.two, jobs.four].sort());
  });

  it("looks the rate up in one place: the day before, on and after the change", async () => {
    expect(await fees.feeRateAt(db, agencyA, at("2026-11-26T23:59:00+03:30"))).toBe(10);
    expect(await fees.feeRateAt(db, agencyA, at("2026-11-27T00:00:00+03:30"))).toBe(12);
    expect(await fees.feeRateAt(db, agencyA, at("2025-06-01T12:00:00+03:30"))).toBeNull();
  });

  it("a completion submitted twice (even at once) still writes one fee", async () => {
    const t = await job(agencyB, "out_of_warranty", products.y, "اصفهان");
    const now = at("2026-11-26T09:00:00+03:30");
    const results = await Promise.allSettled([complete(t, agencyB, userB, 500_000, now), complete(t, agencyB, userB, 500_000, now)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    await expect(complete(t, agencyB, userB, 500_000, now)).rejects.toThrow();
    const rows = await db.selectFrom("agency_ledger").select(["amount_rials"]).where("ticket_id", "=", t).execute();
    expect(rows).toEqual([{ amount_rials: 40_000 }]);
    // the fixture's figures below count this job too: B's Azar is 80,000 + 40,000
  });

  it("refuses to complete a paid job of an agency without a rate in force (nothing is written)", async () => {
    const t = await job(agencyNoRate, "out_of_warranty", products.x, "فارس");
    await expect(complete(t, agencyNoRate, userNoRate, 900_000, at("2026-11-26T09:00:00+03:30"))).rejects.toBeInstanceOf(NoFeeRateError);
    expect((await db.selectFrom("tickets").select("status").where("id", "=", t).executeTakeFirstOrThrow()).status).toBe("in_progress");
    expect(await db.selectFrom("agency_ledger").select("id").where("ticket_id", "=", t).execute()).toEqual([]);
  });

  it("the ledger refuses UPDATE and DELETE", async () => {
    await expect(sql`update agency_ledger set amount_rials = 1`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from agency_ledger`.execute(db)).rejects.toThrow(/append-only/);
  });
});

describe("adjustments and settlement", () => {
  it("an adjustment is a new entry with its reason and author; only a manager makes one", async () => {
    const fee = await fees.feeOfTicket(db, jobs.one);
    await expect(adjustFee(db, { kind: "user", userId: operator }, { entryId: fee!.id, amountRials: -25_000, reason: "x" })).rejects.toMatchObject({ code: "forbidden" });
    await expect(adjustFee(db, { kind: "user", userId: manager }, { entryId: fee!.id, amountRials: 0, reason: "x" })).rejects.toMatchObject({ code: "amountInvalid" });
    await expect(adjustFee(db, { kind: "user", userId: manager }, { entryId: fee!.id, amountRials: 10, reason: " " })).rejects.toMatchObject({ code: "reasonRequired" });
    const r = await adjustFee(db, { kind: "user", userId: manager }, { entryId: fee!.id, amountRials: -25_000, reason: "فاکتور اصلاح شد" }, at("2026-12-01T12:00:00+03:30"));
    expect(r.period).toBe("1405-09");
    const row = await fees.ledgerEntry(db, r.id);
    expect(row).toMatchObject({ kind: "fee_adjustment", amount_rials: -25_000, adjusts_entry_id: fee!.id, ticket_id: jobs.one, created_by: manager, reason: "فاکتور اصلاح شد", brand_id: brandX });
    // the original is untouched
    expect((await fees.ledgerEntry(db, fee!.id))!.amount_rials).toBe(125_000);
  });

  it("the statements sum the entries: A's Azar with two rates and an adjustment", async () => {
    expect(await fees.agencyStatements(db, agencyA)).toEqual([
      { period: "1405-09", jobs: 2, invoices: 3_250_000, fees: 365_000, adjustments: -25_000, claims: 0, payments: 0, due: 340_000, paid: 0, balance: 340_000 },
    ]);
    expect(await fees.statementBalance(db, agencyA, "1405-09")).toBe(340_000);
    const entries = await fees.statementEntries(db, agencyA, "1405-09");
    expect(entries.map((e) => [e.kind, e.amount_rials])).toEqual([["referral_fee", 125_000], ["referral_fee", 240_000], ["fee_adjustment", -25_000]]);
    const month = await fees.statementsOfPeriod(db, "1405-09");
    expect(month.map((s) => [s.agency_code, s.due, s.balance])).toEqual([["ISF-001", 120_000, 120_000], ["THR-001", 340_000, 340_000]]);
  });

  it("settling: only a closed month, a date not in the future, a reference; then a payment closes it", async () => {
    const boss = { kind: "user" as const, userId: manager };
    const dey = at("2026-12-23T10:00:00+03:30");
    const input = { agencyId: agencyA, period: "1405-09", paidOn: "2026-12-23", reference: "BANK-778" };
    await expect(settleStatement(db, { kind: "agency", userId: userA }, input, dey)).rejects.toMatchObject({ code: "forbidden" });
    await expect(settleStatement(db, boss, input, at("2026-12-10T10:00:00+03:30"))).rejects.toMatchObject({ code: "openPeriod" });
    await expect(settleStatement(db, boss, { ...input, paidOn: "2026-12-24" }, dey)).rejects.toMatchObject({ code: "paidOn" });
    await expect(settleStatement(db, boss, { ...input, reference: "" }, dey)).rejects.toMatchObject({ code: "referenceRequired" });
    const r = await settleStatement(db, boss, input, dey);
    expect(r.settledRials).toBe(340_000);
    await expect(settleStatement(db, boss, input, dey)).rejects.toBeInstanceOf(LedgerError);
    expect(await fees.agencyStatements(db, agencyA)).toEqual([
      { period: "1405-09", jobs: 2, invoices: 3_250_000, fees: 365_000, adjustments: -25_000, claims: 0, payments: -340_000, due: 340_000, paid: 340_000, balance: 0 },
    ]);
    const payment = await fees.ledgerEntry(db, r.id!);
    expect(payment).toMatchObject({ kind: "payment", amount_rials: -340_000, paid_on: "2026-12-23", reference: "BANK-778", created_by: manager, ticket_id: null });
    const audit = await db.selectFrom("audit_log").select(["details", "entity_id"]).where("action", "=", "ledger.statement_settle").execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toMatchObject({ period: "1405-09", amountRials: 340_000, reference: "BANK-778" });
  });

  it("unpaid balances: only B owes, 120,000 for Azar", async () => {
    expect(await fees.unpaidBalances(db)).toEqual([
      { agency_id: agencyB, agency_code: "ISF-001", agency_name: "نمایندگی اصفهان", balance: 120_000, open_months: 1, oldest_open_period: "1405-09" },
    ]);
    expect(await fees.feeTotals(db, "1405-09")).toEqual({ thisPeriod: 460_000, unsettled: 120_000 });
  });

  it("the roll-up equals the ledger summed again from scratch", async () => {
    const fresh = await sql<{ n: number }>`
      select count(*)::int as n from (
        select period, agency_id, brand_id, category_id, province,
          count(*) filter (where kind = 'referral_fee') as jobs,
          coalesce(sum(invoice_amount_rials) filter (where kind = 'referral_fee'), 0) as inv,
          coalesce(sum(amount_rials) filter (where kind = 'referral_fee'), 0) as fee,
          coalesce(sum(amount_rials) filter (where kind = 'fee_adjustment'), 0) as adj,
          coalesce(sum(amount_rials) filter (where kind = 'payment'), 0) as pay
        from agency_ledger group by 1, 2, 3, 4, 5
        except
        select period, agency_id, brand_id, category_id, province, jobs, invoice_rials, fee_rials, adjustment_rials, payment_rials from ledger_monthly
      ) d`.execute(db);
    expect(fresh.rows[0]!.n).toBe(0);
  });
});

describe("revenue breakdown", () => {
  const azar1 = at("2026-11-22T00:00:00+03:30");
  const dey1 = at("2026-12-22T00:00:00+03:30");

  it("a whole month, from the roll-up: by month, agency, brand, category, province", async () => {
    const r = await fees.revenueBreakdown(db, { from: azar1, toExclusive: dey1 });
    expect(r.total).toEqual({ jobs: 4, invoices: 4_750_005, fees: 485_000, adjustments: -25_000, revenue: 460_000 });
    expect(r.period.map((g) => [g.key, g.revenue])).toEqual([["1405-09", 460_000]]);
    expect(r.agency.map((g) => [g.key, g.jobs, g.revenue])).toEqual([[String(agencyA), 2, 340_000], [String(agencyB), 2, 120_000]]);
    expect(r.brand.map((g) => [g.label.en, g.revenue])).toEqual([["Brand X", 340_000], ["Brand Y", 120_000]]);
    expect(r.category.map((g) => [g.label.fa, g.revenue])).toEqual([["یخچال", 460_000]]);
    expect(r.province.map((g) => [g.key, g.revenue])).toEqual([["تهران", 340_000], ["اصفهان", 120_000]]);
  });

  it("part of a month, from the ledger itself: from 27 Nov only job 2 and the adjustment", async () => {
    const r = await fees.revenueBreakdown(db, { from: at("2026-11-27T00:00:00+03:30"), toExclusive: dey1 });
    expect(r.total).toEqual({ jobs: 1, invoices: 2_000_000, fees: 240_000, adjustments: -25_000, revenue: 215_000 });
    const narrowed = await fees.revenueBreakdown(db, { from: azar1, toExclusive: dey1, brandId: brandY });
    expect(narrowed.total.revenue).toBe(120_000);
  });

  it("the entries list's total is one aggregate equal to the breakdown's total (whole months, partial ones, narrowed, empty)", async () => {
    const filters = [
      { from: azar1, toExclusive: dey1 },
      { from: at("2026-11-27T00:00:00+03:30"), toExclusive: dey1 },
      { from: azar1, toExclusive: dey1, brandId: brandY },
      { from: azar1, toExclusive: dey1, agencyId: agencyA, province: "تهران" },
      { from: azar1, toExclusive: azar1 },
    ];
    for (const f of filters) expect(await fees.revenueTotal(db, f)).toEqual((await fees.revenueBreakdown(db, f)).total);
    expect(await fees.revenueTotal(db, { from: azar1, toExclusive: dey1 })).toEqual({ jobs: 4, invoices: 4_750_005, fees: 485_000, adjustments: -25_000, revenue: 460_000 });
  });

  it("the entries behind a figure: the same filter, newest first", async () => {
    const entries = await fees.revenueEntries(db, { from: azar1, toExclusive: dey1, agencyId: agencyA });
    expect(entries.map((e) => [e.kind, e.ticket_id, e.amount_rials])).toEqual([
      ["fee_adjustment", jobs.one, -25_000],
      ["referral_fee", jobs.two, 240_000],
      ["referral_fee", jobs.one, 125_000],
    ]);
    const byProvince = await fees.revenueEntries(db, { from: azar1, toExclusive: dey1, province: "اصفهان", period: "1405-09" });
    expect(byProvince.reduce((s, e) => s + e.amount_rials, 0)).toBe(120_000);
    // a keyset page after the first two: the third, and nothing after it
    const f = { from: azar1, toExclusive: dey1, agencyId: agencyA };
    const firstTwo = await fees.revenueEntries(db, f, 2);
    const rest = await fees.revenueEntries(db, f, 2, { at: firstTwo[1]!.at, id: firstTwo[1]!.id });
    expect(rest.map((e) => e.id)).toEqual([entries[2]!.id]);
    expect(await fees.revenueEntries(db, f, 2, { at: rest[0]!.at, id: rest[0]!.id })).toEqual([]);
  });
});

describe("who reads which statement (the routes)", () => {
  const azar = { period: "1405-09" };

  it("an agency admin reads only its own statements, by page and by export", async () => {
    const list = (await call(agencyStatementsLoader, "/agency/statement", "agencya")) as { lines: { period: string; balance: number }[] };
    expect(list.lines.map((l) => [l.period, l.balance])).toEqual([["1405/09", 0]]);
    const a = (await call(agencyStatementLoader, "/agency/statement/1405-09", "agencya", azar)) as { agency: { code: string }; rows: { ticket_id: number | null }[] };
    expect(a.agency.code).toBe("THR-001");
    expect(a.rows.map((r) => r.ticket_id)).toEqual([jobs.one, jobs.two, jobs.one, null]);
    const b = (await call(agencyStatementLoader, "/agency/statement/1405-09", "agencyb", azar)) as { agency: { code: string }; rows: { ticket_id: number | null }[] };
    expect(b.agency.code).toBe("ISF-001");
    expect(b.rows.map((r) => r.ticket_id)).not.toContain(jobs.one);
    const csv = (await call(agencyExportLoader, "/agency/statement/1405-09/export?format=csv", "agencyb", azar)) as Response;
    expect(csv.headers.get("Content-Type")).toContain("text/csv");
    const text = await csv.text();
    const number = async (id: number) => String((await db.selectFrom("tickets").select("number").where("id", "=", id).executeTakeFirstOrThrow()).number);
    expect(text).toContain(await number(jobs.four));
    expect(text).not.toContain(await number(jobs.two));
  });

  it("an agency cannot reach another's statement through the manager's URLs, and its staff not even its own", async () => {
    const bParams = { agencyId: String(agencyB), period: "1405-09" };
    for (const [fn, url] of [
      [managerStatementLoader, `/manager/fees/statements/${agencyB}/1405-09`],
      [managerExportLoader, `/manager/fees/statements/${agencyB}/1405-09/export?format=csv`],
    ] as const) {
      const r = await call(fn, url, "agencya", bParams);
      expect(r).toBeInstanceOf(Response);
      expect([302, 403, 404]).toContain((r as Response).status);
    }
    const staff = await call(agencyExportLoader, "/agency/statement/1405-09/export?format=csv", "staffa", azar);
    expect((staff as Response).status).toBe(403);
  });

  it("the manager exports any agency's statement as CSV and XLSX", async () => {
    const params = { agencyId: String(agencyA), period: "1405-09" };
    const csv = (await call(managerExportLoader, `/manager/fees/statements/${agencyA}/1405-09/export?format=csv`, "boss", params)) as Response;
    expect(csv.status).toBe(200);
    const raw = Buffer.from(await csv.arrayBuffer());
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = raw.toString("utf8");
    expect(text).toContain("BANK-778");
    expect(text).toContain("فاکتور اصلاح شد");
    const xlsx = (await call(managerExportLoader, `/manager/fees/statements/${agencyA}/1405-09/export?format=xlsx`, "boss", params)) as Response;
    expect(xlsx.headers.get("Content-Type")).toContain("spreadsheetml");
    expect(Buffer.from(await xlsx.arrayBuffer()).subarray(0, 2).toString("latin1")).toBe("PK");
  });
});
