/**
 * Reads for the job itself on the ticket pages: the completion report with its parts, the visit window of
 * the assigned agency's accepted offer, and an agency's active technicians for the assignment form. Each
 * read of ticket data takes the caller's scope (db/repos/tickets.ts inScope): another agency gets nothing.
 */
import type { DB } from "../connection";
import type { DataScope } from "./scope";
import { inScope } from "./tickets";

export async function completionReport(db: DB, scope: DataScope, ticketId: number) {
  const report = await db
    .selectFrom("completion_reports")
    .innerJoin("tickets", "tickets.id", "completion_reports.ticket_id")
    .leftJoin("technicians", "technicians.id", "completion_reports.technician_id")
    .select([
      "completion_reports.id",
      "completion_reports.completed_at",
      "completion_reports.work_description",
      "completion_reports.invoice_amount_rials",
      "technicians.full_name as technician_name",
    ])
    .where("completion_reports.ticket_id", "=", ticketId)
    .where(inScope(scope))
    // an agency sees the report of its own work only
    .$if(scope.kind === "agency", (qb) => qb.where("completion_reports.agency_id", "=", scope.kind === "agency" ? scope.agencyId : -1))
    .executeTakeFirst();
  if (!report) return null;
  const parts = await db
    .selectFrom("completion_parts")
    .select(["id", "name", "serial_number", "quantity"])
    .where("report_id", "=", report.id)
    .orderBy("id")
    .execute();
  return { ...report, parts };
}

/** The technician and visit window of the ticket's assigned agency (its accepted offer); null when none. */
export async function currentVisit(db: DB, scope: DataScope, ticketId: number) {
  const row = await db
    .selectFrom("tickets")
    .innerJoin("dispatch_offers", (j) =>
      j.onRef("dispatch_offers.ticket_id", "=", "tickets.id").onRef("dispatch_offers.agency_id", "=", "tickets.assigned_agency_id").on("dispatch_offers.status", "=", "accepted"),
    )
    .select(["tickets.technician_id", "dispatch_offers.visit_from", "dispatch_offers.visit_to"])
    .where("tickets.id", "=", ticketId)
    .where(inScope(scope))
    .orderBy("dispatch_offers.responded_at", (ob) => ob.desc().nullsLast())
    .limit(1)
    .executeTakeFirst();
  return row ?? null;
}

export async function activeTechnicians(db: DB, agencyId: number) {
  return db
    .selectFrom("technicians")
    .select(["id", "full_name"])
    .where("agency_id", "=", agencyId)
    .where("active", "=", true)
    .orderBy("full_name")
    .orderBy("id")
    .execute();
}
