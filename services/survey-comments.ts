/**
 * A satisfaction survey's comment classified by a person (issue 14 §3, surveys:record): its kind (complaint,
 * suggestion, praise) and one of the complaint tickets' categories, with who and when, in one transaction with
 * its audit row. The score, and so the CSAT roll-up (csat_daily), is not touched. Classifying again replaces
 * the class (the audit row keeps the one before).
 */
import { isFeedbackCategory, type FeedbackCategory } from "../core/feedback";
import { isSurveyCommentKind, type SurveyCommentKind } from "../core/survey-comments";
import type { DB } from "../db/connection";
import { writeAudit } from "../db/repos/audit";
import type { Actor } from "./actor";

export class SurveyCommentError extends Error {
  constructor(readonly code: "notFound" | "noComment" | "invalid") {
    super(`survey comment classification refused: ${code}`);
    this.name = "SurveyCommentError";
  }
}

export async function classifySurveyComment(
  db: DB,
  actor: Actor,
  input: { surveyId: number; kind: SurveyCommentKind; category: FeedbackCategory },
): Promise<{ changed: boolean }> {
  if (!isSurveyCommentKind(input.kind) || !isFeedbackCategory(input.category)) throw new SurveyCommentError("invalid");
  return db.transaction().execute(async (trx) => {
    const s = await trx
      .selectFrom("satisfaction_surveys")
      .select(["id", "ticket_id", "status", "comment", "comment_kind", "comment_category"])
      .where("id", "=", input.surveyId)
      .forUpdate()
      .executeTakeFirst();
    if (!s) throw new SurveyCommentError("notFound");
    if (s.status !== "answered" || !s.comment?.trim()) throw new SurveyCommentError("noComment");
    if (s.comment_kind === input.kind && s.comment_category === input.category) return { changed: false };
    await trx
      .updateTable("satisfaction_surveys")
      .set({ comment_kind: input.kind, comment_category: input.category, comment_classified_by: actor.userId ?? null, comment_classified_at: new Date() })
      .where("id", "=", s.id)
      .execute();
    await writeAudit(trx, {
      actorUserId: actor.userId ?? null,
      action: "survey.comment_classify",
      entityType: "ticket",
      entityId: s.ticket_id,
      ip: actor.ip ?? undefined,
      details: { surveyId: s.id, kind: input.kind, category: input.category, ...(s.comment_category ? { from: s.comment_category } : {}) },
    });
    return { changed: true };
  });
}
