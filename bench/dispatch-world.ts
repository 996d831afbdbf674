/**
 * bench/dispatch's world: a deterministic (seeded) country of agencies and jobs, generated in memory and
 * loaded into a database with a few set-based statements (unnest of arrays, 10,000 rows each).
 *
 *  - places: the demo seed's 23 cities (db/seed/demo-data.ts CITIES, real coordinates and customer weights)
 *    plus the capitals of Iran's other 20 provinces, so all 31 provinces are covered;
 *  - agencies: placed in a city by its customer weight, a few km around its centre; status (93% active,
 *    5% suspended, 2% terminated); service area = its city, often its whole province, sometimes a second city,
 *    and a service radius (25-60 km) for 60% of them; authorizations for 1-3 brands × most of their
 *    categories; 2-10 technicians and 5-8 jobs each; working hours (Sat-Wed 08:00-20:00 + Thu morning,
 *    Sat-Thu 09:00-18:00, or around the clock); performance counts (core/dispatch.ts's inputs);
 *  - open jobs: tickets in the load statuses (assigned … on hold) assigned to the agencies, each agency
 *    filled to 20-95% of its capacity, scaled to the requested total;
 *  - new tickets (`newTickets`): breakdowns of a product (brand × category) at a customer's place, by the
 *    cities' customer weights, waiting for dispatch.
 */
import { sql } from "kysely";
import type { DB } from "../db/connection";
import { BRANDS, CATEGORIES, CITIES, MOBILE_PREFIXES } from "../db/seed/demo-data";
import { Rng } from "../db/seed/util";
import { AGENCY_LOAD_STATUSES } from "../core/ticket";

export interface Place {
  province: string;
  city: string;
  lat: number;
  lng: number;
  prefix: string;
  /** relative share of customers (and agencies) */
  weight: number;
}

/** Capitals of the provinces the demo seed does not have (city-centre coordinates). */
const OTHER_CAPITALS: Place[] = [
  { province: "گیلان", city: "رشت", lat: 37.2808, lng: 49.5832, prefix: "GIL", weight: 3 },
  { province: "آذربایجان غربی", city: "ارومیه", lat: 37.5527, lng: 45.0761, prefix: "AZG", weight: 3 },
  { province: "کرمانشاه", city: "کرمانشاه", lat: 34.3142, lng: 47.065, prefix: "KRS", weight: 2.5 },
  { province: "همدان", city: "همدان", lat: 34.7983, lng: 48.5146, prefix: "HMD", weight: 2 },
  { province: "قزوین", city: "قزوین", lat: 36.2797, lng: 50.0049, prefix: "QZV", weight: 1.5 },
  { province: "قم", city: "قم", lat: 34.6399, lng: 50.8759, prefix: "QOM", weight: 2 },
  { province: "مرکزی", city: "اراک", lat: 34.0917, lng: 49.6892, prefix: "MRK", weight: 1.5 },
  { province: "زنجان", city: "زنجان", lat: 36.6736, lng: 48.4787, prefix: "ZNJ", weight: 1.2 },
  { province: "یزد", city: "یزد", lat: 31.8974, lng: 54.3569, prefix: "YZD", weight: 1.3 },
  { province: "سیستان و بلوچستان", city: "زاهدان", lat: 29.4963, lng: 60.8629, prefix: "SBL", weight: 2 },
  { province: "هرمزگان", city: "بندرعباس", lat: 27.1832, lng: 56.2666, prefix: "HRM", weight: 1.5 },
  { province: "بوشهر", city: "بوشهر", lat: 28.9234, lng: 50.8203, prefix: "BSH", weight: 1 },
  { province: "گلستان", city: "گرگان", lat: 36.8427, lng: 54.4353, prefix: "GLS", weight: 1.7 },
  { province: "اردبیل", city: "اردبیل", lat: 38.2498, lng: 48.2933, prefix: "ARD", weight: 1.2 },
  { province: "لرستان", city: "خرم‌آباد", lat: 33.4878, lng: 48.3558, prefix: "LRS", weight: 1.5 },
  { province: "کردستان", city: "سنندج", lat: 35.3219, lng: 46.9862, prefix: "KRD", weight: 1.4 },
  { province: "ایلام", city: "ایلام", lat: 33.6374, lng: 46.4227, prefix: "ILM", weight: 0.5 },
  { province: "چهارمحال و بختیاری", city: "شهرکرد", lat: 32.3256, lng: 50.8644, prefix: "CHB", weight: 0.8 },
  { province: "کهگیلویه و بویراحمد", city: "یاسوج", lat: 30.6682, lng: 51.588, prefix: "KBA", weight: 0.6 },
  { province: "سمنان", city: "سمنان", lat: 35.5769, lng: 53.3953, prefix: "SMN", weight: 0.6 },
  { province: "خراسان شمالی", city: "بجنورد", lat: 37.4747, lng: 57.329, prefix: "KHS", weight: 0.8 },
  { province: "خراسان جنوبی", city: "بیرجند", lat: 32.8663, lng: 59.2211, prefix: "KHJ", weight: 0.7 },
];

