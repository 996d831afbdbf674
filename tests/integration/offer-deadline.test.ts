/**
 * An offer's deadline: the job made with the offer (one per offer), the real `offer__expire` and
 * `offer__sweep` tasks run by graphile-worker's runOnce on this file's PostgreSQL, and the privacy rule
 * that an offer past its deadline grants its agency nothing even before the job has run.
 */
import { runOnce } from "graphile-worker";
import { sql } from "kysely";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { offerGrantsAccess } from "../../core/ticket";
import type { DB } from "../../db/connection";
import { quietGraphileLogger } from "../../db/job-queue";
import { pendingOffersForAgency, offerHistory } from "../../db/repos/agencies";
import { countTicketsByStatus, getTicket, listTickets, ticketHistory, ticketOffers } from "../../db/repos/tickets";
import { loadEnv } from "../../platform/env";
import {
  expireOffer,
  OFFER_EXPIRED_REASON,
  offerJobKey,
  queueOverdueOfferExpiries,
  scheduleOfferDeadline,
} from "../../services/offers";
import { taskList } from "../../workers";
import { getTestDb, getTestDbUrl, resetDatabase } from "../support/db";

let db: DB;
let agencyA: number;
let agencyB: number;
let customerId: number;
const MINUTE = 60_000;

async function ticket(status: "new" | "dispatching" = "dispatching") {
  return (
    await db
      .insertInto("tickets")
      .values({ type: "breakdown", channel: "phone", customer_id: customerId, warranty_status: "in_warranty", status, created_at: new Date(Date.now() - 30 * MINUTE) })
      .returning("id")
      .executeTakeFirstOrThrow()
  ).id;
}

/** An offer written as the dispatch issue will: the offer and its deadline job in one transaction. */
async function offer(ticketId: number, agencyId: number, deadlineAt: Date, withJob = true) {
  return db.transaction().execute(async (trx) => {
    const o = await trx
      .insertInto("dispatch_offers")
      .values({ ticket_id: ticketId, agency_id: agencyId, offered_at: new Date(deadlineAt.getTime() - 60 * MINUTE), deadline_at: deadlineAt })
      .returning("id")
      .executeTakeFirstOrThrow();
    if (withJob) await scheduleOfferDeadline(trx, { offerId: o.id, deadlineAt });
    return o.id;
  });
}

async function jobsOf(offerId: number) {
  const { rows } = await sql<{ identifier: string; payload: { offerId: number }; run_at: Date; attempts: number }>`
    select t.identifier, j.payload, j.run_at, j.attempts
    from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
    where j.key = ${offerJobKey(offerId)}`.execute(db);
  return rows;
}

/** graphile-worker runs every job that is due now with the real task list, then returns. */
async function runDueJobs() {
  const env = loadEnv({ NODE_ENV: "test", SESSION_SECRET: "test-secret-test-secret", DATA_DIR: ".data/test-env" });
  await runOnce({ connectionString: await getTestDbUrl(), taskList: taskList({ db, env }), logger: quietGraphileLogger() });
}

async function history(ticketId: number) {
  return db
    .selectFrom("ticket_events")
    .select(["event_type", "from_status", "to_status", "actor_kind", "data"])
    .where("ticket_id", "=", ticketId)
    .orderBy("id")
    .execute();
}

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  const [a, b] = await db
    .insertInto("agencies")
    .values([
      { code: "THR-001", name: "نمایندگی الف", province: "تهران", city: "تهران" },
      { code: "THR-002", name: "نمایندگی ب", province: "تهران", city: "تهران" },
    ])
    .returning("id")
    .execute();
  agencyA = a!.id;
  agencyB = b!.id;
  customerId = (await db.insertInto("customers").values({ full_name: "نرگس امینی", mobile: "+989121234500" }).returning("id").executeTakeFirstOrThrow()).id;
});

beforeEach(async () => {
  await sql`delete from graphile_worker._private_jobs`.execute(db);
});

describe("the deadline job", () => {
  it("is written with the offer, one per offer, due at the deadline; scheduling again moves the one job", async () => {
    const deadline = new Date(Date.now() + 30 * MINUTE);
    const offerId = await offer(await ticket(), agencyA, deadline);
    let jobs = await jobsOf(offerId);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ identifier: "offer__expire", payload: { offerId }, attempts: 0 });
    expect(jobs[0]!.run_at.getTime()).toBe(deadline.getTime());
    const later = new Date(deadline.getTime() + 15 * MINUTE);
    await scheduleOfferDeadline(db, { offerId, deadlineAt: later });
    jobs = await jobsOf(offerId);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.run_at.getTime()).toBe(later.getTime());
  });

  it("a transaction that rolls back leaves neither the offer nor its job", async () => {
    const t = await ticket();
    let offerId = 0;
    await expect(
      db.transaction().execute(async (trx) => {
        const deadlineAt = new Date(Date.now() + 30 * MINUTE);
        offerId = (await trx.insertInto("dispatch_offers").values({ ticket_id: t, agency_id: agencyA, deadline_at: deadlineAt }).returning("id").executeTakeFirstOrThrow()).id;
        await scheduleOfferDeadline(trx, { offerId, deadlineAt });
        throw new Error("the dispatch failed");
      }),
    ).rejects.toThrow("the dispatch failed");
    expect(await jobsOf(offerId)).toEqual([]);
    expect(await db.selectFrom("dispatch_offers").select("id").where("ticket_id", "=", t).execute()).toEqual([]);
  });
});

