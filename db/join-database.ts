import pg from "pg";
import { EnvError, loadEnv, type Env } from "../platform/env";
import { setLogLevel, type Logger } from "../platform/logger";
import { createKysely, EmbeddedPostgresError, embeddedDatabaseUrl, openDatabase, type DatabaseHandle } from "./connection";
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

/**
 * Runs a shell alone as its own process (`npm run telephony`, `npm run workers`): loads and checks the
 * environment, joins the database (joinDatabase), calls `start`, and on SIGINT/SIGTERM — or when start-up
 * fails — calls the stop `start` returned, closes the database and exits. A bad configuration or an embedded
 * cluster that cannot start prints its message alone, without a stack.
 */
export function runShellAlone(o: {
  log: Logger;
  /** the pool size when DATABASE_POOL_SIZE is unset */
  defaultPoolSize?: number;
  /** starts the shell on the joined database; returns how to stop what it started */
  start(env: Env, handle: DatabaseHandle): Promise<() => Promise<void>>;
}): void {
  const { log } = o;
  let handle: DatabaseHandle | undefined;
  let stopShell: (() => Promise<void>) | undefined;
  let stopping = false;

  async function stop(code: number) {
    if (stopping) return;
    stopping = true;
    await stopShell?.().catch((e: unknown) => log.error("stopping", e));
    await handle?.close().catch((e: unknown) => log.error("closing the database", e));
    process.exit(code);
  }

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (!stopping) log.info(`${signal}: shutting down`);
      void stop(0);
    });
  }

  (async () => {
    const env = loadEnv();
    setLogLevel(env.LOG_LEVEL);
    handle = await joinDatabase(
      {
        databaseUrl: env.DATABASE_URL,
        dataDir: env.dataDir,
        embeddedPort: env.EMBEDDED_PG_PORT,
        poolSize: env.DATABASE_POOL_SIZE ?? o.defaultPoolSize,
      },
      log,
    );
    stopShell = await o.start(env, handle);
  })().catch(async (err: unknown) => {
    if (err instanceof EnvError || err instanceof EmbeddedPostgresError) console.error(err.message);
    else log.error("could not start", err);
    await stop(1);
  });
}
