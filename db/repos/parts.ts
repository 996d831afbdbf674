import { sql } from "kysely";
import { tehranDayStart, wholeJalaliMonthsOf } from "../../core/jalali";
import { defectiveReturnState, OPEN_PART_REQUEST_STATUSES, type PartRequestStatus } from "../../core/parts";
import type { DB } from "../connection";
import type { DataScope } from "./scope";
import { inScope } from "./tickets";

/*
 * Spare parts (issue 15 §4): the catalogue, part requests of a job, agency stock, the parts desk's list and the
 * "parts that hold jobs up" report. Reads of a ticket's requests take the caller's scope.
 */

// ---------------------------------------------------------------------------------------------------------
// catalogue

export async function modelsWithParts(db: DB) {
  return db
    .selectFrom("product_models")
    .innerJoin("brands", "brands.id", "product_models.brand_id")
    .select(["product_models.id", "product_models.name", "product_models.model_code", "brands.name_fa as brand_fa", "brands.name_en as brand_en"])
    .select((eb) => eb.selectFrom("spare_parts").whereRef("spare_parts.model_id", "=", "product_models.id").select(eb.fn.countAll<number>().as("n")).as("parts"))
    .orderBy("brands.name_en")
    .orderBy("product_models.name")
    .execute();
}

/** A model's catalogue (inactive parts included, for the admin), optionally filtered by code or name. */
export async function catalogue(db: DB, modelId: number, search: string | null, limit = 300) {
  let q = db
    .selectFrom("spare_parts")
    .select(["id", "model_id", "code", "name", "list_price_rials", "serialized", "active", "updated_at"])
    .where("model_id", "=", modelId);
  if (search) {
    const like = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) => eb.or([eb("code", "ilike", like), eb("name", "ilike", like)]));
  }
  return q.orderBy("code").limit(limit).execute();
}

/** The active parts a job may ask for: its product's model's catalogue. */
export async function activePartsOfModel(db: DB, modelId: number) {
  return db
    .selectFrom("spare_parts")
    .select(["id", "code", "name", "list_price_rials", "serialized"])
    .where("model_id", "=", modelId)
    .where("active", "=", true)
    .orderBy("code")
    .execute();
}

/** The model of a ticket's product (null: no product on file). */
export async function ticketModelId(db: DB, ticketId: number): Promise<number | null> {
  const r = await db
    .selectFrom("tickets")
    .innerJoin("customer_products", "customer_products.id", "tickets.customer_product_id")
    .select("customer_products.model_id")
    .where("tickets.id", "=", ticketId)
    .executeTakeFirst();
  return r?.model_id ?? null;
}

// ---------------------------------------------------------------------------------------------------------
// a job's requests

const requestColumns = [
  "part_requests.id",
  "part_requests.ticket_id",
  "part_requests.part_id",
  "part_requests.agency_id",
  "part_requests.quantity",
  "part_requests.unit_price_rials",
  "part_requests.status",
  "part_requests.source",
  "part_requests.expected_date",
  "part_requests.serial_number",
  "part_requests.note",
  "part_requests.requested_at",
  "part_requests.ordered_at",
  "part_requests.shipped_at",
  "part_requests.received_at",
  "part_requests.cancelled_at",
  "spare_parts.code as part_code",
  "spare_parts.name as part_name",
  "spare_parts.serialized",
] as const;

/**
 * The parts requested for a ticket (the table warranty claims and defective returns refer to by id: part,
 * quantity, price used, status, serial once known), within the caller's scope (another agency's ticket: none).
 */
export async function requestsOfTicket(db: DB, scope: DataScope, ticketId: number) {
  return db
    .selectFrom("part_requests")
    .innerJoin("spare_parts", "spare_parts.id", "part_requests.part_id")
    .innerJoin("tickets", "tickets.id", "part_requests.ticket_id")
    .select(requestColumns)
    .where("part_requests.ticket_id", "=", ticketId)
    .where(inScope(scope))
    .orderBy("part_requests.id")
    .execute();
}

