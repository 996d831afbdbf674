import { beforeEach, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { getTestDb, resetDatabase } from "../support/db";

async function agency(db: Awaited<ReturnType<typeof getTestDb>>, code = "THR-001") {
  return db
    .insertInto("agencies")
    .values({ code, name: "نمایندگی آزمایشی", province: "تهران", city: "تهران", lat: 35.7, lng: 51.4 })
    .returning("id")
    .executeTakeFirstOrThrow();
}

describe("schema v1 constraints", () => {
  beforeEach(async () => resetDatabase(await getTestDb()));

  it("stores mobiles only in +98 form", async () => {
    const db = await getTestDb();
    await expect(
      db.insertInto("customers").values({ full_name: "علی رضایی", mobile: "09123456789" }).execute(),
    ).rejects.toThrow(/check constraint/);
    await db.insertInto("customers").values({ full_name: "علی رضایی", mobile: "+989123456789" }).execute();
  });

  it("ties agency roles to exactly one agency", async () => {
    const db = await getTestDb();
    const a = await agency(db);
    const base = { display_name: "x", password_hash: "x" };
    await expect(
      db.insertInto("users").values({ ...base, username: "staff", role: "agency_staff" }).execute(),
    ).rejects.toThrow(/check constraint/);
    await expect(
      db.insertInto("users").values({ ...base, username: "op", role: "operator", agency_id: a.id }).execute(),
    ).rejects.toThrow(/check constraint/);
    await db.insertInto("users").values({ ...base, username: "staff", role: "agency_staff", agency_id: a.id }).execute();
  });

  it("requires a reason to suspend an agency", async () => {
    const db = await getTestDb();
    const a = await agency(db);
    await expect(db.updateTable("agencies").set({ status: "suspended" }).where("id", "=", a.id).execute()).rejects.toThrow();
    await db.updateTable("agencies").set({ status: "suspended", status_reason: "تأخیر مکرر" }).where("id", "=", a.id).execute();
  });

  it("forbids overlapping referral-fee rates for one agency", async () => {
    const db = await getTestDb();
    const a = await agency(db);
    await db.insertInto("agency_fee_rates").values({ agency_id: a.id, rate_percent: 10, effective_from: "2025-03-21", effective_to: "2026-03-21" }).execute();
    await db.insertInto("agency_fee_rates").values({ agency_id: a.id, rate_percent: 12, effective_from: "2026-03-21" }).execute();
    await expect(
      db.insertInto("agency_fee_rates").values({ agency_id: a.id, rate_percent: 9, effective_from: "2026-06-01" }).execute(),
    ).rejects.toThrow(/exclusion constraint/);
  });

  it("keeps ticket history append-only and allows one pending offer per ticket", async () => {
    const db = await getTestDb();
    const a = await agency(db);
    const c = await db.insertInto("customers").values({ full_name: "مریم احمدی", mobile: "+989121112233" }).returning("id").executeTakeFirstOrThrow();
    const t = await db
      .insertInto("tickets")
      .values({ type: "breakdown", channel: "phone", customer_id: c.id, warranty_status: "unknown" })
      .returning(["id", "number", "status"])
      .executeTakeFirstOrThrow();
    expect(t.number).toBe(10000001);
    expect(t.status).toBe("new");
    const e = await db
      .insertInto("ticket_events")
      .values({ ticket_id: t.id, actor_kind: "system", event_type: "created", data: JSON.stringify({}) })
      .returning("id")
      .executeTakeFirstOrThrow();
    await expect(db.updateTable("ticket_events").set({ event_type: "note" }).where("id", "=", e.id).execute()).rejects.toThrow(/append-only/);
    await expect(db.deleteFrom("ticket_events").where("id", "=", e.id).execute()).rejects.toThrow(/append-only/);

    const deadline = new Date(Date.now() + 3600_000);
    await db.insertInto("dispatch_offers").values({ ticket_id: t.id, agency_id: a.id, deadline_at: deadline }).execute();
    await expect(
      db.insertInto("dispatch_offers").values({ ticket_id: t.id, agency_id: a.id, deadline_at: deadline }).execute(),
    ).rejects.toThrow(/duplicate key/);
  });

  it("finds agencies near a point through the earthdistance index", async () => {
    const db = await getTestDb();
    await agency(db, "THR-001");
    await db.insertInto("agencies").values({ code: "ISF-001", name: "نمایندگی اصفهان", province: "اصفهان", city: "اصفهان", lat: 32.65, lng: 51.67 }).execute();
    const near = await sql<{ code: string; km: number }>`
      select code, earth_distance(ll_to_earth(lat, lng), ll_to_earth(35.69, 51.39)) / 1000 as km
      from agencies
      where earth_box(ll_to_earth(35.69, 51.39), 50000) @> ll_to_earth(lat, lng)
      order by km`.execute(db);
    expect(near.rows.map((r) => r.code)).toEqual(["THR-001"]);
    expect(near.rows[0]!.km).toBeLessThan(5);
  });
});
