import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { createKysely, type DB } from "../../db/connection";
import { truncateAppTables } from "../../db/seed/reset";
import { TEMPLATE_DB, withDatabase } from "./global-setup";

let current: { name: string; db: Promise<DB> } | undefined;

/** A migrated, empty database of this test file's own, cloned from the template. */
export function getTestDb(): Promise<DB> {
  if (!current) {
    const name = `aftersales_test_${process.pid}_${randomBytes(4).toString("hex")}`;
    current = { name, db: cloneTemplate(name) };
  }
  return current.db;
}

/**
 * Closes and drops this file's database, if it made one. Registered as an afterAll hook for every test
 * file by tests/support/setup.ts (a hook registered inside another hook is never run).
 */
export async function dropTestDb(): Promise<void> {
  if (!current) return;
  const { name, db } = current;
  current = undefined;
  await (await db.catch(() => undefined))?.destroy();
  const admin = new pg.Client({ connectionString: inject("testAdminUrl") });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${admin.escapeIdentifier(name)} with (force)`);
  } finally {
    await admin.end();
  }
}

/** The connection string of this file's database (for a LISTEN connection of its own). */
export async function getTestDbUrl(): Promise<string> {
  await getTestDb();
  return withDatabase(inject("testAdminUrl"), current!.name);
}

async function cloneTemplate(name: string): Promise<DB> {
  const adminUrl = inject("testAdminUrl");
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${admin.escapeIdentifier(name)} template ${TEMPLATE_DB}`);
  } finally {
    await admin.end();
  }
  return createKysely(withDatabase(adminUrl, name), 5);
}

/** Empties every application table and restarts identities and the ticket number sequence. */
export async function resetDatabase(db: DB): Promise<void> {
  await truncateAppTables(db);
}