export const PLACES: Place[] = [
  ...CITIES.map((c) => ({ province: c.province, city: c.city, lat: c.lat, lng: c.lng, prefix: c.prefix, weight: c.customerWeight })),
  ...OTHER_CAPITALS,
];

export type Hours = Record<string, [string, string] | null>;
const LONG_WEEK: Hours = {
  sat: ["08:00", "20:00"], sun: ["08:00", "20:00"], mon: ["08:00", "20:00"], tue: ["08:00", "20:00"], wed: ["08:00", "20:00"],
  thu: ["08:00", "14:00"], fri: null,
};
const OFFICE_WEEK: Hours = {
  sat: ["09:00", "18:00"], sun: ["09:00", "18:00"], mon: ["09:00", "18:00"], tue: ["09:00", "18:00"], wed: ["09:00", "18:00"],
  thu: ["09:00", "18:00"], fri: null,
};
/** {}: around the clock (core/working-time.ts isAroundTheClock) */
const ALWAYS: Hours = {};

/** "brandIndex:categoryIndex" */
export type Skill = string;
export const skillOf = (brand: number, category: number): Skill => `${brand}:${category}`;

export interface BenchAgency {
  /** filled once loaded */
  id: number;
  code: string;
  name: string;
  place: Place;
  lat: number;
  lng: number;
  status: "active" | "suspended" | "terminated";
  radiusKm: number | null;
  areas: { province: string; city: string | null }[];
  skills: Set<Skill>;
  technicians: number;
  dailyCapacity: number;
  hours: Hours;
  mobile: string;
  /** open jobs generated for it */
  openJobs: number;
  perf: { accepted: number; decided: number; onTime: number; due: number; csatSum: number; csatCount: number };
}

export interface World {
  seed: number;
  agencies: BenchAgency[];
  /** brand × category pairs that exist as products: [brandIndex, categoryIndex] */
  products: [number, number][];
}

export interface NewTicketSpec {
  place: Place;
  lat: number;
  lng: number;
  brand: number;
  category: number;
}

