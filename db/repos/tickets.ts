import { sql, type Expression, type ExpressionBuilder, type RawBuilder, type SelectQueryBuilder, type SqlBool } from "kysely";
import type { DB } from "../connection";
import { executePrepared } from "../prepared";
import type { Database, TicketStatusValue, TicketType } from "../schema";
import type { DataScope } from "./scope";
import { normalizeIranMobile } from "../../core/phone";
import { isValidSerial, normalizeSerial, serialKey } from "../../core/serial";
import { nameSearchKey, searchKey } from "../../core/text";
import { PRIORITIES, type Priority, type WarrantyStatus } from "../../core/ticket";
import { DEFAULT_SORT_DIRECTION, DEFAULT_TICKET_SORT, type SortDirection, type TicketSort } from "../../core/ticket-list";

export interface TicketFilters {
  status?: TicketStatusValue;
  /** any of these statuses */
  statuses?: readonly TicketStatusValue[];
  type?: TicketType;
  priority?: Priority;
  warranty?: WarrantyStatus;
  /** created at or after this instant */
  createdFrom?: Date;
  /** created before this instant */
  createdBefore?: Date;
  /** tracking code, customer name or mobile, product serial */
  q?: string;
  /** a whitelisted column (core/ticket-list.ts); newest first by default */
  sort?: TicketSort;
  dir?: SortDirection;
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
export function inScope(scope: DataScope) {
  return (eb: ExpressionBuilder<Database, "tickets">) => {
    if (scope.kind === "all") return eb.lit(true);
    return eb.or([
      eb("tickets.assigned_agency_id", "=", scope.agencyId),
      pendingOfferOf(scope.agencyId)(eb),
    ]);
  };
}

/**
 * A pending offer grants its agency the ticket only until its deadline (core/ticket.ts offerGrantsAccess):
 * past it the offer grants nothing, even before the offer__expire job has marked it expired.
 */
export function liveOfferDeadline(_eb: ExpressionBuilder<Database, "dispatch_offers">) {
  // Written as a difference, not `deadline_at > now()`: a filter on the deadline carried by the agency's own
  // index (dispatch_offers_agency_ticket_idx includes it), never a range over every agency's pending offers.
  return sql<SqlBool>`dispatch_offers.deadline_at - now() > interval '0'`;
}

/**
 * The ticket has this agency's pending offer, its deadline not passed. The tickets of its pending offers are read once (an
 * InitPlan: a handful of rows, at most one pending offer per ticket) and compared as an array, by the
 * primary key; a correlated EXISTS here is a hashed subplan that scans every ticket.
 */
function pendingOfferOf(agencyId: number) {
  return (eb: ExpressionBuilder<Database, "tickets">) => {
    const pendingOffers = eb
      .selectFrom("dispatch_offers")
      .select("dispatch_offers.ticket_id")
      .where("dispatch_offers.agency_id", "=", agencyId)
      .where("dispatch_offers.status", "=", "pending")
      .where(liveOfferDeadline);
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
  /** a national warranty registry id, lower-case (customer_products_registry_idx over lower(warranty_registry_id)) */
  serial?: string;
  /** a product serial's key (core/serial.ts serialKey; customer_products_serial_key_idx over serial_key(serial_number)) */
  serialKey?: string;
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
  // registry ids are letters and digits (GR-1405-880100), sometimes with dashes or slashes
  const serial = key.replace(/\s/g, "");
  if (/^[a-z0-9][a-z0-9\-/_.]{2,59}$/.test(serial)) out.serial = serial;
  // a product serial by core/serial.ts's one rule: any spelling of a valid serial finds it by its key
  if (isValidSerial(normalizeSerial(text))) out.serialKey = serialKey(text);
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
 * A name matching fewer than this many customers (a serial at most this many products) is searched through
 * their ids (their tickets, then the order asked for); a more common name by reading tickets in that order
 * and keeping those whose customer matches, which soon finds a page of them.
 *
 * In an agency's scope, newest first, a common name is first looked for among its newest tickets (at most
 * AGENCY_RECENT_WALK of those assigned to it): when they hold the page, those are its rows, found without
 * reading thousands of customers. Otherwise the name's customers' ids are read (up to the larger limit):
 * an agency's tickets are far fewer than everyone's, so the walk over all of them with the ids in hand stays
 * short even when the name is rare among them, where checking each ticket's customer in turn would not.
 */
const NAME_MATCH_LIMIT = 2000;
const AGENCY_RECENT_WALK = 4000;
const AGENCY_NAME_MATCH_LIMIT = 10_000;

type TicketIdQuery = SelectQueryBuilder<Database, "tickets", { id: number; created_at: Date }>;

const idArray = (ids: readonly number[]) => sql<number>`any(${ids.map(Number)}::bigint[])`;

const customerNameLike =
  (pattern: string): TicketCondition =>
  (eb) =>
    eb(eb.selectFrom("customers as c").select("c.name_search").whereRef("c.id", "=", "tickets.customer_id"), "like", pattern);

async function customerIdsNamed(db: DB, pattern: string, limit: number): Promise<number[]> {
  const rows = await db.selectFrom("customers").select("id").where("name_search", "like", pattern).limit(limit).execute();
  return rows.map((c) => c.id);
}

interface SearchContext {
  scope: DataScope;
  /** the ticket ids the list's filters allow, narrowed by `where` */
  filtered: (where?: TicketCondition) => TicketIdQuery;
  /** the rows the list needs (to the end of its page, and one more) */
  upTo: number;
  /** the list is in the default order, newest first */
  newestFirst: boolean;
}

/** The condition a common name puts on an agency's tickets (see NAME_MATCH_LIMIT). */
async function agencyCommonName(db: DB, agencyId: number, pattern: string, ctx: SearchContext): Promise<TicketCondition> {
  if (ctx.newestFirst) {
    const parts = agencyScopeParts(agencyId);
    const recent = ctx
      .filtered(parts.assigned)
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
      .limit(ctx.upTo)
      .execute();
    if (found.length >= ctx.upTo) {
      // The newest `upTo` of its assigned tickets with this name are these; its pending offers' tickets
      // (the other half, a handful) are checked by name as they are.
      const ids = found.map((r) => r.id);
      return (eb) =>
        eb.or([
          eb("tickets.id", "=", idArray(ids)),
          eb.and([eb("tickets.assigned_agency_id", "is distinct from", agencyId), customerNameLike(pattern)(eb)]),
        ]);
    }
  }
  const more = await customerIdsNamed(db, pattern, AGENCY_NAME_MATCH_LIMIT);
  return more.length < AGENCY_NAME_MATCH_LIMIT ? (eb) => eb("tickets.customer_id", "=", idArray(more)) : customerNameLike(pattern);
}

/**
 * The condition a search puts on tickets; null when nothing can match. Each meaning of the text is looked up
 * on its own index first (tracking code, mobile, serial, name) and the tickets are then picked by those ids,
 * ORed: one index scan per meaning, never a join of whole tables.
 */
async function searchCondition(db: DB, s: TicketSearch, ctx: SearchContext): Promise<TicketCondition | null> {
  const conditions: TicketCondition[] = [];
  const direct = ticketIdsByNumberOrMobile(db, s);
  if (direct) {
    const found = (await direct.execute()).map((r) => r.id);
    if (found.length) conditions.push((eb) => eb("tickets.id", "=", idArray(found)));
  }
  if (s.serial || s.serialKey) {
    const products: { id: number }[] = [];
    if (s.serialKey) {
      products.push(
        ...(await db
          .selectFrom("customer_products")
          .select("id")
          .where(sql<string>`serial_key(customer_products.serial_number)`, "=", s.serialKey)
          .limit(NAME_MATCH_LIMIT)
          .execute()),
      );
    }
    // the same text as the national warranty registry's tracking id (issue 15 §1; customer_products_registry_idx)
    if (s.serial) {
      products.push(
        ...(await db
          .selectFrom("customer_products")
          .select("id")
          .where(sql<string>`lower(customer_products.warranty_registry_id)`, "=", s.serial)
          .where("customer_products.warranty_registry_id", "is not", null)
          .limit(1)
          .execute()),
      );
    }
    if (products.length) {
      conditions.push((eb) => eb("tickets.customer_product_id", "=", idArray(products.map((p) => p.id))));
    }
  }
  if (s.namePattern) {
    const pattern = s.namePattern;
    const customers = await customerIdsNamed(db, pattern, NAME_MATCH_LIMIT);
    if (customers.length && customers.length < NAME_MATCH_LIMIT) {
      conditions.push((eb) => eb("tickets.customer_id", "=", idArray(customers)));
    } else if (customers.length) {
      conditions.push(ctx.scope.kind === "all" ? customerNameLike(pattern) : await agencyCommonName(db, ctx.scope.agencyId, pattern, ctx));
    }
  }
  if (!conditions.length) return null;
  return (eb) => eb.or(conditions.map((c) => c(eb)));
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

/**
 * What each sort orders by: the key, then creation time and id to break ties, all in the one direction, so
 * each sort is read off one index in either direction (tickets_number_key, tickets_created_idx,
 * tickets_status_rank_idx, tickets_priority_rank_idx, tickets_resolve_due_idx). Status and priority sort by
 * their order in core/ticket.ts through the database's ticket_status_rank / ticket_priority_rank.
 */
const SORT_KEYS: Record<TicketSort, readonly RawBuilder<unknown>[]> = {
  created_at: [sql`tickets.created_at`, sql`tickets.id`],
  number: [sql`tickets.number`],
  status: [sql`ticket_status_rank(tickets.status)`, sql`tickets.created_at`, sql`tickets.id`],
  priority: [sql`ticket_priority_rank(tickets.priority)`, sql`tickets.created_at`, sql`tickets.id`],
  sla_due: [sql`tickets.sla_resolve_due_at`, sql`tickets.id`],
};

/** The rank ticket_priority_rank() gives a priority (its 1-based place in core/ticket.ts PRIORITIES). */
export function priorityRank(p: Priority): number {
  return PRIORITIES.indexOf(p) + 1;
}

export async function listTickets(db: DB, scope: DataScope, f: TicketFilters = {}) {
  const pageSize = Math.min(Math.max(f.pageSize ?? 25, 1), 200);
  const page = Math.max(f.page ?? 1, 1);
  const offset = (page - 1) * pageSize;
  const sort = f.sort ?? DEFAULT_TICKET_SORT;
  const dir = f.dir ?? DEFAULT_SORT_DIRECTION;
  // The page's ticket ids first (scope, filters, order, limit), then the columns of those few rows only.
  // The enum filters, the page size and the offset are written as literals (typed values of our own
  // vocabulary, numbers): they choose the plan, so each combination is its own statement, and the whole
  // list with no search or date range is a prepared statement without parameters (db/prepared.ts),
  // planned once per connection.
  const filters: TicketCondition[] = [];
  if (f.status) filters.push((eb) => eb("tickets.status", "=", sql.lit(f.status!)));
  if (f.statuses) filters.push((eb) => eb("tickets.status", "in", f.statuses!.map((s) => sql.lit(s))));
  if (f.type) filters.push((eb) => eb("tickets.type", "=", sql.lit(f.type!)));
  // by rank, so the priority index serves the filter and the newest-first order together
  if (f.priority) filters.push((eb) => eb(sql<number>`ticket_priority_rank(tickets.priority)`, "=", sql.lit(priorityRank(f.priority!))));
  if (f.warranty) filters.push((eb) => eb("tickets.warranty_status", "=", sql.lit(f.warranty!)));
  if (f.createdFrom) filters.push((eb) => eb("tickets.created_at", ">=", f.createdFrom!));
  if (f.createdBefore) filters.push((eb) => eb("tickets.created_at", "<", f.createdBefore!));
  const filtered = (where?: TicketCondition): TicketIdQuery => {
    const base = db.selectFrom("tickets").select(["tickets.id", "tickets.created_at"]);
    return [...filters, ...(where ? [where] : [])].reduce<TicketIdQuery>((q, c) => q.where(c), base);
  };
  const upTo = offset + pageSize + 1;
  const term = f.q === undefined ? undefined : parseTicketSearch(f.q);
  if (term) {
    const newestFirst = sort === "created_at" && dir === "desc";
    const searched = await searchCondition(db, term, { scope, filtered, upTo, newestFirst });
    // nothing a tracking code, mobile, serial or name could match (e.g. "---"): no rows, never every row
    if (!searched) return { rows: [], page, hasMore: false };
    filters.push(searched);
  }
  const keys = SORT_KEYS[sort];
  const ordered = <Q extends TicketIdQuery>(q: Q) => keys.reduce((acc, key) => acc.orderBy(key, dir) as Q, q);
  // each page row carries its sort keys (k0, k1, …), so the page's few rows are ordered by them at the end
  const keyColumns = keys.map((key, i) => key.as(`k${i}`));
  // (typed as ids only: the keys are read by name, sql.ref, below)
  let pageIds: TicketIdQuery;
  if (scope.kind === "all") {
    pageIds = ordered(filtered()).select(keyColumns).limit(sql.lit(pageSize + 1)).offset(sql.lit(offset)) as unknown as TicketIdQuery;
  } else {
    // Each half brings at most the rows up to the end of this page, in the page's order from its own index,
    // with its sort keys; the page is cut from the two together (the halves are disjoint, see
    // agencyScopeParts), ordered by those keys without going back to the tickets.
    const parts = agencyScopeParts(scope.agencyId);
    const half = (where: TicketCondition) => ordered(filtered(where)).select(keyColumns).limit(upTo);
    const both = db
      .selectFrom(half(parts.assigned).as("a"))
      .selectAll()
      .unionAll(db.selectFrom(half(parts.offered).as("o")).selectAll());
    pageIds = keys
      .reduce((q, _key, i) => q.orderBy(sql.ref(`s.k${i}`), dir), db.selectFrom(both.as("s")).selectAll())
      .limit(pageSize + 1)
      .offset(offset) as unknown as TicketIdQuery;
  }
  let q = db
    .selectFrom(pageIds.as("page"))
    .innerJoin("tickets", "tickets.id", "page.id")
    .innerJoin("customers", "customers.id", "tickets.customer_id")
    .leftJoin("agencies", "agencies.id", "tickets.assigned_agency_id")
    .leftJoin("product_categories", "product_categories.id", "tickets.problem_category_id")
    // what a list row shows (components/TicketListPage.tsx), nothing more: every column goes into the
    // page's data too
    .select([
      "tickets.id",
      "tickets.number",
      "tickets.type",
      "tickets.status",
      "tickets.priority",
      "tickets.warranty_status",
      "tickets.city",
      "tickets.created_at",
      "tickets.sla_resolve_due_at",
      "customers.full_name as customer_name",
      "customers.mobile as customer_mobile",
      "agencies.name as agency_name",
      "product_categories.name_fa as category_fa",
      "product_categories.name_en as category_en",
    ]);
  // the same order over the page's few rows
  for (const i of keys.keys()) q = q.orderBy(sql.ref(`page.k${i}`), dir);
  // named when its plan cannot depend on values: every scope's and filter's values are literals here
  const prepare = scope.kind === "all" && !term && !f.createdFrom && !f.createdBefore;
  const rows = prepare ? await executePrepared(db, q.compile()) : await q.execute();
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
        // a complaint ticket's classification (core/feedback.ts)
        "tickets.feedback_kind",
        "tickets.feedback_category",
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
  // what a row says beyond its type: a note's text, a reason, the call a row attached
  const note = sql<string | null>`ticket_events.data->>'text'`;
  const reason = sql<string | null>`ticket_events.data->>'reason'`;
  const callId = sql<string | null>`ticket_events.data->>'callId'`;
  if (scope.kind === "all") {
    return base
      .select([
        ...columns,
        "ticket_events.actor_label",
        "users.display_name as actor_name",
        note.as("note"),
        reason.as("reason"),
        callId.as("call_id"),
      ])
      .execute();
  }
  const agency = String(scope.agencyId);
  // Its current engagement began with its pending offer, or with the offer that led to its assignment
  // (the latest it accepted when the assignment row does not name it; the assignment itself when it came
  // without an offer).
  const assignedAt = sql<Date>`(select max(e.at) from ticket_events e
    where e.ticket_id = ${ticketId} and e.to_status = 'assigned' and e.data->>'agency_id' = ${agency})`;
  const engagedSince = sql<Date>`coalesce(
    (select o.offered_at from dispatch_offers o
      where o.ticket_id = ${ticketId} and o.agency_id = ${scope.agencyId} and o.status = 'pending' and o.deadline_at > now()),
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
      // the call centre's notes and reasons are its own; an agency reads only what its own people wrote
      sql<string | null>`case when ${own} then ${note} end`.as("note"),
      sql<string | null>`case when ${own} then ${reason} end`.as("reason"),
      sql<string | null>`null::text`.as("call_id"),
    ])
    // the call centre's calls are not an agency's business (see ticketCalls)
    .where("ticket_events.event_type", "<>", "call_attached")
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
 * The call centre's calls about a ticket (every call attached to it through ticket_calls: the call that
 * registered it and later follow-up calls), with numbers, operators and recordings. They are the call
 * centre's own records: an agency sees none of them (it talks to the customer through the ticket's mobile
 * number), so for an agency scope this is always empty and the database is not asked.
 */
export async function ticketCalls(db: DB, scope: DataScope, ticketId: number) {
  const q = db
    .selectFrom("ticket_calls")
    .innerJoin("calls", "calls.id", "ticket_calls.call_id")
    .leftJoin("recordings", "recordings.call_id", "calls.id")
    .leftJoin("users", "users.id", "calls.operator_user_id")
    .select([
      "calls.id",
      "calls.direction",
      "calls.caller_number",
      "calls.called_number",
      "calls.queue",
      "calls.started_at",
      "calls.answered_at",
      "calls.ended_at",
      "calls.wait_seconds",
      "calls.talk_seconds",
      "calls.disposition",
      "calls.state",
      // a bridge recording was started: until it is stored, the page says it is on its way
      sql<boolean>`calls.recording_name is not null`.as("recorded"),
      "users.display_name as operator_name",
      "recordings.id as recording_id",
      "recordings.duration_seconds as recording_seconds",
      "recordings.format as recording_format",
    ])
    .where("ticket_calls.ticket_id", "=", ticketId)
    .orderBy("calls.started_at")
    .orderBy("calls.id")
    .orderBy("recordings.id");
  if (scope.kind !== "all") return [] as Awaited<ReturnType<typeof q.execute>>;
  return q.execute();
}

/**
 * The SMS of a ticket, oldest first: what kind of message (purpose), to or from which number, its status and
 * when it last changed. The call centre sees all of them, with the provider's error and the text. An agency
 * sees only the messages tied to it (sent to it, to its technicians, or to the customer on its behalf), with
 * the numbers masked to their last four digits and without the text (which the call centre's line wrote);
 * another agency's messages (an offer sent elsewhere) never reach it.
 */
export async function ticketSms(db: DB, scope: DataScope, ticketId: number) {
  if (!(await ticketInScope(db, scope, ticketId))) return [];
  const columns = [
    "sms_messages.id",
    "sms_messages.direction",
    "sms_messages.purpose",
    "sms_messages.status",
    "sms_messages.created_at",
    "sms_messages.sent_at",
    "sms_messages.delivered_at",
    "sms_messages.status_at",
  ] as const;
  const base = db
    .selectFrom("sms_messages")
    .where("sms_messages.ticket_id", "=", ticketId)
    .orderBy("sms_messages.created_at")
    .orderBy("sms_messages.id");
  if (scope.kind === "all") {
    return base
      .select([...columns, "sms_messages.receptor", "sms_messages.sender", "sms_messages.body", "sms_messages.last_error"])
      .execute();
  }
  // the same length, all but the last four digits hidden
  const masked = <T extends string | null>(column: "receptor" | "sender") =>
    sql<T>`repeat('•', greatest(length(${sql.ref(`sms_messages.${column}`)}) - 4, 0)) || right(${sql.ref(`sms_messages.${column}`)}, 4)`;
  return base
    .select([
      ...columns,
      masked<string>("receptor").as("receptor"),
      masked<string | null>("sender").as("sender"),
      sql<string>`''`.as("body"),
      sql<string | null>`null`.as("last_error"),
    ])
    .where((eb) =>
      eb.or([
        eb("sms_messages.agency_id", "=", scope.agencyId),
        eb(
          "sms_messages.technician_id",
          "in",
          eb.selectFrom("technicians").select("technicians.id").where("technicians.agency_id", "=", scope.agencyId),
        ),
      ]),
    )
    .execute();
}

/**
 * A recording the caller may play: its call is attached to a ticket the caller can see. Agencies never get
 * one (the call centre's calls are not theirs, see ticketCalls), so for them the database is not asked.
 * Undefined when it does not exist or is not the caller's to hear: the two are not told apart.
 */
export async function playableRecording(db: DB, scope: DataScope, recordingId: number) {
  if (scope.kind !== "all") return undefined;
  return db
    .selectFrom("recordings")
    .select(["recordings.id", "recordings.storage_key", "recordings.format", "recordings.size_bytes"])
    .where("recordings.id", "=", recordingId)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom("ticket_calls")
          .innerJoin("tickets", "tickets.id", "ticket_calls.ticket_id")
          .select("ticket_calls.ticket_id")
          .whereRef("ticket_calls.call_id", "=", "recordings.call_id")
          .where(inScope(scope)),
      ),
    )
    .executeTakeFirst();
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
