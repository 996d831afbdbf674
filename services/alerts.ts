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

/**
 * Tells the open manager homes (NOTIFY supervisor_alerts, delivered on commit, in the order given), in one
 * statement: the one way every service sends a SupervisorAlertEvent.
 */
export async function notifySupervisors(trx: DB, events: readonly SupervisorAlertEvent[]): Promise<void> {
  if (events.length === 0) return;
  await sql`select pg_notify(${SUPERVISOR_ALERTS_CHANNEL}, e.payload)
    from unnest(${events.map((e) => JSON.stringify(e))}::text[]) with ordinality as e(payload, n) order by e.n`.execute(trx);
}

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
    await notifySupervisors(trx, [{ type: "alert_acknowledged", alertId: Number(row.id), at: new Date().toISOString() }]);
    return { alertId: row.id, ticketId: row.ticket_id };
  });
}
