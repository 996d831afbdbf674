/**
 * The official holidays an admin keeps (issue 15 §2, /admin/holidays): add a Jalali day with its reason, or
 * remove one. Each change is one transaction with its audit row (holiday.create / holiday.delete); the
 * table's trigger bumps the calendars' version, so every process's clock takes the change on its next deadline
 * (services/working-calendar.ts). Deadlines already stored keep their value.
 */
import { checkHoliday, type HolidayProblem } from "../core/holidays";
import { jalaliDateText, jalaliToGregorian, type JalaliDate } from "../core/jalali";
import type { DB } from "../db/connection";
import { writeAudit } from "../db/repos/audit";
import type { Actor } from "./actor";

export class HolidayError extends Error {
  constructor(readonly code: HolidayProblem | "duplicate" | "not_found") {
    super(`holiday: ${code}`);
  }
}

export async function addHoliday(db: DB, actor: Actor, input: JalaliDate & { reason: string }): Promise<{ id: number }> {
  const problem = checkHoliday(input);
  if (problem) throw new HolidayError(problem);
  const day = jalaliToGregorian(input)!;
  const reason = input.reason.trim();
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto("official_holidays")
      .values({ jalali_year: input.year, jalali_month: input.month, jalali_day: input.day, day, reason, created_by: actor.userId ?? null })
      .onConflict((oc) => oc.column("day").doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!row) throw new HolidayError("duplicate");
    await writeAudit(trx, {
      actorUserId: actor.userId ?? null,
      action: "holiday.create",
      entityType: "holiday",
      entityId: row.id,
      ip: actor.ip ?? undefined,
      details: { date: jalaliDateText(input), day, reason },
    });
    return { id: row.id };
  });
}

export async function removeHoliday(db: DB, actor: Actor, id: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .deleteFrom("official_holidays")
      .where("id", "=", id)
      .returning(["jalali_year", "jalali_month", "jalali_day", "day", "reason"])
      .executeTakeFirst();
    if (!row) throw new HolidayError("not_found");
    await writeAudit(trx, {
      actorUserId: actor.userId ?? null,
      action: "holiday.delete",
      entityType: "holiday",
      entityId: id,
      ip: actor.ip ?? undefined,
      details: { date: jalaliDateText({ year: row.jalali_year, month: row.jalali_month, day: row.jalali_day }), day: row.day, reason: row.reason },
    });
  });
}
