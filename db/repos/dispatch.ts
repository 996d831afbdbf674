/**
 * The dispatch engine's data (core/dispatch.ts is the rule): the ticket's own facts, and ONE query for the
 * facts of every plausible agency (candidateFactsQuery) — or, first, of the nearest few of them
 * (nearestCandidateFactsQuery: services/dispatch.ts ranks those and reads everybody only when it cannot
 * prove their best is the best of all).
 *
 * Which agencies are returned (the SQL prefilter; the rule decides the rest): the agencies AUTHORIZED for
 * the ticket's brand × category (agency_authorizations' primary key) that are near the customer:
 *  - with a service-area row naming the ticket's province with its city or with no city
 *    (agency_service_areas_place_idx), or
 *  - placed within PREFILTER_RADIUS_KM of the customer (agencies_location_idx, a GiST earth_box: the
 *    agency's own service radius is checked exactly in the rule),
 * whatever their status, hours or load — so the decision says why each was excluded (suspended,
 * terminated, out of area, closed, full, already offered). Unauthorized agencies are only counted:
 * `unauthorizedNearby` (near, not authorized) and `authorizedElsewhere` (authorized, not near) — the rule's
 * hard constraint needs no per-agency facts for them, and at 5,000 agencies returning them would cost most
 * of a decision's time.
 *
 * Per candidate (each read from an index): authorization (agency_authorizations' primary key), open jobs
 * (tickets_agency_load_idx + its live pending offers from dispatch_offers_agency_ticket_idx), offers of
 * the last FAIRNESS_WINDOW_HOURS (dispatch_offers_agency_history_idx), already offered this ticket
 * (dispatch_offers_ticket_idx), performance counts and probation (agency_performance, one row by primary key,
 * the agency's scorecard summed by a job: `refreshAgencyPerformance`).
 */
import { sql, type Kysely, type RawBuilder, type Transaction } from "kysely";
import {
  FAIRNESS_WINDOW_HOURS,
  haversineKm,
  isWorkingHours,
  type CandidateFacts,
  type DispatchWeights,
  type ExcludedCandidate,
  type HoldReason,
  type RankedCandidate,
  type WorkingHours,
} from "../../core/dispatch";
import { tehranDay } from "../../core/jalali";
import { onProbation, performancePeriods } from "../../core/quality";
import { AGENCY_LOAD_STATUSES, type TicketStatus, type TicketType } from "../../core/ticket";
import { executePrepared } from "../prepared";
import { CLOCK_STATE_COLUMNS, clockStateOf, type ClockState, type ClockStateRow } from "./holidays";
import type { Database } from "../schema";
import { qualitySettings, refreshScorecards, type ScorecardRefreshOptions } from "./quality";

type Conn = Kysely<Database> | Transaction<Database>;

/** Agencies placed within this distance of the customer are looked at even without an area row naming the place. */
export const PREFILTER_RADIUS_KM = 60;

export interface TicketDispatchFacts {
  id: number;
  number: number;
  type: TicketType;
  status: TicketStatus;
  province: string | null;
  city: string | null;
  lat: number | null;
  lng: number | null;
  brandId: number | null;
  categoryId: number | null;
  slaAcceptDueAt: Date | null;
  dispatchHeldAt: Date | null;
  /** it has a pending offer */
  pendingOffer: boolean;
  /** how many offers it had (any status) */
  priorOffers: number;
  /** the database's now() (the transaction's start) */
  dbNow: Date;
  /** the admin's text of the agency_offer SMS (sms_template_overrides), null: the default */
  offerSmsOverride: string | null;
  /** the working-day clock's state, read in the same statement (services/working-calendar.ts workingCalendars) */
  clock: ClockState;
}

