/**
 * Survey comments classified (issue 14 §3) on real PostgreSQL: the service files an answered survey's comment
 * under a kind and a category with its audit row (again: replaced, the audit keeps the one before; unchanged:
 * nothing written); a survey without a comment is refused; the voice of the customer counts the classified
 * comments by the day the survey was answered; the CSAT roll-up is the same before and after.
 */
import { sql } from "kysely";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DB } from "../../db/connection";
import { classifiedCommentCounts, pendingComments } from "../../db/repos/survey-comments";
import { rebuildCsatDaily } from "../../db/repos/voice";
import { classifySurveyComment, SurveyCommentError } from "../../services/survey-comments";
import { getTestDb, resetDatabase } from "../support/db";

let db: DB;
let supervisorId: number;
let customerId: number;
const ALL = { kind: "all" } as const;
const DAY = 86_400_000;

async function survey(o: { comment: string | null; score?: number; daysAgo?: number; status?: "answered" | "pending" }): Promise<{ id: number; ticketId: number }> {
  const t = await db
    .insertInto("tickets")
    .values({ type: "breakdown", channel: "phone", customer_id: customerId, warranty_status: "in_warranty", status: "completed" })
    .returning("id")
    .executeTakeFirstOrThrow();
  const answered = (o.status ?? "answered") === "answered";
  const s = await db
    .insertInto("satisfaction_surveys")
    .values({
      ticket_id: t.id,
      channel: "operator_call",
      status: o.status ?? "answered",
      score: answered ? (o.score ?? 2) : null,
      comment: o.comment,
      surveyed_at: answered ? new Date(Date.now() - (o.daysAgo ?? 1) * DAY) : null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { id: s.id, ticketId: t.id };
}

beforeAll(async () => {
  db = await getTestDb();
});

beforeEach(async () => {
  await resetDatabase(db);
  supervisorId = (await db.insertInto("users").values({ username: "sup", display_name: "سرپرست", role: "supervisor", password_hash: "x" }).returning("id").executeTakeFirstOrThrow()).id;
  customerId = (await db.insertInto("customers").values({ full_name: "نرگس امینی", mobile: "+989121234500" }).returning("id").executeTakeFirstOrThrow()).id;
});

describe("classifySurveyComment", () => {
  it("files the comment, audits it, and the voice counts it by the day the survey was answered", async () => {
    const late = await survey({ comment: "تکنسین دو روز دیر آمد", daysAgo: 3 });
    const thanks = await survey({ comment: "خیلی ممنون", score: 5, daysAgo: 2 });
    const old = await survey({ comment: "قطعه نداشتند", daysAgo: 400 });
    await survey({ comment: null, score: 4 });
    expect((await pendingComments(db, ALL)).total).toBe(3);
    await rebuildCsatDaily(db);
    const csatBefore = (await sql`select * from csat_daily order by day, dim, key`.execute(db)).rows;

    const actor = { kind: "user" as const, userId: supervisorId, ip: "127.0.0.1" };
    expect(await classifySurveyComment(db, actor, { surveyId: late.id, kind: "complaint", category: "delay" })).toEqual({ changed: true });
    expect(await classifySurveyComment(db, actor, { surveyId: thanks.id, kind: "praise", category: "technician_behaviour" })).toEqual({ changed: true });
    expect(await classifySurveyComment(db, actor, { surveyId: old.id, kind: "complaint", category: "parts" })).toEqual({ changed: true });
    // the same again: nothing written; another category: replaced
    expect(await classifySurveyComment(db, actor, { surveyId: late.id, kind: "complaint", category: "delay" })).toEqual({ changed: false });
    expect(await classifySurveyComment(db, actor, { surveyId: late.id, kind: "suggestion", category: "call_centre" })).toEqual({ changed: true });

    const row = await db.selectFrom("satisfaction_surveys").selectAll().where("id", "=", late.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ comment_kind: "suggestion", comment_category: "call_centre", comment_classified_by: supervisorId });
    expect(row.comment_classified_at).toBeInstanceOf(Date);
    const audit = await db.selectFrom("audit_log").select(["action", "entity_type", "entity_id", "details"]).where("action", "=", "survey.comment_classify").orderBy("id").execute();
    expect(audit).toHaveLength(4);
    expect(audit[3]).toMatchObject({ entity_type: "ticket", entity_id: String(late.ticketId), details: { surveyId: late.id, kind: "suggestion", category: "call_centre", from: "delay" } });

    const now = Date.now();
    const lastMonth = { from: new Date(now - 30 * DAY), toExclusive: new Date(now) };
    expect(await classifiedCommentCounts(db, ALL, lastMonth)).toEqual([
      { kind: "praise", category: "technician_behaviour", count: 1 },
      { kind: "suggestion", category: "call_centre", count: 1 },
    ]);
    expect(await classifiedCommentCounts(db, { kind: "agency", agencyId: 1 } as never, lastMonth)).toEqual([]);
    expect((await pendingComments(db, ALL)).total).toBe(0);
    // the scores are untouched: the CSAT roll-up rebuilt is the same
    await rebuildCsatDaily(db);
    expect((await sql`select * from csat_daily order by day, dim, key`.execute(db)).rows).toEqual(csatBefore);
  });

  it("refuses a survey without a comment, one not answered, one missing, and values outside the lists", async () => {
    const actor = { kind: "user" as const, userId: supervisorId };
    const none = await survey({ comment: null });
    const pending = await survey({ comment: "x", status: "pending" });
    await expect(classifySurveyComment(db, actor, { surveyId: none.id, kind: "complaint", category: "delay" })).rejects.toEqual(new SurveyCommentError("noComment"));
    await expect(classifySurveyComment(db, actor, { surveyId: pending.id, kind: "complaint", category: "delay" })).rejects.toEqual(new SurveyCommentError("noComment"));
    await expect(classifySurveyComment(db, actor, { surveyId: 999_999, kind: "complaint", category: "delay" })).rejects.toEqual(new SurveyCommentError("notFound"));
    await expect(classifySurveyComment(db, actor, { surveyId: none.id, kind: "angry" as never, category: "delay" })).rejects.toEqual(new SurveyCommentError("invalid"));
    // the database holds all four together or none
    await expect(sql`update satisfaction_surveys set comment_kind = 'praise' where id = ${none.id}`.execute(db)).rejects.toThrow(/comment_class_check/);
  });
});
