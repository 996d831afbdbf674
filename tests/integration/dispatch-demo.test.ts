/**
 * The demo's dispatch flow is the same at any hour of any day (README "Try it: dispatch"): a breakdown of the
 * demo caller's product in Tehran is offered to THR-001 first, and to THR-002 when THR-001 lets the deadline
 * pass; both are open around the clock with room for new work.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { DB } from "../../db/connection";
import { seedDemo } from "../../db/seed/demo";
import { DISPATCH_ACTOR, dispatchTicket, offerNextCandidateWith } from "../../services/dispatch";
import { expireOffer } from "../../services/offers";
import { getTestDb, resetDatabase } from "../support/db";

let db: DB;
const SEEDED_AT = new Date("2026-11-23T08:00:00Z");
const links = { baseUrl: "http://localhost:3000", trackingSecret: "test-tracking-secret-0123456789" };

async function demoBreakdown(): Promise<number> {
  const customer = await db.selectFrom("customers").select(["id"]).orderBy("id").limit(1).executeTakeFirstOrThrow();
  const product = await db.selectFrom("customer_products").select("id").where("customer_id", "=", customer.id).orderBy("id").limit(1).executeTakeFirstOrThrow();
  const address = await db
    .selectFrom("customer_addresses")
    .select(["province", "city", "address_text", "lat", "lng"])
    .where("customer_id", "=", customer.id)
    .where("is_default", "=", true)
    .executeTakeFirstOrThrow();
  const t = await db
    .insertInto("tickets")
    .values({ type: "breakdown", channel: "phone", customer_id: customer.id, customer_product_id: product.id, warranty_status: "in_warranty", ...address })
    .returning("id")
    .executeTakeFirstOrThrow();
  return t.id;
}

async function codeOf(agencyId: number) {
  return (await db.selectFrom("agencies").select("code").where("id", "=", agencyId).executeTakeFirstOrThrow()).code;
}

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  await seedDemo(db, { now: SEEDED_AT });
}, 120_000);

describe("the demo's dispatch", () => {
  it("the demo caller lives in Tehran; THR-001 and THR-002 are open around the clock", async () => {
    const address = await db.selectFrom("customer_addresses").select(["city"]).where("customer_id", "=", 1).where("is_default", "=", true).executeTakeFirstOrThrow();
    expect(address.city).toBe("تهران");
  });

  // a Friday night, a Saturday morning, a Thursday afternoon (Tehran time)
  for (const at of ["2026-11-27T02:30:00+03:30", "2026-11-28T09:15:00+03:30", "2026-11-26T16:40:00+03:30"]) {
    it(`offers to THR-001, then on the deadline to THR-002 (${at})`, async () => {
      const now = new Date(at);
      const ticketId = await demoBreakdown();
      const first = await dispatchTicket(db, DISPATCH_ACTOR, { ticketId }, { now, links, offerMinutes: 30 });
      if (first.outcome !== "offered") throw new Error(`not offered: ${JSON.stringify(first)}`);
      expect(await codeOf(first.agencyId)).toBe("THR-001");
      expect(first.deadlineAt.getTime()).toBe(now.getTime() + 30 * 60_000);
      await expireOffer(db, first.offerId, { now: new Date(first.deadlineAt.getTime() + 1000), onLapsed: offerNextCandidateWith({ links, offerMinutes: 30 }) });
      const next = await db.selectFrom("dispatch_offers").select(["agency_id", "attempt"]).where("ticket_id", "=", ticketId).where("status", "=", "pending").executeTakeFirstOrThrow();
      expect(await codeOf(next.agency_id)).toBe("THR-002");
      expect(next.attempt).toBe(2);
    });
  }
});
