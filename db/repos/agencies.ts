import { sql } from "kysely";
import type { DB } from "../connection";
import { AGENCY_LOAD_STATUSES } from "../../core/ticket";
import { liveOfferDeadline } from "./tickets";

export async function getAgency(db: DB, agencyId: number) {
  return db
    .selectFrom("agencies")
    .select([
      "id", "code", "name", "manager_name", "status", "status_reason", "province", "city",
      "technician_count", "daily_job_capacity", "phones",
    ])
    .where("id", "=", agencyId)
    .executeTakeFirst();
}

export async function pendingOffersForAgency(db: DB, agencyId: number) {
  return db
    .selectFrom("dispatch_offers")
    .innerJoin("tickets", "tickets.id", "dispatch_offers.ticket_id")
    .leftJoin("product_categories", "product_categories.id", "tickets.problem_category_id")
    .select([
      "dispatch_offers.id",
      "dispatch_offers.deadline_at",
      "dispatch_offers.offered_at",
      "tickets.id as ticket_id",
      "tickets.number",
      "tickets.city",
      "tickets.warranty_status",
      "product_categories.name_fa as category_fa",
      "product_categories.name_en as category_en",
      // the problem in a few words: the agency decides on it (it holds the pending offer, so may read it)
      sql<string>`left(tickets.problem_description, 200)`.as("problem"),
    ])
    .where("dispatch_offers.agency_id", "=", agencyId)
    .where("dispatch_offers.status", "=", "pending")
    .where(liveOfferDeadline)
    .orderBy("dispatch_offers.deadline_at")
    .execute();
}

/**
 * The agency's own offers and its answers, newest first, one page at a time. No customer data and nothing
 * of other agencies: the ticket number, the dates, the answer and its reason. `ticket_id` is given only
 * while the ticket is still the agency's (its offer is pending or the job is assigned to it), so the page
 * links only to tickets it may open.
 */
export async function offerHistory(db: DB, agencyId: number, opts: { page?: number; pageSize?: number } = {}) {
  const pageSize = Math.min(Math.max(opts.pageSize ?? 50, 1), 200);
  const page = Math.max(opts.page ?? 1, 1);
  const rows = await db
    .selectFrom("dispatch_offers")
    .innerJoin("tickets", "tickets.id", "dispatch_offers.ticket_id")
    .select((eb) => [
      "dispatch_offers.id",
      "dispatch_offers.status",
      "dispatch_offers.offered_at",
      "dispatch_offers.deadline_at",
      "dispatch_offers.responded_at",
      "dispatch_offers.response_reason",
      "tickets.number as ticket_number",
      eb
        .case()
        .when(
          eb.or([
            eb.and([eb("dispatch_offers.status", "=", "pending"), eb("dispatch_offers.deadline_at", ">", sql<Date>`now()`)]),
            eb("tickets.assigned_agency_id", "=", agencyId),
          ]),
        )
        .then(eb.ref("tickets.id"))
        .end()
        .as("ticket_id"),
    ])
    .where("dispatch_offers.agency_id", "=", agencyId)
    .orderBy("dispatch_offers.offered_at", "desc")
    .orderBy("dispatch_offers.id", "desc")
    .limit(pageSize + 1)
    .offset((page - 1) * pageSize)
    .execute();
  return { rows: rows.slice(0, pageSize), page, hasMore: rows.length > pageSize };
}

export async function agencyTechnicians(db: DB, agencyId: number) {
  return db
    .selectFrom("technicians")
    .select(["id", "full_name", "mobile", "active"])
    .where("agency_id", "=", agencyId)
    .orderBy("full_name")
    .execute();
}

/**
 * The agency's technicians for its technicians page: active first, each with the number of its current
 * jobs (assigned to the agency, in work) — the agency's own rows only.
 */
export async function technicianRoster(db: DB, agencyId: number) {
  return db
    .selectFrom("technicians")
    .select((eb) => [
      "technicians.id",
      "technicians.full_name",
      "technicians.mobile",
      "technicians.active",
      eb
        .selectFrom("tickets")
        .select(eb.fn.countAll<number>().as("n"))
        .whereRef("tickets.technician_id", "=", "technicians.id")
        .where("tickets.assigned_agency_id", "=", agencyId)
        .where("tickets.status", "in", AGENCY_LOAD_STATUSES)
        .as("open_jobs"),
    ])
    .where("technicians.agency_id", "=", agencyId)
    .orderBy("technicians.active", "desc")
    .orderBy("technicians.full_name")
    .execute();
}

/**
 * The map of the agency's current jobs: one pin per job assigned to it and in work that has a location,
 * with only what the pin shows (tracking code, status, city). Jobs of its pending offers are not its jobs
 * yet; nothing of another agency. Newest first, at most `limit`.
 */
export async function agencyJobPins(db: DB, agencyId: number, limit = 500) {
  return db
    .selectFrom("tickets")
    .select(["id", "number", "status", "city", "lat", "lng"])
    .where("assigned_agency_id", "=", agencyId)
    .where("status", "in", AGENCY_LOAD_STATUSES)
    .where("lat", "is not", null)
    .where("lng", "is not", null)
    .orderBy("created_at", "desc")
    .limit(limit)
    .execute();
}

export async function listAgencies(db: DB) {
  return db
    .selectFrom("agencies")
    .leftJoin("agency_fee_rates", (join) =>
      join
        .onRef("agency_fee_rates.agency_id", "=", "agencies.id")
        .on("agency_fee_rates.effective_from", "<=", sql<string>`current_date`)
        .on((eb) => eb.or([eb("agency_fee_rates.effective_to", "is", null), eb("agency_fee_rates.effective_to", ">", sql<string>`current_date`)])),
    )
    .select([
      "agencies.id", "agencies.code", "agencies.name", "agencies.province", "agencies.city", "agencies.status",
      "agencies.status_reason", "agencies.daily_job_capacity", "agencies.technician_count",
      "agency_fee_rates.rate_percent",
    ])
    .orderBy("agencies.province")
    .orderBy("agencies.code")
    .execute();
}
