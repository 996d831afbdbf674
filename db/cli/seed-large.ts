// npm run seed:large -- [--tickets N] [--batch N] [--days N]
// Adds synthetic volume for benchmarks (default 100000 tickets) to the configured database;
// an empty database gets the demo data set first.
import { loadEnv } from "../../platform/env";
import { openDatabase } from "../connection";
import { migrateToLatest } from "../migrate";
import { seedLarge } from "../seed/large";
import { runCli } from "./run";

const USAGE = "usage: npm run seed:large -- [--tickets N] [--batch N] [--days N]";

function parseArgs(argv: string[]): { tickets: number; batch: number; days: number } {
  const out = { tickets: 100_000, batch: 100_000, days: 365 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split("=", 2) as [string, string | undefined];
    const key = flag.replace(/^--/, "");
    if (!(key === "tickets" || key === "batch" || key === "days") || !flag.startsWith("--")) {
      throw new Error(`unknown argument ${argv[i]}\n${USAGE}`);
    }
    const raw = inline ?? argv[++i];
    const value = Number((raw ?? "").replace(/[_,]/g, ""));
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${key} needs a positive whole number\n${USAGE}`);
    out[key] = value;
  }
  return out;
}

await runCli(async () => {
  const args = parseArgs(process.argv.slice(2));
  const env = loadEnv(process.env, { providers: false });
  const handle = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.dataDir, embeddedPort: env.EMBEDDED_PG_PORT, log: console.log });
  try {
    await migrateToLatest(handle.db, console.log);
    console.log(`[seed:large] adding ${args.tickets} tickets in batches of ${args.batch}, spread over ${args.days} days`);
    const r = await seedLarge(handle.db, { tickets: args.tickets, batchSize: args.batch, days: args.days, log: console.log, recordingsDir: env.recordingsDir });
    const tickets = await handle.db.selectFrom("tickets").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
    console.log(`[seed:large] done in ${r.seconds.toFixed(1)} s (${r.rowsPerSecond} rows/s); the database now holds ${Number(tickets.n)} tickets`);
  } finally {
    await handle.close();
  }
});