/** A normal deviate (Box–Muller) from the generator. */
function gauss(rng: Rng): number {
  const u = Math.max(rng.float(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.float());
}

/** A point about `km` (one standard deviation) around a place's centre. */
export function around(rng: Rng, p: { lat: number; lng: number }, km: number): { lat: number; lng: number } {
  const dLat = (gauss(rng) * km) / 111.2;
  const dLng = (gauss(rng) * km) / (111.2 * Math.cos((p.lat * Math.PI) / 180));
  return { lat: Math.round((p.lat + dLat) * 1e6) / 1e6, lng: Math.round((p.lng + dLng) * 1e6) / 1e6 };
}

const weightedPlaces = (places: readonly Place[]) => places.map((p) => [p, p.weight] as const);

export function generateWorld(opts: { seed: number; agencies: number; openJobs: number }): World {
  const rng = new Rng(opts.seed);
  const products: [number, number][] = [];
  BRANDS.forEach((b, bi) => b.categories.forEach((c) => products.push([bi, CATEGORIES.findIndex((x) => x.code === c)])));
  const byPlace = weightedPlaces(PLACES);
  const counters = new Map<string, number>();
  const agencies: BenchAgency[] = [];
  for (let i = 0; i < opts.agencies; i++) {
    const place = rng.weighted(byPlace);
    const n = (counters.get(place.prefix) ?? 0) + 1;
    counters.set(place.prefix, n);
    const at = around(rng, place, place.weight > 10 ? 8 : 3);
    const roll = rng.float();
    const status = roll < 0.93 ? "active" : roll < 0.98 ? "suspended" : "terminated";
    const areas: BenchAgency["areas"] = [{ province: place.province, city: place.city }];
    if (rng.chance(0.35)) areas.push({ province: place.province, city: null });
    const neighbours = PLACES.filter((p) => p.province === place.province && p.city !== place.city);
    if (neighbours.length && rng.chance(0.2)) areas.push({ province: place.province, city: rng.pick(neighbours).city });
    const skills = new Set<Skill>();
    for (const bi of rng.sample(BRANDS.map((_, k) => k), rng.int(1, 3))) {
      const cats = BRANDS[bi]!.categories;
      for (const c of rng.sample(cats, rng.int(Math.ceil(cats.length / 2), cats.length))) skills.add(skillOf(bi, CATEGORIES.findIndex((x) => x.code === c)));
    }
    const technicians = rng.int(2, 10);
    const hoursRoll = rng.float();
    const decided = rng.int(0, 200);
    const accepted = Math.round(decided * rng.range(0.5, 1));
    const due = rng.int(0, 150);
    const csatCount = rng.int(0, 80);
    agencies.push({
      id: 0,
      code: `${place.prefix}-${String(n).padStart(4, "0")}`,
      name: `نمایندگی ${place.city} ${n}`,
      place,
      lat: at.lat,
      lng: at.lng,
      status,
      radiusKm: rng.chance(0.6) ? rng.int(25, 60) : null,
      areas,
      skills,
      technicians,
      dailyCapacity: technicians * rng.int(5, 8),
      hours: hoursRoll < 0.55 ? LONG_WEEK : hoursRoll < 0.75 ? OFFICE_WEEK : ALWAYS,
      mobile: `+98${rng.pick(MOBILE_PREFIXES)}${rng.digits(7)}`,
      openJobs: 0,
      perf: {
        accepted,
        decided,
        onTime: Math.round(due * rng.range(0.6, 1)),
        due,
        csatSum: Math.round(csatCount * rng.range(2.5, 5)),
        csatCount,
      },
    });
  }
  // open jobs: each agency filled to 20-95% of its capacity, scaled to the total, never above capacity
  const target = agencies.map((a) => a.dailyCapacity * rng.range(0.2, 0.95));
  const sum = target.reduce((s, x) => s + x, 0);
  let left = opts.openJobs;
  agencies.forEach((a, k) => {
    a.openJobs = Math.min(a.dailyCapacity, Math.floor((target[k]! / sum) * opts.openJobs));
    left -= a.openJobs;
  });
  for (let k = 0; left > 0 && k < agencies.length * 4; k++) {
    const a = agencies[k % agencies.length]!;
    if (a.openJobs < a.dailyCapacity) {
      a.openJobs++;
      left--;
    }
  }
  return { seed: opts.seed, agencies, products };
}

/** `count` new breakdown tickets: a place by the customer weights, a point around it, a product. */
export function newTicketSpecs(world: World, seed: number, count: number): NewTicketSpec[] {
  const rng = new Rng(seed);
  const byPlace = weightedPlaces(PLACES);
  return Array.from({ length: count }, () => {
    const place = rng.weighted(byPlace);
    const at = around(rng, place, place.weight > 10 ? 9 : 4);
    const [brand, category] = rng.pick(world.products);
    return { place, lat: at.lat, lng: at.lng, brand, category };
  });
}

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

const CHUNK = 10_000;

async function chunks<T>(rows: readonly T[], f: (part: readonly T[]) => Promise<void>) {
  for (let i = 0; i < rows.length; i += CHUNK) await f(rows.slice(i, i + CHUNK));
}

export interface Loaded {
  brandIds: number[];
  categoryIds: number[];
  /** product_models.id by skill */
  modelIds: Map<Skill, number>;
  /** customer ids to attach tickets to */
  customerIds: number[];
  /** the open jobs' accepted offers the world was loaded with */
  loadedOffers: number;
}

/** Loads the world into an empty, migrated database; sets each agency's `id`. */
export async function loadWorld(db: DB, world: World, o: { customers?: number; log?: (s: string) => void } = {}): Promise<Loaded> {
  const log = o.log ?? (() => {});
  const rng = new Rng(world.seed + 1);
  const brandIds = (
    await db.insertInto("brands").values(BRANDS.map((b) => ({ code: b.code, name_fa: b.nameFa, name_en: b.nameEn }))).returning("id").execute()
  ).map((r) => r.id);
  const categoryIds = (
    await db
      .insertInto("product_categories")
      .values(CATEGORIES.map((c) => ({ code: c.code, name_fa: c.nameFa, name_en: c.nameEn, default_warranty_months: c.warrantyMonths })))
      .returning("id")
      .execute()
  ).map((r) => r.id);
  const modelIds = new Map<Skill, number>();
  const models = await db
    .insertInto("product_models")
    .values(world.products.map(([b, c]) => ({ brand_id: brandIds[b]!, category_id: categoryIds[c]!, model_code: `${BRANDS[b]!.prefix}-${CATEGORIES[c]!.prefix}-100`, name: `${BRANDS[b]!.nameFa} ${CATEGORIES[c]!.nameFa}` })))
    .returning("id")
    .execute();
  world.products.forEach(([b, c], k) => modelIds.set(skillOf(b, c), models[k]!.id));

  const A = world.agencies;
  await chunks(A, async (part) => {
    const { rows } = await sql<{ id: number }>`
      insert into agencies (code, name, phones, mobile, status, status_reason, province, city, lat, lng, service_radius_km,
                            technician_count, daily_job_capacity, working_hours)
      select code, name, array[phone], mobile, status, case when status = 'active' then null else 'بنچمارک' end, province, city, lat, lng, radius,
             techs, cap, hours::jsonb
      from unnest(${part.map((a) => a.code)}::text[], ${part.map((a) => a.name)}::text[], ${part.map((a) => `0${a.mobile.slice(3)}`)}::text[],
                  ${part.map((a) => a.mobile)}::text[], ${part.map((a) => a.status)}::text[], ${part.map((a) => a.place.province)}::text[],
                  ${part.map((a) => a.place.city)}::text[], ${part.map((a) => a.lat)}::float8[], ${part.map((a) => a.lng)}::float8[],
                  ${part.map((a) => a.radiusKm)}::int[], ${part.map((a) => a.technicians)}::int[], ${part.map((a) => a.dailyCapacity)}::int[],
                  ${part.map((a) => JSON.stringify(a.hours))}::text[])
        with ordinality as u(code, name, phone, mobile, status, province, city, lat, lng, radius, techs, cap, hours, ord)
      order by ord
      returning id`.execute(db);
    // identities are drawn in insertion order, which follows `order by ord`
    rows.map((r) => Number(r.id)).sort((a, b) => a - b).forEach((id, k) => (part[k]!.id = id));
  });
  log(`agencies: ${A.length}`);

  const areas = A.flatMap((a) => a.areas.map((s) => ({ agency: a.id, province: s.province, city: s.city })));
  await chunks(areas, async (part) => {
    await sql`insert into agency_service_areas (agency_id, province, city)
      select * from unnest(${part.map((r) => r.agency)}::bigint[], ${part.map((r) => r.province)}::text[], ${part.map((r) => r.city)}::text[])`.execute(db);
  });
  const auths = A.flatMap((a) => [...a.skills].map((s) => s.split(":").map(Number) as [number, number]).map(([b, c]) => ({ agency: a.id, brand: brandIds[b]!, category: categoryIds[c]! })));
  await chunks(auths, async (part) => {
    await sql`insert into agency_authorizations (agency_id, brand_id, category_id)
      select * from unnest(${part.map((r) => r.agency)}::bigint[], ${part.map((r) => r.brand)}::bigint[], ${part.map((r) => r.category)}::bigint[])`.execute(db);
  });
  log(`service areas: ${areas.length}, authorizations: ${auths.length}`);

  // performance counts, when the engine's table is there (core/dispatch.ts reads them from it)
  const { rows: perfTable } = await sql<{ ok: boolean }>`select to_regclass('agency_performance') is not null as ok`.execute(db);
  if (perfTable[0]?.ok) {
    await chunks(A, async (part) => {
      await sql`insert into agency_performance (agency_id, offers_accepted, offers_decided, visits_on_time, visits_due, csat_sum, csat_count)
        select * from unnest(${part.map((a) => a.id)}::bigint[], ${part.map((a) => a.perf.accepted)}::int[], ${part.map((a) => a.perf.decided)}::int[],
          ${part.map((a) => a.perf.onTime)}::int[], ${part.map((a) => a.perf.due)}::int[], ${part.map((a) => a.perf.csatSum)}::int[], ${part.map((a) => a.perf.csatCount)}::int[])`.execute(db);
    });
  }

  const customerCount = o.customers ?? Math.max(10, Math.min(20_000, Math.ceil(A.reduce((s, a) => s + a.openJobs, 0) / 5)));
  const customerIds: number[] = [];
  const names = Array.from({ length: customerCount }, (_, k) => `مشتری آزمایشی ${k + 1}`);
  const mobiles = Array.from({ length: customerCount }, () => `+98${rng.pick(MOBILE_PREFIXES)}${rng.digits(7)}`);
  await chunks(
    names.map((n, k) => [n, mobiles[k]!] as const),
    async (part) => {
      const { rows } = await sql<{ id: number }>`
        insert into customers (full_name, mobile)
        select n, m from unnest(${part.map((p) => p[0])}::text[], ${part.map((p) => p[1])}::text[]) with ordinality as u(n, m, ord) order by ord
        returning id`.execute(db);
      customerIds.push(...rows.map((r) => Number(r.id)).sort((a, b) => a - b));
    },
  );

  const jobs: { agency: number; customer: number; status: string; province: string; city: string; lat: number; lng: number }[] = [];
  for (const a of A) {
    for (let k = 0; k < a.openJobs; k++) {
      const at = around(rng, a, 6);
      jobs.push({ agency: a.id, customer: rng.pick(customerIds), status: rng.pick(AGENCY_LOAD_STATUSES), province: a.place.province, city: a.place.city, lat: at.lat, lng: at.lng });
    }
  }
  await chunks(jobs, async (part) => {
    await sql`insert into tickets (type, channel, customer_id, warranty_status, status, assigned_agency_id, province, city, lat, lng, created_at)
      select 'breakdown', 'phone', c, 'unknown', s, a, p, ci, la, ln, now() - interval '2 days'
      from unnest(${part.map((j) => j.customer)}::bigint[], ${part.map((j) => j.status)}::text[], ${part.map((j) => j.agency)}::bigint[],
                  ${part.map((j) => j.province)}::text[], ${part.map((j) => j.city)}::text[], ${part.map((j) => j.lat)}::float8[],
                  ${part.map((j) => j.lng)}::float8[]) as u(c, s, a, p, ci, la, ln)`.execute(db);
  });
  // Each open job was offered to its agency and accepted when it was made: the offers table a decision reads
  // holds as many offers as there are jobs. Left empty, it made the prepared candidate query keep the plan it
  // was given on an empty table — a whole scan of dispatch_offers per candidate, three times — which a live
  // system's table never gets and which grew with every offer the run wrote (p50 ≈ 2× in 1,000 decisions).
  const { rows: offers } = await sql<{ n: number }>`
    with o as (
      insert into dispatch_offers (ticket_id, agency_id, attempt, status, offered_at, deadline_at, responded_at)
      select id, assigned_agency_id, 1, 'accepted', created_at + interval '1 minute', created_at + interval '31 minutes', created_at + interval '6 minutes'
      from tickets where assigned_agency_id is not null
      returning 1
    )
    select count(*)::int as n from o`.execute(db);
  log(`customers: ${customerIds.length}, open jobs: ${jobs.length} (each with its accepted offer: ${offers[0]!.n})`);
  // as autovacuum keeps a live database: statistics, and the visibility map that lets index-only scans skip the heap
  await sql`vacuum analyze`.execute(db);
  return { brandIds, categoryIds, modelIds, customerIds, loadedOffers: offers[0]!.n };
}

/**
 * Inserts new breakdown tickets (status `new`, a customer product of the spec's brand × category) created at
 * `createdAt[k]`; returns their ids in order.
 */
export async function insertNewTickets(db: DB, loaded: Loaded, specs: readonly NewTicketSpec[], createdAt: readonly Date[], seed: number): Promise<number[]> {
  const rng = new Rng(seed);
  const ids: number[] = [];
  await chunks(
    specs.map((s, k) => ({ s, at: createdAt[k]!, customer: rng.pick(loaded.customerIds), serial: `BN-${seed}-${k}` })),
    async (part) => {
      const { rows } = await sql<{ id: number }>`
        with u as (
          select * from unnest(${part.map((p) => p.customer)}::bigint[], ${part.map((p) => loaded.modelIds.get(skillOf(p.s.brand, p.s.category))!)}::bigint[],
                               ${part.map((p) => p.serial)}::text[], ${part.map((p) => p.s.place.province)}::text[], ${part.map((p) => p.s.place.city)}::text[],
                               ${part.map((p) => p.s.lat)}::float8[], ${part.map((p) => p.s.lng)}::float8[], ${part.map((p) => p.at)}::timestamptz[])
            with ordinality as u(customer, model, serial, province, city, lat, lng, at, ord)
        ),
        cp as (
          insert into customer_products (customer_id, model_id, serial_number, warranty_months)
          select customer, model, serial, 24 from u order by ord
          returning id, serial_number
        )
        insert into tickets (type, channel, customer_id, customer_product_id, warranty_status, status, province, city, lat, lng, created_at, updated_at)
        select 'breakdown', 'phone', u.customer, cp.id, 'in_warranty', 'new', u.province, u.city, u.lat, u.lng, u.at, u.at
        from u join cp on cp.serial_number = u.serial
        order by u.ord
        returning id`.execute(db);
      ids.push(...rows.map((r) => Number(r.id)).sort((a, b) => a - b));
    },
  );
  return ids;
}
