/**
 * The agency ledger (core/ledger.ts; table agency_ledger, roll-up ledger_monthly): fee rates, statements,
 * balances and referral-fee revenue. Statements and balances read the monthly roll-up (a few hundred rows per
 * agency); revenue over a date range reads the roll-up for its whole Jalali months and the ledger's covering
 * index (agency_ledger_revenue_idx) for the partial first and last ones.
 */
import { sql, type Expression, type SqlBool } from "kysely";
import { REVENUE_KINDS, splitRangeByMonth } from "../../core/ledger";
import { jalaliYearMonth, tehranDay } from "../../core/jalali";
import type { DB } from "../connection";
import { rateInForce } from "./fee-rates";

/**
 * The agency's contract rate (percent) in force at an instant: the rate whose [effective_from, effective_to)
 * holds the Tehran calendar day of `at`; null when none does. The one place a rate is looked up (the agency
 * admin pages edit the rates; completion reads them here).
 */
export async function feeRateAt(db: DB, agencyId: number, at: Date): Promise<number | null> {
  return (await rateInForce(db, agencyId, tehranDay(at)))?.ratePercent ?? null;
}

/** The ticket's dimensions for the revenue reports: brand and category of its product, its province. */
export async function ticketDimensions(db: DB, ticketId: number) {
  const row = await db
    .selectFrom("tickets")
    .leftJoin("customer_products", "customer_products.id", "tickets.customer_product_id")
    .leftJoin("product_models", "product_models.id", "customer_products.model_id")
    .select(["tickets.province", "product_models.brand_id", "product_models.category_id"])
    .where("tickets.id", "=", ticketId)
    .executeTakeFirst();
  return { province: row?.province ?? null, brandId: row?.brand_id ?? null, categoryId: row?.category_id ?? null };
}

export async function ledgerEntry(db: DB, id: number) {
  return db
    .selectFrom("agency_ledger")
    .select([
      "id", "agency_id", "kind", "period", "amount_rials", "at", "ticket_id", "invoice_amount_rials", "rate_percent",
      "adjusts_entry_id", "reason", "reference", "paid_on", "created_by", "brand_id", "category_id", "province", "claim_id",
    ])
    .where("id", "=", id)
    .executeTakeFirst();
}

/** The ticket's original fee entry, if it has one. */
export async function feeOfTicket(db: DB, ticketId: number) {
  return db
    .selectFrom("agency_ledger")
    .select(["id", "agency_id", "period", "amount_rials", "invoice_amount_rials", "rate_percent", "at"])
    .where("ticket_id", "=", ticketId)
    .where("kind", "=", "referral_fee")
    .executeTakeFirst();
}

/** The sum of every entry of one statement (agency, month): fees + adjustments + payments. */
export async function statementBalance(db: DB, agencyId: number, period: string): Promise<number> {
  const row = await db
    .selectFrom("agency_ledger")
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>("amount_rials"), sql<number>`0`).as("balance"))
    .where("agency_id", "=", agencyId)
    .where("period", "=", period)
    .executeTakeFirstOrThrow();
  return Number(row.balance);
}

/** Per month, what one agency's statements hold (from the roll-up), newest first. */
export async function agencyStatements(db: DB, agencyId: number) {
  const rows = await db
    .selectFrom("ledger_monthly")
    .select((eb) => [
      "period",
      eb.fn.sum<number>("jobs").as("jobs"),
      eb.fn.sum<number>("invoice_rials").as("invoices"),
      eb.fn.sum<number>("fee_rials").as("fees"),
      eb.fn.sum<number>("adjustment_rials").as("adjustments"),
      eb.fn.sum<number>("payment_rials").as("payments"),
      eb.fn.sum<number>("claim_rials").as("claims"),
    ])
    .where("agency_id", "=", agencyId)
    .groupBy("period")
    .orderBy("period", "desc")
    .execute();
  return rows.map(statementRow);
}

/** A month's sums as core/ledger.ts summarizeStatement defines them: claims (≤ 0) net against fees in `due`. */
function statementRow<R extends { jobs: number; invoices: number; fees: number; adjustments: number; payments: number; claims: number }>(r: R) {
  const fees = Number(r.fees);
  const adjustments = Number(r.adjustments);
  const payments = Number(r.payments);
  const claims = Number(r.claims);
  return {
    ...r,
    jobs: Number(r.jobs),
    invoices: Number(r.invoices),
    fees,
    adjustments,
    claims,
    payments,
    due: fees + adjustments + claims,
    paid: payments === 0 ? 0 : -payments,
    balance: fees + adjustments + claims + payments,
  };
}

