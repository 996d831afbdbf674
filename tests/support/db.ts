import { randomBytes } from "node:crypto";
import pg from "pg";
import { sql } from "kysely";
import { afterAll, inject } from "vitest";
import { createKysely, type DB } from "../../db/connection";
import { TEMPLATE_DB, withDatabase } from "./global-setup";

let current: Promise<DB> | undefined;

/** A migrated, empty database of this test file's own, cloned from the template. */
export function getTestDb(): Promise<DB> {
  current ??= cloneTemplate();
  return current;
}

async function cloneTemplate(): Promise<DB> {
  const adminUrl = inject("testAdminUrl");
  const name = `aftersales_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template ${TEMPLATE_DB}`);
  } finally {
    await admin.end();
  }
  const db = createKysely(withDatabase(adminUrl, name), 5);
  afterAll(async () => {
    await db.destroy();
    const a = new pg.Client({ connectionString: adminUrl });
    await a.connect();
    await a.query(`drop database if exists ${name} with (force)`).finally(() => a.end());
  });
  return db;
}

/** Empties every application table and restarts identities and the ticket number sequence. */
export async function resetDatabase(db: DB): Promise<void> {
  const { rows } = await sql<{ tablename: string }>`
    select tablename from pg_tables
    where schemaname = 'public' and tablename not in ('kysely_migration', 'kysely_migration_lock')`.execute(db);
  if (rows.length === 0) return;
  const list = rows.map((r) => `"${r.tablename}"`).join(", ");
  await sql.raw(`truncate ${list} restart identity cascade`).execute(db);
  await sql`alter sequence ticket_number_seq restart`.execute(db);
}