/** The ticket's facts for dispatch; `lock`: FOR UPDATE of the ticket row (inside the caller's transaction). */
export async function ticketDispatchFacts(db: Conn, ticketId: number, o: { lock?: boolean } = {}): Promise<TicketDispatchFacts | undefined> {
  const lock = o.lock ? sql`for update of t` : sql``;
  const query = sql<ClockStateRow & {
    id: number;
    number: number;
    type: TicketType;
    status: TicketStatus;
    province: string | null;
    city: string | null;
    lat: number | null;
    lng: number | null;
    brand_id: number | null;
    category_id: number | null;
    sla_accept_due_at: Date | null;
    dispatch_held_at: Date | null;
    pending_offer: boolean;
    prior_offers: number;
    db_now: Date;
    offer_sms_override: string | null;
  }>`
    select t.id, t.number, t.type, t.status, t.province, t.city, t.lat, t.lng, m.brand_id, m.category_id,
           t.sla_accept_due_at, t.dispatch_held_at,
           exists (select 1 from dispatch_offers o where o.ticket_id = t.id and o.status = 'pending') as pending_offer,
           (select count(*)::int from dispatch_offers o where o.ticket_id = t.id) as prior_offers,
           now() as db_now,
           (select o.body from sms_template_overrides o where o.kind = 'agency_offer') as offer_sms_override,
           ${CLOCK_STATE_COLUMNS}
    from tickets t
    left join customer_products cp on cp.id = t.customer_product_id
    left join product_models m on m.id = cp.model_id
    where t.id = ${ticketId}
    ${lock}`.compile(db);
  // a decision's first statement: named (db/prepared.ts); primary-key probes whatever the ticket
  const [r] = await executePrepared(db, query);
  if (!r) return undefined;
  return {
    id: r.id,
    number: r.number,
    type: r.type,
    status: r.status,
    province: r.province,
    city: r.city,
    lat: r.lat,
    lng: r.lng,
    brandId: r.brand_id,
    categoryId: r.category_id,
    slaAcceptDueAt: r.sla_accept_due_at,
    dispatchHeldAt: r.dispatch_held_at,
    pendingOffer: r.pending_offer,
    priorOffers: r.prior_offers,
    dbNow: r.db_now,
    offerSmsOverride: r.offer_sms_override,
    clock: clockStateOf(r),
  };
}

interface CandidateRow {
  id: number;
  code: string;
  name: string;
  status: "active" | "suspended" | "terminated";
  mobile: string | null;
  lat: number | null;
  lng: number | null;
  service_radius_km: number | null;
  technician_count: number;
  daily_job_capacity: number;
  working_hours: unknown;
  area_match: boolean;
  /** null: the agency has no service polygon, or the ticket no point (core/service-polygons.ts) */
  polygon_match: boolean | null;
  load_jobs: number;
  live_offers: number;
  recent_offers: number;
  already_offered: boolean;
  offers_accepted: number | null;
  offers_decided: number | null;
  visits_on_time: number | null;
  visits_due: number | null;
  csat_sum: number | null;
  csat_count: number | null;
  answers: number | null;
  answer_seconds_sum: number | null;
  sla_due: number | null;
  sla_met: number | null;
  jobs: number | null;
  reworks: number | null;
  ftf: number | null;
  claims_decided: number | null;
  claims_rejected: number | null;
  claims_partly: number | null;
  on_probation: boolean | null;
  authorized_total: number;
  near_total: number;
}

/** A candidate's facts for the rule, plus what the offer needs (the agency's mobile for the SMS). */
export interface AgencyCandidate extends CandidateFacts {
  mobile: string | null;
}

export interface CandidateFactsResult {
  /** the authorized agencies near the customer */
  candidates: AgencyCandidate[];
  /** agencies authorized for the ticket's brand × category that are not near the customer */
  authorizedElsewhere: number;
  /** agencies near the customer that are not authorized for it */
  unauthorizedNearby: number;
  /** every agency authorized for the ticket's brand × category, near or far */
  authorizedTotal: number;
}

/**
 * The prefilter's radius in metres, a literal (like every constant and shape-deciding value of these
 * queries: whether the ticket has a point, k), so that the named statements' plans (db/prepared.ts) see it.
 */
const RADIUS_M = sql.lit(PREFILTER_RADIUS_KM * 1000);

/** The statuses as SQL literals (our own constants), so the planner matches tickets_agency_load_idx's predicate. */
const LOAD_STATUSES = sql.raw(`(${AGENCY_LOAD_STATUSES.map((s) => `'${s}'`).join(",")})`);

/**
 * The one candidate query (its plan is checked by tests/integration/dispatch-plans.test.ts). The place's
 * area rows are read once (`area`: both "near" and each candidate's area match); the authorizations are
 * probed per near agency through their primary key, and counted once (index only) for `authorized_total`;
 * the live offers come from dispatch_offers_agency_live_idx (pending offers by agency).
 */
