import { sql, type RawBuilder } from "kysely";
import type { AuditAction, AuditEntityType } from "../../core/audit";
import type { DB } from "../connection";

/**
 * The latest audit rows with what a reader needs instead of raw codes: the actor's name and
 * username, and a label for the entity (a user's name, an agency's name and code, a ticket's number).
 */
export async function recentAudit(db: DB, limit = 50) {
  return db
    .selectFrom("audit_log")
    .leftJoin("users as actor", "actor.id", "audit_log.actor_user_id")
    .leftJoin("users as eu", (j) =>
      j.on("audit_log.entity_type", "=", "user").on(sql`eu.id::text`, "=", sql.ref("audit_log.entity_id")),
    )
    .leftJoin("agencies as ea", (j) =>
      j.on("audit_log.entity_type", "=", "agency").on(sql`ea.id::text`, "=", sql.ref("audit_log.entity_id")),
    )
    // by the ticket's primary key: `et.id::text = entity_id` could not use it and hash-joined a million
    // tickets for every page (~1 s). The CASE keeps the cast to ticket rows whose id is a number.
    .leftJoin("tickets as et", (j) =>
      j.on(
        "et.id",
        "=",
        sql<number>`case when audit_log.entity_type = 'ticket' and audit_log.entity_id ~ '^[0-9]{1,18}$' then audit_log.entity_id::bigint end`,
      ),
    )
    // a technician by name (its primary key, as the ticket above)
    .leftJoin("technicians as etech", (j) =>
      j.on(
        "etech.id",
        "=",
        sql<number>`case when audit_log.entity_type = 'technician' and audit_log.entity_id ~ '^[0-9]{1,18}$' then audit_log.entity_id::bigint end`,
      ),
    )
    .select([
      "audit_log.id",
      "audit_log.at",
      "audit_log.action",
      "audit_log.entity_type",
      "audit_log.entity_id",
      "audit_log.ip",
      "audit_log.details",
      "actor.display_name as actor_name",
      "actor.username as actor_username",
      "eu.display_name as entity_user_name",
      "eu.username as entity_username",
      "ea.name as entity_agency_name",
      "ea.code as entity_agency_code",
      "et.number as entity_ticket_number",
      "etech.full_name as entity_technician_name",
    ])
    .orderBy("audit_log.at", "desc")
    .orderBy("audit_log.id", "desc")
    .limit(limit)
    .execute();
}

export interface AuditEntry {
  actorUserId: number | null;
  action: AuditAction;
  entityType?: AuditEntityType;
  entityId?: string | number;
  ip?: string | null;
  details?: Record<string, unknown>;
  /** when it happened, if not the transaction's now (a batch issued at a given instant: db/repos/warranty-batches.ts) */
  at?: Date;
}

/** One audit row. Call it inside the service's transaction, so the row exists exactly when the change does. */
export async function writeAudit(db: DB, e: AuditEntry) {
  await auditInsert(e).execute(db);
}

/**
 * writeAudit's insert as SQL, for a service that writes the row within a statement of its own (a CTE of
 * `with … as (${auditInsert(e, { entityIdOf: "t" })})`): `entityIdOf` names a relation of that statement whose
 * `id` is the entity's id (a row inserted by the same statement).
 */
export function auditInsert(e: AuditEntry, o: { entityIdOf?: string } = {}): RawBuilder<unknown> {
  const entityId = o.entityIdOf ? sql`${sql.ref(`${o.entityIdOf}.id`)}::text` : sql`${e.entityId == null ? null : String(e.entityId)}::text`;
  return sql`insert into audit_log (actor_user_id, action, entity_type, entity_id, ip, details${e.at ? sql`, at` : sql``})
    select ${e.actorUserId}::bigint, ${e.action}, ${e.entityType ?? null}, ${entityId}, ${e.ip ?? null}, ${JSON.stringify(e.details ?? {})}::jsonb${e.at ? sql`, ${e.at}::timestamptz` : sql``}
    ${o.entityIdOf ? sql`from ${sql.table(o.entityIdOf)}` : sql``}`;
}
