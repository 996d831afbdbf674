/**
 * Satisfaction and the voice of the customer on a real PostgreSQL, against a hand-computed fixture: CSAT by
 * agency, technician, brand, category and Jalali month; the low scores and what followed (the complaint, its
 * status, the call-back, the time to resolve); complaints and suggestions by category and month; repeat
 * breakdowns of one serial (the roll-up, incremental, cancelled tickets left out); the operator's
 * classification of a complaint ticket (history, audit, the database's own check).
 */
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import type { DB } from "../../db/connection";
import * as voice from "../../db/repos/voice";
import { classifyFeedback, InvalidFeedbackError, NotFeedbackTicketError } from "../../services/feedback";
import type { FeedbackCategory, FeedbackKind } from "../../core/feedback";
import type { TicketStatus } from "../../core/ticket";
import { getTestDb, resetDatabase } from "../support/db";

let db: DB;
const ALL = { kind: "all" } as const;
// Mehr and Aban 1405 (Tehran): 1 Mehr = 2026-09-23, 1 Azar = 2026-11-22
const RANGE = { from: new Date("2026-09-23T00:00:00+03:30"), toExclusive: new Date("2026-11-22T00:00:00+03:30") };
const at = (s: string) => new Date(`${s}+03:30`);

const ids: Record<string, number> = {};
let userId = 0;

async function ticket(o: {
  type?: "breakdown" | "complaint";
  product?: number | null;
  agency?: number | null;
  technician?: number | null;
  status?: TicketStatus;
  createdAt: Date;
  closedAt?: Date | null;
  related?: number | null;
  kind?: FeedbackKind | null;
  category?: FeedbackCategory | null;
}) {
  const r = await db
    .insertInto("tickets")
    .values({
      type: o.type ?? "breakdown",
      channel: "phone",
      customer_id: ids.customer!,
      customer_product_id: o.product ?? null,
      warranty_status: "in_warranty",
      status: o.status ?? "completed",
      assigned_agency_id: o.agency ?? null,
      technician_id: o.technician ?? null,
      related_ticket_id: o.related ?? null,
      feedback_kind: o.kind ?? null,
      feedback_category: o.category ?? null,
      created_at: o.createdAt,
      updated_at: o.createdAt,
      closed_at: o.closedAt ?? null,
    })
    .returning(["id", "number"])
    .executeTakeFirstOrThrow();
  return r.id;
}