export function candidateFactsQuery(t: Pick<TicketDispatchFacts, "id" | "province" | "city" | "lat" | "lng" | "brandId" | "categoryId">, now: Date, o: { agencyId?: number } = {}) {
  const hasPoint = t.lat !== null && t.lng !== null;
  const brandId = t.brandId ?? 0;
  const categoryId = t.categoryId ?? 0;
  return sql<CandidateRow>`
    with area as (
      select distinct sa.agency_id as id from agency_service_areas sa
      where sa.province = ${t.province ?? ""} and (sa.city = ${t.city ?? ""} or sa.city is null)
    ),
    near as (
      select id from area
      union
      select a.id from agencies a
      where ${sql.lit(hasPoint)} and a.lat is not null
        and earth_box(ll_to_earth(${t.lat ?? 0}::float8, ${t.lng ?? 0}::float8), ${RADIUS_M}::float8) @> ll_to_earth(a.lat, a.lng)
    ),
    -- authorized ∩ near: one primary-key probe per near agency
    cand as (
      select n.id from near n
      where ${o.agencyId === undefined ? sql`true` : sql`n.id = ${o.agencyId}`}
        and exists (select 1 from agency_authorizations z where z.agency_id = n.id and z.brand_id = ${brandId} and z.category_id = ${categoryId})
    )
    ${factsOfCandidates(t, now, sql<boolean>`a.id in (select id from area)`)},
      (select count(*)::int from agency_authorizations z where z.brand_id = ${brandId} and z.category_id = ${categoryId}) as authorized_total,
      (select count(*)::int from near) as near_total
    from cand c
    join agencies a on a.id = c.id
    left join agency_performance p on p.agency_id = a.id
    order by a.id`;
}

/**
 * The facts of the agencies `cand` (a CTE of the caller's with their ids), one row each; `areaMatch` the
 * SQL of "one of a's area rows names the place".
 */
function factsOfCandidates(t: Pick<TicketDispatchFacts, "id" | "lat" | "lng">, now: Date, areaMatch: RawBuilder<boolean>) {
  return sql`
    select a.id, a.code, a.name, a.status, a.mobile, a.lat, a.lng, a.service_radius_km, a.technician_count,
      a.daily_job_capacity, a.working_hours,
      ${areaMatch} as area_match,
      ${polygonMatch(t)} as polygon_match,
      (select count(*)::int from tickets x where x.assigned_agency_id = a.id and x.status in ${LOAD_STATUSES}) as load_jobs,
      -- its pending offers by dispatch_offers_agency_live_idx (the only index of pending offers), the
      -- deadline a filter of the count
      (select count(*) filter (where o.deadline_at > ${now}::timestamptz)::int from dispatch_offers o
        where o.agency_id = a.id and o.status = 'pending') as live_offers,
      (select count(*)::int from dispatch_offers o
        where o.agency_id = a.id and o.offered_at > ${now}::timestamptz - make_interval(hours => ${sql.lit(FAIRNESS_WINDOW_HOURS)})) as recent_offers,
      exists (select 1 from dispatch_offers o where o.ticket_id = ${t.id} and o.agency_id = a.id) as already_offered,
      p.offers_accepted, p.offers_decided, p.visits_on_time, p.visits_due, p.csat_sum, p.csat_count,
      p.answers, p.answer_seconds_sum, p.sla_due, p.sla_met, p.jobs, p.reworks, p.ftf, p.on_probation,
      p.claims_decided, p.claims_rejected, p.claims_partly`;
}

/**
 * Whether the ticket's point lies inside one of a's service polygons (PostgreSQL's `polygon @> point`, points
 * (lng, lat)), by agency_service_polygons_agency_idx; null when a has none or the ticket has no point.
 */
function polygonMatch(t: Pick<TicketDispatchFacts, "lat" | "lng">): RawBuilder<boolean | null> {
  if (t.lat === null || t.lng === null) return sql<null>`null::boolean`;
  return sql<boolean | null>`(select bool_or(sp.area @> point(${t.lng}::float8, ${t.lat}::float8))
        from agency_service_polygons sp where sp.agency_id = a.id)`;
}

interface NearestRow extends Omit<CandidateRow, "authorized_total" | "near_total"> {
  knn: boolean;
  knn_count: number;
  authorized_total: number | null;
  near_total: number | null;
}

