/**
 * Quality settings and probation (issue 15 §5, core/quality.ts): an admin changes the rework window and the
 * probation rule, or ends an agency's probation early. Each is one transaction with its audit row
 * (quality.settings_update with the settings before and after; agency.probation_end with the reason).
 * A new rework window applies to breakdowns registered from then on (each rework keeps the window it was
 * marked with); a probation ended early stays ended.
 */
import { validateQualitySettings, type QualitySettings } from "../core/quality";
import type { DB } from "../db/connection";
import { writeAudit } from "../db/repos/audit";
import { endProbation, qualitySettings, saveQualitySettings } from "../db/repos/quality";
import type { Actor } from "./actor";

export type QualitySettingsResult = { ok: true } | { ok: false; errors: Partial<Record<keyof QualitySettings, "outOfRange">> };

export async function updateQualitySettings(db: DB, actor: Actor, s: QualitySettings): Promise<QualitySettingsResult> {
  const errors = validateQualitySettings(s);
  if (Object.keys(errors).length) return { ok: false, errors };
  await db.transaction().execute(async (trx) => {
    const before = await qualitySettings(trx);
    await saveQualitySettings(trx, s, actor.userId ?? null);
    await writeAudit(trx, {
      actorUserId: actor.userId ?? null,
      action: "quality.settings_update",
      ip: actor.ip ?? undefined,
      details: {
        before: { reworkWindowDays: before.reworkWindowDays, probationMonths: before.probationMonths, probationJobs: before.probationJobs },
        after: s,
      },
    });
  });
  return { ok: true };
}

export type EndProbationResult = { ok: true } | { ok: false; error: "notFound" | "notOnProbation" | "reasonRequired" };

/** Ends an agency's probation now (it must be on probation as last computed); the reason is kept and audited. */
export async function endAgencyProbation(db: DB, actor: Actor, agencyId: number, reason: string): Promise<EndProbationResult> {
  const why = reason.trim();
  if (!why) return { ok: false, error: "reasonRequired" };
  return db.transaction().execute(async (trx): Promise<EndProbationResult> => {
    const a = await trx
      .selectFrom("agencies as a")
      .leftJoin("agency_performance as p", "p.agency_id", "a.id")
      .select(["a.id", "p.on_probation"])
      .where("a.id", "=", agencyId)
      .forUpdate("a")
      .executeTakeFirst();
    if (!a) return { ok: false, error: "notFound" };
    if (!a.on_probation) return { ok: false, error: "notOnProbation" };
    if (!(await endProbation(trx, agencyId, actor.userId ?? null, why.slice(0, 500)))) return { ok: false, error: "notOnProbation" };
    await writeAudit(trx, {
      actorUserId: actor.userId ?? null,
      action: "agency.probation_end",
      entityType: "agency",
      entityId: agencyId,
      ip: actor.ip ?? undefined,
      details: { reason: why.slice(0, 500) },
    });
    return { ok: true };
  });
}
