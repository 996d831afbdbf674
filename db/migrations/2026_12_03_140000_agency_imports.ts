import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// Agencies imported from a CSV (issue 14 §5): one row per uploaded file. The agency__import job validates
// every row first, then imports all of them in one transaction or none: `status` goes pending → validating →
// importing → done, or failed with `errors` (the per-row report: row number, column, error code). Progress
// (`processed_rows` of `total_rows`) is written as the job goes, in its own short statements, so the page's
// progress bar reads it while the import's transaction is still open.

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    sql`create table agency_imports (
      id bigint generated always as identity primary key,
      created_by bigint references users(id),
      created_at timestamptz not null default now(),
      filename text not null check (length(filename) <= 200),
      content text not null check (octet_length(content) <= 1000000),
      status text not null default 'pending' check (status in ('pending','validating','importing','done','failed')),
      total_rows integer not null default 0 check (total_rows >= 0),
      processed_rows integer not null default 0 check (processed_rows >= 0),
      imported_rows integer not null default 0 check (imported_rows >= 0),
      errors jsonb not null default '[]'::jsonb,
      finished_at timestamptz,
      check ((status in ('done','failed')) = (finished_at is not null))
    )`,
    sql`create index agency_imports_created_idx on agency_imports (created_at desc)`,
  ]) {
    await statement.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists agency_imports`.execute(db);
}