/** Why the ticket is on hold and until when (meaningful only while its status is on_hold), within the caller's scope. */
export async function holdOf(db: DB, scope: DataScope, ticketId: number) {
  return db
    .selectFrom("tickets")
    .select(["tickets.status", "tickets.hold_reason", "tickets.hold_expected_date"])
    .where("tickets.id", "=", ticketId)
    .where(inScope(scope))
    .executeTakeFirst();
}

/** The same for the technician's link, whose ticket the link already names. */
export async function requestsOfLinkTicket(db: DB, ticketId: number) {
  return db
    .selectFrom("part_requests")
    .innerJoin("spare_parts", "spare_parts.id", "part_requests.part_id")
    .select(requestColumns)
    .where("part_requests.ticket_id", "=", ticketId)
    .orderBy("part_requests.id")
    .execute();
}

/** An agency's stock of the given parts (part id → quantity). */
export async function agencyStock(db: DB, agencyId: number, partIds: readonly number[]): Promise<Map<number, number>> {
  if (partIds.length === 0) return new Map();
  const rows = await db
    .selectFrom("agency_part_stock")
    .select(["part_id", "quantity"])
    .where("agency_id", "=", agencyId)
    .where("part_id", "in", [...partIds])
    .execute();
  return new Map(rows.map((r) => [r.part_id, r.quantity]));
}

// ---------------------------------------------------------------------------------------------------------
// the parts desk

export async function deskRequests(db: DB, filter: { status: PartRequestStatus | "open" }, limit = 200) {
  let q = db
    .selectFrom("part_requests")
    .innerJoin("spare_parts", "spare_parts.id", "part_requests.part_id")
    .innerJoin("product_models", "product_models.id", "spare_parts.model_id")
    .innerJoin("tickets", "tickets.id", "part_requests.ticket_id")
    .innerJoin("agencies", "agencies.id", "part_requests.agency_id")
    .select([...requestColumns, "product_models.name as model_name", "tickets.number as ticket_number", "agencies.name as agency_name"]);
  q = filter.status === "open" ? q.where("part_requests.status", "in", [...OPEN_PART_REQUEST_STATUSES]) : q.where("part_requests.status", "=", filter.status);
  // received and cancelled: the latest first; open ones: the oldest first (they waited longest)
  return (filter.status === "open" ? q.orderBy("part_requests.requested_at") : q.orderBy("part_requests.requested_at", "desc")).limit(limit).execute();
}

// ---------------------------------------------------------------------------------------------------------
// the report: parts that hold jobs up the longest

export interface HoldRange {
  from: Date;
  toExclusive: Date;
}

/**
 * Per part, over the requests made in the range (cancelled ones left out: they held nothing up in the end):
 * the jobs it held, the total and median days from request to receipt (open ones up to `now`), and the
 * requests still open. The whole Jalali months of the range come from part_hold_monthly (12 rows per part
 * for a year: the months' own tickets, the received days and the request times of those not received; kept by
 * part_requests' triggers, migration 2026_12_06_122000), the days around them from part_requests through the
 * covering index part_requests_requested_idx; the figures are those of the requests themselves (a ticket is
 * one job however many months its requests of the part span: the months list the tickets they share).
 */
