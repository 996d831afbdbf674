import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import * as voice from "./db/repos/voice";
const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: process.env.DATABASE_URL }) }) });
const now = new Date();
const ALL = { kind: "all" } as const;
for (const days of [30, 365]) {
  const range = { from: new Date(now.getTime() - days * 86400_000), toExclusive: now };
  const time = async (name: string, f: () => Promise<unknown>) => {
    const ts: number[] = [];
    for (let i = 0; i < 4; i++) { const t = performance.now(); await f(); ts.push(performance.now() - t); }
    console.log(days, name, ts.map((x) => Math.round(x)).join(" "));
  };
  await time("total", () => voice.csatTotal(db, ALL, range));
  for (const d of ["agency", "technician", "brand", "category", "month"] as const) await time(`csat ${d}`, () => voice.csatBy(db, ALL, range, d));
  await time("surveysOf agency", () => voice.surveysOf(db, ALL, range, { agencyId: 5 }));
  await time("lowScores", () => voice.lowScores(db, ALL, range));
  await time("feedbackCounts", () => voice.feedbackCounts(db, ALL, range));
  await time("feedbackTickets", () => voice.feedbackTickets(db, ALL, range, { bucket: "delay" }));
  await time("repeatsBy", () => voice.repeatsBy(db, ALL, range, "model"));
  await time("repeatRows", () => voice.repeatRows(db, ALL, range, {}));
}
await db.destroy();