describe("offer__expire", () => {
  it("run by graphile-worker at the deadline: the offer expires, the ticket moves on (here: no other candidate, held for the supervisors)", async () => {
    const t = await ticket();
    const offerId = await offer(t, agencyA, new Date(Date.now() - 1000));
    await runDueJobs();
    const o = await db.selectFrom("dispatch_offers").select(["status", "responded_at"]).where("id", "=", offerId).executeTakeFirstOrThrow();
    expect(o.status).toBe("expired");
    expect(o.responded_at).not.toBeNull();
    const row = await db.selectFrom("tickets").select(["status", "dispatch_hold_reason"]).where("id", "=", t).executeTakeFirstOrThrow();
    // the ticket has no product: no agency is authorized for it (services/dispatch.ts offerNextCandidate)
    expect(row).toEqual({ status: "new", dispatch_hold_reason: "no_authorized_agency" });
    const h = await history(t);
    expect(h.map((e) => [e.event_type, e.from_status, e.to_status, e.actor_kind])).toEqual([
      ["offer_expired", null, null, "system"],
      ["status_changed", "dispatching", "new", "system"],
      ["dispatch_held", null, null, "system"],
    ]);
    expect(h[0]!.data).toMatchObject({ offer_id: offerId, agency_id: agencyA });
    expect(h[1]!.data).toMatchObject({ cause: "dispatch_held" });
    expect(h[2]!.data).toMatchObject({ reason: "no_authorized_agency" });
    const audit = await db.selectFrom("audit_log").select(["action", "entity_type", "entity_id", "details"]).where("action", "=", "offer.expire").execute();
    expect(audit).toEqual([expect.objectContaining({ entity_type: "ticket", entity_id: String(t), details: expect.objectContaining({ offerId }) })]);
    expect(await jobsOf(offerId)).toEqual([]); // done
  });

  it("is idempotent: an offer already expired, answered or withdrawn is left alone", async () => {
    const t = await ticket();
    const offerId = await offer(t, agencyA, new Date(Date.now() - 1000), false);
    expect(await expireOffer(db, offerId)).toMatchObject({ outcome: "expired", ticketId: t });
    expect(await expireOffer(db, offerId)).toEqual({ outcome: "closed" });
    expect((await history(t)).filter((e) => e.event_type === "offer_expired")).toHaveLength(1);
    // expireOffer's default handler: back to the dispatch queue with the reason
    expect((await history(t)).find((e) => e.event_type === "status_changed")?.data).toMatchObject({ reason: OFFER_EXPIRED_REASON, cause: "offer_expired" });
    const accepted = await offer(await ticket(), agencyB, new Date(Date.now() - 1000), false);
    await db.updateTable("dispatch_offers").set({ status: "accepted", responded_at: new Date() }).where("id", "=", accepted).execute();
    expect(await expireOffer(db, accepted)).toEqual({ outcome: "closed" });
    expect(await expireOffer(db, 999_999)).toEqual({ outcome: "not_found" });
  });

  it("two workers expiring the same offer at once write one expiry", async () => {
    const t = await ticket();
    const offerId = await offer(t, agencyA, new Date(Date.now() - 1000), false);
    const results = await Promise.all([expireOffer(db, offerId), expireOffer(db, offerId)]);
    expect(results.map((r) => r.outcome).sort()).toEqual(["closed", "expired"]);
    expect((await history(t)).filter((e) => e.event_type === "offer_expired")).toHaveLength(1);
  });

  it("a job that runs before a deadline moved later expires nothing and is queued again at the new deadline", async () => {
    const t = await ticket();
    const offerId = await offer(t, agencyA, new Date(Date.now() - 1000));
    const later = new Date(Date.now() + 20 * MINUTE);
    await db.updateTable("dispatch_offers").set({ deadline_at: later }).where("id", "=", offerId).execute();
    await runDueJobs();
    expect((await db.selectFrom("dispatch_offers").select("status").where("id", "=", offerId).executeTakeFirstOrThrow()).status).toBe("pending");
    const jobs = await jobsOf(offerId);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.run_at.getTime()).toBe(later.getTime());
  });

  it("a malformed payload ends the job without touching anything", async () => {
    await sql`select graphile_worker.add_job('offer__expire', '{"offerId":"x"}'::json)`.execute(db);
    await runDueJobs();
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from graphile_worker._private_jobs`.execute(db);
    expect(rows[0]!.n).toBe(0);
  });
});

describe("offer__sweep, the safety net", () => {
  it("queues an expiry for each pending offer past its deadline that has no job, once", async () => {
    const t = await ticket();
    const overdue = await offer(t, agencyA, new Date(Date.now() - 5 * MINUTE), false); // e.g. the demo seed's
    const future = await offer(await ticket(), agencyB, new Date(Date.now() + 5 * MINUTE), false);
    const withJob = await offer(await ticket(), agencyB, new Date(Date.now() - MINUTE));
    expect(await queueOverdueOfferExpiries(db)).toBe(1);
    expect(await jobsOf(overdue)).toHaveLength(1);
    expect(await jobsOf(future)).toEqual([]);
    expect(await jobsOf(withJob)).toHaveLength(1);
    expect(await queueOverdueOfferExpiries(db)).toBe(0); // its job exists now
    await runDueJobs();
    expect((await db.selectFrom("dispatch_offers").select("status").where("id", "in", [overdue, withJob]).execute()).map((o) => o.status)).toEqual(["expired", "expired"]);
    expect((await db.selectFrom("dispatch_offers").select("status").where("id", "=", future).executeTakeFirstOrThrow()).status).toBe("pending");
  });

  it("runs as the crontab's task", async () => {
    const overdue = await offer(await ticket(), agencyA, new Date(Date.now() - 5 * MINUTE), false);
    await sql`select graphile_worker.add_job('offer__sweep')`.execute(db);
    await runDueJobs(); // the sweep queues the expiry, which is due now and runs in the same pass
    expect((await db.selectFrom("dispatch_offers").select("status").where("id", "=", overdue).executeTakeFirstOrThrow()).status).toBe("expired");
  });
});

describe("an offer past its deadline grants its agency nothing, before the job has run", () => {
  it("the ticket, its history and offers, the lists, counts and the portal's offers, by the database's clock", async () => {
    const scope = { kind: "agency", agencyId: agencyA } as const;
    const live = await ticket();
    const liveOffer = await offer(live, agencyA, new Date(Date.now() + 10 * MINUTE), false);
    const lapsed = await ticket();
    const lapsedOffer = await offer(lapsed, agencyA, new Date(Date.now() - 1000), false); // still 'pending': no job ran

    expect(await getTicket(db, scope, live)).toBeDefined();
    expect(await getTicket(db, scope, lapsed)).toBeUndefined();
    expect(await ticketHistory(db, scope, lapsed)).toEqual([]);
    expect(await ticketOffers(db, scope, lapsed)).toEqual([]);
    const listed = (await listTickets(db, scope, { pageSize: 200 })).rows.map((r) => r.id);
    expect(listed).toContain(live);
    expect(listed).not.toContain(lapsed);
    const counts = await countTicketsByStatus(db, scope);
    expect(counts.dispatching).toBe(listed.length);
    const portal = (await pendingOffersForAgency(db, agencyA)).map((o) => o.id);
    expect(portal).toContain(liveOffer);
    expect(portal).not.toContain(lapsedOffer);
    const own = (await offerHistory(db, agencyA)).rows;
    expect(own.find((o) => o.id === lapsedOffer)).toMatchObject({ status: "pending", ticket_id: null }); // its own offer, no link
    expect(own.find((o) => o.id === liveOffer)).toMatchObject({ ticket_id: live });
    // the call centre still sees both
    expect(await getTicket(db, { kind: "all" }, lapsed)).toBeDefined();
  });

  it("the SQL rule is core/ticket.ts offerGrantsAccess", async () => {
    const t = await ticket();
    const offerId = await offer(t, agencyB, new Date(Date.now() + 60_000), false);
    const scope = { kind: "agency", agencyId: agencyB } as const;
    for (const shift of [-3600, -1, 2, 3600]) {
      const deadline = new Date(Date.now() + shift * 1000);
      await db.updateTable("dispatch_offers").set({ deadline_at: deadline, offered_at: new Date(deadline.getTime() - 3_600_000) }).where("id", "=", offerId).execute();
      const dbNow = (await sql<{ now: Date }>`select now() as now`.execute(db)).rows[0]!.now;
      expect({ shift, visible: (await getTicket(db, scope, t)) !== undefined }).toEqual({ shift, visible: offerGrantsAccess("pending", deadline, dbNow) });
    }
  });
});