/** Every agency's statement of one month (manager), with the agency's code and name. */
export async function statementsOfPeriod(db: DB, period: string) {
  const rows = await db
    .selectFrom("ledger_monthly")
    .innerJoin("agencies", "agencies.id", "ledger_monthly.agency_id")
    .select((eb) => [
      "ledger_monthly.agency_id",
      "agencies.code as agency_code",
      "agencies.name as agency_name",
      "ledger_monthly.period",
      eb.fn.sum<number>("ledger_monthly.jobs").as("jobs"),
      eb.fn.sum<number>("ledger_monthly.invoice_rials").as("invoices"),
      eb.fn.sum<number>("ledger_monthly.fee_rials").as("fees"),
      eb.fn.sum<number>("ledger_monthly.adjustment_rials").as("adjustments"),
      eb.fn.sum<number>("ledger_monthly.payment_rials").as("payments"),
      eb.fn.sum<number>("ledger_monthly.claim_rials").as("claims"),
    ])
    .where("ledger_monthly.period", "=", period)
    .groupBy(["ledger_monthly.agency_id", "agencies.code", "agencies.name", "ledger_monthly.period"])
    .orderBy("agencies.code")
    .execute();
  return rows.map(statementRow);
}

/** The periods that have a statement, newest first. */
export async function statementPeriods(db: DB): Promise<string[]> {
  const rows = await db.selectFrom("ledger_monthly").select("period").distinct().orderBy("period", "desc").execute();
  return rows.map((r) => r.period);
}

/** What each agency still owes over all its statements (positive: owed to the manufacturer), largest first. */
export async function unpaidBalances(db: DB) {
  const rows = await db
    .selectFrom("ledger_monthly")
    .innerJoin("agencies", "agencies.id", "ledger_monthly.agency_id")
    .select([
      "ledger_monthly.agency_id",
      "agencies.code as agency_code",
      "agencies.name as agency_name",
      sql<number>`sum(ledger_monthly.fee_rials + ledger_monthly.adjustment_rials + ledger_monthly.payment_rials + ledger_monthly.claim_rials)`.as("balance"),
    ])
    .groupBy(["ledger_monthly.agency_id", "agencies.code", "agencies.name"])
    .execute();
  const periods = await db
    .selectFrom("ledger_monthly")
    .select(["agency_id", "period", sql<number>`sum(fee_rials + adjustment_rials + payment_rials + claim_rials)`.as("balance")])
    .groupBy(["agency_id", "period"])
    .having(sql<SqlBool>`sum(fee_rials + adjustment_rials + payment_rials + claim_rials) <> 0`)
    .execute();
  const openCount = new Map<number, { months: number; oldest: string }>();
  for (const p of periods) {
    const c = openCount.get(p.agency_id);
    openCount.set(p.agency_id, { months: (c?.months ?? 0) + 1, oldest: c && c.oldest < p.period ? c.oldest : p.period });
  }
  return rows
    .map((r) => ({
      agency_id: r.agency_id,
      agency_code: r.agency_code,
      agency_name: r.agency_name,
      balance: Number(r.balance),
      open_months: openCount.get(r.agency_id)?.months ?? 0,
      oldest_open_period: openCount.get(r.agency_id)?.oldest ?? null,
    }))
    .filter((r) => r.balance !== 0)
    .sort((a, b) => b.balance - a.balance || a.agency_code.localeCompare(b.agency_code));
}

/** Every entry of one statement (agency, month), oldest first, with the ticket's number and who wrote it. */
export async function statementEntries(db: DB, agencyId: number, period: string) {
  return db
    .selectFrom("agency_ledger")
    .leftJoin("tickets", "tickets.id", "agency_ledger.ticket_id")
    .leftJoin("users", "users.id", "agency_ledger.created_by")
    .select([
      "agency_ledger.id", "agency_ledger.kind", "agency_ledger.at", "agency_ledger.amount_rials", "agency_ledger.ticket_id",
      "tickets.number as ticket_number", "agency_ledger.invoice_amount_rials", "agency_ledger.rate_percent",
      "agency_ledger.adjusts_entry_id", "agency_ledger.reason", "agency_ledger.reference", "agency_ledger.paid_on",
      "users.display_name as created_by_name", "agency_ledger.claim_id",
    ])
    .where("agency_ledger.agency_id", "=", agencyId)
    .where("agency_ledger.period", "=", period)
    .orderBy("agency_ledger.at")
    .orderBy("agency_ledger.id")
    .execute();
}

