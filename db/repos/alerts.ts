import type { DB } from "../connection";

/**
 * The supervisors' open alerts (raised by the SLA sweep, services/sla.ts), newest first, with the ticket's
 * tracking code: staff-wide data (the caller checks the permission), explicit columns. Reads
 * supervisor_alerts_open_idx; the count is of open alerts only. A 'cannot_repair' alert carries the agency and
 * the technician's reason.
 */
export async function openAlerts(db: DB, limit = 20) {
  const [rows, count] = await Promise.all([
    db
      .selectFrom("supervisor_alerts")
      .innerJoin("tickets", "tickets.id", "supervisor_alerts.ticket_id")
      .leftJoin("agencies", "agencies.id", "supervisor_alerts.agency_id")
      .select([
        "supervisor_alerts.id",
        "supervisor_alerts.created_at",
        "supervisor_alerts.kind",
        "supervisor_alerts.stage",
        "supervisor_alerts.due_at",
        "tickets.id as ticket_id",
        "tickets.number as ticket_number",
        "agencies.name as agency_name",
        "supervisor_alerts.note",
      ])
      .where("supervisor_alerts.acknowledged_at", "is", null)
      .orderBy("supervisor_alerts.created_at", "desc")
      .orderBy("supervisor_alerts.id", "desc")
      .limit(limit)
      .execute(),
    db
      .selectFrom("supervisor_alerts")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("acknowledged_at", "is", null)
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, open: Number(count.n) };
}
