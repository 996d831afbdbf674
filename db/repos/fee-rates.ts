/**
 * Agency fee rates (agency_fee_rates: half-open day ranges [effective_from, effective_to)): the ONE place
 * the rate in force is looked up, and the ledger check ("was this rate used?"). Rates are written by
 * services/agency-admin.ts only.
 */
import { sql } from "kysely";
import { jalaliYearMonth } from "../../core/jalali";
import type { DB } from "../connection";

/** The Jalali month (agency_ledger.period) of a Tehran calendar day: bounds the ledger scan to the index (agency_id, period, at). */
function periodOfDay(day: string): string {
  return jalaliYearMonth(new Date(`${day}T12:00:00+03:30`));
}

/** The contract rate of an agency in force on a Tehran calendar day 'YYYY-MM-DD', or null when none is. */
export async function rateInForce(db: DB, agencyId: number, day: string): Promise<{ id: number; ratePercent: number } | null> {
  const row = await db
    .selectFrom("agency_fee_rates")
    .select(["id", "rate_percent"])
    .where("agency_id", "=", agencyId)
    .where("effective_from", "<=", day)
    .where((eb) => eb.or([eb("effective_to", "is", null), eb("effective_to", ">", day)]))
    .executeTakeFirst();
  return row ? { id: row.id, ratePercent: Number(row.rate_percent) } : null;
}

/**
 * The Tehran day a referral fee of the ledger (agency_ledger) belongs to: the day its job was completed (the rate in force
 * then is the one it used), else the day it was accrued.
 */
const ledgerDay = sql<string>`coalesce(
  (select ((max(cr.completed_at)) at time zone 'Asia/Tehran')::date from completion_reports cr where cr.ticket_id = rf.ticket_id and cr.agency_id = rf.agency_id),
  (rf.at at time zone 'Asia/Tehran')::date)::text`;

/**
 * Whether a ledger entry of the agency falls on or after `from` (and before `to`, exclusive, when given). The
 * entries' months (period, the Jalali month of the completion) bound the scan first, so a rate's check reads
 * only the months it covers (agency_ledger_statement_idx), then the exact day decides.
 */
export async function ledgerUsesDays(db: DB, agencyId: number, from: string, to: string | null): Promise<boolean> {
  const pFrom = periodOfDay(from);
  const pTo = to === null ? null : periodOfDay(to);
  const r = await sql<{ used: boolean }>`
    select exists (
      select 1 from agency_ledger rf
      where rf.agency_id = ${agencyId}
        and rf.kind = 'referral_fee'
        and rf.period >= ${pFrom}
        and (${pTo}::text is null or rf.period <= ${pTo}::text)
        and ${ledgerDay} >= ${from}
        and (${to}::text is null or ${ledgerDay} < ${to}::text)
    ) as used`.execute(db);
  return r.rows[0]?.used ?? false;
}

/** An agency's rates, newest first, each marked when a ledger entry used it (never to be edited then). */
export async function agencyFeeRates(db: DB, agencyId: number) {
  const rows = await db
    .selectFrom("agency_fee_rates as r")
    .select(["r.id", "r.rate_percent", "r.effective_from", "r.effective_to"])
    .where("r.agency_id", "=", agencyId)
    .orderBy("r.effective_from", "desc")
    .execute();
  return Promise.all(
    rows.map(async (r) => {
      const from = dayText(r.effective_from);
      const to = r.effective_to === null ? null : dayText(r.effective_to);
      return { id: r.id, rate_percent: Number(r.rate_percent), effective_from: from, effective_to: to, used: await ledgerUsesDays(db, agencyId, from, to) };
    }),
  );
}

/** pg returns `date` columns as Date at local midnight unless parsed as text: one form, 'YYYY-MM-DD'. */
export function dayText(v: unknown): string {
  if (v instanceof Date) {
    const y = v.getFullYear();
    return `${y}-${String(v.getMonth() + 1).padStart(2, "0")}-${String(v.getDate()).padStart(2, "0")}`;
  }
  return String(v).slice(0, 10);
}