/**
 * The nearest-first candidate query (services/dispatch.ts's fast path; its plan is checked by
 * tests/integration/dispatch-plans.test.ts): the `k` agencies nearest to the customer among those placed
 * within PREFILTER_RADIUS_KM and AUTHORIZED for the brand × category (agencies_location_idx read in distance
 * order — the GiST index's `<->` ordering on ll_to_earth — each probed in agency_authorizations' primary
 * key, stopping at the k-th), with their facts. When fewer than `k` exist (a small town), the set is
 * completed exactly as candidateFactsQuery's (the agencies with an area row naming the place, authorized,
 * placed elsewhere or not at all) and the two counts are computed; when `k` were found (`knn_count` = k) the
 * farther agencies are NOT looked at: the caller proves that none of them could outscore the best of these
 * (core/dispatch.ts scoreBoundBeyond) or asks candidateFactsQuery for everything.
 */
export function nearestCandidateFactsQuery(t: Pick<TicketDispatchFacts, "id" | "province" | "city" | "lat" | "lng" | "brandId" | "categoryId">, now: Date, k: number) {
  const hasPoint = t.lat !== null && t.lng !== null;
  const brandId = t.brandId ?? 0;
  const categoryId = t.categoryId ?? 0;
  const here = sql`ll_to_earth(${t.lat ?? 0}::float8, ${t.lng ?? 0}::float8)`;
  const inBox = sql`earth_box(${here}, ${RADIUS_M}::float8) @> ll_to_earth(a.lat, a.lng)`;
  const authorized = (id: RawBuilder<unknown>) =>
    sql`exists (select 1 from agency_authorizations z where z.agency_id = ${id} and z.brand_id = ${brandId} and z.category_id = ${categoryId})`;
  return sql<NearestRow>`
    with knn as materialized (
      select a.id from agencies a
      where ${sql.lit(hasPoint)} and a.lat is not null and ${inBox} and ${authorized(sql`a.id`)}
      order by ll_to_earth(a.lat, a.lng) <-> ${here}
      limit ${sql.lit(k)}
    ),
    knn_n as materialized (select count(*)::int as n from knn),
    -- only when the nearest ran out before k: the place's area rows (exactly candidateFactsQuery's "area")
    area as materialized (
      select distinct sa.agency_id as id from agency_service_areas sa
      where (select n from knn_n) < ${sql.lit(k)}
        and sa.province = ${t.province ?? ""} and (sa.city = ${t.city ?? ""} or sa.city is null)
    ),
    cand as (
      select id, true as knn from knn
      union all
      select ar.id, false from area ar where ar.id not in (select id from knn) and ${authorized(sql`ar.id`)}
    )
    ${factsOfCandidates(
      t,
      now,
      // a probe of the agency's own area rows (its unique key) per candidate; written as `exists`, the planner
      // hashed every area row of the province instead (≈ 2,000 for Tehran, a fifth of the query's time)
      sql<boolean>`coalesce((select true from agency_service_areas sa
        where sa.agency_id = a.id and sa.province = ${t.province ?? ""} and (sa.city = ${t.city ?? ""} or sa.city is null) limit 1), false)`,
    )},
      c.knn, (select n from knn_n) as knn_count,
      case when (select n from knn_n) < ${sql.lit(k)} then
        (select count(*)::int from agency_authorizations z where z.brand_id = ${brandId} and z.category_id = ${categoryId}) end as authorized_total,
      case when (select n from knn_n) < ${sql.lit(k)} then
        (select count(*)::int from (select id from area union select a.id from agencies a where ${sql.lit(hasPoint)} and a.lat is not null and ${inBox}) near) end as near_total
    from cand c
    join agencies a on a.id = c.id
    left join agency_performance p on p.agency_id = a.id
    order by a.id`;
}

/** The counts alone, when no authorized agency is near (the held path). */
function countsQuery(t: Pick<TicketDispatchFacts, "province" | "city" | "lat" | "lng" | "brandId" | "categoryId">) {
  const hasPoint = t.lat !== null && t.lng !== null;
  return sql<{ near_total: number; authorized_total: number }>`
    select (select count(*)::int from (
              select sa.agency_id from agency_service_areas sa
              where sa.province = ${t.province ?? ""} and (sa.city = ${t.city ?? ""} or sa.city is null)
              union
              select a.id from agencies a
              where ${sql.lit(hasPoint)} and a.lat is not null
                and earth_box(ll_to_earth(${t.lat ?? 0}::float8, ${t.lng ?? 0}::float8), ${RADIUS_M}::float8) @> ll_to_earth(a.lat, a.lng)
            ) near) as near_total,
           (select count(*)::int from agency_authorizations z
            where z.brand_id = ${t.brandId ?? 0} and z.category_id = ${t.categoryId ?? 0}) as authorized_total`;
}

