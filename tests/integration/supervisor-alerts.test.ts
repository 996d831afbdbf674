/**
 * The SLA sweep's alerts on the manager home: listed newest first with the ticket's tracking code and the
 * open count, read by permission; a supervisor or manager marks one reviewed (audit row), once.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { action as managerAction, loader as managerLoader } from "../../app/routes/manager._index";
import { sessionCookie } from "../../app/lib/auth.server";
import { slaDueTimes } from "../../core/sla";
import type { DB } from "../../db/connection";
import { openAlerts } from "../../db/repos/alerts";
import { createSession } from "../../db/repos/sessions";
import { sweepSla } from "../../services/sla";
import { formRequest, testContext } from "../support/context";
import { getTestDb, resetDatabase } from "../support/db";

let db: DB;
const cookies: Record<string, string> = {};
const HOUR = 3_600_000;

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  const users = await db
    .insertInto("users")
    .values([
      { username: "sup", display_name: "سرپرست", role: "supervisor", password_hash: "x" },
      { username: "boss", display_name: "مدیر", role: "manager", password_hash: "x" },
      { username: "admin", display_name: "مدیر سامانه", role: "admin", password_hash: "x" },
    ])
    .returning(["id", "username"])
    .execute();
  for (const u of users) {
    const s = await createSession(db, { userId: u.id, ip: null, userAgent: null });
    cookies[u.username] = (await sessionCookie(testContext(db)).serialize(s.id)).split(";")[0]!;
  }
  const customer = (await db.insertInto("customers").values({ full_name: "لیلا حسینی", mobile: "+989121234502" }).returning("id").executeTakeFirstOrThrow()).id;
  const created = new Date(Date.now() - 5 * HOUR); // normal breakdown: accept due 1 h ago
  const due = slaDueTimes(created, "normal", "breakdown");
  await db
    .insertInto("tickets")
    .values({
      type: "breakdown", channel: "phone", customer_id: customer, warranty_status: "in_warranty", status: "dispatching", created_at: created,
      sla_accept_due_at: due.acceptDueAt, sla_visit_due_at: due.visitDueAt, sla_resolve_due_at: due.resolveDueAt,
    })
    .execute();
  await sweepSla(db);
});

async function home(who: string) {
  const data = (await managerLoader({ request: new Request("http://localhost/manager", { headers: { Cookie: cookies[who]! } }), context: testContext(db), params: {} } as never)) as Awaited<ReturnType<typeof managerLoader>>;
  return data;
}

describe("the manager home's alerts", () => {
  it("lists the open alerts with the ticket's tracking code and the count", async () => {
    const d = await home("boss");
    expect(d.alerts.open).toBe(1);
    expect(d.alerts.rows).toEqual([expect.objectContaining({ kind: "sla_breached", stage: "accept", ticket_number: 10000001 })]);
    expect(d.canAcknowledge).toBe(true);
    expect((await home("admin")).canAcknowledge).toBe(false);
  });

  it("a supervisor marks one reviewed: gone from the list, with its audit row; a second time is a 404", async () => {
    const [alert] = (await openAlerts(db)).rows;
    const post = () =>
      managerAction({
        request: formRequest("/manager?index", { intent: "acknowledge", alertId: String(alert!.id) }, { Cookie: cookies.sup! }),
        context: testContext(db),
        params: {},
      } as never);
    expect(await post()).toEqual({ ok: true, message: "alerts.acknowledged" });
    expect(await openAlerts(db)).toEqual({ rows: [], open: 0 });
    const row = await db.selectFrom("supervisor_alerts").select(["acknowledged_at", "acknowledged_by"]).where("id", "=", alert!.id).executeTakeFirstOrThrow();
    expect(row.acknowledged_at).not.toBeNull();
    const audit = await db.selectFrom("audit_log").select(["action", "actor_user_id", "entity_id", "details"]).where("action", "=", "alert.acknowledge").execute();
    expect(audit).toEqual([expect.objectContaining({ actor_user_id: row.acknowledged_by, entity_id: String(alert!.ticket_id) })]);
    const again = (await post()) as Response;
    expect(again.status).toBe(404);
    expect(await again.json()).toEqual({ ok: false, message: "alerts.notFound" });
  });
});
