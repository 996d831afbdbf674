/**
 * `npm run workers`: the job workers alone (production: run them apart from the web, any number of them
 * on one database; `WORKERS_IN_PROCESS=false` keeps `npm start` from running its own).
 *
 * The database: DATABASE_URL when set. Without it, the embedded PostgreSQL that `npm start` runs
 * (127.0.0.1:EMBEDDED_PG_PORT) is used; only when nothing answers there does this process start the
 * embedded cluster itself (and migrate it). Kavenegar: KAVENEGAR_API_KEY when set; without it the
 * simulator on KAVENEGAR_SIM_PORT (the one `npm start` or `npm run sms-sim` runs).
 */
import { EmbeddedPostgresError, type DatabaseHandle } from "../db/connection";
import { joinDatabase } from "../db/join-database";
import { EnvError, loadEnv } from "../platform/env";
import { logger, setLogLevel } from "../platform/logger";
import { startWorkers, type Workers } from ".";

const log = logger("workers");

let handle: DatabaseHandle | undefined;
let workers: Workers | undefined;
let stopping = false;

async function main() {
  const env = loadEnv();
  setLogLevel(env.LOG_LEVEL);
  handle = await joinDatabase(
    { databaseUrl: env.DATABASE_URL, dataDir: env.dataDir, embeddedPort: env.EMBEDDED_PG_PORT, poolSize: env.DATABASE_POOL_SIZE },
    log,
  );
  if (env.smsSimulated) log.info(`SMS go to the Kavenegar simulator at ${env.kavenegarBaseUrl} (KAVENEGAR_API_KEY is unset)`);
  workers = await startWorkers({ db: handle.db, env, log, databaseUrl: handle.url });
}

async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  await workers?.stop().catch((e: unknown) => log.error("stopping the workers", e));
  await handle?.close().catch((e: unknown) => log.error("closing the database", e));
  process.exit(code);
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (!stopping) log.info(`${signal}: shutting down`);
    void stop(0);
  });
}

main().catch(async (err: unknown) => {
  if (err instanceof EnvError || err instanceof EmbeddedPostgresError) console.error(err.message);
  else log.error("could not start", err);
  await stop(1);
});