export async function holdingParts(db: DB, range: HoldRange, now: Date, limit = 200) {
  const months = wholeJalaliMonthsOf(range.from, range.toExclusive);
  const spans: [Date, Date][] = (
    months
      ? [
          [range.from, tehranDayStart(months.from)],
          [tehranDayStart(months.toExclusive), range.toExclusive],
        ]
      : [[range.from, range.toExclusive]]
  ).filter(([a, b]) => a!.getTime() < b!.getTime()) as [Date, Date][];
  const edges = spans.length
    ? sql.join(
        spans.map(([a, b]) => sql`(pr.requested_at >= ${a} and pr.requested_at < ${b})`),
        sql` or `,
      )
    : sql`false`;
  const r = await sql<{
    part_id: number;
    code: string;
    name: string;
    model_name: string;
    jobs: number;
    total_days: number;
    median_days: number;
    open_now: number;
  }>`
    with m as (
      select part_id, jobs, shared_tickets, received_days, pending_requested_at, open_now from part_hold_monthly
      where ${months ? sql`month_start >= ${months.from}::date and month_start < ${months.toExclusive}::date` : sql`false`}
    ), edge as (
      select pr.part_id, pr.ticket_id, pr.status,
             extract(epoch from (coalesce(pr.received_at, ${now}::timestamptz) - pr.requested_at)) / 86400.0 as days
      from part_requests pr
      where (${edges}) and pr.status <> 'cancelled'
    ), held as (
      select m.part_id, d as days from m cross join lateral unnest(m.received_days) d
      union all
      select m.part_id, extract(epoch from (${now}::timestamptz - t)) / 86400.0 from m cross join lateral unnest(m.pending_requested_at) t
      union all
      select part_id, days from edge
    ), per_part as (
      select part_id, sum(days)::float8 as total_days, percentile_cont(0.5) within group (order by days)::float8 as median_days
      from held group by part_id
    ), jobs as (
      select part_id, sum(n)::int as jobs from (
        select part_id, jobs - cardinality(shared_tickets) as n from m
        union all
        select part_id, count(distinct ticket_id) from (
          select part_id, unnest(shared_tickets) as ticket_id from m
          union all
          select part_id, ticket_id from edge
        ) s group by part_id
      ) x group by part_id
    ), open_now as (
      select part_id, sum(n)::int as open_now from (
        select part_id, open_now as n from m
        union all
        select part_id, count(*) filter (where status in ('requested', 'ordered', 'shipped')) from edge group by part_id
      ) x group by part_id
    )
    select p.part_id, sp.code, sp.name, pm.name as model_name, j.jobs, p.total_days, p.median_days, o.open_now
    from per_part p
    join jobs j on j.part_id = p.part_id
    join open_now o on o.part_id = p.part_id
    join spare_parts sp on sp.id = p.part_id
    join product_models pm on pm.id = sp.model_id
    order by p.total_days desc, p.part_id
    limit ${limit}`.execute(db);
  return r.rows;
}

/** The jobs behind a part's figure: each request of the part in the range, with its ticket and days held. */
export async function holdingTickets(db: DB, partId: number, range: HoldRange, now: Date, limit = 500) {
  const r = await sql<{
    request_id: number;
    ticket_id: number;
    ticket_number: number;
    agency_name: string;
    quantity: number;
    status: PartRequestStatus;
    source: string | null;
    requested_at: Date;
    received_at: Date | null;
    expected_date: string | null;
    days: number;
  }>`
    select pr.id as request_id, t.id as ticket_id, t.number as ticket_number, a.name as agency_name, pr.quantity,
           pr.status, pr.source, pr.requested_at, pr.received_at, pr.expected_date::text as expected_date,
           (extract(epoch from (coalesce(pr.received_at, ${now}::timestamptz) - pr.requested_at)) / 86400.0)::float8 as days
    from part_requests pr
    join tickets t on t.id = pr.ticket_id
    join agencies a on a.id = pr.agency_id
    where pr.part_id = ${partId} and pr.requested_at >= ${range.from} and pr.requested_at < ${range.toExclusive} and pr.status <> 'cancelled'
    order by days desc, pr.id
    limit ${limit}`.execute(db);
  return r.rows;
}

// ---------------------------------------------------------------------------------------------------------
// a ticket's requests as the staff's and the agency's ticket pages list them (h4)

/**
 * The parts requested for a ticket with where each stands — part, quantity, source, status, expected date — and
 * the way back of its defective part (core/parts.ts defectiveReturnState): the line naming the same part on the
 * ticket's live warranty claim (not a rejected one), its decision and whether the part came back.
 * Within the caller's scope (another agency's ticket: none). Served by part_requests_ticket_idx and the claims'
 * ticket and line indexes.
 */
