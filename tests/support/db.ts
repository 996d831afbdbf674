import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, inject } from "vitest";
import { createKysely, type DB } from "../../db/connection";
import { truncateAppTables } from "../../db/seed/reset";
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
  await truncateAppTables(db);
}
