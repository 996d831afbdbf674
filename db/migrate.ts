import { Migrator, type MigrationResultSet } from "kysely";
import type { DB } from "./connection";
import { migrations } from "./migrations/index";

export function createMigrator(db: DB): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

/** Brings the schema to the latest migration; throws with the failing migration's name. */
export async function migrateToLatest(db: DB, log: (msg: string) => void = () => {}): Promise<MigrationResultSet> {
  const result = await createMigrator(db).migrateToLatest();
  for (const r of result.results ?? []) {
    if (r.status === "Success") log(`[db] migration applied: ${r.migrationName}`);
    if (r.status === "Error") log(`[db] migration failed: ${r.migrationName}`);
  }
  if (result.error) {
    throw new Error(`Database migration failed: ${result.error instanceof Error ? result.error.message : String(result.error)}`);
  }
  return result;
}
