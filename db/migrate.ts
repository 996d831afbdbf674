import { Migrator, type MigrationResultSet } from "kysely";
import { runMigrations } from "graphile-worker";
import { connectionUrlOf, type DB } from "./connection";
import { migrations } from "./migrations/index";
import { quietGraphileLogger } from "./job-queue";

export function createMigrator(db: DB): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

/**
 * Brings the schema to the latest migration; throws with the failing migration's name. Then installs (or
 * upgrades) graphile-worker's schema `graphile_worker` beside ours: services add jobs with its SQL
 * `add_job` inside their own transactions (services/outbox.ts), so it must exist before any of them runs.
 */
export async function migrateToLatest(db: DB, log: (msg: string) => void = () => {}): Promise<MigrationResultSet> {
  const result = await createMigrator(db).migrateToLatest();
  // A new database applies every migration: one line says so (a newcomer's first log stays short); an
  // upgrade of a few names each one.
  const applied = (result.results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
  if (applied.length > 3) log(`[db] ${applied.length} migrations applied: ${applied[0]} … ${applied[applied.length - 1]}`);
  else for (const name of applied) log(`[db] migration applied: ${name}`);
  for (const r of result.results ?? []) if (r.status === "Error") log(`[db] migration failed: ${r.migrationName}`);
  if (result.error) {
    throw new Error(`Database migration failed: ${result.error instanceof Error ? result.error.message : String(result.error)}`);
  }
  const url = connectionUrlOf(db);
  if (url) await installJobQueue(url);
  return result;
}

/** graphile-worker's own migrations (idempotent; safe from several processes at once: it takes an advisory lock). */
export async function installJobQueue(connectionString: string): Promise<void> {
  await runMigrations({ connectionString, maxPoolSize: 1, logger: quietGraphileLogger() });
}
