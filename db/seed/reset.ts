import { sql, type Kysely } from "kysely";
import type { Database } from "../schema";

/**
 * Empties every application table (all of the schema's tables except Kysely's migration
 * bookkeeping), restarts identities and the ticket number sequence. TRUNCATE fires no row
 * triggers, so the append-only tables (ticket_events, audit_log) are emptied too.
 */
export async function truncateAppTables(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<{ tablename: string }>`
    select tablename from pg_tables
    where schemaname = current_schema() and tablename not in ('kysely_migration', 'kysely_migration_lock')
    order by tablename`.execute(db);
  const tables = rows.map((r) => r.tablename);
  if (tables.length) {
    await sql`truncate table ${sql.join(tables.map((t) => sql.table(t)))} restart identity cascade`.execute(db);
  }
  await sql`alter sequence if exists ticket_number_seq restart`.execute(db);
  return tables;
}
