/**
 * The delay audit's queries on a seeded database (npm run seed:large, then migrations): p50/p95 of the
 * ranking, the summary, the drill-down list and the watch list over the last 30 days, straight from the
 * repo (the HTTP pages add the page's own work; bench/reports measures those).
 *   DATABASE_URL=… npx tsx bench/delays.ts [runs]
 */
import { createKysely } from "../db/connection";
import { agencyDelayRanking, delaySummary, delayTickets, slaWatchList } from "../db/repos/delays";

const url = process.env.DATABASE_URL;
if (!url) throw new Error("DATABASE_URL is required");
const runs = Number(process.argv[2] ?? 10);
const db = createKysely(url, 2);
const now = new Date();
const f = { from: new Date(now.getTime() - 30 * 86_400_000), toExclusive: now, now };
const all = { kind: "all" } as const;
const cases: [string, () => Promise<unknown>][] = [
  ["ranking (30 days)", () => agencyDelayRanking(db, all, f)],
  ["summary (30 days)", () => delaySummary(db, all, f)],
  ["tickets past a target", () => delayTickets(db, all, { ...f, breach: "any" }, 500)],
  ["watch list", () => slaWatchList(db, all, now)],
];
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
for (const [name, run] of cases) {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await run();
    ms.push(performance.now() - t0);
  }
  console.log(`${name.padEnd(24)} p50 ${Math.round(pct(ms, 0.5))} ms  p95 ${Math.round(pct(ms, 0.95))} ms`);
}
await db.destroy();
