import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { createKysely, startEmbeddedPostgres, type EmbeddedServer } from "../../db/connection";
import { migrateToLatest } from "../../db/migrate";

export const TEMPLATE_DB = "aftersales_test_template";

/**
 * One PostgreSQL for the whole run (embedded, or TEST_DATABASE_URL's server) and one migrated
 * template database; each test file clones the template (tests/support/db.ts), so files never
 * see each other's rows.
 */
export default async function setup(project: TestProject) {
  let server: EmbeddedServer | undefined;
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    server = await startEmbeddedPostgres({
      dir: path.resolve(process.env.TEST_DATA_DIR ?? ".data/test-postgres"),
      port: Number(process.env.TEST_PG_PORT ?? 54339),
    });
    adminUrl = server.adminUrl;
  }
  try {
    await prepareTemplate(adminUrl);
  } catch (err) {
    await server?.stop();
    throw err;
  }
  project.provide("testAdminUrl", adminUrl);
  return async () => {
    try {
      // Each file drops its own database (tests/support/setup.ts); a file cut short leaves one behind.
      await dropLeftovers(adminUrl);
    } finally {
      await server?.stop();
    }
  };
}

async function prepareTemplate(adminUrl: string) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    // Leftovers of an interrupted run, and the template of the last one (migrations may have changed).
    await dropTestDatabases(admin, { keepTemplate: false });
    await admin.query(`create database ${TEMPLATE_DB}`);
  } finally {
    await admin.end();
  }
  const templateUrl = withDatabase(adminUrl, TEMPLATE_DB);
  const db = createKysely(templateUrl, 1);
  await migrateToLatest(db);
  await db.destroy();
}

async function dropLeftovers(adminUrl: string) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const left = await dropTestDatabases(admin, { keepTemplate: true });
    if (left.length) console.warn(`[tests] dropped ${left.length} test database(s) a test file left behind: ${left.join(", ")}`);
  } finally {
    await admin.end();
  }
}

/** Drops the per-file test databases (`aftersales_test_*`), and the template unless kept. */
export async function dropTestDatabases(admin: pg.Client, o: { keepTemplate: boolean }): Promise<string[]> {
  const found = await admin.query<{ datname: string }>(
    "select datname from pg_database where datname like 'aftersales\\_test\\_%' and (not $1 or datname <> $2)",
    [o.keepTemplate, TEMPLATE_DB],
  );
  for (const { datname } of found.rows) {
    await admin.query(`drop database if exists ${admin.escapeIdentifier(datname)} with (force)`);
  }
  return found.rows.map((r) => r.datname);
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

declare module "vitest" {
  export interface ProvidedContext {
    testAdminUrl: string;
  }
}