/** The manager's ledger: the latest entries of every kind. */
export async function latestEntries(db: DB, limit = 200) {
  return db
    .selectFrom("agency_ledger")
    .innerJoin("agencies", "agencies.id", "agency_ledger.agency_id")
    .leftJoin("tickets", "tickets.id", "agency_ledger.ticket_id")
    .select([
      "agency_ledger.id", "agency_ledger.kind", "agency_ledger.period", "agency_ledger.at", "agency_ledger.amount_rials",
      "agency_ledger.invoice_amount_rials", "agency_ledger.rate_percent", "agency_ledger.reason", "agency_ledger.reference",
      "agency_ledger.agency_id", "agencies.code as agency_code", "agencies.name as agency_name",
      "agency_ledger.ticket_id", "tickets.number as ticket_number",
    ])
    .orderBy("agency_ledger.at", "desc")
    .orderBy("agency_ledger.id", "desc")
    .limit(limit)
    .execute();
}

// ---------- referral-fee revenue ----------

export const REVENUE_DIMENSIONS = ["period", "agency", "brand", "category", "province"] as const;
export type RevenueDimension = (typeof REVENUE_DIMENSIONS)[number];

export interface RevenueFilter {
  from: Date;
  toExclusive: Date;
  period?: string | null;
  agencyId?: number | null;
  brandId?: number | null;
  categoryId?: number | null;
  province?: string | null;
}

export interface RevenueFigure {
  jobs: number;
  invoices: number;
  fees: number;
  adjustments: number;
  revenue: number;
}

export interface RevenueGroup extends RevenueFigure {
  key: string;
  label: { fa: string; en: string };
}

export type RevenueBreakdown = { total: RevenueFigure } & Record<RevenueDimension, RevenueGroup[]>;

function filterSql(f: RevenueFilter, prefix: string): Expression<SqlBool>[] {
  const c = (col: string) => sql.ref(`${prefix}.${col}`);
  const out: Expression<SqlBool>[] = [];
  if (f.period) out.push(sql<SqlBool>`${c("period")} = ${f.period}`);
  if (f.agencyId != null) out.push(sql<SqlBool>`${c("agency_id")} = ${f.agencyId}`);
  if (f.brandId != null) out.push(sql<SqlBool>`${c("brand_id")} = ${f.brandId}`);
  if (f.categoryId != null) out.push(sql<SqlBool>`${c("category_id")} = ${f.categoryId}`);
  if (f.province != null) out.push(sql<SqlBool>`${c("province")} = ${f.province}`);
  return out;
}

const and = (parts: Expression<SqlBool>[]) => (parts.length ? sql`and ${sql.join(parts, sql` and `)}` : sql``);

/**
 * The revenue rows of a range at the roll-up's grain (null: the range covers no month): ledger_monthly for the
 * whole Jalali months, agency_ledger summed to the same grain for the partial ones. The breakdown and the total
 * read the same source, so they cannot disagree.
 */
function revenueSource(f: RevenueFilter) {
  const { whole, partial } = splitRangeByMonth(f.from, f.toExclusive, jalaliYearMonth);
  if (whole.length === 0 && partial.length === 0) return null;
  const none = ["0000-00"];
  return sql`
      select m.period, m.agency_id, m.brand_id, m.category_id, m.province collate "C" as province, m.jobs, m.invoice_rials, m.fee_rials, m.adjustment_rials
      from ledger_monthly m
      where m.period = any(${whole.length ? whole : none}::text[]) and (m.jobs <> 0 or m.fee_rials <> 0 or m.adjustment_rials <> 0)
        ${and(filterSql(f, "m"))}
      union all
      -- the partial months, summed to the roll-up's grain first (grouping sets then work on a few thousand rows);
      -- province grouped by its bytes (collate "C"): the linguistic collation made the sort the slowest step
      select l.period, l.agency_id, l.brand_id, l.category_id, l.province collate "C",
        count(*) filter (where l.kind = 'referral_fee'), coalesce(sum(l.invoice_amount_rials), 0),
        coalesce(sum(l.amount_rials) filter (where l.kind = 'referral_fee'), 0),
        coalesce(sum(l.amount_rials) filter (where l.kind = 'fee_adjustment'), 0)
      from agency_ledger l
      where l.kind in ('referral_fee', 'fee_adjustment') and l.period = any(${partial.length ? partial : none}::text[])
        and l.at >= ${f.from} and l.at < ${f.toExclusive}
        ${and(filterSql(f, "l"))}
      group by l.period, l.agency_id, l.brand_id, l.category_id, l.province collate "C"`;
}

