/**
 * A realistic amount of dispatch data for plans (and for bench/dispatch if it wants it): `agencies` agencies
 * across Iran (a sixth of them in Tehran province, the rest over 30 provinces of 8 cities each), each
 * authorized for about a fifth of 60 brand × category pairs and serving its city (the first of each
 * province the whole province), `openJobs` open jobs assigned to them (each with its accepted offer of the
 * last 30 days), a few thousand tickets waiting on a pending offer, and performance counts refreshed.
 * Deterministic (PostgreSQL's setseed and a seeded JS generator). Returns what a test needs to make tickets.
 */
import { sql } from "kysely";
import { ALWAYS_OPEN } from "../../core/dispatch";
import type { DB } from "../../db/connection";
import { refreshAgencyPerformance } from "../../db/repos/dispatch";

export interface ScaleWorld {
  customerId: number;
  /** product ids, one per brand × category */
  productIds: number[];
  places: { province: string; city: string; lat: number; lng: number }[];
}

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export async function buildDispatchScale(db: DB, o: { agencies?: number; openJobs?: number; pendingOffers?: number } = {}): Promise<ScaleWorld> {
  const agencyCount = o.agencies ?? 5000;
  const openJobs = o.openJobs ?? 100_000;
  const pendingOffers = o.pendingOffers ?? 3000;
  const rand = rng(13);

  // places: Tehran's cities, then 30 provinces of 8 cities over Iran's extent
  const places: ScaleWorld["places"] = [
    { province: "تهران", city: "تهران", lat: 35.6892, lng: 51.389 },
    { province: "تهران", city: "اسلامشهر", lat: 35.5446, lng: 51.2302 },
    { province: "تهران", city: "شهریار", lat: 35.6597, lng: 51.0592 },
    { province: "تهران", city: "ورامین", lat: 35.3242, lng: 51.6457 },
  ];
  for (let p = 1; p <= 30; p++) {
    const lat0 = 26 + rand() * 12;
    const lng0 = 45 + rand() * 15;
    for (let c = 0; c < 8; c++) places.push({ province: `استان ${p}`, city: `شهر ${p}-${c}`, lat: lat0 + (rand() - 0.5), lng: lng0 + (rand() - 0.5) });
  }

  const brands = await db
    .insertInto("brands")
    .values(Array.from({ length: 10 }, (_, i) => ({ code: `scale-b${i}`, name_fa: `برند ${i}`, name_en: `Brand ${i}` })))
    .returning("id")
    .execute();
  const cats = await db
    .insertInto("product_categories")
    .values(Array.from({ length: 6 }, (_, i) => ({ code: `scale-c${i}`, name_fa: `گروه ${i}`, name_en: `Category ${i}` })))
    .returning("id")
    .execute();
  const pairs = brands.flatMap((b) => cats.map((c) => ({ brand_id: b.id, category_id: c.id })));
  const models = await db
    .insertInto("product_models")
    .values(pairs.map((p, i) => ({ ...p, model_code: `SC-${i}`, name: `مدل ${i}` })))
    .returning("id")
    .execute();
  const customerId = (await db.insertInto("customers").values({ full_name: "مشتری آزمون", mobile: "+989120000001" }).returning("id").executeTakeFirstOrThrow()).id;
  const products = await db
    .insertInto("customer_products")
    .values(models.map((m, i) => ({ customer_id: customerId, model_id: m.id, serial_number: `SCALE-${i}`, warranty_months: 18 })))
    .returning("id")
    .execute();

  // agencies: a sixth in Tehran province (most in the city), the rest spread over the other provinces
  const rows = [];
  const placeOf: number[] = [];
  for (let i = 0; i < agencyCount; i++) {
    const tehran = i < agencyCount / 6;
    const pi = tehran ? (rand() < 0.8 ? 0 : 1 + Math.floor(rand() * 3)) : 4 + Math.floor(rand() * (places.length - 4));
    const place = places[pi]!;
    placeOf.push(pi);
    const techs = 3 + Math.floor(rand() * 6);
    rows.push({
      code: `S-${String(i).padStart(5, "0")}`,
      name: `نمایندگی ${i}`,
      province: place.province,
      city: place.city,
      status: rand() < 0.03 ? ("suspended" as const) : ("active" as const),
      status_reason: null as string | null,
      lat: place.lat + (rand() - 0.5) * 0.2,
      lng: place.lng + (rand() - 0.5) * 0.2,
      service_radius_km: 10 + Math.floor(rand() * 40),
      technician_count: techs,
      daily_job_capacity: techs * 6,
      working_hours: JSON.stringify(rand() < 0.5 ? ALWAYS_OPEN : { sat: ["08:00", "20:00"], sun: ["08:00", "20:00"], mon: ["08:00", "20:00"], tue: ["08:00", "20:00"], wed: ["08:00", "20:00"], thu: ["08:00", "14:00"], fri: null }),
    });
  }
  for (const r of rows) if (r.status !== "active") r.status_reason = "آزمون";
  const agencyIds: number[] = [];
  for (let i = 0; i < rows.length; i += 1000) {
    const ids = await db.insertInto("agencies").values(rows.slice(i, i + 1000)).returning("id").execute();
    agencyIds.push(...ids.map((x) => x.id));
  }
  const firstOfProvince = new Set<string>();
  const areas = [];
  const auths = [];
  for (let i = 0; i < agencyIds.length; i++) {
    const place = places[placeOf[i]!]!;
    areas.push({ agency_id: agencyIds[i]!, province: place.province, city: place.city });
    if (!firstOfProvince.has(place.province)) {
      firstOfProvince.add(place.province);
      areas.push({ agency_id: agencyIds[i]!, province: place.province, city: null });
    }
    for (const p of pairs) if (rand() < 0.2) auths.push({ agency_id: agencyIds[i]!, ...p });
  }
  for (let i = 0; i < areas.length; i += 2000) await db.insertInto("agency_service_areas").values(areas.slice(i, i + 2000)).execute();
  for (let i = 0; i < auths.length; i += 5000) await db.insertInto("agency_authorizations").values(auths.slice(i, i + 5000)).execute();

  // open jobs, each with the accepted offer that made it; tickets waiting on a pending offer
  await sql`select setseed(0.13)`.execute(db);
  await sql`
    with ids as (select array_agg(id order by id) as a from agencies),
    t as (
      insert into tickets (type, channel, customer_id, customer_product_id, warranty_status, status, assigned_agency_id, created_at)
      select 'breakdown', 'phone', ${customerId}, ${products[0]!.id},
             'in_warranty', (array['assigned','scheduled','in_progress','on_hold'])[1 + floor(random() * 4)::int],
             ids.a[1 + floor(random() * array_length(ids.a, 1))::int], now() - random() * interval '30 days'
      from generate_series(1, ${openJobs}) g, ids
      returning id, assigned_agency_id, created_at
    )
    insert into dispatch_offers (ticket_id, agency_id, attempt, status, offered_at, deadline_at, responded_at)
    select id, assigned_agency_id, 1, 'accepted', created_at, created_at + interval '30 minutes', created_at + interval '5 minutes' from t`.execute(db);
  await sql`
    with ids as (select array_agg(id order by id) as a from agencies),
    t as (
      insert into tickets (type, channel, customer_id, customer_product_id, warranty_status, status)
      select 'breakdown', 'phone', ${customerId}, ${products[0]!.id}, 'in_warranty', 'dispatching'
      from generate_series(1, ${pendingOffers}) g
      returning id
    )
    insert into dispatch_offers (ticket_id, agency_id, attempt, status, offered_at, deadline_at)
    select t.id, ids.a[1 + floor(random() * array_length(ids.a, 1))::int], 1, 'pending', now() - interval '5 minutes', now() + interval '25 minutes'
    from t, ids`.execute(db);
  await refreshAgencyPerformance(db, new Date());
  await sql`vacuum analyze`.execute(db);
  return { customerId, productIds: products.map((p) => p.id), places };
}
