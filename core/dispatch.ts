/**
 * The dispatch rule (issue 13, section 1): which agencies may be offered a breakdown ticket, and in which
 * order. Pure: the facts come from one query (db/repos/dispatch.ts candidateFacts), the clock is passed in.
 *
 * ## Candidates (hard constraints: an agency failing one is excluded, with every reason it fails)
 *  - `unauthorized`  — not authorized for the product's brand × category (agency_authorizations);
 *  - `suspended` / `terminated` — agencies.status is not 'active';
 *  - `out_of_area`   — its service area does not cover the customer: covered when one of its
 *    agency_service_areas rows names the ticket's province with the ticket's city or with no city (the
 *    whole province), OR when both it and the ticket have coordinates and the distance is within its
 *    service_radius_km. A ticket without province/city and coordinates is covered by nobody. An agency
 *    with service polygons drawn on the map covers a ticket with coordinates only when its point lies
 *    inside one (`polygonMatch`, core/service-polygons.ts);
 *  - `closed`        — outside its working hours now (agencies.working_hours, Tehran local time, on the
 *    working-day clock core/working-time.ts; see `closedReason`);
 *  - `holiday`       — its hours have it open now, but today is an official holiday (the admin's holiday
 *    table; an agency open around the clock stays open on holidays);
 *  - `full`          — open jobs ≥ capacity. Open jobs = its tickets in AGENCY_LOAD_STATUSES (accepted,
 *    not finished) + its pending offers whose deadline has not passed (each may become a job).
 *    Capacity = daily_job_capacity, or 0 when it has no technician (technician_count = 0); on probation
 *    (core/quality.ts) PROBATION_CAPACITY_SHARE of it, rounded up;
 *  - `already_offered` — it had an offer for this ticket before (any status): never offered twice.
 *
 * ## Score of a candidate (higher is better; each component in [0, 1])
 *    score = w.distance·distance + w.load·load + w.performance·performance + w.fairness·fairness
 *  - distance    = 1 / (1 + km / DISTANCE_SCALE_KM)  (haversine, agency → customer; 0 when either has no
 *    coordinates: an agency we cannot place is the last resort, never preferred);
 *  - load        = 1 − openJobs / capacity  (free share of its capacity);
 *  - performance = the agency's scorecard of the last PERFORMANCE_WINDOW_MONTHS Jalali months (issue 15 §5,
 *    core/quality.ts performanceTerm: the weighted PERFORMANCE_WEIGHTS of smoothed acceptance, answer speed,
 *    on-time visits, SLA met, CSAT and first-time fix, each pulled towards a neutral 0.5 so a new agency is
 *    neither best nor worst), capped at PROBATION_PERFORMANCE_CAP while the agency is on probation;
 *  - fairness    = 1 − min(1, recentOffers / capacity): the offers it received in the last
 *    FAIRNESS_WINDOW_HOURS per job of its capacity, so agencies of similar merit take turns (one offered a
 *    day's capacity already scores 0). It depends on the agency alone — not on the other candidates (it was
 *    1 − recent / the most any candidate had) — so that every component, and the score, of an agency is
 *    known without looking at the others: the engine may rank the nearest few and prove that no farther
 *    agency could do better (`scoreBoundBeyond`).
 * Ties: shorter distance (unknown last), then lower agency id — the ranking is deterministic.
 * DEFAULT_DISPATCH_WEIGHTS: distance dominates (the customer waits less, the benchmark's total distance),
 * then load and performance, fairness breaks near-ties. DISPATCH_WEIGHTS (platform/env.ts) overrides them.
 * The trade-off: DISTANCE_SCALE_KM = 3 (a city's scale; at 10 km the component was nearly flat over the
 * 1-5 km between a city's agencies) makes one km near the customer worth ≈ 0.15 of the component, ≈ 0.12
 * of score at weight 0.8; so the whole range of load (idle vs full, 0.08) is worth ≈ 0.7 km, performance's
 * (0.08) less in practice (smoothed rates stay near the middle), fairness (0.04) ≈ 0.3 km. bench/dispatch's
 * simulated day (1,000 tickets, 5,000 agencies): these defaults +1.9% total distance over the hindsight
 * optimum (+3.1% with the earlier fairness relative to the other candidates; target ≤ 5%); 0.7 / 0.15 /
 * 0.1 / 0.05 gave +8.9%, 0.55 / 0.2 / 0.15 / 0.1 with a 10 km scale +33%; distance alone +0% but never
 * spreads the load.
 */

