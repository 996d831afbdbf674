// The working-day clock's holidays (issue 15 §2): the admin's table and the cached calendars' version.
import { sql } from "kysely";
import type { ServiceRuleKey } from "../../core/service-rules";
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

/** What the cached calendars depend on: the holiday table's version and the admin's consumer-protection rule values. */
export interface ClockState {
  version: number;
  rules: { key: string; value: number }[];
}

/** The clock state's two columns as a row carries them (CLOCK_STATE_COLUMNS). */
export interface ClockStateRow {
  clock_version: string | null;
  clock_rules: { key: string; value: number }[] | null;
}

/** The clock state's two columns (clock_version, clock_rules), for a statement that reads it with other things. */
export const CLOCK_STATE_COLUMNS = sql<ClockStateRow>`
  (select version from working_calendar_state where id = 1)::text as clock_version,
  coalesce((select json_agg(json_build_object('key', key, 'value', value)) from service_rule_settings), '[]'::json) as clock_rules`;

/** The ClockState of a row carrying CLOCK_STATE_COLUMNS. */
export function clockStateOf(row: ClockStateRow | undefined): ClockState {
  return { version: Number(row?.clock_version ?? 0), rules: row?.clock_rules ?? [] };
}

/** In one round trip: the holiday table's version and the admin's consumer-protection rule values. */
export async function clockState(db: DB): Promise<ClockState> {
  const { rows } = await sql<ClockStateRow>`select ${CLOCK_STATE_COLUMNS}`.execute(db);
  return clockStateOf(rows[0]);
}

/**
 * A rule's stored value (null: no row, the default), for a change in the caller's transaction: the key is
 * locked first (a transaction-scoped advisory lock, since a key at its default has no row to lock), so two
 * admins changing one rule at once see each other's value.
 */
export async function storedServiceRuleForChange(db: DB, key: ServiceRuleKey): Promise<number | null> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`service-rule:${key}`}, 0))`.execute(db);
  const row = await db.selectFrom("service_rule_settings").select("value").where("key", "=", key).executeTakeFirst();
  return row?.value ?? null;
}

/** Stores an admin's value of a rule, with who set it and when (services/service-rules.ts decides and audits). */
export async function writeServiceRule(db: DB, key: ServiceRuleKey, value: number, userId: number | null): Promise<void> {
  await db
    .insertInto("service_rule_settings")
    .values({ key, value, updated_by: userId })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value, updated_by: userId, updated_at: new Date() }))
    .execute();
}
