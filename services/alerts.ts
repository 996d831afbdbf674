/**
 * Supervisors' alerts (supervisor_alerts, raised by the SLA sweep in services/sla.ts): a supervisor or
 * manager marks one reviewed, with the audit row, in one transaction, and the open manager homes are told
 * (NOTIFY supervisor_alerts {alert_acknowledged}, delivered on commit).
 */
import { sql } from "kysely";
import { SUPERVISOR_ALERTS_CHANNEL, type SupervisorAlertEvent } from "../core/sla";
import type { DB } from "../db/connection";
import { writeAudit } from "../db/repos/audit";
import type { Actor } from "./actor";

export class AlertNotFoundError extends Error {
  constructor(readonly alertId: number) {
    super(`alert ${alertId} not found or already reviewed`);
  }
}

/** Marks an open alert reviewed by the user; an alert already reviewed (or none) is AlertNotFoundError. */
export async function acknowledgeAlert(db: DB, actor: Extract<Actor, { userId: number }>, alertId: number) {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable("supervisor_alerts")
      .set({ acknowledged_at: sql`now()`, acknowledged_by: actor.userId })
      .where("id", "=", alertId)
      .where("acknowledged_at", "is", null)
      .returning(["id", "ticket_id", "kind", "stage"])
      .executeTakeFirst();
    if (!row) throw new AlertNotFoundError(alertId);
    await writeAudit(trx, {
      actorUserId: actor.userId,
      action: "alert.acknowledge",
      entityType: "ticket",
      entityId: row.ticket_id,
      ip: actor.ip ?? undefined,
      details: { alertId: row.id, kind: row.kind, stage: row.stage },
    });
    const event: SupervisorAlertEvent = { type: "alert_acknowledged", alertId: Number(row.id), at: new Date().toISOString() };
    await sql`select pg_notify(${SUPERVISOR_ALERTS_CHANNEL}, ${JSON.stringify(event)})`.execute(trx);
    return { alertId: row.id, ticketId: row.ticket_id };
  });
}