export async function ticketPartRequests(db: DB, scope: DataScope, ticketId: number) {
  const rows = await db
    .selectFrom("part_requests")
    .innerJoin("spare_parts", "spare_parts.id", "part_requests.part_id")
    .innerJoin("tickets", "tickets.id", "part_requests.ticket_id")
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom("warranty_claims as c")
          .innerJoin("warranty_claim_lines as l", "l.claim_id", "c.id")
          .select([
            "c.status as claim_status",
            "l.approved_rials as claim_approved_rials",
            sql<boolean>`exists (select 1 from defective_part_returns r where r.claim_line_id = l.id)`.as("claim_returned"),
          ])
          .whereRef("c.ticket_id", "=", "part_requests.ticket_id")
          .whereRef("l.spare_part_id", "=", "part_requests.part_id")
          .where("l.kind", "=", "part")
          // the job's live claim (one at most: warranty_claims_ticket_once); a rejected one no longer claims the part
          .where("c.status", "<>", "rejected")
          .orderBy("l.id")
          .limit(1)
          .as("claim"),
      (join) => join.onTrue(),
    )
    .select([...requestColumns, "claim.claim_status", "claim.claim_approved_rials", "claim.claim_returned"])
    .where("part_requests.ticket_id", "=", ticketId)
    .where(inScope(scope))
    .orderBy("part_requests.id")
    .execute();
  return rows.map(({ claim_status, claim_approved_rials, claim_returned, ...r }) => ({
    ...r,
    return_state: defectiveReturnState({
      status: r.status,
      serialized: r.serialized,
      claim: claim_status == null ? null : { status: claim_status, approvedRials: claim_approved_rials === null ? null : Number(claim_approved_rials), returned: claim_returned === true },
    }),
  }));
}

// ---------------------------------------------------------------------------------------------------------
// the agency's parts page (its own stock and open requests)

/** The agency's shelf: each part it holds (or held: quantity 0 rows stay), with its model. */
export async function stockOfAgency(db: DB, agencyId: number, limit = 500) {
  return db
    .selectFrom("agency_part_stock")
    .innerJoin("spare_parts", "spare_parts.id", "agency_part_stock.part_id")
    .innerJoin("product_models", "product_models.id", "spare_parts.model_id")
    .select([
      "agency_part_stock.part_id",
      "agency_part_stock.quantity",
      "agency_part_stock.updated_at",
      "spare_parts.code",
      "spare_parts.name",
      "spare_parts.active",
      "product_models.name as model_name",
    ])
    .where("agency_part_stock.agency_id", "=", agencyId)
    .orderBy("product_models.name")
    .orderBy("spare_parts.code")
    .limit(limit)
    .execute();
}

/** The catalogue's active parts an agency may put on its shelf (the "add a part" list), by model and code. */
export async function stockableParts(db: DB, limit = 1000) {
  return db
    .selectFrom("spare_parts")
    .innerJoin("product_models", "product_models.id", "spare_parts.model_id")
    .select(["spare_parts.id", "spare_parts.code", "spare_parts.name", "product_models.name as model_name"])
    .where("spare_parts.active", "=", true)
    .orderBy("product_models.name")
    .orderBy("spare_parts.code")
    .limit(limit)
    .execute();
}

/**
 * The agency's open part requests (requested, ordered, shipped), oldest first, with the ticket and the expected
 * date, and how many of the part the agency holds (a request it could fill from its shelf). Served by
 * part_requests_agency_open_idx.
 */
export async function openRequestsOfAgency(db: DB, agencyId: number, limit = 300) {
  return db
    .selectFrom("part_requests")
    .innerJoin("spare_parts", "spare_parts.id", "part_requests.part_id")
    .innerJoin("tickets", "tickets.id", "part_requests.ticket_id")
    .leftJoin("agency_part_stock", (join) =>
      join.onRef("agency_part_stock.agency_id", "=", "part_requests.agency_id").onRef("agency_part_stock.part_id", "=", "part_requests.part_id"),
    )
    .select([
      "part_requests.id",
      "part_requests.ticket_id",
      "tickets.number as ticket_number",
      "part_requests.quantity",
      "part_requests.status",
      "part_requests.source",
      "part_requests.expected_date",
      "part_requests.requested_at",
      "spare_parts.code as part_code",
      "spare_parts.name as part_name",
      "agency_part_stock.quantity as in_stock",
    ])
    .where("part_requests.agency_id", "=", agencyId)
    .where("part_requests.status", "in", [...OPEN_PART_REQUEST_STATUSES])
    .orderBy("part_requests.requested_at")
    .limit(limit)
    .execute();
}
