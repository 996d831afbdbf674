import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// SLA targets by region tier (issue 15 §2): a rule may name a tier — 'tehran' (the city of Tehran),
// 'provincial_centre' (a province's capital), 'other' (any other city) — instead of, or beside, a province
// (core/region-tier.ts decides a ticket's tier from its province and city). The targets are counted in
// working minutes on the working-day clock from now on (core/working-time.ts); a rule's minutes keep their
// meaning as numbers. The unique key gains the tier.

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    sql`alter table sla_targets add column region_tier text check (region_tier in ('tehran', 'provincial_centre', 'other'))`,
    sql`alter table sla_targets drop constraint sla_targets_priority_category_id_province_key`,
    sql`alter table sla_targets add constraint sla_targets_key unique nulls not distinct (priority, category_id, province, region_tier)`,
  ]) {
    await statement.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of [
    sql`delete from sla_targets where region_tier is not null`,
    sql`alter table sla_targets drop constraint sla_targets_key`,
    sql`alter table sla_targets drop column region_tier`,
    sql`alter table sla_targets add constraint sla_targets_priority_category_id_province_key unique nulls not distinct (priority, category_id, province)`,
  ]) {
    await statement.execute(db);
  }
}
