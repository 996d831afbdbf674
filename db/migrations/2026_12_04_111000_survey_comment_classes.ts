import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// Satisfaction survey comments classified (issue 14 §3): a supervisor or operator files the comment of an
// answered survey under the complaint tickets' categories and a kind (complaint, suggestion or praise), with
// who did it and when; all four are set together or none. The voice of the customer counts classified comments
// by the day the survey was answered (satisfaction_surveys_comment_classified_idx); the page of comments to
// classify reads the unclassified ones newest first (satisfaction_surveys_comment_pending_idx).

const KINDS = `('complaint','suggestion','praise')`;
const CATEGORIES = `('technician_behaviour','repair_quality','delay','price_invoice','parts','call_centre','product_quality','other')`;

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    sql`alter table satisfaction_surveys
      add column comment_kind text check (comment_kind in ${sql.raw(KINDS)}),
      add column comment_category text check (comment_category in ${sql.raw(CATEGORIES)}),
      add column comment_classified_by bigint references users(id),
      add column comment_classified_at timestamptz`,
    sql`alter table satisfaction_surveys add constraint satisfaction_surveys_comment_class_check
      check ((comment_kind is null) = (comment_category is null) and (comment_kind is null) = (comment_classified_at is null))`,
    sql`create index satisfaction_surveys_comment_classified_idx on satisfaction_surveys (surveyed_at) include (comment_kind, comment_category)
      where comment_category is not null`,
    sql`create index satisfaction_surveys_comment_pending_idx on satisfaction_surveys (surveyed_at desc)
      where status = 'answered' and comment is not null and comment_category is null`,
  ]) {
    await statement.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of [
    sql`drop index if exists satisfaction_surveys_comment_pending_idx`,
    sql`drop index if exists satisfaction_surveys_comment_classified_idx`,
    sql`alter table satisfaction_surveys drop constraint if exists satisfaction_surveys_comment_class_check`,
    sql`alter table satisfaction_surveys drop column if exists comment_classified_at, drop column if exists comment_classified_by,
      drop column if exists comment_category, drop column if exists comment_kind`,
  ]) {
    await statement.execute(db);
  }
}
