// The admin's values of the numbers of issue 15 (service_rule_settings; core/service-rules.ts SERVICE_RULE_KEYS).
import { serviceRulesOf, type ServiceRuleKey, type ServiceRules } from "../../core/service-rules";
import type { DB } from "../connection";

export interface ServiceRuleSettingRow {
  key: ServiceRuleKey;
  value: number;
  updatedAt: Date;
  updatedBy: string | null;
}

/** The stored values (a key without a row is at its default), with who set each and when. */
export async function listServiceRuleSettings(db: DB): Promise<ServiceRuleSettingRow[]> {
  const rows = await db
    .selectFrom("service_rule_settings as s")
    .leftJoin("users as u", "u.id", "s.updated_by")
    .select(["s.key", "s.value", "s.updated_at", "u.display_name"])
    .orderBy("s.key")
    .execute();
  return rows.map((r) => ({ key: r.key, value: r.value, updatedAt: r.updated_at, updatedBy: r.display_name }));
}

/** The rules in force (stored values over the defaults): one small read (the table has a row per key at most). */
export async function serviceRulesInForce(db: DB): Promise<ServiceRules> {
  const rows = await db.selectFrom("service_rule_settings").select(["key", "value"]).execute();
  return serviceRulesOf(rows);
}
