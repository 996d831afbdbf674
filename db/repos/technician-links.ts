/**
 * Reads for the technician's job link (/j/<token>): the link by its token's hash, the job the page shows
 * (scoped by the link: one ticket, read only after the link was found valid), what was pressed, and the
 * rate limit's count of refused links per address.
 */
import type { Transaction } from "kysely";
import type { DB } from "../connection";
import type { Database } from "../schema";

export async function linkByHash(db: DB, tokenHash: string) {
  return db
    .selectFrom("technician_links")
    .innerJoin("tickets", "tickets.id", "technician_links.ticket_id")
    .select([
      "technician_links.id",
      "technician_links.ticket_id",
      "technician_links.technician_id",
      "technician_links.agency_id",
      "technician_links.expires_at",
      "technician_links.revoked_at",
      "technician_links.revoke_reason",
      "tickets.technician_id as ticket_technician_id",
      "tickets.assigned_agency_id as ticket_agency_id",
      "tickets.closed_at as ticket_closed_at",
    ])
    .where("technician_links.token_hash", "=", tokenHash)
    .executeTakeFirst();
}

/** The job as its technician sees it: what to fix, for whom, where; the visit window of the agency's accepted offer. */
export async function jobView(db: DB, link: { ticket_id: number; technician_id: number; agency_id: number }) {
  return db
    .selectFrom("tickets")
    .innerJoin("customers", "customers.id", "tickets.customer_id")
    .innerJoin("agencies", "agencies.id", "tickets.assigned_agency_id")
    .leftJoin("technicians", "technicians.id", "tickets.technician_id")
    .leftJoin("customer_products", "customer_products.id", "tickets.customer_product_id")
    .leftJoin("product_models", "product_models.id", "customer_products.model_id")
    .leftJoin("brands", "brands.id", "product_models.brand_id")
    .leftJoin("product_categories", "product_categories.id", "tickets.problem_category_id")
    .leftJoin("dispatch_offers", (j) =>
      j.onRef("dispatch_offers.ticket_id", "=", "tickets.id").on("dispatch_offers.agency_id", "=", link.agency_id).on("dispatch_offers.status", "=", "accepted"),
    )
    .select([
      "tickets.id",
      "tickets.number",
      "tickets.status",
      "tickets.warranty_status",
      "tickets.problem_description",
      "tickets.province",
      "tickets.city",
      "tickets.address_text",
      "tickets.lat",
      "tickets.lng",
      "customers.full_name as customer_name",
      "customers.mobile as customer_mobile",
      "agencies.name as agency_name",
      "technicians.full_name as technician_name",
      "customer_products.serial_number",
      "product_models.name as model_name",
      "product_models.id as model_id",
      "tickets.hold_reason",
      "tickets.hold_expected_date",
      "brands.name_fa as brand_fa",
      "product_categories.name_fa as category_fa",
      "dispatch_offers.visit_from",
      "dispatch_offers.visit_to",
    ])
    .where("tickets.id", "=", link.ticket_id)
    .where("tickets.technician_id", "=", link.technician_id)
    .orderBy("dispatch_offers.responded_at", (ob) => ob.desc().nullsLast())
    .limit(1)
    .executeTakeFirst();
}

/** The presses on a job's links (technician_update rows), oldest first: the page lists what was done. */
export async function jobPresses(db: DB, ticketId: number) {
  return db
    .selectFrom("ticket_events")
    .select(["id", "at", "data"])
    .where("ticket_id", "=", ticketId)
    .where("event_type", "=", "technician_update")
    .orderBy("at")
    .orderBy("id")
    .execute();
}

export async function countRecentLinkFailures(db: DB, ip: string, since: Date): Promise<number> {
  const row = await db
    .selectFrom("technician_link_failures")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("ip", "=", ip)
    .where("attempted_at", ">", since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function recordLinkFailure(db: DB, ip: string, at: Date) {
  await db.insertInto("technician_link_failures").values({ ip, attempted_at: at }).execute();
}

/**
 * Revokes every live link of a ticket (a new technician or window, a reassignment to another agency, a
 * cancellation), in the caller's transaction. Returns how many were revoked. For other services too (a
 * supervisor's manual reassignment): a link is refused anyway once the ticket is no longer its
 * technician's and agency's, this makes the reason visible.
 */
export async function revokeJobLinks(trx: Transaction<Database> | DB, ticketId: number, reason: string, now: Date = new Date()): Promise<number> {
  const r = await trx
    .updateTable("technician_links")
    .set({ revoked_at: now, revoke_reason: reason.slice(0, 200) || "revoked" })
    .where("ticket_id", "=", ticketId)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}