/**
 * The facts of every plausible agency for the ticket (see the head of this file); distances are computed
 * here (haversine, core/dispatch.ts), null when the agency or the ticket has no coordinates.
 */
export async function candidateFacts(db: Conn, ticket: TicketDispatchFacts, now: Date, o: { agencyId?: number } = {}): Promise<CandidateFactsResult> {
  const rows = await executePrepared(db, candidateFactsQuery(ticket, now, o).compile(db));
  const counts = rows[0] ?? (await countsQuery(ticket).execute(db)).rows[0]!;
  const known = ticket.brandId !== null && ticket.categoryId !== null;
  const authorizedElsewhere = known ? Math.max(0, counts.authorized_total - rows.length) : 0;
  const unauthorizedNearby = Math.max(0, counts.near_total - rows.length);
  const candidates = rows.map((r) => candidateOf(ticket, r));
  return { candidates, authorizedElsewhere, unauthorizedNearby, authorizedTotal: known ? counts.authorized_total : 0 };
}

function candidateOf(ticket: TicketDispatchFacts, r: Omit<CandidateRow, "authorized_total" | "near_total">): AgencyCandidate {
  const known = ticket.brandId !== null && ticket.categoryId !== null;
  const hasPoint = ticket.lat !== null && ticket.lng !== null;
  return {
    agencyId: r.id,
    code: r.code,
    name: r.name,
    mobile: r.mobile,
    status: r.status,
    authorized: known,
    areaMatch: r.area_match && ticket.province !== null,
    polygonMatch: r.polygon_match,
    serviceRadiusKm: r.service_radius_km,
    distanceKm: hasPoint && r.lat !== null && r.lng !== null ? haversineKm(r.lat, r.lng, ticket.lat!, ticket.lng!) : null,
    workingHours: isWorkingHours(r.working_hours) ? (r.working_hours as WorkingHours) : {},
    openJobs: r.load_jobs + r.live_offers,
    dailyJobCapacity: r.daily_job_capacity,
    technicianCount: r.technician_count,
    offersAccepted: r.offers_accepted ?? 0,
    offersDecided: r.offers_decided ?? 0,
    visitsOnTime: r.visits_on_time ?? 0,
    visitsDue: r.visits_due ?? 0,
    csatSum: r.csat_sum ?? 0,
    csatCount: r.csat_count ?? 0,
    answers: r.answers ?? 0,
    answerSecondsSum: r.answer_seconds_sum ?? 0,
    slaDue: r.sla_due ?? 0,
    slaMet: r.sla_met ?? 0,
    jobs: r.jobs ?? 0,
    reworks: r.reworks ?? 0,
    ftf: r.ftf ?? 0,
    claimsDecided: r.claims_decided ?? 0,
    claimsRejected: r.claims_rejected ?? 0,
    claimsPartly: r.claims_partly ?? 0,
    probation: r.on_probation ?? false,
    recentOffers: r.recent_offers,
    alreadyOffered: r.already_offered,
  };
}

export type NearestCandidatesResult =
  /** fewer than k authorized agencies placed near: every candidate, exactly as candidateFacts */
  | (CandidateFactsResult & { complete: true })
  /**
   * the k nearest authorized agencies placed near (any status, hours or load); every other candidate is at
   * least `beyondKm` from the customer (or has no coordinates); the counts are not known
   */
  | { complete: false; candidates: AgencyCandidate[]; beyondKm: number };

