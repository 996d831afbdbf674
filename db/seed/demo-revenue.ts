/**
 * Demo data of the agency ledger (issue 14 §2) beyond the fees and payments DemoBuilder writes with the
 * completions: corrections as a manager would enter them, so the statements show an adjustment beside the
 * fees — a reduction on THR-001's latest fee (the customer disputed the invoice) and an increase on another
 * agency's (a part left off the invoice), both by the demo manager, in the month they are made.
 */
import type { Kysely } from "kysely";
import { jalaliYearMonth } from "../../core/jalali";
import type { Database } from "../schema";

export async function insertDemoRevenue(db: Kysely<Database>, now: Date): Promise<number> {
  const manager = await db.selectFrom("users").select("id").where("username", "=", "manager").executeTakeFirst();
  if (!manager) return 0;
  const latestFee = (code: string | null) => {
    let q = db
      .selectFrom("agency_ledger")
      .innerJoin("agencies", "agencies.id", "agency_ledger.agency_id")
      .select(["agency_ledger.id", "agency_ledger.agency_id", "agency_ledger.amount_rials", "agency_ledger.ticket_id", "agency_ledger.at",
        "agency_ledger.brand_id", "agency_ledger.category_id", "agency_ledger.province"])
      .where("agency_ledger.kind", "=", "referral_fee")
      .where("agency_ledger.amount_rials", ">=", 20_000);
    q = code ? q.where("agencies.code", "=", code) : q.where("agencies.code", "<>", "THR-001");
    return q.orderBy("agency_ledger.at", "desc").executeTakeFirst();
  };
  const corrections = [
    { fee: await latestFee("THR-001"), share: -0.2, reason: "اعتراض مشتری به مبلغ فاکتور؛ فاکتور با تخفیف اصلاح شد" },
    { fee: await latestFee(null), share: 0.1, reason: "قطعه تعویضی در فاکتور اولیه ثبت نشده بود" },
  ];
  const rows = corrections
    .filter((c) => c.fee)
    .map(({ fee, share, reason }, i) => {
      const at = new Date(Math.min(now.getTime() - (2 - i) * 3600_000, Math.max(fee!.at.getTime() + 3600_000, now.getTime() - 6 * 3600_000)));
      return {
        agency_id: fee!.agency_id,
        kind: "fee_adjustment" as const,
        period: jalaliYearMonth(at),
        amount_rials: Math.round((fee!.amount_rials * share) / 1000) * 1000 || (share < 0 ? -1000 : 1000),
        at,
        ticket_id: fee!.ticket_id,
        adjusts_entry_id: fee!.id,
        reason,
        created_by: manager.id,
        brand_id: fee!.brand_id,
        category_id: fee!.category_id,
        province: fee!.province,
      };
    });
  if (rows.length) await db.insertInto("agency_ledger").values(rows).execute();
  return rows.length;
}