const ZERO_FIGURE: RevenueFigure = { jobs: 0, invoices: 0, fees: 0, adjustments: 0, revenue: 0 };

/** The total alone of what revenueBreakdown gives (the entries list's sums): one aggregate over the same source. */
export async function revenueTotal(db: DB, f: RevenueFilter): Promise<RevenueFigure> {
  const src = revenueSource(f);
  if (!src) return { ...ZERO_FIGURE };
  const { rows } = await sql<{ jobs: string | null; invoices: string | null; fees: string | null; adjustments: string | null }>`
    with src as (${src})
    select sum(jobs)::bigint as jobs, sum(invoice_rials)::bigint as invoices, sum(fee_rials)::bigint as fees,
      sum(adjustment_rials)::bigint as adjustments
    from src`.execute(db);
  const r = rows[0];
  const fees = Number(r?.fees ?? 0);
  const adjustments = Number(r?.adjustments ?? 0);
  return { jobs: Number(r?.jobs ?? 0), invoices: Number(r?.invoices ?? 0), fees, adjustments, revenue: fees + adjustments };
}

/**
 * Referral-fee revenue (fees and their adjustments, by the time they were written) over [from, toExclusive),
 * optionally narrowed to one month, agency, brand, category or province; the total and the figures by month,
 * agency, brand, category and province, in one pass (grouping sets).
 */
export async function revenueBreakdown(db: DB, f: RevenueFilter): Promise<RevenueBreakdown> {
  const empty: RevenueBreakdown = {
    total: { ...ZERO_FIGURE },
    period: [], agency: [], brand: [], category: [], province: [],
  };
  const src = revenueSource(f);
  if (!src) return empty;
  const rows = await sql<{
    g: number; period: string | null; agency_id: number | null; brand_id: number | null; category_id: number | null;
    province: string | null; jobs: number; invoices: number; fees: number; adjustments: number;
  }>`
    with src as (${src})
    select grouping(period, agency_id, brand_id, category_id, province) as g,
      period, agency_id, brand_id, category_id, province,
      sum(jobs)::bigint as jobs, sum(invoice_rials)::bigint as invoices, sum(fee_rials)::bigint as fees,
      sum(adjustment_rials)::bigint as adjustments
    from src
    group by grouping sets ((period), (agency_id), (brand_id), (category_id), (province), ())`.execute(db);
  const [agencies, brands, categories] = await Promise.all([
    db.selectFrom("agencies").select(["id", "code", "name"]).execute(),
    db.selectFrom("brands").select(["id", "name_fa", "name_en"]).execute(),
    db.selectFrom("product_categories").select(["id", "name_fa", "name_en"]).execute(),
  ]);
  const out = empty;
  const fig = (r: (typeof rows.rows)[number]): RevenueFigure => {
    const fees = Number(r.fees);
    const adjustments = Number(r.adjustments);
    return { jobs: Number(r.jobs), invoices: Number(r.invoices), fees, adjustments, revenue: fees + adjustments };
  };
  // grouping(period, agency_id, brand_id, category_id, province): a bit is 1 for a column NOT grouped by
  const SETS: Record<number, RevenueDimension> = { 0b01111: "period", 0b10111: "agency", 0b11011: "brand", 0b11101: "category", 0b11110: "province" };
  for (const r of rows.rows) {
    if (Number(r.g) === 0b11111) {
      out.total = fig(r);
      continue;
    }
    const dim = SETS[Number(r.g)];
    if (!dim) continue;
    let key: string;
    let label: { fa: string; en: string };
    switch (dim) {
      case "period":
        key = r.period ?? "";
        label = { fa: key, en: key };
        break;
      case "agency": {
        const a = agencies.find((x) => x.id === r.agency_id);
        key = String(r.agency_id);
        label = a ? { fa: `${a.name} (${a.code})`, en: `${a.name} (${a.code})` } : { fa: key, en: key };
        break;
      }
      case "brand": {
        const b = brands.find((x) => x.id === r.brand_id);
        key = r.brand_id == null ? "" : String(r.brand_id);
        label = b ? { fa: b.name_fa, en: b.name_en } : { fa: "—", en: "—" };
        break;
      }
      case "category": {
        const c = categories.find((x) => x.id === r.category_id);
        key = r.category_id == null ? "" : String(r.category_id);
        label = c ? { fa: c.name_fa, en: c.name_en } : { fa: "—", en: "—" };
        break;
      }
      case "province":
        key = r.province ?? "";
        label = { fa: r.province ?? "—", en: r.province ?? "—" };
        break;
    }
    out[dim].push({ key, label, ...fig(r) });
  }
  out.period.sort((a, b) => a.key.localeCompare(b.key));
  for (const d of ["agency", "brand", "category", "province"] as const) out[d].sort((a, b) => b.revenue - a.revenue || a.key.localeCompare(b.key));
  return out;
}

