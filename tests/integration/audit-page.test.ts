import { beforeAll, describe, expect, it } from "vitest";
import type { DB } from "../../db/connection";
import { recentAudit } from "../../db/repos/audit";
import { getTestDb, resetDatabase } from "../support/db";

let db: DB;

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
});

describe("the audit page's labels", () => {
  it("names a ticket by its number, and an entity id that is not a ticket's number labels nothing and breaks nothing", async () => {
    const c = await db.insertInto("customers").values({ full_name: "مشتری", mobile: "+989121234567" }).returning("id").executeTakeFirstOrThrow();
    const t = await db
      .insertInto("tickets")
      .values({ number: 10000042, type: "breakdown", channel: "phone", customer_id: c.id, warranty_status: "unknown", status: "new" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const base = { actor_user_id: null, action: "ticket.status_changed", details: "{}" } as const;
    await db
      .insertInto("audit_log")
      .values([
        { ...base, entity_type: "ticket", entity_id: String(t.id), at: new Date(Date.now() - 3000) },
        { ...base, entity_type: "ticket", entity_id: "not-a-number", at: new Date(Date.now() - 2000) },
        { ...base, entity_type: "ticket", entity_id: "99999999999999999999999", at: new Date(Date.now() - 1000) },
        { ...base, entity_type: "agency", entity_id: String(t.id), at: new Date() },
      ])
      .execute();
    const rows = await recentAudit(db);
    expect(rows.map((r) => [r.entity_type, r.entity_id, r.entity_ticket_number])).toEqual([
      ["agency", String(t.id), null],
      ["ticket", "99999999999999999999999", null],
      ["ticket", "not-a-number", null],
      ["ticket", String(t.id), 10000042],
    ]);
  });
});
