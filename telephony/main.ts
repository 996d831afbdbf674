/**
 * `npm run telephony`: the telephony shell alone (production: run it apart from the web, any number of
 * them on one database; `TELEPHONY_IN_PROCESS=false` keeps `npm start` from running its own).
 *
 * The database: DATABASE_URL when set. Without it, the embedded PostgreSQL that `npm start` runs
 * (127.0.0.1:EMBEDDED_PG_PORT) is used — a second embedded cluster on the same data folder is never
 * started; only when nothing answers there does this process start the embedded cluster itself (and
 * migrate it), so it also runs on its own.
 * Asterisk: ARI_URL when set. Without it, the ARI simulator on ARI_SIM_PORT is used: the one `npm start`
 * runs, or one started here when none listens.
 */
import { EmbeddedPostgresError, type DatabaseHandle } from "../db/connection";
import { joinDatabase } from "../db/join-database";
import { EnvError, loadEnv } from "../platform/env";
import { logger, setLogLevel } from "../platform/logger";
import { ensureSimulator, startTelephony, type Telephony } from ".";
import type { AriSimulator } from "./simulator";

const log = logger("telephony");

/** The telephony shell's pool when DATABASE_POOL_SIZE is unset: every live call's handler and the ACD share it. */
const TELEPHONY_POOL_SIZE = 20;

let handle: DatabaseHandle | undefined;
let telephony: Telephony | undefined;
let simulator: AriSimulator | undefined;
let stopping = false;

async function main() {
  const env = loadEnv();
  setLogLevel(env.LOG_LEVEL);
  handle = await joinDatabase(
    { databaseUrl: env.DATABASE_URL, dataDir: env.dataDir, embeddedPort: env.EMBEDDED_PG_PORT, poolSize: env.DATABASE_POOL_SIZE ?? TELEPHONY_POOL_SIZE },
    log,
  );
  if (env.ariSimulated) simulator = await ensureSimulator(env, log);
  telephony = startTelephony({ db: handle.db, env, log, databaseUrl: handle.url });
  log.info(`telephony process ${telephony.nodeId}: ARI ${env.ariUrl}, application "${env.ARI_APP}"`);
}

async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  await telephony?.stop().catch((e: unknown) => log.error("stopping telephony", e));
  await simulator?.close().catch(() => {});
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
