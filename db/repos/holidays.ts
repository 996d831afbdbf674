// The working-day clock's holidays (issue 15 §2): the admin's table and the cached calendars' version.
import type { DB } from "../connection";

export interface HolidayRow {
  id: number;
  jalaliYear: number;
  jalaliMonth: number;
  jalaliDay: number;
  /** Gregorian 'YYYY-MM-DD' */
  day: string;
  reason: string;
  createdAt: Date;
  createdBy: string | null;
}

/** The holidays of a Jalali year, in date order. */
export async function listHolidays(db: DB, jalaliYear: number): Promise<HolidayRow[]> {
  const rows = await db
    .selectFrom("official_holidays as h")
    .leftJoin("users as u", "u.id", "h.created_by")
    .select(["h.id", "h.jalali_year", "h.jalali_month", "h.jalali_day", "h.day", "h.reason", "h.created_at", "u.display_name"])
    .where("h.jalali_year", "=", jalaliYear)
    .orderBy("h.day")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    jalaliYear: r.jalali_year,
    jalaliMonth: r.jalali_month,
    jalaliDay: r.jalali_day,
    day: r.day,
    reason: r.reason,
    createdAt: r.created_at,
    createdBy: r.display_name,
  }));
}

/** The Jalali years that have holidays. */
export async function holidayYears(db: DB): Promise<number[]> {
  const rows = await db.selectFrom("official_holidays").select("jalali_year").distinct().orderBy("jalali_year").execute();
  return rows.map((r) => r.jalali_year);
}

/** Every holiday's Gregorian day (the clock's input). */
export async function allHolidayDays(db: DB): Promise<string[]> {
  const rows = await db.selectFrom("official_holidays").select("day").execute();
  return rows.map((r) => r.day);
}

/** The version of the holiday table (bumped by a trigger on every change). */
export async function workingCalendarVersion(db: DB): Promise<number> {
  const row = await db.selectFrom("working_calendar_state").select("version").where("id", "=", 1).executeTakeFirst();
  return Number(row?.version ?? 0);
}