async function survey(ticketId: number, score: number | null, surveyedAt: Date, complaint: number | null = null) {
  await db
    .insertInto("satisfaction_surveys")
    .values({
      ticket_id: ticketId,
      channel: "ivr_dtmf",
      status: score === null ? "pending" : "answered",
      score,
      surveyed_at: score === null ? null : surveyedAt,
      complaint_ticket_id: complaint,
      comment: score !== null && score <= 2 ? "تکنسین دیر آمد" : null,
    })
    .execute();
}

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  const agency = async (code: string, name: string) =>
    (await db.insertInto("agencies").values({ code, name, province: "تهران", city: "تهران" }).returning("id").executeTakeFirstOrThrow()).id;
  ids.agencyA = await agency("THR-A", "نمایندگی الف");
  ids.agencyB = await agency("THR-B", "نمایندگی ب");
  const tech = async (agencyId: number, name: string, mobile: string) =>
    (await db.insertInto("technicians").values({ agency_id: agencyId, full_name: name, mobile }).returning("id").executeTakeFirstOrThrow()).id;
  ids.a1 = await tech(ids.agencyA, "علی رضایی", "+989120000001");
  ids.a2 = await tech(ids.agencyA, "حسن کریمی", "+989120000002");
  ids.b1 = await tech(ids.agencyB, "رضا موسوی", "+989120000003");
  ids.brandX = (await db.insertInto("brands").values({ code: "brand-x", name_fa: "ایکس", name_en: "X" }).returning("id").executeTakeFirstOrThrow()).id;
  ids.brandY = (await db.insertInto("brands").values({ code: "brand-y", name_fa: "وای", name_en: "Y" }).returning("id").executeTakeFirstOrThrow()).id;
  ids.cat1 = (await db.insertInto("product_categories").values({ code: "fridge", name_fa: "یخچال", name_en: "Refrigerator" }).returning("id").executeTakeFirstOrThrow()).id;
  ids.cat2 = (await db.insertInto("product_categories").values({ code: "washer", name_fa: "لباسشویی", name_en: "Washer" }).returning("id").executeTakeFirstOrThrow()).id;
  const model = async (brand: number, category: number, code: string) =>
    (await db.insertInto("product_models").values({ brand_id: brand, category_id: category, model_code: code, name: `مدل ${code}` }).returning("id").executeTakeFirstOrThrow()).id;
  ids.m1 = await model(ids.brandX, ids.cat1, "M1");
  ids.m2 = await model(ids.brandY, ids.cat2, "M2");
  ids.m3 = await model(ids.brandX, ids.cat2, "M3");
  ids.customer = (await db.insertInto("customers").values({ full_name: "نرگس کاظمی", mobile: "+989125550001" }).returning("id").executeTakeFirstOrThrow()).id;
  const product = async (modelId: number, serial: string) =>
    (await db.insertInto("customer_products").values({ customer_id: ids.customer!, model_id: modelId, serial_number: serial, warranty_months: 18 }).returning("id").executeTakeFirstOrThrow()).id;
  ids.p1 = await product(ids.m1, "SER-0001");
  ids.p2 = await product(ids.m2, "SER-0002");
  ids.p3 = await product(ids.m3, "SER-0003");
  userId = (await db.insertInto("users").values({ username: "op1", display_name: "اپراتور", role: "operator", password_hash: "x" }).returning("id").executeTakeFirstOrThrow()).id;

  // the jobs (breakdowns), in order of registration
  ids.job3 = await ticket({ product: ids.p3, agency: ids.agencyA, technician: ids.a2, createdAt: at("2026-08-01T10:00:00") });
  ids.job1 = await ticket({ product: ids.p1, agency: ids.agencyA, technician: ids.a1, createdAt: at("2026-10-01T10:00:00") });
  ids.job2 = await ticket({ product: ids.p2, agency: ids.agencyA, technician: ids.a1, createdAt: at("2026-10-05T10:00:00") });
  ids.cancelled = await ticket({ product: ids.p3, agency: null, status: "cancelled", createdAt: at("2026-10-15T10:00:00") });
  ids.job4 = await ticket({ product: ids.p1, agency: ids.agencyB, technician: ids.b1, createdAt: at("2026-10-20T10:00:00") });
  ids.job5 = await ticket({ product: ids.p2, agency: ids.agencyB, technician: ids.b1, createdAt: at("2026-10-30T10:00:00") });
  ids.job6 = await ticket({ product: ids.p3, agency: ids.agencyB, technician: ids.b1, createdAt: at("2026-11-05T10:00:00") });
  ids.job7 = await ticket({ product: ids.p1, status: "new", createdAt: at("2026-11-15T10:00:00") });

  // the complaints the low scores opened: job3's resolved after 26.5 h with a call-back, job5's still open
  ids.k1 = await ticket({ type: "complaint", product: ids.p3, status: "closed", createdAt: at("2026-10-25T09:00:00"), closedAt: at("2026-10-26T11:30:00"), related: ids.job3, kind: "complaint", category: "delay" });
  ids.k2 = await ticket({ type: "complaint", product: ids.p2, status: "new", createdAt: at("2026-11-02T09:00:00"), related: ids.job5 });
  // complaints registered at the desk
  ids.k3 = await ticket({ type: "complaint", status: "closed", createdAt: at("2026-10-01T12:00:00"), closedAt: at("2026-10-01T13:00:00"), kind: "suggestion", category: "call_centre" });
  ids.k4 = await ticket({ type: "complaint", status: "in_progress", createdAt: at("2026-10-12T12:00:00"), kind: "complaint", category: "delay" });
  const call = await db
    .insertInto("calls")
    .values({ direction: "outbound", called_number: "+989125550001", started_at: at("2026-10-25T10:00:00"), answered_at: at("2026-10-25T10:00:10"), ended_at: at("2026-10-25T10:03:00"), state: "ended", disposition: "answered" })
    .returning("id")
    .executeTakeFirstOrThrow();
  // an unanswered call-back attempt on the open complaint does not count
  const missed = await db
    .insertInto("calls")
    .values({ direction: "outbound", called_number: "+989125550001", started_at: at("2026-11-02T10:00:00"), ended_at: at("2026-11-02T10:00:30"), state: "ended", disposition: "missed" })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db.insertInto("ticket_calls").values([{ ticket_id: ids.k1, call_id: call.id }, { ticket_id: ids.k2, call_id: missed.id }]).execute();

  await survey(ids.job1, 5, at("2026-10-05T12:00:00"));
  await survey(ids.job2, 4, at("2026-10-10T12:00:00"));
  await survey(ids.job3, 2, at("2026-10-25T09:00:00"), ids.k1);
  await survey(ids.job4, 3, at("2026-10-28T12:00:00"));
  await survey(ids.job5, 1, at("2026-11-02T09:00:00"), ids.k2);
  await survey(ids.job6, 5, at("2026-11-10T12:00:00"));
  // outside the range, and not answered: counted nowhere
  await survey(ids.job7, 1, at("2026-11-22T00:00:00"));
  await survey(ids.cancelled, null, at("2026-10-20T00:00:00"));
  await voice.rebuildCsatDaily(db);
});