/** nearestCandidateFactsQuery's candidates (see there). */
export async function nearestCandidateFacts(db: Conn, ticket: TicketDispatchFacts, now: Date, k: number): Promise<NearestCandidatesResult> {
  const rows = await executePrepared(db, nearestCandidateFactsQuery(ticket, now, k).compile(db));
  const candidates = rows.map((r) => candidateOf(ticket, r));
  const knnCount = rows[0]?.knn_count ?? 0;
  if (knnCount >= k) {
    // the farthest of the k (distance order is the same on the sphere as the index's chord order); every
    // agency not returned is either farther or outside the box, i.e. beyond PREFILTER_RADIUS_KM
    const farthest = candidates.reduce((m, c, i) => (rows[i]!.knn && c.distanceKm !== null ? Math.max(m, c.distanceKm) : m), 0);
    // (the box is ll_to_earth's, on a sphere of 6,378 km: 0.99 of its half-width keeps us inside it on ours)
    return { complete: false, candidates, beyondKm: Math.min(farthest, PREFILTER_RADIUS_KM * 0.99) };
  }
  if (!rows.length) {
    const r = await candidateFacts(db, ticket, now);
    return { ...r, complete: true };
  }
  const known = ticket.brandId !== null && ticket.categoryId !== null;
  const authorizedTotal = rows[0]!.authorized_total ?? 0;
  const nearTotal = rows[0]!.near_total ?? 0;
  return {
    complete: true,
    candidates,
    authorizedElsewhere: known ? Math.max(0, authorizedTotal - rows.length) : 0,
    unauthorizedNearby: Math.max(0, nearTotal - rows.length),
    authorizedTotal: known ? authorizedTotal : 0,
  };
}

/** One agency as an offer needs it (services/dispatch.ts offerTicketToAgencyInTrx), for a supervisor's choice. */
export async function agencyForOffer(db: Conn, agencyId: number): Promise<Pick<AgencyCandidate, "agencyId" | "code" | "name" | "mobile" | "workingHours"> | undefined> {
  const a = await db.selectFrom("agencies").select(["id", "code", "name", "mobile", "working_hours"]).where("id", "=", agencyId).executeTakeFirst();
  if (!a) return undefined;
  return { agencyId: a.id, code: a.code, name: a.name, mobile: a.mobile, workingHours: isWorkingHours(a.working_hours) ? a.working_hours : {} };
}

/**
 * Refreshes the scorecard roll-ups (db/repos/quality.ts refreshScorecards) and then every agency's row for
 * dispatch (the agency__performance job, and the demo seed): the sums of its scorecard over the last
 * PERFORMANCE_WINDOW_MONTHS Jalali months (core/quality.ts performancePeriods), its completed jobs of all
 * time, and whether it is on probation (core/quality.ts onProbation). Dispatch reads this one row per
 * candidate by primary key instead of aggregating history in each decision. Returns how many agencies.
 */
