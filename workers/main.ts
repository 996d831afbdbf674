/**
 * `npm run workers`: the job workers alone (production: run them apart from the web, any number of them
 * on one database; `WORKERS_IN_PROCESS=false` keeps `npm start` from running its own).
 *
 * The database: DATABASE_URL when set. Without it, the embedded PostgreSQL that `npm start` runs
 * (127.0.0.1:EMBEDDED_PG_PORT) is used; only when nothing answers there does this process start the
 * embedded cluster itself (and migrate it). Kavenegar: KAVENEGAR_API_KEY when set; without it the
 * simulator on KAVENEGAR_SIM_PORT (the one `npm start` or `npm run sms-sim` runs). With NODE_ENV=production
 * it does not start without the key unless SMS_SIMULATOR=true (platform/env.ts).
 */
import { runShellAlone } from "../db/join-database";
import { logger } from "../platform/logger";
import { startWorkers } from ".";

const log = logger("workers");

runShellAlone({
  log,
  async start(env, handle) {
    if (env.smsSimulated) log.info(`SMS go to the Kavenegar simulator at ${env.kavenegarBaseUrl} (KAVENEGAR_API_KEY is unset)`);
    const workers = await startWorkers({ db: handle.db, env, log, databaseUrl: handle.url });
    return () => workers.stop();
  },
});
