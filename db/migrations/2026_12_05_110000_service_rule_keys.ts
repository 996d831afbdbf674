import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// Every number of issue 15 an admin may change (/admin/service-rules, core/service-rules.ts): service_rule_settings
// takes, beside the three consumer-protection numbers, the complaint warning's lead (working hours before the
// due time), the warranty-extension rule (grace days, months per week) and the warranty-card guessing limit
// (refused guesses per number / per address and their windows in hours). A missing row is still the default.

const KEYS_AFTER = [
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
const KEYS_BEFORE = ["complaint_resolve_days", "loaner_after_days", "repeat_fault_days"];

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
