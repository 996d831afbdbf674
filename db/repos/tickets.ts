import { sql, type Expression, type ExpressionBuilder, type SelectQueryBuilder, type SqlBool } from "kysely";
import type { DB } from "../connection";
import type { Database, TicketStatusValue, TicketType } from "../schema";
import type { DataScope } from "./scope";
import { normalizeIranMobile } from "../../core/phone";
import { nameSearchKey, searchKey } from "../../core/text";

export interface TicketFilters {
  status?: TicketStatusValue;
  /** any of these statuses */
  statuses?: readonly TicketStatusValue[];
  type?: TicketType;
  /** tracking code, customer name or mobile */
  q?: string;
  page?: number;
  pageSize?: number;
}

/**
 * An agency sees a ticket, with its customer's data, only while it holds the ticket's pending offer or
 * the ticket is assigned to it. Once it declines, its offer expires or is withdrawn, or the ticket goes
 * to another agency, the ticket is out of its scope: a 404 by URL and in none of its lists. Its own past
 * offers are on `agencies.offerHistory`, without customer data.
 *
 * Two shapes of the same rule. For one ticket (a ticket's page and what hangs off it) the OR below. For
 * lists and counts the two halves apart (`agencyScopeParts`): "assigned to it" walks its own index
 * (tickets_agency_created_idx, tickets_agency_idx), "its pending offers" is a handful of rows; an OR of
 * the two made PostgreSQL read and sort all of a busy agency's tickets (49,000 at 1,000,000 tickets).
 */
function inScope(scope: DataScope) {
  return (eb: ExpressionBuilder<Database, "tickets">) => {
    if (scope.kind === "all") return eb.lit(true);
    return eb.or([
      eb("tickets.assigned_agency_id", "=", scope.agencyId),
      pendingOfferOf(scope.agencyId)(eb),
    ]);
  };
}

/**
 * The ticket has this agency's pending offer. The tickets of its pending offers are read once (an
 * InitPlan: a handful of rows, at most one pending offer per ticket) and compared as an array, by the
 * primary key; a correlated EXISTS here is a hashed subplan that scans every ticket.
 */
function pendingOfferOf(agencyId: number) {
  return (eb: ExpressionBuilder<Database, "tickets">) => {
    const pendingOffers = eb
      .selectFrom("dispatch_offers")
      .select("dispatch_offers.ticket_id")
      .where("dispatch_offers.agency_id", "=", agencyId)
      .where("dispatch_offers.status", "=", "pending");
    return sql<boolean>`tickets.id = any(array(${pendingOffers}))`;
  };
}

/**
 * An agency's scope as two disjoint halves, each a condition on tickets: the tickets assigned to it, and
 * the tickets of its pending offers that are not (so that UNION ALL counts no ticket twice).
 */
type TicketCondition = (eb: ExpressionBuilder<Database, "tickets">) => Expression<SqlBool>;

function agencyScopeParts(agencyId: number): { assigned: TicketCondition; offered: TicketCondition } {
  return {
    assigned: (eb) => eb("tickets.assigned_agency_id", "=", agencyId),
    offered: (eb) => eb.and([pendingOfferOf(agencyId)(eb), eb("tickets.assigned_agency_id", "is distinct from", agencyId)]),
  };
}

/** What a search box's text can mean, worked out once from its normalised key (core/text.ts searchKey). */
export interface TicketSearch {
  /** a tracking code: the text is only digits */
  number?: number;
  /** an Iranian mobile in any of its written forms, as stored (+989…) */
  mobile?: string;
  /** a `LIKE` pattern over customers.name_search (core/text.ts nameSearchKey) when the text has letters */
  namePattern?: string;
}