/** The fee entries behind a revenue figure (same filter), newest first, at most `limit`, after the keyset `before` when given. */
export async function revenueEntries(db: DB, f: RevenueFilter, limit = 500, before: { at: Date; id: number } | null = null) {
  let q = db
    .selectFrom("agency_ledger")
    .innerJoin("agencies", "agencies.id", "agency_ledger.agency_id")
    .leftJoin("tickets", "tickets.id", "agency_ledger.ticket_id")
    .leftJoin("brands", "brands.id", "agency_ledger.brand_id")
    .leftJoin("product_categories", "product_categories.id", "agency_ledger.category_id")
    .select([
      "agency_ledger.id", "agency_ledger.kind", "agency_ledger.period", "agency_ledger.at", "agency_ledger.amount_rials",
      "agency_ledger.invoice_amount_rials", "agency_ledger.rate_percent", "agency_ledger.reason",
      "agency_ledger.ticket_id", "tickets.number as ticket_number", "agency_ledger.agency_id",
      "agencies.code as agency_code", "agencies.name as agency_name", "agency_ledger.province",
      "brands.name_fa as brand_fa", "brands.name_en as brand_en",
      "product_categories.name_fa as category_fa", "product_categories.name_en as category_en",
    ])
    .where("agency_ledger.kind", "in", REVENUE_KINDS)
    .where("agency_ledger.at", ">=", f.from)
    .where("agency_ledger.at", "<", f.toExclusive);
  if (f.period) q = q.where("agency_ledger.period", "=", f.period);
  if (f.agencyId != null) q = q.where("agency_ledger.agency_id", "=", f.agencyId);
  if (f.brandId != null) q = q.where("agency_ledger.brand_id", "=", f.brandId);
  if (f.categoryId != null) q = q.where("agency_ledger.category_id", "=", f.categoryId);
  if (f.province != null) q = q.where("agency_ledger.province", "=", f.province);
  if (before) q = q.where(sql<boolean>`(agency_ledger.at, agency_ledger.id) < (${before.at}::timestamptz, ${before.id}::bigint)`);
  return q.orderBy("agency_ledger.at", "desc").orderBy("agency_ledger.id", "desc").limit(limit).execute();
}

/** The referral-fee figures of the manager's home: this month's revenue and every agency's unpaid balance. */
export async function feeTotals(db: DB, period: string) {
  const row = await db
    .selectNoFrom((eb) => [
      eb.fn
        .coalesce(
          eb.selectFrom("ledger_monthly").select(sql<number>`sum(fee_rials + adjustment_rials)`.as("s")).where("period", "=", period),
          sql<number>`0`,
        )
        .as("this_period"),
      eb.fn
        .coalesce(eb.selectFrom("ledger_monthly").select(sql<number>`sum(fee_rials + adjustment_rials + payment_rials)`.as("s")), sql<number>`0`)
        .as("unsettled"),
    ])
    .executeTakeFirstOrThrow();
  return { thisPeriod: Number(row.this_period), unsettled: Number(row.unsettled) };
}
