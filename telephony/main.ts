/**
 * `npm run telephony`: the telephony shell alone (production: run it apart from the web, any number of
 * them on one database; `TELEPHONY_IN_PROCESS=false` keeps `npm start` from running its own).
 *
 * The database: DATABASE_URL when set. Without it, the embedded PostgreSQL that `npm start` runs
 * (127.0.0.1:EMBEDDED_PG_PORT) is used — a second embedded cluster on the same data folder is never
 * started; only when nothing answers there does this process start the embedded cluster itself (and
 * migrate it), so it also runs on its own.
 * Asterisk: ARI_URL when set. Without it, the ARI simulator on ARI_SIM_PORT is used: the one `npm start`
 * runs, or one started here when none listens. With NODE_ENV=production it does not start without ARI_URL
 * unless ARI_SIMULATOR=true (platform/env.ts).
 */
import { runShellAlone } from "../db/join-database";
import { logger } from "../platform/logger";
import { ensureSimulator, startTelephony } from ".";
import type { AriSimulator } from "./simulator";

const log = logger("telephony");

/** The telephony shell's pool when DATABASE_POOL_SIZE is unset: every live call's handler and the ACD share it. */
const TELEPHONY_POOL_SIZE = 20;

runShellAlone({
  log,
  defaultPoolSize: TELEPHONY_POOL_SIZE,
  async start(env, handle) {
    const simulator: AriSimulator | undefined = env.ariSimulated ? await ensureSimulator(env, log) : undefined;
    const telephony = startTelephony({ db: handle.db, env, log, databaseUrl: handle.url });
    log.info(`telephony process ${telephony.nodeId}: ARI ${env.ariUrl}, application "${env.ARI_APP}"`);
    return async () => {
      await telephony.stop().catch((e: unknown) => log.error("stopping telephony", e));
      await simulator?.close().catch(() => {});
    };
  },
});
