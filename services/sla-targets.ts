/**
 * The SLA target rules (issue 14 §1, core/delays.ts): a manager adds, changes or removes a rule keyed by
 * priority, category and province (null: any). Each change is one transaction with its audit row
 * (sla_target.create / update / delete, with the rule before and after in words a reader follows).
 * The rules apply to requests registered from then on (services/intake.ts reads them for the due times;
 * the SLA sweep bounds its look-ahead by the longest of them): a request keeps the due times it was given.
 * The per-priority rules (no category, no province) are the base: they may be changed, never removed.
 */
import type { Selectable } from "kysely";
import { checkSlaRule, type SlaRuleProblem, type SlaTargetMinutes } from "../core/delays";
import type { RegionTier } from "../core/region-tier";
import type { Priority } from "../core/ticket";
import type { DB } from "../db/connection";
import type { SlaTargetsTable } from "../db/schema";
import { writeAudit } from "../db/repos/audit";
import type { Actor } from "./actor";

export class SlaTargetError extends Error {
  constructor(readonly code: SlaRuleProblem | "duplicate" | "not_found" | "base_rule" | "unknown_category") {
    super(`sla target: ${code}`);
  }
}

export interface SlaTargetInput extends SlaTargetMinutes {
  priority: Priority | null;
  categoryId: number | null;
  province: string | null;
  /** issue 15 §2: the region tier the rule names (core/region-tier.ts); absent or null: any */
  regionTier?: RegionTier | null;
}

function auditDetails(r: SlaTargetInput) {
  return {
    priority: r.priority,
    categoryId: r.categoryId,
    province: r.province,
    ...(r.regionTier ? { regionTier: r.regionTier } : {}),
    acceptMinutes: r.acceptMinutes,
    visitMinutes: r.visitMinutes,
    resolveMinutes: r.resolveMinutes,
  };
}

/** Adds a rule (id null) or changes one; the key fields of an existing rule may change too. */
export async function saveSlaTarget(db: DB, actor: Actor, id: number | null, input: SlaTargetInput): Promise<{ id: number }> {
  const problem = checkSlaRule(input);
  if (problem) throw new SlaTargetError(problem);
  const province = input.province?.trim() || null;
  const regionTier = input.regionTier ?? null;
  const values = {
    priority: input.priority,
    category_id: input.categoryId,
    province,
    region_tier: regionTier,
    accept_minutes: input.acceptMinutes,
    visit_minutes: input.visitMinutes,
    resolve_minutes: input.resolveMinutes,
    updated_by: actor.userId ?? null,
    updated_at: new Date(),
  };
  return db.transaction().execute(async (trx) => {
    if (input.categoryId !== null) {
      const c = await trx.selectFrom("product_categories").select("id").where("id", "=", input.categoryId).executeTakeFirst();
      if (!c) throw new SlaTargetError("unknown_category");
    }
    // one rule per key (the table's unique key, nulls not distinct): say so instead of a constraint error
    let dup = trx
      .selectFrom("sla_targets")
      .select("id")
      .where((eb) => (input.priority === null ? eb("priority", "is", null) : eb("priority", "=", input.priority)))
      .where((eb) => (input.categoryId === null ? eb("category_id", "is", null) : eb("category_id", "=", input.categoryId)))
      .where((eb) => (province === null ? eb("province", "is", null) : eb("province", "=", province)))
      .where((eb) => (regionTier === null ? eb("region_tier", "is", null) : eb("region_tier", "=", regionTier)));
    if (id !== null) dup = dup.where("id", "<>", id);
    if (await dup.executeTakeFirst()) throw new SlaTargetError("duplicate");
    const after = { ...input, province, regionTier };
    if (id === null) {
      const row = await trx.insertInto("sla_targets").values(values).returning("id").executeTakeFirstOrThrow();
      await writeAudit(trx, {
        actorUserId: actor.userId ?? null,
        action: "sla_target.create",
        entityType: "sla_target",
        entityId: row.id,
        ip: actor.ip ?? undefined,
        details: { after: auditDetails(after) },
      });
      return { id: row.id };
    }
    const before = await trx.selectFrom("sla_targets").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
    if (!before) throw new SlaTargetError("not_found");
    if (isBaseRule(before) && (input.priority !== before.priority || input.categoryId !== null || province !== null || regionTier !== null)) throw new SlaTargetError("base_rule");
    await trx.updateTable("sla_targets").set(values).where("id", "=", id).execute();
    await writeAudit(trx, {
      actorUserId: actor.userId ?? null,
      action: "sla_target.update",
      entityType: "sla_target",
      entityId: id,
      ip: actor.ip ?? undefined,
      details: {
        before: auditDetails(ruleOfRow(before)),
        after: auditDetails(after),
      },
    });
    return { id };
  });
}

export async function deleteSlaTarget(db: DB, actor: Actor, id: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom("sla_targets").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
    if (!before) throw new SlaTargetError("not_found");
    if (isBaseRule(before)) throw new SlaTargetError("base_rule");
    await trx.deleteFrom("sla_targets").where("id", "=", id).execute();
    await writeAudit(trx, {
      actorUserId: actor.userId ?? null,
      action: "sla_target.delete",
      entityType: "sla_target",
      entityId: id,
      ip: actor.ip ?? undefined,
      details: {
        before: auditDetails(ruleOfRow(before)),
      },
    });
  });
}

type SlaTargetRow = Selectable<SlaTargetsTable>;

/** A stored rule in the form the audit details describe it. */
function ruleOfRow(row: SlaTargetRow) {
  return {
    priority: row.priority,
    categoryId: row.category_id,
    province: row.province,
    regionTier: row.region_tier,
    acceptMinutes: row.accept_minutes,
    visitMinutes: row.visit_minutes,
    resolveMinutes: row.resolve_minutes,
  };
}

/** A per-priority rule with no category or province: the base every ticket falls back to (changed, never removed). */
function isBaseRule(row: SlaTargetRow): boolean {
  return row.category_id === null && row.province === null && row.region_tier === null && row.priority !== null;
}