export async function refreshAgencyPerformance(db: Kysely<Database>, now: Date, opts: ScorecardRefreshOptions = {}): Promise<number> {
  await refreshScorecards(db, now, opts);
  const settings = await qualitySettings(db);
  const periods = performancePeriods(now);
  const { rows } = await sql<{
    id: number;
    start_day: string;
    ended_early: boolean;
    jobs_total: number;
    offers_decided: number;
    offers_accepted: number;
    answers: number;
    answer_seconds_sum: number;
    visits_due: number;
    visits_on_time: number;
    sla_due: number;
    sla_met: number;
    csat_count: number;
    csat_sum: number;
    jobs: number;
    reworks: number;
    ftf: number;
    claims_decided: number;
    claims_rejected: number;
    claims_partly: number;
  }>`
    with w as (
      select agency_id, sum(offers_decided)::int as offers_decided, sum(offers_accepted)::int as offers_accepted,
        sum(answers)::int as answers, sum(answer_seconds_sum)::bigint as answer_seconds_sum,
        sum(visits_due)::int as visits_due, sum(visits_on_time)::int as visits_on_time,
        sum(sla_due)::int as sla_due, sum(sla_met)::int as sla_met, sum(csat_count)::int as csat_count, sum(csat_sum)::int as csat_sum,
        sum(jobs)::int as jobs, sum(reworks)::int as reworks, sum(ftf)::int as ftf,
        sum(claims_decided)::int as claims_decided, sum(claims_rejected)::int as claims_rejected, sum(claims_partly)::int as claims_partly
      from agency_scorecards where period in (${sql.join(periods)})
      group by agency_id
    ),
    total as (select agency_id, sum(jobs)::int as jobs from agency_scorecards group by agency_id)
    select a.id, coalesce(a.contract_start, (a.created_at at time zone 'Asia/Tehran')::date)::text as start_day,
      exists (select 1 from agency_probation e where e.agency_id = a.id) as ended_early,
      coalesce(total.jobs, 0) as jobs_total,
      coalesce(w.offers_decided, 0) as offers_decided, coalesce(w.offers_accepted, 0) as offers_accepted,
      coalesce(w.answers, 0) as answers, coalesce(w.answer_seconds_sum, 0) as answer_seconds_sum,
      coalesce(w.visits_due, 0) as visits_due, coalesce(w.visits_on_time, 0) as visits_on_time,
      coalesce(w.sla_due, 0) as sla_due, coalesce(w.sla_met, 0) as sla_met,
      coalesce(w.csat_count, 0) as csat_count, coalesce(w.csat_sum, 0) as csat_sum,
      coalesce(w.jobs, 0) as jobs, coalesce(w.reworks, 0) as reworks, coalesce(w.ftf, 0) as ftf,
      coalesce(w.claims_decided, 0) as claims_decided, coalesce(w.claims_rejected, 0) as claims_rejected, coalesce(w.claims_partly, 0) as claims_partly
    from agencies a
    left join w on w.agency_id = a.id
    left join total on total.agency_id = a.id`.execute(db);
  if (!rows.length) return 0;
  const today = tehranDay(now);
  const probation = rows.map((r) => onProbation({ startDay: r.start_day, jobsCompleted: r.jobs_total, endedEarly: r.ended_early }, today, settings));
  const col = <K extends keyof (typeof rows)[number]>(k: K) => rows.map((r) => r[k]);
  const { rows: up } = await sql<{ n: number }>`
    with src as (
      select * from unnest(${col("id")}::bigint[], ${col("offers_accepted")}::int[], ${col("offers_decided")}::int[],
        ${col("visits_on_time")}::int[], ${col("visits_due")}::int[], ${col("csat_sum")}::int[], ${col("csat_count")}::int[],
        ${col("answers")}::int[], ${col("answer_seconds_sum")}::bigint[], ${col("sla_due")}::int[], ${col("sla_met")}::int[],
        ${col("jobs")}::int[], ${col("reworks")}::int[], ${col("ftf")}::int[], ${col("jobs_total")}::int[], ${probation}::boolean[],
        ${col("claims_decided")}::int[], ${col("claims_rejected")}::int[], ${col("claims_partly")}::int[])
        as x(agency_id, offers_accepted, offers_decided, visits_on_time, visits_due, csat_sum, csat_count, answers, answer_seconds_sum,
             sla_due, sla_met, jobs, reworks, ftf, jobs_total, on_probation, claims_decided, claims_rejected, claims_partly)
    ),
    up as (
      insert into agency_performance (agency_id, offers_accepted, offers_decided, visits_on_time, visits_due, csat_sum, csat_count,
        answers, answer_seconds_sum, sla_due, sla_met, jobs, reworks, ftf, jobs_total, on_probation,
        claims_decided, claims_rejected, claims_partly, refreshed_at)
      select agency_id, offers_accepted, offers_decided, visits_on_time, visits_due, csat_sum, csat_count,
        answers, answer_seconds_sum, sla_due, sla_met, jobs, reworks, ftf, jobs_total, on_probation,
        claims_decided, claims_rejected, claims_partly, ${now}::timestamptz
      from src
      on conflict (agency_id) do update set
        offers_accepted = excluded.offers_accepted, offers_decided = excluded.offers_decided,
        visits_on_time = excluded.visits_on_time, visits_due = excluded.visits_due,
        csat_sum = excluded.csat_sum, csat_count = excluded.csat_count,
        answers = excluded.answers, answer_seconds_sum = excluded.answer_seconds_sum, sla_due = excluded.sla_due,
        sla_met = excluded.sla_met, jobs = excluded.jobs, reworks = excluded.reworks, ftf = excluded.ftf,
        jobs_total = excluded.jobs_total, on_probation = excluded.on_probation,
        claims_decided = excluded.claims_decided, claims_rejected = excluded.claims_rejected, claims_partly = excluded.claims_partly, refreshed_at = excluded.refreshed_at
      returning 1
    )
    select count(*)::int as n from up`.execute(db);
  return up[0]?.n ?? 0;
}

// ---------- stored decisions ----------