const pick = (rows: voice.CsatRow[]) => Object.fromEntries(rows.map((r) => [r.label_en, [r.answered, r.scoreSum, r.satisfied, r.low, r.csat, r.mean]]));

describe("CSAT", () => {
  it("by agency: A 5,4,2 → 66.7 % mean 3.67; B 3,1,5 → 33.3 % mean 3", async () => {
    expect(pick(await voice.csatBy(db, ALL, RANGE, "agency"))).toEqual({
      "نمایندگی الف": [3, 11, 2, 1, 66.7, 3.67],
      "نمایندگی ب": [3, 9, 1, 1, 33.3, 3],
    });
  });

  it("by technician", async () => {
    expect(pick(await voice.csatBy(db, ALL, RANGE, "technician"))).toEqual({
      "علی رضایی": [2, 9, 2, 0, 100, 4.5],
      "حسن کریمی": [1, 2, 0, 1, 0, 2],
      "رضا موسوی": [3, 9, 1, 1, 33.3, 3],
    });
  });

  it("by brand and by category (the product's model)", async () => {
    expect(pick(await voice.csatBy(db, ALL, RANGE, "brand"))).toEqual({ X: [4, 15, 2, 1, 50, 3.75], Y: [2, 5, 1, 1, 50, 2.5] });
    expect(pick(await voice.csatBy(db, ALL, RANGE, "category"))).toEqual({ Refrigerator: [2, 8, 1, 0, 50, 4], Washer: [4, 12, 2, 2, 50, 3] });
  });

  it("by Jalali month: Mehr 5,4; Aban 2,3,1,5", async () => {
    expect(pick(await voice.csatBy(db, ALL, RANGE, "month"))).toEqual({ "1405-07": [2, 9, 2, 0, 100, 4.5], "1405-08": [4, 11, 1, 2, 25, 2.75] });
  });

  it("reads the same from the csat_daily roll-up as from the surveys themselves", async () => {
    // an agency's figures are read from its surveys: the whole network's from the roll-up
    const all = { kind: "agency" as const, agencyId: ids.agencyA! };
    const b = { kind: "agency" as const, agencyId: ids.agencyB! };
    for (const d of ["agency", "technician", "brand", "category", "month"] as const) {
      const direct = [...(await voice.csatBy(db, all, RANGE, d)), ...(await voice.csatBy(db, b, RANGE, d))];
      const sum = (rows: voice.CsatRow[]) => rows.reduce((n, r) => n + r.answered * 1000 + r.scoreSum, 0);
      expect(sum(await voice.csatBy(db, ALL, RANGE, d)), d).toBe(sum(direct));
    }
    // the refresh recomputes from the day before its last run, and a survey answered now is counted once
    const job9 = await ticket({ product: ids.p1, agency: ids.agencyA, technician: ids.a1, createdAt: at("2026-11-01T10:00:00") });
    await db.insertInto("satisfaction_surveys").values({ ticket_id: job9, channel: "ivr_dtmf", status: "answered", score: 4, surveyed_at: new Date() }).execute();
    await voice.refreshCsatDaily(db);
    await voice.refreshCsatDaily(db);
    const today = { from: new Date(Date.now() - 86_400_000), toExclusive: new Date(Date.now() + 2 * 86_400_000) };
    expect((await voice.csatTotal(db, ALL, today)).answered).toBe(1);
    expect((await voice.csatTotal(db, ALL, RANGE)).answered).toBe(6);
    await db.deleteFrom("satisfaction_surveys").where("ticket_id", "=", job9).execute();
    await db.deleteFrom("tickets").where("id", "=", job9).execute();
    await voice.rebuildCsatDaily(db);
  });

  it("in total, and for an agency only its own jobs", async () => {
    const total = await voice.csatTotal(db, ALL, RANGE);
    expect([total.answered, total.csat, total.mean]).toEqual([6, 50, 3.33]);
    expect(pick(await voice.csatBy(db, { kind: "agency", agencyId: ids.agencyB! }, RANGE, "agency"))).toEqual({ "نمایندگی ب": [3, 9, 1, 1, 33.3, 3] });
  });

  it("lists the surveys behind a figure, each with its job and complaint", async () => {
    const rows = await voice.surveysOf(db, ALL, RANGE, { agencyId: ids.agencyA });
    expect(rows.map((r) => [r.ticket_id, r.score, r.complaint_ticket_id])).toEqual([
      [ids.job3, 2, ids.k1],
      [ids.job2, 4, null],
      [ids.job1, 5, null],
    ]);
    expect((await voice.surveysOf(db, ALL, RANGE, { categoryId: ids.cat1 })).map((r) => r.ticket_id)).toEqual([ids.job4, ids.job1]);
  });
});

