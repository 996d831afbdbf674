// npm run db:migrate — applies pending migrations to the configured database.
import { loadEnv } from "../../platform/env";
import { openDatabase } from "../connection";
import { migrateToLatest } from "../migrate";
import { runCli } from "./run";

await runCli(async () => {
  const env = loadEnv(process.env, { providers: false });
  const handle = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.dataDir, embeddedPort: env.EMBEDDED_PG_PORT, log: console.log });
  try {
    const result = await migrateToLatest(handle.db, console.log);
    if (!result.results?.length) console.log("[db] schema is up to date");
  } finally {
    await handle.close();
  }
});
