/**
 * Satisfaction survey comments classified (issue 14 §3; core/survey-comments.ts): the comments waiting for a
 * person, and the classified ones counted for the voice of the customer. Survey comments are the call
 * centre's (the happy calls), read by staff only: the callers check `scope.kind === "all"`.
 */
import { sql } from "kysely";
import type { FeedbackCategory } from "../../core/feedback";
import type { SurveyCommentKind } from "../../core/survey-comments";
import type { DB } from "../connection";
import type { DataScope } from "./scope";

export interface PendingComment {
  id: number;
  ticket_id: number;
  ticket_number: number;
  score: number | null;
  comment: string;
  surveyed_at: Date;
}

/** Answered surveys with a comment not classified yet, newest first (satisfaction_surveys_comment_pending_idx). */
export async function pendingComments(db: DB, scope: DataScope, limit = 50): Promise<{ rows: PendingComment[]; total: number }> {
  if (scope.kind !== "all") return { rows: [], total: 0 };
  const pending = sql`s.status = 'answered' and s.comment is not null and s.comment_category is null`;
  const [rows, total] = await Promise.all([
    sql<PendingComment>`
      select s.id, s.ticket_id, t.number as ticket_number, s.score, s.comment, s.surveyed_at
      from satisfaction_surveys s join tickets t on t.id = s.ticket_id
      where ${pending}
      order by s.surveyed_at desc, s.id desc
      limit ${limit}`.execute(db),
    sql<{ n: number }>`select count(*)::int as n from satisfaction_surveys s where ${pending}`.execute(db),
  ]);
  return { rows: rows.rows, total: total.rows[0]?.n ?? 0 };
}

export interface ClassifiedCommentCount {
  kind: SurveyCommentKind;
  category: FeedbackCategory;
  count: number;
}

/** Classified comments of the surveys answered in the range, by kind and category (satisfaction_surveys_comment_classified_idx). */
export async function classifiedCommentCounts(db: DB, scope: DataScope, range: { from: Date; toExclusive: Date }): Promise<ClassifiedCommentCount[]> {
  if (scope.kind !== "all") return [];
  const r = await sql<ClassifiedCommentCount>`
    select s.comment_kind as kind, s.comment_category as category, count(*)::int as count
    from satisfaction_surveys s
    where s.comment_category is not null and s.surveyed_at >= ${range.from} and s.surveyed_at < ${range.toExclusive}
    group by 1, 2
    order by 1, 2`.execute(db);
  return r.rows;
}
