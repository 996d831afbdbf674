import { sql, type Kysely } from "kysely";
import { refreshAgencyPerformance } from "../repos/dispatch";
import { rebuildScorecards } from "../repos/quality";
import type { Database } from "../schema";

/*
 * The scorecard's claim rejections and working-time answer times in the demo (issue 15 §5): the scorecard
 * roll-ups were built (demo-scorecards.ts) before the demo's warranty claims (demo-claims.ts: THR-001's
 * claims in every state, decided over the last weeks) and the holiday calendar (demo-working-time.ts) were
 * loaded, so they are rebuilt once more at the very end, and dispatch's performance rows from them: the
 * manager's scorecard and agency1's own show THR-001's claims decided, rejected and approved in part.
 */
export async function seedDemoScorecardClaims(db: Kysely<Database>, now: Date): Promise<void> {
  await rebuildScorecards(db, now, { settleSeconds: 0 });
  await refreshAgencyPerformance(db, now, { settleSeconds: 0 });
  await sql`analyze agency_scorecards, agency_performance`.execute(db);
}