export interface StoredDecision {
  id: number;
  ticketId: number;
  offerId: number | null;
  at: Date;
  outcome: "offered" | "held";
  holdReason: HoldReason | null;
  ranked: RankedCandidate[];
  excluded: ExcludedCandidate[];
  weights: Partial<DispatchWeights>;
  /** null: not counted (evaluatedWithinKm) */
  authorizedElsewhere: number | null;
  /** agencies near the customer not authorized for the product (counted, not listed); null: not counted */
  unauthorizedNearby: number | null;
  /** only the authorized agencies nearer than this were looked at (none farther could do better); null: all */
  evaluatedWithinKm: number | null;
  /** the agencies of the ranked and excluded lists: code and name */
  agencies: Record<number, { code: string; name: string }>;
}

export async function insertDecision(
  db: Conn,
  d: {
    ticketId: number;
    offerId: number | null;
    at: Date;
    outcome: "offered" | "held";
    holdReason: HoldReason | null;
    ranked: RankedCandidate[];
    excluded: ExcludedCandidate[];
    weights: DispatchWeights;
    authorizedElsewhere: number;
    unauthorizedNearby?: number;
  },
): Promise<number> {
  const row = await db
    .insertInto("dispatch_decisions")
    .values({
      ticket_id: d.ticketId,
      offer_id: d.offerId,
      at: d.at,
      outcome: d.outcome,
      hold_reason: d.holdReason,
      ranked: JSON.stringify(d.ranked),
      excluded: JSON.stringify(d.excluded),
      weights: JSON.stringify(d.weights),
      authorized_elsewhere: d.authorizedElsewhere,
      unauthorized_nearby: d.unauthorizedNearby ?? 0,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The latest stored decision of a ticket (staff data: the service checks the scope), with the agencies' names. */
export async function latestDecision(db: Conn, ticketId: number): Promise<StoredDecision | undefined> {
  const r = await db
    .selectFrom("dispatch_decisions")
    .select(["id", "ticket_id", "offer_id", "at", "outcome", "hold_reason", "ranked", "excluded", "weights", "authorized_elsewhere", "unauthorized_nearby", "evaluated_within_km"])
    .where("ticket_id", "=", ticketId)
    .orderBy("at", "desc")
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  if (!r) return undefined;
  const ranked = (Array.isArray(r.ranked) ? r.ranked : []) as unknown as RankedCandidate[];
  const excluded = (Array.isArray(r.excluded) ? r.excluded : []) as unknown as ExcludedCandidate[];
  const ids = [...new Set([...ranked.map((c) => c.agencyId), ...excluded.map((c) => c.agencyId)])];
  const names = ids.length ? await db.selectFrom("agencies").select(["id", "code", "name"]).where("id", "in", ids).execute() : [];
  return {
    id: r.id,
    ticketId: r.ticket_id,
    offerId: r.offer_id,
    at: r.at,
    outcome: r.outcome,
    holdReason: r.hold_reason,
    ranked,
    excluded,
    weights: r.weights as Partial<DispatchWeights>,
    authorizedElsewhere: r.authorized_elsewhere,
    unauthorizedNearby: r.unauthorized_nearby,
    evaluatedWithinKm: r.evaluated_within_km,
    agencies: Object.fromEntries(names.map((a) => [a.id, { code: a.code, name: a.name }])),
  };
}

/**
 * The supervisors' queue of held tickets (tickets_dispatch_held_idx), oldest first: staff data, explicit
 * columns, with the product's brand and the problem's category a supervisor reads to choose an agency.
 */
export async function heldTickets(db: Conn, limit = 100) {
  return db
    .selectFrom("tickets")
    .leftJoin("customer_products", "customer_products.id", "tickets.customer_product_id")
    .leftJoin("product_models", "product_models.id", "customer_products.model_id")
    .leftJoin("brands", "brands.id", "product_models.brand_id")
    .leftJoin("product_categories", "product_categories.id", "tickets.problem_category_id")
    .select([
      "tickets.id",
      "tickets.number",
      "tickets.status",
      "tickets.province",
      "tickets.city",
      "tickets.dispatch_held_at",
      "tickets.dispatch_hold_reason",
      "tickets.created_at",
      "brands.name_fa as brand_fa",
      "brands.name_en as brand_en",
      "product_categories.name_fa as category_fa",
      "product_categories.name_en as category_en",
    ])
    .where("tickets.dispatch_held_at", "is not", null)
    .where("tickets.status", "=", "new")
    .orderBy("tickets.dispatch_held_at")
    .orderBy("tickets.id")
    .limit(limit)
    .execute();
}
