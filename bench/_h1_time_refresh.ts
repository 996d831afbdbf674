import { sql } from "kysely";
import { createKysely } from "../db/connection";
import { refreshScorecards, rebuildScorecards } from "../db/repos/quality";
const db = createKysely(process.env.DATABASE_URL!);
const now = (await sql<{ now: Date }>`select now() as now`.execute(db)).rows[0]!.now;
if (process.argv[2] === "rebuild") {
  const t = Date.now(); const m = await rebuildScorecards(db, now, { settleSeconds: 0 }); console.log("rebuild", m.length, "months", Date.now() - t, "ms");
}
for (let i = 0; i < 3; i++) { const t = Date.now(); const m = await refreshScorecards(db, now, { settleSeconds: 0 }); console.log("refresh", m, Date.now() - t, "ms"); }
await db.destroy();
