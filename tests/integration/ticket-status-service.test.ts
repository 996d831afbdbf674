import { beforeAll, describe, expect, it } from "vitest";
import type { DB } from "../../db/connection";
import { changeTicketStatus, IllegalTransitionError, TicketNotFoundError } from "../../services/tickets";
import { getTestDb, resetDatabase } from "../support/db";

let db: DB;
let operatorId: number;

async function newTicket(status: "new" | "in_progress" = "new", type: "breakdown" | "complaint" = "breakdown") {
  const c = await db.insertInto("customers").values({ full_name: "مریم رضایی", mobile: "+989121112233" }).returning("id").executeTakeFirstOrThrow();
  const t = await db
    .insertInto("tickets")
    .values({ type, channel: "phone", customer_id: c.id, warranty_status: "unknown", status })
    .returning("id")
    .executeTakeFirstOrThrow();
  return t.id;
}

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  const u = await db
    .insertInto("users")
    .values({ username: "oper", display_name: "اپراتور", role: "operator", password_hash: "x" })
    .returning("id")
    .executeTakeFirstOrThrow();
  operatorId = u.id;
});

describe("changeTicketStatus", () => {
  it("moves the ticket and writes its history row and audit row together", async () => {
    const id = await newTicket();
    const r = await changeTicketStatus(db, { kind: "user", userId: operatorId, ip: "10.0.0.9" }, { ticketId: id, to: "cancelled", reason: "مشتری منصرف شد" });
    expect(r).toMatchObject({ from: "new", to: "cancelled" });
    const t = await db.selectFrom("tickets").select(["status", "closed_at"]).where("id", "=", id).executeTakeFirstOrThrow();
    expect(t.status).toBe("cancelled");
    expect(t.closed_at).not.toBeNull();
    const ev = await db.selectFrom("ticket_events").selectAll().where("ticket_id", "=", id).execute();
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({ event_type: "status_changed", from_status: "new", to_status: "cancelled", actor_kind: "user", actor_user_id: operatorId });
    expect(ev[0]!.data).toEqual({ reason: "مشتری منصرف شد" });
    const audit = await db.selectFrom("audit_log").selectAll().where("entity_type", "=", "ticket").where("entity_id", "=", String(id)).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: "ticket.status_change", actor_user_id: operatorId, ip: "10.0.0.9" });
  });

  it("refuses an illegal move and leaves no trace", async () => {
    const id = await newTicket("new", "complaint");
    // complaints are handled in-house: never dispatched to an agency
    await expect(changeTicketStatus(db, { kind: "system", label: "test" }, { ticketId: id, to: "dispatching" })).rejects.toBeInstanceOf(
      IllegalTransitionError,
    );
    const t = await db.selectFrom("tickets").select("status").where("id", "=", id).executeTakeFirstOrThrow();
    expect(t.status).toBe("new");
    const ev = await db.selectFrom("ticket_events").select("id").where("ticket_id", "=", id).execute();
    expect(ev).toHaveLength(0);
  });

  it("says so when the ticket does not exist", async () => {
    await expect(changeTicketStatus(db, { kind: "system", label: "test" }, { ticketId: 987654, to: "closed" })).rejects.toBeInstanceOf(
      TicketNotFoundError,
    );
  });

  it("serialises two concurrent changes of one ticket: exactly one wins", async () => {
    const id = await newTicket("in_progress");
    const system = { kind: "system", label: "test" } as const;
    const results = await Promise.allSettled([
      changeTicketStatus(db, system, { ticketId: id, to: "completed" }),
      changeTicketStatus(db, system, { ticketId: id, to: "on_hold" }),
    ]);
    const ok = results.filter((r) => r.status === "fulfilled");
    // in_progress → completed and in_progress → on_hold are both legal, but not one after the other
    expect(ok).toHaveLength(1);
    const events = await db.selectFrom("ticket_events").select(["from_status", "to_status"]).where("ticket_id", "=", id).execute();
    expect(events).toHaveLength(1);
    expect(events[0]!.from_status).toBe("in_progress");
  });
});