/** Undefined for an empty search; Persian/Arabic-Indic digits, Arabic letters and ZWNJ are normalised first. */
export function parseTicketSearch(text: string): TicketSearch | undefined {
  const key = searchKey(text);
  if (!key) return undefined;
  const out: TicketSearch = {};
  const compact = key.replace(/[\s\-#]/g, "");
  if (/^\d{1,15}$/.test(compact)) out.number = Number(compact);
  const mobile = normalizeIranMobile(key);
  if (mobile) out.mobile = mobile;
  if (/\p{L}/u.test(key)) {
    // the same key as customers.name_search: spaces dropped, so any spacing of a compound name matches
    const name = nameSearchKey(key);
    out.namePattern = `%${name.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
  }
  return out;
}

/**
 * Ids of the tickets a tracking code or mobile matches: one indexed lookup per meaning joined by UNION
 * (the unique tracking number, the customer's mobile). A single OR across the two tables would hash-join
 * both whole tables.
 */
function ticketIdsByNumberOrMobile(db: DB, s: TicketSearch) {
  const parts = [];
  if (s.number !== undefined) {
    parts.push(db.selectFrom("tickets").select("tickets.id").where("tickets.number", "=", s.number));
  }
  if (s.mobile) {
    parts.push(
      db
        .selectFrom("tickets")
        .innerJoin("customers", "customers.id", "tickets.customer_id")
        .select("tickets.id")
        .where("customers.mobile", "=", s.mobile),
    );
  }
  return parts.length ? parts.reduce((all, part) => all.union(part)) : null;
}

/**
 * A name matching fewer than this many customers is searched through their ids (their tickets, then the
 * newest first); a more common one by reading the newest tickets and keeping those whose customer
 * matches, which soon finds a page of them.
 *
 * In an agency's scope a common name is first looked for among its newest tickets (at most
 * AGENCY_RECENT_WALK of those assigned to it): when they hold the page, those are its rows, found without
 * reading thousands of customers. Otherwise the name's customers' ids are read (up to the larger limit):
 * an agency's tickets are far fewer than everyone's, so the walk over all of them with the ids in hand stays
 * short even when the name is rare among them, where checking each ticket's customer in turn would not.
 */
const NAME_MATCH_LIMIT = 2000;
const AGENCY_RECENT_WALK = 4000;
const AGENCY_NAME_MATCH_LIMIT = 10_000;

type TicketIdQuery = SelectQueryBuilder<Database, "tickets", { id: number; created_at: Date }>;
/** Narrows a ticket id query (filters, a search); applied to each half of an agency's scope alike. */
type Narrow = (q: TicketIdQuery) => TicketIdQuery;

function customerNameLike(pattern: string): Narrow {
  return (q) =>
    q.where(
      (eb) => eb.selectFrom("customers as c").select("c.name_search").whereRef("c.id", "=", "tickets.customer_id"),
      "like",
      pattern,
    );
}

async function customerIdsNamed(db: DB, pattern: string, limit: number): Promise<number[]> {
  const rows = await db.selectFrom("customers").select("id").where("name_search", "like", pattern).limit(limit).execute();
  return rows.map((c) => c.id);
}

const ofCustomers = (ids: number[]): Narrow => (q) => q.where("tickets.customer_id", "=", sql<number>`any(${ids}::bigint[])`);

/**
 * The condition a search puts on tickets; null when nothing can match. `filters` are the list's other
 * conditions and `upTo` the rows the list needs (to the end of its page), for the agency's first look.
 */
async function searchNarrow(db: DB, scope: DataScope, s: TicketSearch, filters: Narrow[], upTo: number): Promise<Narrow | null> {
  if (s.namePattern) {
    const pattern = s.namePattern;
    const customers = await customerIdsNamed(db, pattern, NAME_MATCH_LIMIT);
    if (!customers.length) return null;
    if (customers.length < NAME_MATCH_LIMIT) return ofCustomers(customers);
    if (scope.kind === "all") return customerNameLike(pattern);
    const parts = agencyScopeParts(scope.agencyId);
    const recent = filters
      .reduce<TicketIdQuery>((q, narrow) => narrow(q), db.selectFrom("tickets").select(["tickets.id", "tickets.created_at"]).where(parts.assigned))
      .select("tickets.customer_id")
      .orderBy("tickets.created_at", "desc")
      .orderBy("tickets.id", "desc")
      .limit(AGENCY_RECENT_WALK);
    const found = await db
      .selectFrom(recent.as("r"))
      .innerJoin("customers", "customers.id", "r.customer_id")
      .select("r.id")
      .where("customers.name_search", "like", pattern)
      .orderBy("r.created_at", "desc")
      .orderBy("r.id", "desc")
      .limit(upTo)
      .execute();
    if (found.length >= upTo) {
      // The newest `upTo` of its assigned tickets with this name are these; its pending offers' tickets
      // (the other half, a handful) are checked by name as they are.
      const ids = found.map((r) => r.id);
      return (q) =>
        q.where((eb) =>
          eb.or([
            eb("tickets.id", "=", sql<number>`any(${ids}::bigint[])`),
            eb.and([
              eb("tickets.assigned_agency_id", "is distinct from", scope.agencyId),
              eb(eb.selectFrom("customers as c").select("c.name_search").whereRef("c.id", "=", "tickets.customer_id"), "like", pattern),
            ]),
          ]),
        );
    }
    const more = await customerIdsNamed(db, pattern, AGENCY_NAME_MATCH_LIMIT);
    return more.length < AGENCY_NAME_MATCH_LIMIT ? ofCustomers(more) : customerNameLike(pattern);
  }
  const matches = ticketIdsByNumberOrMobile(db, s);
  return matches ? (q) => q.where("tickets.id", "in", matches) : null;
}

/** Whether one ticket is inside the caller's scope (for the reads that hang off a ticket id). */
async function ticketInScope(db: DB, scope: DataScope, ticketId: number): Promise<boolean> {
  if (scope.kind === "all") return true;
  const row = await db
    .selectFrom("tickets")
    .select("tickets.id")
    .where("tickets.id", "=", ticketId)
    .where(inScope(scope))
    .executeTakeFirst();
  return row !== undefined;
}

export async function listTickets(db: DB, scope: DataScope, f: TicketFilters = {}) {
  const pageSize = Math.min(Math.max(f.pageSize ?? 25, 1), 200);
  const page = Math.max(f.page ?? 1, 1);
  const offset = (page - 1) * pageSize;
  // The page's ticket ids first (scope, filters, order, limit), then the columns of those few rows only.
  const narrows: Narrow[] = [];
  if (f.status) narrows.push((q) => q.where("tickets.status", "=", f.status!));
  if (f.statuses) narrows.push((q) => q.where("tickets.status", "in", f.statuses!));
  if (f.type) narrows.push((q) => q.where("tickets.type", "=", f.type!));
  const term = f.q === undefined ? undefined : parseTicketSearch(f.q);
  if (term) {
    const searched = await searchNarrow(db, scope, term, [...narrows], offset + pageSize + 1);
    // nothing a tracking code, mobile or name could match (e.g. "---"): no rows, never every row
    if (!searched) return { rows: [], page, hasMore: false };
    narrows.push(searched);
  }
  const idsWhere = (where?: TicketCondition) => {
    const base = db.selectFrom("tickets").select(["tickets.id", "tickets.created_at"]);
    return narrows.reduce<TicketIdQuery>((q, narrow) => narrow(q), where ? base.where(where) : base);
  };
  const newestFirst = (q: TicketIdQuery) => q.orderBy("tickets.created_at", "desc").orderBy("tickets.id", "desc");
  let pageIds;
  if (scope.kind === "all") {
    pageIds = newestFirst(idsWhere()).limit(pageSize + 1).offset(offset);
  } else {
    // Each half brings at most the rows up to the end of this page, newest first from its own index; the
    // page is cut from the two together.
    const parts = agencyScopeParts(scope.agencyId);
    const upTo = offset + pageSize + 1;
    const assigned = newestFirst(idsWhere(parts.assigned)).limit(upTo);
    const offered = newestFirst(idsWhere(parts.offered)).limit(upTo);
    const both = db
      .selectFrom(assigned.as("a"))
      .select(["a.id", "a.created_at"])
      .unionAll(db.selectFrom(offered.as("o")).select(["o.id", "o.created_at"]));
    pageIds = db
      .selectFrom(both.as("s"))
      .select(["s.id", "s.created_at"])
      .orderBy("s.created_at", "desc")
      .orderBy("s.id", "desc")
      .limit(pageSize + 1)
      .offset(offset);
  }
  const rows = await db
    .selectFrom(pageIds.as("page"))
    .innerJoin("tickets", "tickets.id", "page.id")
    .innerJoin("customers", "customers.id", "tickets.customer_id")
    .leftJoin("agencies", "agencies.id", "tickets.assigned_agency_id")
    .leftJoin("product_categories", "product_categories.id", "tickets.problem_category_id")
    // what a list row shows (components/TicketViews.tsx TicketRow), nothing more: every column goes into the
    // page's data too
    .select([
      "tickets.id",
      "tickets.number",
      "tickets.type",
      "tickets.status",
      "tickets.warranty_status",
      "tickets.city",
      "tickets.created_at",
      "tickets.sla_resolve_due_at",
      "customers.full_name as customer_name",
      "agencies.name as agency_name",
      "product_categories.name_fa as category_fa",
      "product_categories.name_en as category_en",
    ])
    .orderBy("page.created_at", "desc")
    .orderBy("page.id", "desc")
    .execute();
  return { rows: rows.slice(0, pageSize), page, hasMore: rows.length > pageSize };
}

/**
 * One ticket as its page shows it, within the caller's scope (undefined when outside). Explicit columns:
 * agencies get what the job needs (customer, product, address, due times) and none of the call centre's
 * internal fields (channel, internal ids, creator, related tickets, agency code).
 */
export async function getTicket(db: DB, scope: DataScope, ticketId: number) {
  return db
    .selectFrom("tickets")
    .innerJoin("customers", "customers.id", "tickets.customer_id")
    .leftJoin("agencies", "agencies.id", "tickets.assigned_agency_id")
    .leftJoin("technicians", "technicians.id", "tickets.technician_id")
    .leftJoin("customer_products", "customer_products.id", "tickets.customer_product_id")
    .leftJoin("product_models", "product_models.id", "customer_products.model_id")
    .leftJoin("brands", "brands.id", "product_models.brand_id")
    .leftJoin("product_categories", "product_categories.id", "tickets.problem_category_id")
    .select([
      "tickets.id",
      "tickets.number",
      "tickets.type",
      "tickets.status",
      "tickets.priority",
      "tickets.warranty_status",
      "tickets.problem_description",
      "tickets.province",
      "tickets.city",
      "tickets.address_text",
      "tickets.lat",
      "tickets.lng",
      "tickets.sla_accept_due_at",
      "tickets.sla_visit_due_at",
      "tickets.sla_resolve_due_at",
      "tickets.created_at",
      "tickets.closed_at",
      "customers.full_name as customer_name",
      "customers.mobile as customer_mobile",
      "agencies.name as agency_name",
      "technicians.full_name as technician_name",
      "customer_products.serial_number",
      "customer_products.warranty_expires_on",
      "product_models.name as model_name",
      "brands.name_fa as brand_fa",
      "brands.name_en as brand_en",
      "product_categories.name_fa as category_fa",
      "product_categories.name_en as category_en",
    ])
    .$if(scope.kind === "all", (qb) =>
      qb.select([
        "tickets.channel",
        "tickets.customer_id",
        "tickets.customer_product_id",
        "tickets.problem_category_id",
        "tickets.address_id",
        "tickets.assigned_agency_id",
        "tickets.technician_id",
        "tickets.related_ticket_id",
        "tickets.created_by",
        "tickets.updated_at",
        "agencies.code as agency_code",
      ]),
    )
    .where("tickets.id", "=", ticketId)
    .where(inScope(scope))
    .executeTakeFirst();
}

/**
 * A ticket's history. The call centre sees every row. An agency sees the registration and what happened
 * since its current engagement began (its pending offer, or the offer that led to its assignment), and
 * never a row naming another agency (`data.agency_id`): what other agencies were offered, declined or
 * handed back stays hidden. Actors are named only when they are its own (its users, its technicians);
 * call-centre staff come back unnamed and show as "call centre". Empty when the ticket is outside the scope.
 */
export async function ticketHistory(db: DB, scope: DataScope, ticketId: number) {
  if (!(await ticketInScope(db, scope, ticketId))) return [];
  const base = db
    .selectFrom("ticket_events")
    .leftJoin("users", "users.id", "ticket_events.actor_user_id")
    .where("ticket_events.ticket_id", "=", ticketId)
    .orderBy("ticket_events.at")
    .orderBy("ticket_events.id");
  const columns = [
    "ticket_events.id",
    "ticket_events.at",
    "ticket_events.actor_kind",
    "ticket_events.event_type",
    "ticket_events.from_status",
    "ticket_events.to_status",
  ] as const;
  if (scope.kind === "all") {
    return base.select([...columns, "ticket_events.actor_label", "users.display_name as actor_name"]).execute();
  }
  const agency = String(scope.agencyId);
  // Its current engagement began with its pending offer, or with the offer that led to its assignment
  // (the latest it accepted when the assignment row does not name it; the assignment itself when it came
  // without an offer).
  const assignedAt = sql<Date>`(select max(e.at) from ticket_events e
    where e.ticket_id = ${ticketId} and e.to_status = 'assigned' and e.data->>'agency_id' = ${agency})`;
  const engagedSince = sql<Date>`coalesce(
    (select o.offered_at from dispatch_offers o
      where o.ticket_id = ${ticketId} and o.agency_id = ${scope.agencyId} and o.status = 'pending'),
    (select max(o.offered_at) from dispatch_offers o
      where o.ticket_id = ${ticketId} and o.agency_id = ${scope.agencyId} and o.offered_at <= ${assignedAt}),
    (select max(o.offered_at) from dispatch_offers o
      where o.ticket_id = ${ticketId} and o.agency_id = ${scope.agencyId} and o.status = 'accepted'),
    ${assignedAt},
    'infinity'::timestamptz)`;
  // Names shown: its own users; agencies and technicians acting during its engagement (only it can then).
  const own = sql<boolean>`case
    when ticket_events.actor_user_id is not null then coalesce(users.agency_id = ${scope.agencyId}, false)
    else ticket_events.actor_kind in ('agency', 'technician') and ticket_events.at >= ${engagedSince}
  end`;
  return base
    .select([
      ...columns,
      sql<string | null>`case when ${own} then ticket_events.actor_label end`.as("actor_label"),
      sql<string | null>`case when ${own} then users.display_name end`.as("actor_name"),
    ])
    .where((eb) =>
      eb.or([eb("ticket_events.event_type", "=", "created"), eb("ticket_events.at", ">=", engagedSince)]),
    )
    .where(sql<boolean>`coalesce(ticket_events.data->>'agency_id' = ${agency}, true)`)
    .execute();
}

/** Offers of one ticket; an agency sees only its own, and none once the ticket is outside its scope. */
export async function ticketOffers(db: DB, scope: DataScope, ticketId: number) {
  if (!(await ticketInScope(db, scope, ticketId))) return [];
  let q = db
    .selectFrom("dispatch_offers")
    .innerJoin("agencies", "agencies.id", "dispatch_offers.agency_id")
    .select([
      "dispatch_offers.id",
      "dispatch_offers.status",
      "dispatch_offers.offered_at",
      "dispatch_offers.deadline_at",
      "dispatch_offers.responded_at",
      "dispatch_offers.response_reason",
      "agencies.name as agency_name",
    ])
    .where("dispatch_offers.ticket_id", "=", ticketId);
  if (scope.kind === "agency") q = q.where("dispatch_offers.agency_id", "=", scope.agencyId);
  return q.orderBy("dispatch_offers.offered_at").execute();
}

/**
 * The call centre's calls about a ticket, with caller numbers, operators and recordings. They are the call
 * centre's own records: an agency sees none of them (it talks to the customer through the ticket's
 * mobile number), so for an agency scope this is always empty and the database is not asked.
 */
export async function ticketCalls(db: DB, scope: DataScope, ticketId: number) {
  const q = db
    .selectFrom("calls")
    .leftJoin("recordings", "recordings.call_id", "calls.id")
    .leftJoin("users", "users.id", "calls.operator_user_id")
    .select([
      "calls.id",
      "calls.direction",
      "calls.caller_number",
      "calls.started_at",
      "calls.wait_seconds",
      "calls.talk_seconds",
      "calls.disposition",
      "users.display_name as operator_name",
      "recordings.id as recording_id",
      "recordings.duration_seconds as recording_seconds",
      "recordings.format as recording_format",
    ])
    .where("calls.ticket_id", "=", ticketId)
    .orderBy("calls.started_at");
  if (scope.kind !== "all") return [] as Awaited<ReturnType<typeof q.execute>>;
  return q.execute();
}

/** Tickets per status in the caller's scope; for everyone's tickets, read from the counts the triggers keep. */
export async function countTicketsByStatus(db: DB, scope: DataScope) {
  if (scope.kind === "all") {
    const kept = await db
      .selectFrom("ticket_status_counts")
      .select(["status", (eb) => eb.fn.sum<number>("tickets").as("count")])
      .groupBy("status")
      .having((eb) => eb.fn.sum("tickets"), "<>", 0)
      .execute();
    return Object.fromEntries(kept.map((r) => [r.status, Number(r.count)])) as Partial<Record<TicketStatusValue, number>>;
  }
  // Counted in two halves (see agencyScopeParts): the assigned tickets by status from their index alone
  // (tickets_agency_idx), then the few tickets of its pending offers.
  const parts = agencyScopeParts(scope.agencyId);
  const byStatus = (where: TicketCondition) =>
    db
      .selectFrom("tickets")
      .select(["tickets.status", (eb) => eb.fn.countAll<string>().as("count")])
      .where(where)
      .groupBy("tickets.status");
  const rows = await byStatus(parts.assigned).unionAll(byStatus(parts.offered)).execute();
  const counts: Partial<Record<TicketStatusValue, number>> = {};
  for (const r of rows) counts[r.status] = (counts[r.status] ?? 0) + Number(r.count);
  return counts;
}
