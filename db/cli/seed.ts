// npm run seed [-- --reset] — migrates, then loads the Persian demo data set into an empty database.
import { loadEnv } from "../../platform/env";
import { openDatabase } from "../connection";
import { migrateToLatest } from "../migrate";
import { DEMO_PASSWORD, DEMO_USERS, isDatabaseEmpty, seedDemo } from "../seed/demo";
import { truncateAppTables } from "../seed/reset";
import { runCli } from "./run";

const USAGE = "usage: npm run seed [-- --reset [--force]]";

await runCli(async () => {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== "--reset" && a !== "--force");
  if (unknown.length) throw new Error(`unknown argument ${unknown.join(" ")}\n${USAGE}`);
  const reset = args.includes("--reset");
  const env = loadEnv(process.env, { providers: false });
  if (reset && env.NODE_ENV === "production" && !args.includes("--force")) {
    throw new Error("--reset erases every row; in production it also needs --force");
  }
  const handle = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.dataDir, embeddedPort: env.EMBEDDED_PG_PORT, log: console.log });
  try {
    await migrateToLatest(handle.db, console.log);
    if (reset) {
      const tables = await truncateAppTables(handle.db);
      console.log(`[seed] emptied ${tables.length} tables`);
    }
    if (!(await isDatabaseEmpty(handle.db))) {
      console.log("[seed] the database already has data (users exist); nothing loaded.");
      console.log("[seed] to erase everything and load the demo data again: npm run seed -- --reset");
      return;
    }
    await seedDemo(handle.db, { log: console.log, recordingsDir: env.recordingsDir, warrantyCodeSecret: env.warrantyCodeSecret });
    console.log(`[seed] demo logins (password for all: ${DEMO_PASSWORD}):`);
    for (const u of DEMO_USERS) {
      console.log(`  ${u.username.padEnd(13)} ${u.role.padEnd(13)} ${u.agencyCode ?? ""}`.trimEnd());
    }
  } finally {
    await handle.close();
  }
});
