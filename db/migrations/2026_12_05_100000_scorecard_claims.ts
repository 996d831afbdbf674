import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// The agency scorecard counts warranty-claim decisions (issue 15 §5, core/quality.ts "Claim rejections"):
// per agency and Jalali month of the decision, the claims decided, and of them rejected and approved in part.
// agency_performance (dispatch's one row per agency) gains their sums over the performance window.
// No backfill here: the scorecard refresh (db/repos/quality.ts refreshMonth) fills them, and a month it has
// not recomputed yet reads 0 decided (no figure) — as before this migration.

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    sql`alter table agency_scorecards
      add column claims_decided integer not null default 0,
      add column claims_rejected integer not null default 0,
      add column claims_partly integer not null default 0`,
    sql`alter table agency_performance
      add column claims_decided integer not null default 0,
      add column claims_rejected integer not null default 0,
      add column claims_partly integer not null default 0`,
  ]) {
    await statement.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const s of [
    sql`alter table agency_performance drop column if exists claims_decided, drop column if exists claims_rejected, drop column if exists claims_partly`,
    sql`alter table agency_scorecards drop column if exists claims_decided, drop column if exists claims_rejected, drop column if exists claims_partly`,
  ]) {
    await s.execute(db);
  }
}