import { isWorkingTime, parseHm, tehranDayNumber, tehranDayStartMs, weekdayOfDay, type WorkingCalendar } from "./working-time";
import { dispatchCapacity, performanceTerm, scorecardRates, type ScorecardCounts, type ScorecardRates } from "./quality";

export const EXCLUSION_REASONS = ["unauthorized", "suspended", "terminated", "out_of_area", "closed", "holiday", "full", "already_offered"] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

export const SCORE_COMPONENTS = ["distance", "load", "performance", "fairness"] as const;
export type ScoreComponent = (typeof SCORE_COMPONENTS)[number];
export type DispatchWeights = Record<ScoreComponent, number>;

export const DEFAULT_DISPATCH_WEIGHTS: Readonly<DispatchWeights> = Object.freeze({ distance: 0.8, load: 0.08, performance: 0.08, fairness: 0.04 });

/** distance component = 1 / (1 + km / this): 1 at the door, 0.75 at 1 km, 0.5 at 3 km, 0.23 at 10 km, 0.03 at 100 km. */
export const DISTANCE_SCALE_KM = 3;
/** fairness counts the offers of this many recent hours */
export const FAIRNESS_WINDOW_HOURS = 24;

/** Per weekday (sat … fri, Tehran local time): [open, close] as "HH:MM" ("24:00" allowed), or null: closed. */
export type WorkingHours = Record<string, [string, string] | null>;
/** JS getUTCDay() order */
export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type Weekday = (typeof WEEKDAYS)[number];
/**
 * Open around the clock, every day: each day "00:00"–"24:00". An empty object ({}: hours never recorded,
 * the column's default) also counts as 24/7. A day missing from a non-empty object is closed; a range whose
 * close is not after its open ("22:00"–"06:00") runs past midnight into the next day.
 */
export const ALWAYS_OPEN: WorkingHours = Object.freeze(Object.fromEntries(WEEKDAYS.map((d) => [d, ["00:00", "24:00"]]))) as WorkingHours;


export interface CandidateFacts {
  agencyId: number;
  code: string;
  name: string;
  status: "active" | "suspended" | "terminated";
  /** authorized for the ticket's brand × category */
  authorized: boolean;
  /** one of its service-area rows names the ticket's province (with its city, or no city) */
  areaMatch: boolean;
  serviceRadiusKm: number | null;
  /**
   * its service area drawn on the map (core/service-polygons.ts coveredByPolygons): whether the customer's
   * point lies inside one of its polygons; null (or absent) when it has none or the ticket has no point
   */
  polygonMatch?: boolean | null;
  /** haversine km agency → customer; null when either has no coordinates */
  distanceKm: number | null;
  workingHours: WorkingHours;
  /** tickets in AGENCY_LOAD_STATUSES assigned to it + its live pending offers */
  openJobs: number;
  dailyJobCapacity: number;
  technicianCount: number;
  /** performance counts: the scorecard's last PERFORMANCE_WINDOW_MONTHS (agency_performance) */
  offersAccepted: number;
  /** offers that got an answer or lapsed (accepted, rejected, expired) */
  offersDecided: number;
  visitsOnTime: number;
  visitsDue: number;
  csatSum: number;
  csatCount: number;
  /** the rest of the scorecard's counts (issue 15 §5); missing: none yet */
  answers?: number;
  answerSecondsSum?: number;
  slaDue?: number;
  slaMet?: number;
  jobs?: number;
  reworks?: number;
  ftf?: number;
  /** warranty claims decided, and of them rejected / approved in part (the scorecard's claim rejections) */
  claimsDecided?: number;
  claimsRejected?: number;
  claimsPartly?: number;
  /** on probation (core/quality.ts onProbation, kept in agency_performance) */
  probation?: boolean;
  /** offers received in the last FAIRNESS_WINDOW_HOURS */
  recentOffers: number;
  /** it had an offer for this ticket before */
  alreadyOffered: boolean;
}

export type ScoreComponents = Record<ScoreComponent, number>;

/** The scorecard figures that made a candidate's performance component ("why this agency"). */
export interface PerformanceExplanation {
  rates: ScorecardRates;
  jobs: number;
  reworks: number;
  /** warranty claims decided behind rates.claimRejection (decisions stored before it lack it) */
  claimsDecided?: number;
  probation: boolean;
}

export interface RankedCandidate {
  agencyId: number;
  code: string;
  score: number;
  distanceKm: number | null;
  openJobs: number;
  capacity: number;
  components: ScoreComponents;
  /** the scorecard behind `components.performance` (decisions stored before issue 15 lack it) */
  scorecard?: PerformanceExplanation;
}
export interface ExcludedCandidate {
  agencyId: number;
  code: string;
  reasons: ExclusionReason[];
}
export interface Ranking {
  ranked: RankedCandidate[];
  excluded: ExcludedCandidate[];
}

