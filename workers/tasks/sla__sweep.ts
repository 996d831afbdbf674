/**
 * `sla__sweep` (crontab, every 5 minutes): marks tickets whose SLA stage is at risk or breached, once per
 * stage, with a history row and a supervisor alert (services/sla.ts sweepSla). Safe when two workers run it.
 */
import type { Task } from "graphile-worker";
import type { DB } from "../../db/connection";
import { sweepSla } from "../../services/sla";

/** The at-risk share is the admin's rule in force (/admin/service-rules: sla_at_risk_percent), read by each sweep. */
export function slaSweepTask(deps: { db: DB; lookbackHours: number }): Task {
  return async (_payload, helpers) => {
    const counts = await sweepSla(deps.db, { lookbackHours: deps.lookbackHours });
    const marked = Object.entries(counts).filter(([, c]) => c.atRisk + c.breached > 0);
    if (marked.length) helpers.logger.info(`sla__sweep: ${marked.map(([s, c]) => `${s} ${c.atRisk} at risk, ${c.breached} breached`).join("; ")}`);
  };
}
