import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// The SLA sweep's at-risk share becomes an admin's rule (/admin/service-rules): service_rule_settings takes the
// key 'sla_at_risk_percent' (a stage is at risk once this percentage of its time has passed; no row: the
// default, 80). It was the environment variable SLA_AT_RISK_SHARE (0.8), which is no longer read.

const KEYS_BEFORE = [
  "complaint_resolve_days",
  "loaner_after_days",
  "repeat_fault_days",
  "complaint_warn_hours",
  "repair_grace_days",
  "extension_months_per_week",
  "card_failures_per_phone",
  "card_phone_window_hours",
  "card_failures_per_ip",
  "card_ip_window_hours",
];
const KEYS_AFTER = [...KEYS_BEFORE, "sla_at_risk_percent"];

const list = (keys: string[]) => sql.raw(keys.map((k) => `'${k}'`).join(", "));

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    sql`alter table service_rule_settings drop constraint service_rule_settings_key_check`,
    sql`alter table service_rule_settings add constraint service_rule_settings_key_check check (key in (${list(KEYS_AFTER)}))`,
  ]) {
    await statement.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of [
    sql`delete from service_rule_settings where key not in (${list(KEYS_BEFORE)})`,
    sql`alter table service_rule_settings drop constraint service_rule_settings_key_check`,
    sql`alter table service_rule_settings add constraint service_rule_settings_key_check check (key in (${list(KEYS_BEFORE)}))`,
  ]) {
    await statement.execute(db);
  }
}