// ---------- geometry ----------

const EARTH_RADIUS_KM = 6371.0088;

export function haversineKm(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLng = (lng2 - lng1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

// ---------- capacity, area ----------

/** Capacity in jobs: daily_job_capacity, 0 without technicians; on probation a share of it (core/quality.ts). */
export function agencyCapacity(f: Pick<CandidateFacts, "dailyJobCapacity" | "technicianCount" | "probation">): number {
  return dispatchCapacity(f.technicianCount > 0 ? Math.max(0, f.dailyJobCapacity) : 0, f.probation ?? false);
}

export function coversLocation(f: Pick<CandidateFacts, "areaMatch" | "serviceRadiusKm" | "distanceKm" | "polygonMatch">): boolean {
  // an agency with polygons drawn covers a placed customer only inside one of them
  if (f.polygonMatch !== undefined && f.polygonMatch !== null) return f.polygonMatch;
  if (f.areaMatch) return true;
  return f.distanceKm !== null && f.serviceRadiusKm !== null && f.distanceKm <= f.serviceRadiusKm;
}

// ---------- working hours ----------

/** A working-hours value as stored is well formed: known days, "HH:MM" pairs or null. */
export function isWorkingHours(v: unknown): v is WorkingHours {
  if (!v || typeof v !== "object" || Array.isArray(v)) return false;
  return Object.entries(v as Record<string, unknown>).every(
    ([k, r]) =>
      (WEEKDAYS as readonly string[]).includes(k) &&
      (r === null || (Array.isArray(r) && r.length === 2 && typeof r[0] === "string" && typeof r[1] === "string" && parseHm(r[0]) !== null && parseHm(r[1]) !== null)),
  );
}

/**
 * An agency's working-day calendar from its weekly hours (core/working-time.ts). The services pass
 * services/working-calendar.ts workingCalendars(db).of: the weekly hours with the admin's official holidays
 * (precomputed day tables, cached per set of hours), so the per-candidate check is a table lookup.
 */
export type CalendarOf = (hours: WorkingHours) => WorkingCalendar;

/**
 * Why an agency is closed at `at` on its calendar, or null when it is open (working time):
 *  - 'holiday': its weekly hours have it open now, but today (Tehran) is an official holiday — a calendar open
 *    around the clock ({} or every day 00:00–24:00) has no holidays (core/working-time.ts: an agency that
 *    says it never closes stays open on holidays), so a 24/7 agency is never closed;
 *  - 'closed': outside its weekly hours (on a holiday too, when it would have been closed anyway), or hours
 *    with no working minute in the week at all (never open; the clock itself would run on plain time there).
 * The small hours of a range past midnight belong to the next day: off when that day is a holiday.
 */
export function closedReason(cal: WorkingCalendar, at: Date | number): "closed" | "holiday" | null {
  if (cal.plain) return "closed";
  if (isWorkingTime(at, cal)) return null;
  const t = typeof at === "number" ? at : at.getTime();
  const day = tehranDayNumber(t);
  if (cal.alwaysOpen || !cal.holidays.has(day)) return "closed";
  const off = t - tehranDayStartMs(day);
  return cal.week[weekdayOfDay(day)]!.some(([a, b]) => a <= off && off < b) ? "holiday" : "closed";
}

// ---------- scoring ----------

/** A candidate's scorecard counts (core/quality.ts ScorecardCounts). */
export function scorecardCountsOf(f: Omit<CandidateFacts, "agencyId" | "code" | "name" | "status" | "authorized" | "areaMatch" | "serviceRadiusKm" | "distanceKm" | "workingHours" | "openJobs" | "dailyJobCapacity" | "technicianCount" | "recentOffers" | "alreadyOffered">): ScorecardCounts {
  return {
    offersDecided: f.offersDecided,
    offersAccepted: f.offersAccepted,
    answers: f.answers ?? 0,
    answerSecondsSum: f.answerSecondsSum ?? 0,
    visitsDue: f.visitsDue,
    visitsOnTime: f.visitsOnTime,
    slaDue: f.slaDue ?? 0,
    slaMet: f.slaMet ?? 0,
    csatCount: f.csatCount,
    csatSum: f.csatSum,
    jobs: f.jobs ?? 0,
    reworks: f.reworks ?? 0,
    ftf: f.ftf ?? 0,
    claimsDecided: f.claimsDecided ?? 0,
    claimsRejected: f.claimsRejected ?? 0,
    claimsPartly: f.claimsPartly ?? 0,
  };
}

/** The performance component: the scorecard's term (core/quality.ts performanceTerm). */
export function performanceOf(f: Parameters<typeof scorecardCountsOf>[0]): number {
  return performanceTerm(scorecardCountsOf(f), f.probation ?? false);
}

/** What the decision stores of the scorecard behind the performance component. */
export function performanceExplanation(f: Parameters<typeof scorecardCountsOf>[0]): PerformanceExplanation {
  const c = scorecardCountsOf(f);
  const r = scorecardRates(c);
  const r4 = (x: number | null) => (x === null ? null : Math.round(x * 10_000) / 10_000);
  return {
    rates: { acceptance: r4(r.acceptance), answerSeconds: r.answerSeconds === null ? null : Math.round(r.answerSeconds), onTime: r4(r.onTime), slaMet: r4(r.slaMet), csat: r4(r.csat), rework: r4(r.rework), firstTimeFix: r4(r.firstTimeFix), claimRejection: r4(r.claimRejection) },
    jobs: c.jobs,
    reworks: c.reworks,
    claimsDecided: c.claimsDecided,
    probation: f.probation ?? false,
  };
}

export function distanceComponent(km: number | null): number {
  return km === null ? 0 : 1 / (1 + Math.max(0, km) / DISTANCE_SCALE_KM);
}

/** Why an agency may not be offered the ticket now; [] for a candidate. `calendarOf`: its hours with the holidays. */
export function exclusionReasons(f: CandidateFacts, now: Date, calendarOf: CalendarOf): ExclusionReason[] {
  const r: ExclusionReason[] = [];
  if (!f.authorized) r.push("unauthorized");
  if (f.status === "suspended") r.push("suspended");
  else if (f.status === "terminated") r.push("terminated");
  else if (f.status !== "active") r.push("suspended");
  if (!coversLocation(f)) r.push("out_of_area");
  const closed = closedReason(calendarOf(f.workingHours), now);
  if (closed) r.push(closed);
  if (f.openJobs >= agencyCapacity(f)) r.push("full");
  if (f.alreadyOffered) r.push("already_offered");
  return r;
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;

/**
 * Ranks the candidates: every agency of `facts` ends either in `ranked` (best first) or in `excluded`
 * (with ≥ 1 reason). Negative or non-finite weights count as 0. `calendarOf`: each agency's working-day
 * calendar, always given — the services pass the one with the official holidays (workingCalendars(db).of);
 * a caller without the holiday table builds its own with core/working-time.ts makeWorkingCalendar.
 */
export function rankCandidates(
  facts: readonly CandidateFacts[],
  now: Date,
  weights: DispatchWeights = DEFAULT_DISPATCH_WEIGHTS,
  calendarOf: CalendarOf,
): Ranking {
  const w = effectiveWeights(weights);
  const excluded: ExcludedCandidate[] = [];
  const eligible: CandidateFacts[] = [];
  for (const f of facts) {
    const reasons = exclusionReasons(f, now, calendarOf);
    if (reasons.length) excluded.push({ agencyId: f.agencyId, code: f.code, reasons });
    else eligible.push(f);
  }
  const ranked = eligible.map((f): RankedCandidate => {
    const capacity = agencyCapacity(f);
    const components: ScoreComponents = {
      distance: round(distanceComponent(f.distanceKm)),
      load: round(capacity > 0 ? 1 - Math.min(f.openJobs, capacity) / capacity : 0),
      performance: round(performanceOf(f)),
      fairness: round(capacity > 0 ? 1 - Math.min(1, Math.max(0, f.recentOffers) / capacity) : 0),
    };
    const score = round(SCORE_COMPONENTS.reduce((s, c) => s + w[c] * components[c], 0));
    return {
      agencyId: f.agencyId,
      code: f.code,
      score,
      distanceKm: f.distanceKm === null ? null : round(f.distanceKm),
      openJobs: f.openJobs,
      capacity,
      components,
      scorecard: performanceExplanation(f),
    };
  });
  ranked.sort(compareRanked);
  excluded.sort((a, b) => a.agencyId - b.agencyId);
  return { ranked, excluded };
}

/** The weights as the score uses them: negative or non-finite ones count as 0. */
function effectiveWeights(weights: DispatchWeights): DispatchWeights {
  return Object.fromEntries(SCORE_COMPONENTS.map((c) => [c, Number.isFinite(weights[c]) && weights[c] > 0 ? weights[c] : 0])) as DispatchWeights;
}

/**
 * The highest score any agency at least `km` from the customer (or not placed at all) could get: distance
 * at most distanceComponent(km), every other component at most 1 — each component depends on the agency's
 * own facts only, and distanceComponent decreases with km. Plus the scores' rounding (4 decimals).
 */
export function scoreBoundBeyond(km: number, weights: DispatchWeights = DEFAULT_DISPATCH_WEIGHTS): number {
  const w = effectiveWeights(weights);
  const total = w.distance + w.load + w.performance + w.fairness;
  return w.distance * distanceComponent(km) + w.load + w.performance + w.fairness + total * 0.0001 + 0.0001;
}

/**
 * Whether the best of a ranking of the agencies nearer than `km` is the best of all: its score is above
 * what any agency at `km` or farther could get (scoreBoundBeyond). False without an eligible agency.
 */
export function bestIsProven(ranking: Ranking, km: number, weights: DispatchWeights = DEFAULT_DISPATCH_WEIGHTS): boolean {
  const best = ranking.ranked[0];
  return !!best && best.score > scoreBoundBeyond(km, weights);
}

export function compareRanked(a: RankedCandidate, b: RankedCandidate): number {
  if (b.score !== a.score) return b.score - a.score;
  const da = a.distanceKm ?? Number.POSITIVE_INFINITY;
  const db = b.distanceKm ?? Number.POSITIVE_INFINITY;
  if (da !== db) return da < db ? -1 : 1;
  return a.agencyId - b.agencyId;
}

// ---------- held tickets ----------

export const HOLD_REASONS = ["no_authorized_agency", "all_out_of_area", "all_suspended", "all_closed", "all_full", "offers_exhausted", "no_candidate"] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];

/**
 * Why nobody was offered the ticket, from the excluded agencies (and how many authorized agencies the query
 * did not return, being far from the customer): the first reason in the order of the hard constraints that every remaining
 * agency fails, e.g. all authorized agencies are out of area → 'all_out_of_area'.
 */
export function holdReason(excluded: readonly ExcludedCandidate[], authorizedElsewhere = 0): HoldReason {
  const authorized = excluded.filter((e) => !e.reasons.includes("unauthorized"));
  if (authorized.length === 0) return authorizedElsewhere > 0 ? "all_out_of_area" : "no_authorized_agency";
  if (authorized.every((e) => e.reasons.includes("suspended") || e.reasons.includes("terminated"))) return "all_suspended";
  const active = authorized.filter((e) => !e.reasons.includes("suspended") && !e.reasons.includes("terminated"));
  if (active.every((e) => e.reasons.includes("out_of_area"))) return "all_out_of_area";
  const inArea = active.filter((e) => !e.reasons.includes("out_of_area"));
  if (inArea.every((e) => e.reasons.includes("already_offered"))) return "offers_exhausted";
  const fresh = inArea.filter((e) => !e.reasons.includes("already_offered"));
  if (fresh.every((e) => e.reasons.includes("full"))) return "all_full";
  if (fresh.every((e) => e.reasons.includes("closed") || e.reasons.includes("holiday"))) return "all_closed";
  return "no_candidate";
}

// ---------- configuration ----------

/**
 * Parses DISPATCH_WEIGHTS: JSON with some of distance, load, performance, fairness (numbers ≥ 0, not all 0);
 * missing keys keep their default. Returns the weights or a message.
 */
export function parseDispatchWeights(text: string): { ok: true; weights: DispatchWeights } | { ok: false; message: string } {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { ok: false, message: 'must be JSON, e.g. {"distance":0.6,"load":0.2,"performance":0.1,"fairness":0.1}' };
  }
  if (!v || typeof v !== "object" || Array.isArray(v)) return { ok: false, message: "must be a JSON object of weights" };
  const weights: DispatchWeights = { ...DEFAULT_DISPATCH_WEIGHTS };
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (!(SCORE_COMPONENTS as readonly string[]).includes(k)) return { ok: false, message: `unknown weight "${k.slice(0, 40)}" (known: ${SCORE_COMPONENTS.join(", ")})` };
    if (typeof x !== "number" || !Number.isFinite(x) || x < 0 || x > 100) return { ok: false, message: `weight "${k}" must be a number from 0 to 100` };
    weights[k as ScoreComponent] = x;
  }
  if (SCORE_COMPONENTS.every((c) => weights[c] === 0)) return { ok: false, message: "at least one weight must be above 0" };
  return { ok: true, weights };
}