describe("low scores and what followed", () => {
  it("names the complaint, its status, the call-back and the time to resolve", async () => {
    const rows = await voice.lowScores(db, ALL, RANGE);
    expect(rows.map((r) => [r.ticket_id, r.score, r.complaint_ticket_id, r.follow_through, r.called_back, r.resolve_seconds, r.complaint_category])).toEqual([
      [ids.job5, 1, ids.k2, "open", false, null, null],
      [ids.job3, 2, ids.k1, "resolved", true, 26.5 * 3600, "delay"],
    ]);
    expect(await voice.lowScores(db, { kind: "agency", agencyId: ids.agencyA! }, RANGE)).toEqual([]);
  });

  it("pages on from a survey: the ones older than it, newest first", async () => {
    const first = await voice.lowScores(db, ALL, RANGE, { limit: 1 });
    expect(first.map((r) => r.ticket_id)).toEqual([ids.job5]);
    const second = await voice.lowScores(db, ALL, RANGE, { limit: 1, before: first[0]!.survey_id });
    expect(second.map((r) => r.ticket_id)).toEqual([ids.job3]);
    expect(await voice.lowScores(db, ALL, RANGE, { limit: 1, before: second[0]!.survey_id })).toEqual([]);
  });
});

describe("complaints and suggestions by category", () => {
  it("counts by Jalali month, kind and category, unclassified apart", async () => {
    expect(await voice.feedbackCounts(db, ALL, RANGE)).toEqual([
      { month: "1405-07", kind: "complaint", bucket: "delay", count: 1 },
      { month: "1405-07", kind: "suggestion", bucket: "call_centre", count: 1 },
      { month: "1405-08", kind: "complaint", bucket: "delay", count: 1 },
      { month: "1405-08", kind: "complaint", bucket: "unclassified", count: 1 },
    ]);
    expect((await voice.feedbackTickets(db, ALL, RANGE, { bucket: "delay" })).map((t) => t.id)).toEqual([ids.k1, ids.k4]);
    expect((await voice.feedbackTickets(db, ALL, RANGE, { kind: "complaint", bucket: "unclassified" })).map((t) => t.id)).toEqual([ids.k2]);
    expect((await voice.feedbackTickets(db, ALL, RANGE, { kind: "suggestion" })).map((t) => t.id)).toEqual([ids.k3]);
  });
});

