/**
 * Quality and the agency scorecard (issue 15 §5) on real PostgreSQL, against a hand-computed fixture:
 * the rework window's edges (exactly 30 days counts, one second more does not, a cancelled breakdown never),
 * first-time fix (a hold, a reopening, a rework each spoil it), the month's scorecard (acceptance, answer
 * time, on-time visits, SLA met, CSAT, rework, FTF), a late rework reaching the month of the job it reworks,
 * idempotence, probation (by time, ended early), and dispatch's row and "why this agency" reading it;
 * warranty-claim decisions per agency and month (rejected, approved in part, a paid claim with a cut, the
 * month's edge at Tehran midnight), a correction made a month after the decision re-rolling the decision's month,
 * and the answer time counted on the agency's working-day clock.
 */
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ALWAYS_OPEN } from "../../core/dispatch";
import { performanceTerm, scorecardRates } from "../../core/quality";
import type { DB } from "../../db/connection";
import { candidateFacts, refreshAgencyPerformance, ticketDispatchFacts } from "../../db/repos/dispatch";
import { claimDecisionsByAgencyMonth } from "../../db/repos/claims";
import { ftfBy, jobsOfAgencyMonth, refreshScorecards, scorecardsOfAgency, scorecardsOfMonth } from "../../db/repos/quality";
import { correctClaim, decideClaim, fileClaim } from "../../services/claims";
import { endAgencyProbation, updateQualitySettings } from "../../services/quality";
import { rankCandidates } from "../../core/dispatch";
import { getTestDb, resetDatabase } from "../support/db";
import { weekly } from "../support/weekly-calendar";

let db: DB;
const MIN = 60_000;
const at = (iso: string) => new Date(iso);
// the refresh's clock: 1405-07-23 (Mehr); the fixture's month is 1405-06 (Shahrivar: 2026-08-23 … 2026-09-22)
const NOW = at("2026-10-15T09:00:00Z");

let agencyA: number;
let agencyB: number;
let t1: number;
let t2: number;
let customerId: number;
let modelId: number;
let adminId: number;
const serials: number[] = [];

async function product(n: number): Promise<number> {
  return (await db.insertInto("customer_products").values({ customer_id: customerId, model_id: modelId, serial_number: `SC-${n}`, warranty_months: 18 }).returning("id").executeTakeFirstOrThrow()).id;
}

interface JobSpec {
  product: number;
  technician: number;
  createdAt: string;
  completedAt: string;
  visitDue?: string;
  visitedAt?: string;
  resolveDue?: string;
  hold?: boolean;
  reopen?: boolean;
}

async function event(ticketId: number, atIso: string, from: string | null, to: string) {
  await db
    .insertInto("ticket_events")
    .values({ ticket_id: ticketId, at: at(atIso), actor_kind: "system", actor_label: "test", event_type: "status_changed", from_status: from as never, to_status: to as never, data: JSON.stringify({}) })
    .execute();
}

