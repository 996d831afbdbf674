// The SLA target rules as the working-day clock reads them (issue 15 §2): with their region tier. (The delay
// reports' own reads stay in db/repos/delays.ts.)
import type { SlaTargetRule } from "../../core/delays";
import type { RegionTier } from "../../core/region-tier";
import type { DB } from "../connection";

/** Every rule, as core/delays.ts slaTargetFor reads them (the region tier included). */
export async function slaTargetRulesWithTier(db: DB): Promise<SlaTargetRule[]> {
  const rows = await db
    .selectFrom("sla_targets")
    .select(["priority", "category_id", "province", "region_tier", "accept_minutes", "visit_minutes", "resolve_minutes"])
    .execute();
  return rows.map((r) => ({
    priority: r.priority,
    categoryId: r.category_id,
    province: r.province,
    regionTier: r.region_tier,
    acceptMinutes: r.accept_minutes,
    visitMinutes: r.visit_minutes,
    resolveMinutes: r.resolve_minutes,
  }));
}

/** The tier of each rule that names one (the targets page shows it beside db/repos/delays.ts listSlaTargets). */
export async function slaTargetTiers(db: DB): Promise<Map<number, RegionTier>> {
  const rows = await db.selectFrom("sla_targets").select(["id", "region_tier"]).where("region_tier", "is not", null).execute();
  return new Map(rows.map((r) => [r.id, r.region_tier!]));
}

/**
 * The distinct weekly hours of the agencies that may hold a job (not terminated): the calendars an accepted
 * request's visit and resolve due times may be counted on (services/agency-due-times.ts), which bound the SLA
 * sweep's look-ahead. A handful of rows (agencies share a few sets of hours).
 */
export async function agencyWeeklyHours(db: DB): Promise<unknown[]> {
  const rows = await db.selectFrom("agencies").select("working_hours").distinct().where("status", "<>", "terminated").execute();
  return rows.map((r) => r.working_hours);
}
