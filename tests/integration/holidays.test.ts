/**
 * The official holidays (issue 15 §2) on real PostgreSQL: the migration's seed, an admin's add and remove with
 * their audit rows, refusals in words, and the cached calendars noticing each change through the version row.
 */
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { holidayIsoDays, OFFICIAL_HOLIDAYS_SEED } from "../../core/holidays";
import { addWorkingMinutes } from "../../core/working-time";
import type { DB } from "../../db/connection";
import { seedDemoWorkingTime } from "../../db/seed/demo-working-time";
import { addHoliday, HolidayError, removeHoliday } from "../../services/holidays";
import { workingCalendars } from "../../services/working-calendar";
import { getTestDb } from "../support/db";

let db: DB;
let adminId: number;
const actor = () => ({ kind: "user" as const, userId: adminId, ip: "127.0.0.1" });
const at = (s: string) => new Date(`${s}+03:30`);

beforeAll(async () => {
  db = await getTestDb();
  adminId = (
    await db
      .insertInto("users")
      .values({ username: "hol-admin", display_name: "مدیر سامانه", password_hash: "x", role: "admin" })
      .returning("id")
      .executeTakeFirstOrThrow()
  ).id;
});

describe("official holidays", () => {
  it("the migration seeded 1405 and the Nowruz of 1406, as core/holidays.ts lists them", async () => {
    const rows = await db.selectFrom("official_holidays").select(["day", "jalali_year"]).orderBy("day").execute();
    expect(rows.map((r) => r.day)).toEqual(holidayIsoDays(OFFICIAL_HOLIDAYS_SEED));
    expect(rows.filter((r) => r.jalali_year === 1406)).toHaveLength(6);
  });

  it("an added holiday moves the next deadline; removing it moves it back; both audited", async () => {
    // 1405/09/05 = Thursday 2026-11-26 (the call centre works it 08:00–13:00)
    const start = at("2026-11-25T16:30:00"); // Wednesday
    let cals = await workingCalendars(db);
    expect(addWorkingMinutes(start, 60, cals.office)).toEqual(at("2026-11-26T08:30:00"));
    const { id } = await addHoliday(db, actor(), { year: 1405, month: 9, day: 5, reason: "  تعطیلی اضطراری آلودگی هوا " });
    cals = await workingCalendars(db);
    expect(addWorkingMinutes(start, 60, cals.office)).toEqual(at("2026-11-28T08:30:00"));
    const audit = await db.selectFrom("audit_log").select(["action", "entity_type", "entity_id", "details"]).where("action", "like", "holiday.%").execute();
    expect(audit).toEqual([
      { action: "holiday.create", entity_type: "holiday", entity_id: String(id), details: { date: "1405/09/05", day: "2026-11-26", reason: "تعطیلی اضطراری آلودگی هوا" } },
    ]);
    await removeHoliday(db, actor(), id);
    cals = await workingCalendars(db);
    expect(addWorkingMinutes(start, 60, cals.office)).toEqual(at("2026-11-26T08:30:00"));
    expect(await db.selectFrom("audit_log").select("action").where("action", "=", "holiday.delete").execute()).toHaveLength(1);
  });

  it("refuses a day that does not exist, a day already off, no reason, an unknown id", async () => {
    const err = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => (e instanceof HolidayError ? e.code : e));
    expect(await err(addHoliday(db, actor(), { year: 1405, month: 12, day: 30, reason: "x" }))).toBe("no_such_day");
    expect(await err(addHoliday(db, actor(), { year: 1405, month: 1, day: 1, reason: "نوروز" }))).toBe("duplicate");
    expect(await err(addHoliday(db, actor(), { year: 1405, month: 9, day: 6, reason: "   " }))).toBe("reason_required");
    expect(await err(removeHoliday(db, actor(), 999_999))).toBe("not_found");
  });

  it("a truncate (the demo reset) is seen too, and the demo seed puts the holidays back", async () => {
    await workingCalendars(db);
    await sql`truncate official_holidays`.execute(db);
    let cals = await workingCalendars(db);
    // Nowruz is a working day with no holidays
    expect(addWorkingMinutes(at("2026-03-21T08:00:00"), 60, cals.office)).toEqual(at("2026-03-21T09:00:00"));
    expect(await seedDemoWorkingTime(db, new Date())).toEqual({ official_holidays: OFFICIAL_HOLIDAYS_SEED.length });
    cals = await workingCalendars(db);
    expect(addWorkingMinutes(at("2026-03-21T08:00:00"), 60, cals.office)).toEqual(at("2026-03-25T09:00:00"));
  });
});