async function job(s: JobSpec): Promise<number> {
  const t = await db
    .insertInto("tickets")
    .values({
      type: "breakdown",
      channel: "phone",
      customer_id: customerId,
      customer_product_id: s.product,
      warranty_status: "in_warranty",
      status: "closed",
      assigned_agency_id: agencyA,
      technician_id: s.technician,
      created_at: at(s.createdAt),
      sla_visit_due_at: s.visitDue ? at(s.visitDue) : null,
      sla_resolve_due_at: s.resolveDue ? at(s.resolveDue) : null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const visited = s.visitedAt ?? new Date(at(s.completedAt).getTime() - 60 * MIN).toISOString();
  await event(t.id, visited, "scheduled", "in_progress");
  if (s.hold) {
    await event(t.id, new Date(at(visited).getTime() + 10 * MIN).toISOString(), "in_progress", "on_hold");
    await event(t.id, new Date(at(visited).getTime() + 20 * MIN).toISOString(), "on_hold", "in_progress");
  }
  if (s.reopen) {
    await event(t.id, new Date(at(s.completedAt).getTime() - 30 * MIN).toISOString(), "in_progress", "completed");
    await event(t.id, new Date(at(s.completedAt).getTime() - 20 * MIN).toISOString(), "completed", "in_progress");
  }
  await event(t.id, s.completedAt, "in_progress", "completed");
  await db
    .insertInto("completion_reports")
    .values({ ticket_id: t.id, agency_id: agencyA, technician_id: s.technician, completed_at: at(s.completedAt), work_description: "تعمیر" })
    .execute();
  return t.id;
}

async function breakdown(productId: number, createdAt: string, status: "new" | "cancelled" = "new"): Promise<number> {
  return (
    await db
      .insertInto("tickets")
      .values({ type: "breakdown", channel: "phone", customer_id: customerId, customer_product_id: productId, warranty_status: "in_warranty", status, created_at: at(createdAt) })
      .returning("id")
      .executeTakeFirstOrThrow()
  ).id;
}

async function survey(ticketId: number, score: number, answeredAt: string) {
  await db
    .insertInto("satisfaction_surveys")
    .values({ ticket_id: ticketId, channel: "sms", status: "answered", score, surveyed_at: at(answeredAt) })
    .execute();
}

let J: Record<string, number> = {};

beforeAll(async () => {
  db = await getTestDb();
});

beforeEach(async () => {
  await resetDatabase(db);
  await db.insertInto("quality_settings").values({ id: true }).onConflict((oc) => oc.column("id").doNothing()).execute();
  const brand = await db.insertInto("brands").values({ code: "snowa", name_fa: "اسنوا", name_en: "Snowa" }).returning("id").executeTakeFirstOrThrow();
  const cat = await db.insertInto("product_categories").values({ code: "washer", name_fa: "لباسشویی", name_en: "Washer" }).returning("id").executeTakeFirstOrThrow();
  modelId = (await db.insertInto("product_models").values({ brand_id: brand.id, category_id: cat.id, model_code: "SWM-84", name: "لباسشویی ۸ کیلویی" }).returning("id").executeTakeFirstOrThrow()).id;
  customerId = (await db.insertInto("customers").values({ full_name: "نرگس امینی", mobile: "+989121234500" }).returning("id").executeTakeFirstOrThrow()).id;
  const mk = async (code: string, contract: string) =>
    (
      await db
        .insertInto("agencies")
        .values({
          code,
          name: `نمایندگی ${code}`,
          province: "تهران",
          city: "تهران",
          lat: 35.7,
          lng: 51.34,
          service_radius_km: 30,
          technician_count: 2,
          daily_job_capacity: 10,
          working_hours: JSON.stringify(ALWAYS_OPEN),
          contract_start: contract,
        })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
  agencyA = await mk("THR-001", "2026-07-01");
  agencyB = await mk("THR-009", "2026-09-01");
  for (const a of [agencyA, agencyB]) {
    await db.insertInto("agency_service_areas").values({ agency_id: a, province: "تهران", city: "تهران" }).execute();
    await db.insertInto("agency_authorizations").values({ agency_id: a, brand_id: brand.id, category_id: cat.id }).execute();
  }
  t1 = (await db.insertInto("technicians").values({ agency_id: agencyA, full_name: "علی رضایی", mobile: "+989121111111" }).returning("id").executeTakeFirstOrThrow()).id;
  t2 = (await db.insertInto("technicians").values({ agency_id: agencyA, full_name: "مهدی کریمی", mobile: "+989122222222" }).returning("id").executeTakeFirstOrThrow()).id;
  adminId = (await db.insertInto("users").values({ username: "admin", display_name: "مدیر سامانه", role: "admin", password_hash: "x" }).returning("id").executeTakeFirstOrThrow()).id;
  serials.length = 0;
  for (let i = 1; i <= 6; i++) serials.push(await product(i));
  J = {};
  // six jobs completed in Shahrivar 1405 by agency A
  J.j1 = await job({ product: serials[0]!, technician: t1, createdAt: "2026-08-24T06:00:00Z", visitDue: "2026-08-25T08:00:00Z", visitedAt: "2026-08-25T07:00:00Z", completedAt: "2026-08-25T10:00:00Z", resolveDue: "2026-08-25T12:00:00Z" });
  J.j2 = await job({ product: serials[1]!, technician: t1, createdAt: "2026-08-25T06:00:00Z", completedAt: "2026-08-26T10:00:00Z" });
  J.j3 = await job({ product: serials[2]!, technician: t2, createdAt: "2026-08-25T06:00:00Z", visitDue: "2026-08-26T08:00:00Z", visitedAt: "2026-08-27T07:00:00Z", completedAt: "2026-08-27T10:00:00Z", hold: true });
  J.j4 = await job({ product: serials[3]!, technician: t2, createdAt: "2026-08-26T06:00:00Z", completedAt: "2026-08-28T10:00:00Z", resolveDue: "2026-08-27T12:00:00Z" });
  J.j5 = await job({ product: serials[4]!, technician: t2, createdAt: "2026-08-27T06:00:00Z", completedAt: "2026-08-29T10:00:00Z" });
  J.j6 = await job({ product: serials[5]!, technician: t2, createdAt: "2026-08-28T06:00:00Z", completedAt: "2026-08-31T10:00:00Z", reopen: true });
  // offers of the month: accepted after 10 minutes, rejected after 20, one lapsed
  const offeredAt = at("2026-08-24T10:00:00Z");
  await db
    .insertInto("dispatch_offers")
    .values([
      { ticket_id: J.j1, agency_id: agencyA, attempt: 1, status: "accepted", offered_at: offeredAt, deadline_at: at("2026-08-24T11:00:00Z"), responded_at: new Date(offeredAt.getTime() + 10 * MIN) },
      { ticket_id: J.j2, agency_id: agencyA, attempt: 1, status: "rejected", offered_at: offeredAt, deadline_at: at("2026-08-24T11:00:00Z"), responded_at: new Date(offeredAt.getTime() + 20 * MIN) },
      { ticket_id: J.j3, agency_id: agencyA, attempt: 1, status: "expired", offered_at: offeredAt, deadline_at: at("2026-08-24T11:00:00Z"), responded_at: at("2026-08-24T11:00:00Z") },
    ])
    .execute();
  await survey(J.j4, 5, "2026-08-29T12:00:00Z");
  await survey(J.j3, 2, "2026-08-30T12:00:00Z");
  // J5's serial broke again the next day, but that registration was cancelled: no rework
  await breakdown(serials[4]!, "2026-08-30T10:00:00Z", "cancelled");
  // J2's serial breaks again 30 days and 1 second after its completion: outside the window
  await breakdown(serials[1]!, "2026-09-25T10:00:01Z");
});

describe("rework, first-time fix and the month's scorecard", () => {
  it("matches the hand-computed fixture, and a later rework reaches the month of the job it reworks", async () => {
    await refreshScorecards(db, NOW);
    let month = (await scorecardsOfMonth(db, { kind: "all" }, "1405-06")).find((r) => r.agencyId === agencyA)!;
    expect(month.counts).toEqual({
      offersDecided: 3,
      offersAccepted: 1,
      answers: 2,
      answerSecondsSum: 1800,
      visitsDue: 2,
      visitsOnTime: 1,
      slaDue: 2,
      slaMet: 1,
      csatCount: 2,
      csatSum: 7,
      jobs: 6,
      reworks: 0,
      // J1, J2, J4, J5 (J3 was put on hold, J6 reopened)
      ftf: 4,
      claimsDecided: 0,
      claimsRejected: 0,
      claimsPartly: 0,
    });
    expect(await db.selectFrom("reworks").select("ticket_id").execute()).toEqual([]);

    // J1's serial breaks again exactly 30 days after its completion: a rework of J1, in the next month
    const r1 = await breakdown(serials[0]!, "2026-09-24T10:00:00Z");
    const months = await refreshScorecards(db, NOW);
    expect(months).toEqual(["1405-06", "1405-07"]);
    const rw = await db.selectFrom("reworks").selectAll().execute();
    expect(rw).toHaveLength(1);
    expect(rw[0]).toMatchObject({ ticket_id: r1, completed_ticket_id: J.j1, agency_id: agencyA, technician_id: t1, window_days: 30 });
    month = (await scorecardsOfMonth(db, { kind: "all" }, "1405-06")).find((r) => r.agencyId === agencyA)!;
    expect(month.counts).toMatchObject({ jobs: 6, reworks: 1, ftf: 3 });

    // idempotent: a second run changes nothing
    await refreshScorecards(db, NOW);
    expect((await scorecardsOfMonth(db, { kind: "all" }, "1405-06")).find((r) => r.agencyId === agencyA)!.counts).toEqual(month.counts);

    // first-time fix by technician: T1 1 of 2 (J1 reworked), T2 2 of 4 (J3 hold, J6 reopened)
    const byTech = await ftfBy(db, { kind: "all" }, "1405-06", "technician", agencyA);
    expect(byTech.map((g) => [g.key, g.jobs, g.ftf, g.reworks]).sort()).toEqual(
      [
        [t1, 2, 1, 1],
        [t2, 4, 2, 0],
      ].sort(),
    );
    const byModel = await ftfBy(db, { kind: "all" }, "1405-06", "model");
    expect(byModel).toEqual([{ key: modelId, label: "لباسشویی ۸ کیلویی", jobs: 6, ftf: 3, reworks: 1 }]);

    // the drill-down's jobs, and an agency sees only its own
    const jobs = await jobsOfAgencyMonth(db, { kind: "all" }, agencyA, "1405-06");
    expect(jobs.map((j) => [j.ticket_id, j.first_time_fix, j.holds, j.reopened, j.rework_ticket_id])).toEqual([
      [J.j1, false, 0, false, r1],
      [J.j2, true, 0, false, null],
      [J.j3, false, 1, false, null],
      [J.j4, true, 0, false, null],
      [J.j5, true, 0, false, null],
      [J.j6, false, 0, true, null],
    ]);
    expect(await jobsOfAgencyMonth(db, { kind: "agency", agencyId: agencyB }, agencyA, "1405-06")).toEqual([]);
    expect(await scorecardsOfAgency(db, { kind: "agency", agencyId: agencyB }, agencyA)).toEqual([]);
    expect((await scorecardsOfMonth(db, { kind: "agency", agencyId: agencyB }, "1405-06")).length).toBe(0);
  });

  it("a longer rework window (admin setting, audited) catches the breakdown 30 days and 1 second after", async () => {
    await updateQualitySettings(db, { kind: "user", userId: adminId }, { reworkWindowDays: 31, probationMonths: 3, probationJobs: 20 });
    await refreshScorecards(db, NOW);
    const rw = await db.selectFrom("reworks").select(["completed_ticket_id", "window_days"]).execute();
    expect(rw).toEqual([{ completed_ticket_id: J.j2, window_days: 31 }]);
    const audit = await db.selectFrom("audit_log").select(["action", "details"]).where("action", "=", "quality.settings_update").execute();
    expect(audit).toHaveLength(1);
  });
});

async function claim(ticketId: number, agencyId: number, status: string, decidedAt: string | null, claimed: number, approved: number | null) {
  await db
    .insertInto("warranty_claims")
    .values({
      ticket_id: ticketId,
      agency_id: agencyId,
      service_type: "repair",
      status: status as never,
      claimed_rials: claimed,
      approved_rials: approved,
      decision_reason: status === "rejected" ? "خارج از پوشش گارانتی" : null,
      submitted_at: at("2026-08-24T06:00:00Z"),
      decided_at: decidedAt ? at(decidedAt) : null,
    })
    .execute();
}

describe("claim rejections in the scorecard", () => {
  it("counts decided, rejected and partly approved claims per agency and month of the decision (hand-computed)", async () => {
    const other = await breakdown(serials[2]!, "2026-08-26T06:00:00Z");
    // agency A, Shahrivar 1405 (Tehran 2026-08-23 00:00 … 2026-09-23 00:00 = 2026-09-22T20:30Z):
    await claim(J.j1!, agencyA, "approved", "2026-08-30T08:00:00Z", 1_000_000, 1_000_000);
    await claim(J.j2!, agencyA, "rejected", "2026-09-01T08:00:00Z", 1_000_000, null);
    await claim(J.j3!, agencyA, "partly_approved", "2026-09-02T08:00:00Z", 1_000_000, 600_000);
    // paid with a cut: still approved in part; paid in full: not
    await claim(J.j4!, agencyA, "paid", "2026-09-05T08:00:00Z", 800_000, 500_000);
    await claim(J.j5!, agencyA, "paid", "2026-09-06T08:00:00Z", 700_000, 700_000);
    // not decided yet: not counted
    await claim(J.j6!, agencyA, "submitted", null, 900_000, null);
    // J2 filed again and rejected again at 23:59 Tehran on the month's last day (31 Shahrivar) …
    await claim(J.j2!, agencyA, "rejected", "2026-09-22T20:29:00Z", 1_000_000, null);
    // … and a third time, approved two minutes later: 1 Mehr 00:01 Tehran, the next month
    await claim(J.j2!, agencyA, "approved", "2026-09-22T20:31:00Z", 1_000_000, 1_000_000);
    // agency B: one rejection in Shahrivar, its only figure that month
    await claim(other, agencyB, "rejected", "2026-09-10T08:00:00Z", 500_000, null);

    await refreshScorecards(db, NOW);
    const shahrivar = await scorecardsOfMonth(db, { kind: "all" }, "1405-06");
    const a6 = shahrivar.find((r) => r.agencyId === agencyA)!;
    const b6 = shahrivar.find((r) => r.agencyId === agencyB)!;
    // A: decided J1, J2, J3, J4, J5, J2 again = 6; rejected J2 twice = 2; in part J3, J4 = 2 → (2 + 0.5·2) / 6 = 0.5
    expect(a6.counts).toMatchObject({ claimsDecided: 6, claimsRejected: 2, claimsPartly: 2, jobs: 6 });
    expect(scorecardRates(a6.counts).claimRejection).toBe(0.5);
    expect(b6.counts).toMatchObject({ claimsDecided: 1, claimsRejected: 1, claimsPartly: 0, jobs: 0, offersDecided: 0 });
    expect(scorecardRates(b6.counts).claimRejection).toBe(1);
    const a7 = (await scorecardsOfMonth(db, { kind: "all" }, "1405-07")).find((r) => r.agencyId === agencyA)!;
    expect(a7.counts).toMatchObject({ claimsDecided: 1, claimsRejected: 0, claimsPartly: 0 });
    expect(scorecardRates(a7.counts).claimRejection).toBe(0);
    // the same numbers as the claims repo's own per-month count
    const byRepo = await claimDecisionsByAgencyMonth(db, at("2026-08-01T00:00:00Z"), at("2026-11-01T00:00:00Z"));
    expect(byRepo).toEqual([
      { agencyId: agencyA, period: "1405-06", decided: 6, rejected: 2, partlyApproved: 2 },
      { agencyId: agencyA, period: "1405-07", decided: 1, rejected: 0, partlyApproved: 0 },
      { agencyId: agencyB, period: "1405-06", decided: 1, rejected: 1, partlyApproved: 0 },
    ]);
    // an agency sees only its own
    expect((await scorecardsOfMonth(db, { kind: "agency", agencyId: agencyB }, "1405-06")).map((r) => r.agencyId)).toEqual([agencyB]);

    // dispatch's row sums the window (1405-05 … 1405-07 at NOW) and the explanation shows the rate
    await refreshAgencyPerformance(db, NOW);
    const perf = await db.selectFrom("agency_performance").select(["agency_id", "claims_decided", "claims_rejected", "claims_partly"]).orderBy("agency_id").execute();
    expect(perf).toEqual([
      { agency_id: agencyA, claims_decided: 7, claims_rejected: 2, claims_partly: 2 },
      { agency_id: agencyB, claims_decided: 1, claims_rejected: 1, claims_partly: 0 },
    ]);
    const ticketId = await breakdown(serials[3]!, "2026-10-15T08:59:00Z");
    await db.updateTable("tickets").set({ province: "تهران", city: "تهران", lat: 35.7, lng: 51.34 }).where("id", "=", ticketId).execute();
    const { candidates } = await candidateFacts(db, (await ticketDispatchFacts(db, ticketId))!, NOW);
    const ranked = rankCandidates(candidates, NOW, undefined, weekly).ranked.find((c) => c.agencyId === agencyA)!;
    // (2 + 1) / 7
    expect(ranked.scorecard).toMatchObject({ claimsDecided: 7, rates: { claimRejection: 0.4286 } });
  });

  it("a late correction re-rolls last month's scorecard, outside the rework window (services, hand-computed)", async () => {
    // a 7-day rework window: on 20 Shahrivar the refresh recomputes Shahrivar only, Mordad is past the window
    await updateQualitySettings(db, { kind: "user", userId: adminId }, { reworkWindowDays: 7, probationMonths: 3, probationJobs: 20 });
    const model = await db.selectFrom("product_models").select("category_id").where("id", "=", modelId).executeTakeFirstOrThrow();
    await db.insertInto("labour_tariffs").values({ category_id: model.category_id, service_type: "repair", amount_rials: 1_000_000, effective_from: "2026-01-01" }).execute();
    const manager = (await db.insertInto("users").values({ username: "manager", display_name: "مدیر خدمات", role: "manager", password_hash: "x" }).returning("id").executeTakeFirstOrThrow()).id;
    const staff = (
      await db.insertInto("users").values({ username: "agency1", display_name: "کارمند نمایندگی", role: "agency_admin", agency_id: agencyA, password_hash: "x" }).returning("id").executeTakeFirstOrThrow()
    ).id;
    // a job of agency A completed on 19 Mordad 1405 (2026-08-10), claimed and approved in full on 20 Mordad
    const j7 = await job({ product: await product(7), technician: t1, createdAt: "2026-08-09T06:00:00Z", completedAt: "2026-08-10T10:00:00Z" });
    const filed = await fileClaim(db, { kind: "agency", userId: staff }, { ticketId: j7, serviceType: "repair", parts: [], submit: true }, at("2026-08-10T12:00:00Z"));
    expect(filed.claimedRials).toBe(1_000_000);
    const decided = await decideClaim(db, { kind: "user", userId: manager }, { claimId: filed.id }, at("2026-08-11T08:00:00Z"));
    expect(decided).toMatchObject({ status: "approved", approvedRials: 1_000_000, period: "1405-05" });
    const SHAHRIVAR_20 = at("2026-09-11T09:00:00Z");
    await refreshScorecards(db, SHAHRIVAR_20);
    const mordad = async () => (await scorecardsOfMonth(db, { kind: "all" }, "1405-05")).find((r) => r.agencyId === agencyA)!.counts;
    expect(await mordad()).toMatchObject({ claimsDecided: 1, claimsRejected: 0, claimsPartly: 0, jobs: 1 });
    // a later run with nothing new recomputes the window's month only
    expect(await refreshScorecards(db, SHAHRIVAR_20)).toEqual(["1405-06"]);

    // 20 Shahrivar: 400,000 of it taken back (the entry is on Shahrivar's statement) — the claim now owes
    // 600,000 of the 1,000,000 claimed: approved in part, in Mordad, the month of its decision
    const corrected = await correctClaim(db, { kind: "user", userId: manager }, { claimId: filed.id, deltaRials: -400_000, reason: "قطعهٔ داغی سالم بود" }, at("2026-09-11T08:00:00Z"));
    expect(corrected).toMatchObject({ period: "1405-06", owedRials: 600_000 });
    expect(await mordad()).toMatchObject({ claimsPartly: 0 });
    expect(await refreshScorecards(db, SHAHRIVAR_20)).toEqual(["1405-05", "1405-06"]);
    const after = await mordad();
    expect(after).toMatchObject({ claimsDecided: 1, claimsRejected: 0, claimsPartly: 1, jobs: 1 });
    // (0 + 0.5 · 1) / 1
    expect(scorecardRates(after).claimRejection).toBe(0.5);

    // the cut restored in full by a second correction: approved again, Mordad re-rolled again
    await correctClaim(db, { kind: "user", userId: manager }, { claimId: filed.id, deltaRials: 400_000, reason: "بررسی دوباره: قطعه معیوب بود" }, at("2026-09-11T08:30:00Z"));
    expect(await refreshScorecards(db, SHAHRIVAR_20)).toEqual(["1405-05", "1405-06"]);
    expect(await mordad()).toMatchObject({ claimsDecided: 1, claimsPartly: 0 });
    // dispatch's row reads the re-rolled month (the performance window 1405-04 … 1405-06)
    await refreshAgencyPerformance(db, SHAHRIVAR_20);
    const perf = await db.selectFrom("agency_performance").select(["claims_decided", "claims_partly"]).where("agency_id", "=", agencyA).executeTakeFirstOrThrow();
    expect(perf).toEqual({ claims_decided: 1, claims_partly: 0 });
  });

  it("counts the answer time in the agency's working hours, holidays off", async () => {
    // agency B: Sat–Wed 08:00–17:00, Thu 08:00–13:00, Fri closed; Thursday 1405-06-05 (2026-08-27) a holiday
    const hours = { sat: ["08:00", "17:00"], sun: ["08:00", "17:00"], mon: ["08:00", "17:00"], tue: ["08:00", "17:00"], wed: ["08:00", "17:00"], thu: ["08:00", "13:00"], fri: null };
    await db.updateTable("agencies").set({ working_hours: JSON.stringify(hours) }).where("id", "=", agencyB).execute();
    await db
      .insertInto("official_holidays")
      .values({ jalali_year: 1405, jalali_month: 6, jalali_day: 5, day: "2026-08-27", reason: "تعطیل آزمایشی" })
      .onConflict((oc) => oc.column("day").doNothing())
      .execute();
    await db
      .insertInto("dispatch_offers")
      .values([
        // Wed 16:50 Tehran → Sat 08:10: 10 min on Wednesday, Thursday a holiday, Friday closed, 10 min on Saturday = 1,200 s
        { ticket_id: J.j4!, agency_id: agencyB, attempt: 2, status: "accepted", offered_at: at("2026-08-26T13:20:00Z"), deadline_at: at("2026-08-29T06:00:00Z"), responded_at: at("2026-08-29T04:40:00Z") },
        // Sun 10:00 → 10:05 Tehran: 300 s
        { ticket_id: J.j5!, agency_id: agencyB, attempt: 2, status: "rejected", offered_at: at("2026-08-30T06:30:00Z"), deadline_at: at("2026-08-30T08:00:00Z"), responded_at: at("2026-08-30T06:35:00Z") },
      ])
      .execute();
    await refreshScorecards(db, NOW);
    const b = (await scorecardsOfMonth(db, { kind: "all" }, "1405-06")).find((r) => r.agencyId === agencyB)!;
    expect(b.counts).toMatchObject({ offersDecided: 2, offersAccepted: 1, answers: 2, answerSecondsSum: 1500 });
    expect(scorecardRates(b.counts).answerSeconds).toBe(750);
    // agency A is open around the clock: its answer times stay the calendar's (10 + 20 minutes)
    const a = (await scorecardsOfMonth(db, { kind: "all" }, "1405-06")).find((r) => r.agencyId === agencyA)!;
    expect(a.counts).toMatchObject({ answers: 2, answerSecondsSum: 1800 });
  });
});

describe("probation and dispatch's performance term", () => {
  it("a new agency is on probation until an admin ends it; dispatch reads the scorecard and explains it", async () => {
    await breakdown(serials[0]!, "2026-09-24T10:00:00Z");
    expect(await refreshAgencyPerformance(db, NOW)).toBe(2);
    const perf = await db.selectFrom("agency_performance").selectAll().orderBy("agency_id").execute();
    // A: contract 2026-07-01 + 3 months = 2026-10-01 ≤ 2026-10-15: off probation; B: contract 2026-09-01, no job: on probation
    expect(perf.map((p) => [p.agency_id, p.on_probation, p.jobs, p.reworks, p.ftf, p.jobs_total])).toEqual([
      [agencyA, false, 6, 1, 3, 6],
      [agencyB, true, 0, 0, 0, 0],
    ]);

    // the dispatch facts of a new ticket read that row, and the decision explains the performance component
    const ticketId = await breakdown(serials[0]!, "2026-10-15T08:59:00Z");
    await db.updateTable("tickets").set({ province: "تهران", city: "تهران", lat: 35.7, lng: 51.34 }).where("id", "=", ticketId).execute();
    const facts = (await ticketDispatchFacts(db, ticketId))!;
    const { candidates } = await candidateFacts(db, facts, NOW);
    const ranking = rankCandidates(candidates, NOW, undefined, weekly);
    const a = ranking.ranked.find((c) => c.agencyId === agencyA)!;
    const b = ranking.ranked.find((c) => c.agencyId === agencyB)!;
    const month = (await scorecardsOfMonth(db, { kind: "all" }, "1405-06")).find((r) => r.agencyId === agencyA)!;
    expect(a.components.performance).toBeCloseTo(performanceTerm(month.counts, false), 4);
    expect(a.scorecard).toMatchObject({ jobs: 6, reworks: 1, probation: false, rates: { acceptance: 0.3333, firstTimeFix: 0.5, rework: 0.1667, csat: 3.5, answerSeconds: 900 } });
    // B on probation: half its capacity (10 → 5), performance capped
    expect(b.capacity).toBe(5);
    expect(b.scorecard?.probation).toBe(true);
    expect(b.components.performance).toBeLessThanOrEqual(0.4);

    // an admin ends B's probation early: audited, and the next refresh keeps it ended
    expect(await endAgencyProbation(db, { kind: "user", userId: adminId }, agencyB, "کارنامهٔ درخشان در دورهٔ آزمایشی")).toEqual({ ok: true });
    expect(await endAgencyProbation(db, { kind: "user", userId: adminId }, agencyB, "دوباره")).toEqual({ ok: false, error: "notOnProbation" });
    await refreshAgencyPerformance(db, NOW);
    const pb = await db.selectFrom("agency_performance").select("on_probation").where("agency_id", "=", agencyB).executeTakeFirstOrThrow();
    expect(pb.on_probation).toBe(false);
    const audit = await db.selectFrom("audit_log").select(["action", "entity_type", "entity_id"]).where("action", "=", "agency.probation_end").execute();
    expect(audit).toEqual([{ action: "agency.probation_end", entity_type: "agency", entity_id: String(agencyB) }]);
  });
});