describe("repeat breakdowns", () => {
  it("finds the breakdowns within 90 days of the serial's previous one, leaving cancelled ones out", async () => {
    await voice.rebuildRepeatBreakdowns(db, { settleSeconds: 0 });
    const rows = await voice.repeatRows(db, ALL, RANGE, {});
    // job4 repeats job1 (19 days), job5 repeats job2 (25 days), job7 repeats job4 (26 days); job6 is 96 days after job3
    // (the cancelled registration between them counts for nothing)
    expect(rows.map((r) => [r.ticket_id, r.previous_ticket_id, r.serial_number, r.days_between])).toEqual([
      [ids.job7, ids.job4, "SER-0001", 26],
      [ids.job5, ids.job2, "SER-0002", 25],
      [ids.job4, ids.job1, "SER-0001", 19],
    ]);
    const byModel = await voice.repeatsBy(db, ALL, RANGE, "model");
    expect(byModel.map((g) => [g.label_en, g.brand_en, g.repeats, g.serials])).toEqual([
      ["مدل M1", "X", 2, 1],
      ["مدل M2", "Y", 1, 1],
    ]);
    expect((await voice.repeatsBy(db, ALL, RANGE, "category")).map((g) => [g.label_en, g.repeats])).toEqual([
      ["Refrigerator", 2],
      ["Washer", 1],
    ]);
    expect((await voice.repeatRows(db, ALL, RANGE, { modelId: ids.m2 })).map((r) => r.ticket_id)).toEqual([ids.job5]);
    // an agency sees the repeats of its own jobs
    expect((await voice.repeatRows(db, { kind: "agency", agencyId: ids.agencyB! }, RANGE, {})).map((r) => r.ticket_id)).toEqual([ids.job5, ids.job4]);
  });

  it("is refreshed incrementally: a new breakdown after the watermark is added once", async () => {
    await voice.refreshRepeatBreakdowns(db, { settleSeconds: 0 });
    const before = await db.selectFrom("repeat_breakdowns").select(sql<number>`count(*)::int`.as("n")).executeTakeFirstOrThrow();
    const job8 = await ticket({ product: ids.p2, status: "new", createdAt: at("2026-11-20T10:00:00") });
    expect(await voice.refreshRepeatBreakdowns(db, { settleSeconds: 0 })).toBe(1);
    expect(await voice.refreshRepeatBreakdowns(db, { settleSeconds: 0 })).toBe(0);
    const after = await db.selectFrom("repeat_breakdowns").select(["ticket_id", "previous_ticket_id"]).where("ticket_id", "=", job8).execute();
    expect(after).toEqual([{ ticket_id: job8, previous_ticket_id: ids.job5 }]);
    const total = await db.selectFrom("repeat_breakdowns").select(sql<number>`count(*)::int`.as("n")).executeTakeFirstOrThrow();
    expect(total.n).toBe(before.n + 1);
    await db.deleteFrom("repeat_breakdowns").where("ticket_id", "=", job8).execute();
  });
});

describe("classifying a complaint ticket", () => {
  const actor = () => ({ kind: "user" as const, userId });

  it("sets its kind and category with a history row and an audit row", async () => {
    expect(await classifyFeedback(db, actor(), { ticketId: ids.k2!, kind: "complaint", category: "technician_behaviour" })).toEqual({ ticketId: ids.k2, changed: true });
    const t = await db.selectFrom("tickets").select(["feedback_kind", "feedback_category"]).where("id", "=", ids.k2!).executeTakeFirstOrThrow();
    expect(t).toEqual({ feedback_kind: "complaint", feedback_category: "technician_behaviour" });
    const ev = await db.selectFrom("ticket_events").select(["event_type", "data"]).where("ticket_id", "=", ids.k2!).execute();
    expect(ev).toEqual([{ event_type: "note", data: { text: "دسته‌بندی: شکایت — رفتار تکنسین", feedbackKind: "complaint", feedbackCategory: "technician_behaviour" } }]);
    const audit = await db.selectFrom("audit_log").select(["action", "entity_id", "details"]).where("action", "=", "ticket.feedback_classify").execute();
    expect(audit).toEqual([{ action: "ticket.feedback_classify", entity_id: String(ids.k2), details: { kind: "complaint", category: "technician_behaviour" } }]);
    // the same again changes nothing
    expect(await classifyFeedback(db, actor(), { ticketId: ids.k2!, kind: "complaint", category: "technician_behaviour" })).toEqual({ ticketId: ids.k2, changed: false });
    // and the count moves from unclassified to its category
    const counts = await voice.feedbackCounts(db, ALL, RANGE);
    expect(counts.filter((c) => c.month === "1405-08")).toEqual([
      { month: "1405-08", kind: "complaint", bucket: "delay", count: 1 },
      { month: "1405-08", kind: "complaint", bucket: "technician_behaviour", count: 1 },
    ]);
  });

  it("refuses a breakdown, an unknown category, and the database refuses a category on a breakdown", async () => {
    await expect(classifyFeedback(db, actor(), { ticketId: ids.job1!, kind: "complaint", category: "delay" })).rejects.toBeInstanceOf(NotFeedbackTicketError);
    await expect(classifyFeedback(db, actor(), { ticketId: ids.k2!, kind: "complaint", category: "weather" as FeedbackCategory })).rejects.toBeInstanceOf(InvalidFeedbackError);
    await expect(db.updateTable("tickets").set({ feedback_category: "delay" }).where("id", "=", ids.job1!).execute()).rejects.toThrow(/tickets_feedback_complaint_check/);
  });
});
