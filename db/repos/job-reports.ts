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
  const photos = await db
    .selectFrom("completion_photos")
    .select(["id", "content_type", "size_bytes", "source"])
    .where("report_id", "=", report.id)
    .orderBy("id")
    .execute();
  return { ...report, parts, photos };
}

/**
 * One completion photo for the /photos/:id route, when the caller's scope may read it: the ticket in scope
 * and, for an agency, a report of its own work (as completionReport). undefined: no such photo, or not the
 * caller's — the route answers both alike.
 */
export async function photoInScope(db: DB, scope: DataScope, photoId: number) {
  return db
    .selectFrom("completion_photos")
    .innerJoin("completion_reports", "completion_reports.id", "completion_photos.report_id")
    .innerJoin("tickets", "tickets.id", "completion_photos.ticket_id")
    .select(["completion_photos.id", "completion_photos.storage_key", "completion_photos.content_type", "completion_photos.size_bytes"])
    .where("completion_photos.id", "=", photoId)
    .where(inScope(scope))
    .$if(scope.kind === "agency", (qb) => qb.where("completion_reports.agency_id", "=", scope.kind === "agency" ? scope.agencyId : -1))
    .executeTakeFirst();
}

/** The photos a technician link sent (its job page shows them), oldest first. */
export async function linkPhotos(db: DB, linkId: number) {
  return db.selectFrom("completion_photos").select(["id", "content_type", "size_bytes"]).where("link_id", "=", linkId).orderBy("id").execute();
}

/** One photo a technician link sent; undefined when it did not send it. */
export async function linkPhoto(db: DB, linkId: number, photoId: number) {
  return db
    .selectFrom("completion_photos")
    .select(["id", "storage_key", "content_type", "size_bytes"])
    .where("id", "=", photoId)
    .where("link_id", "=", linkId)
    .executeTakeFirst();
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
