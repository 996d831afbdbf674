/**
 * The admin changes one of issue 15's numbers (/admin/service-rules; core/service-rules.ts): checked against
 * the rule's bounds, stored and audited ('service_rule.update', with the value before and after) in one
 * transaction. A value equal to the one in force writes nothing: no row (a rule at its default keeps having
 * none, so "who set it, when" stays the last real change) and no audit row; every real change has its audit row. Everything that applies a rule reads the value in force on its next use: deadlines through
 * services/working-calendar.ts (which reads service_rule_settings on every use, beside the holidays' version),
 * the warranty extension (services/warranty-products.ts), the card-guessing limit (services/warranty-cards.ts)
 * and the SLA sweep's complaint warning (services/sla.ts). Deadlines already stored keep their value.
 */
import { isServiceRuleValue, SERVICE_RULE_DEFAULTS, serviceRulesOf, type ServiceRuleKey } from "../core/service-rules";
import type { DB } from "../db/connection";
import { writeAudit } from "../db/repos/audit";
import { storedServiceRuleForChange, writeServiceRule } from "../db/repos/holidays";
import type { Actor } from "./actor";

export class ServiceRuleError extends Error {
  constructor(
    readonly code: "out_of_range",
    readonly key: ServiceRuleKey,
  ) {
    super(`service rule ${key}: ${code}`);
  }
}

/** Sets a rule's value. Returns the value in force before and after (unchanged: nothing written, no audit). */
export async function setServiceRule(db: DB, actor: Actor, key: ServiceRuleKey, value: number): Promise<{ from: number; to: number; changed: boolean }> {
  if (!isServiceRuleValue(key, value)) throw new ServiceRuleError("out_of_range", key);
  return db.transaction().execute(async (trx) => {
    const stored = await storedServiceRuleForChange(trx, key);
    // the value in force: a stored value out of the rule's bounds is ignored (core/service-rules.ts serviceRulesOf)
    const from = serviceRulesOf(stored === null ? [] : [{ key, value: stored }])[key];
    if (from === value) return { from, to: value, changed: false };
    await writeServiceRule(trx, key, value, actor.userId ?? null);
    await writeAudit(trx, {
      actorUserId: actor.userId ?? null,
      action: "service_rule.update",
      ip: actor.ip ?? undefined,
      details: { key, from, to: value, default: SERVICE_RULE_DEFAULTS[key] },
    });
    return { from, to: value, changed: true };
  });
}
