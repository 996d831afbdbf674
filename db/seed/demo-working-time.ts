import type { Kysely } from "kysely";
import { OFFICIAL_HOLIDAYS_SEED } from "../../core/holidays";
import { jalaliToGregorian } from "../../core/jalali";
import type { Database } from "../schema";

/**
 * The working-day clock's demo data (issue 15 §2), called once at the end of DemoBuilder.run(): the official
 * holidays of 1405 and the Nowruz of 1406 (core/holidays.ts; a reset empties the table the migration seeded).
 */
export async function seedDemoWorkingTime(db: Kysely<Database>, _now: Date): Promise<Record<string, number>> {
  const rows = OFFICIAL_HOLIDAYS_SEED.map((h) => ({
    jalali_year: h.year,
    jalali_month: h.month,
    jalali_day: h.day,
    day: jalaliToGregorian(h)!,
    reason: h.reason,
  }));
  const inserted = await db.insertInto("official_holidays").values(rows).onConflict((oc) => oc.column("day").doNothing()).returning("id").execute();
  return { official_holidays: inserted.length };
}
