import pg from "pg";
import { createKysely, embeddedDatabaseUrl, openDatabase, type DatabaseHandle } from "./connection";
import { migrateToLatest } from "./migrate";

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * The database of a shell run alone (`npm run telephony`, `npm run workers`): DATABASE_URL when set.
 * Without it, the embedded PostgreSQL that `npm start` runs on the embedded port — a second cluster on the
 * same data folder is never started; only when nothing answers there is the embedded cluster started here
 * (and migrated), so the shell also runs on its own.
 */
export async function joinDatabase(
  opts: { databaseUrl?: string; dataDir: string; embeddedPort: number; poolSize?: number },
  log: { info(message: string): void },
): Promise<DatabaseHandle> {
  if (opts.databaseUrl) return openDatabase(opts);
  const url = embeddedDatabaseUrl(opts.embeddedPort);
  if (await reachable(url)) {
    log.info(`using the embedded PostgreSQL on 127.0.0.1:${opts.embeddedPort} (started by npm start)`);
    const db = createKysely(url, opts.poolSize ?? 5);
    return { db, url, embedded: false, close: () => db.destroy() };
  }
  log.info("no database at the embedded port: starting the embedded PostgreSQL here");
  const opened = await openDatabase({ dataDir: opts.dataDir, embeddedPort: opts.embeddedPort, poolSize: opts.poolSize });
  await migrateToLatest(opened.db, (line) => log.info(line));
  return opened;
}
