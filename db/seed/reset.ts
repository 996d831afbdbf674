import { sql, type Kysely } from "kysely";
import type { Database } from "../schema";

/**
 * Empties every application table (all of the schema's tables except Kysely's migration
 * bookkeeping and the calendar the migrations wrote, jalali_months), restarts identities and the ticket number sequence. TRUNCATE fires no row
 * triggers, so the append-only tables (ticket_events, audit_log) are emptied too. graphile-worker's jobs
 * (and their queues) go as well, so no job outlives the rows it was queued for.
 */
export async function truncateAppTables(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<{ tablename: string }>`
    select tablename from pg_tables
    where schemaname = current_schema() and tablename not in ('kysely_migration', 'kysely_migration_lock', 'jalali_months')
    order by tablename`.execute(db);
  const tables = rows.map((r) => r.tablename);
  if (tables.length) {
    await sql`truncate table ${sql.join(tables.map((t) => sql.table(t)))} restart identity cascade`.execute(db);
  }
  await sql`alter sequence if exists ticket_number_seq restart`.execute(db);
  // the job queue too (when graphile-worker's schema is installed): its jobs name rows that are gone
  const { rows: queue } = await sql<{ jobs: string | null }>`select to_regclass('graphile_worker._private_jobs')::text as jobs`.execute(db);
  if (queue[0]?.jobs) {
    await sql`truncate table graphile_worker._private_jobs, graphile_worker._private_job_queues restart identity`.execute(db);
  }
  return tables;
}
