import type { DB } from "../connection";

export async function recentAudit(db: DB, limit = 50) {
  return db
    .selectFrom("audit_log")
    .leftJoin("users", "users.id", "audit_log.actor_user_id")
    .select(["audit_log.id", "audit_log.at", "audit_log.action", "audit_log.entity_type", "audit_log.entity_id", "users.display_name as actor_name"])
    .orderBy("audit_log.at", "desc")
    .limit(limit)
    .execute();
}

export async function writeAudit(
  db: DB,
  e: { actorUserId: number | null; action: string; entityType?: string; entityId?: string | number; ip?: string; details?: Record<string, unknown> },
) {
  await db
    .insertInto("audit_log")
    .values({
      actor_user_id: e.actorUserId,
      action: e.action,
      entity_type: e.entityType ?? null,
      entity_id: e.entityId == null ? null : String(e.entityId),
      ip: e.ip ?? null,
      details: JSON.stringify(e.details ?? {}),
    })
    .execute();
}
