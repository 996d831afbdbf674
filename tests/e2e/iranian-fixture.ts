import { sql } from "kysely";
import { ALWAYS_OPEN } from "../../core/dispatch";
import { tehranDay } from "../../core/jalali";
import { createKysely, type DB } from "../../db/connection";
import { E2E_PG_PORT } from "../../playwright.config";
import { createAgency, addFeeRate, setAgencyAuthorizations } from "../../services/agency-admin";
import type { Actor } from "../../services/actor";
import { addLabourTariff } from "../../services/claims";
import { addSparePart } from "../../services/parts";
import { addTechnician } from "../../services/technicians";
import { createUser } from "../../services/users";

/*
 * The fixture of tests/e2e/iranian-flow.spec.ts (issue 15 §6), made on the e2e server's database by the same
 * services the admin pages call (as the admin): an agency of its own that dispatch can only choose, with its own
 * prices, so every figure of the flow is known before it starts. Isolation from the other specs (they share one
 * database, seeded once): a brand × category × model of its own (no other agency is authorized for it, so
 * dispatch has one candidate and the demo agencies' offers, claims and statements are untouched), codes,
 * usernames and phone numbers tagged per run, and prices that exist only on that category and model. The one
 * shared price is the demo's travel-fee band 10–30 km (300,000), read by the claim at the fixture's distance.
 *
 * The brand, category and model are inserted directly: the catalogue of models has no page or service (the
 * demo seed and the CSV import bring them).
 */

/** Where the desk's address map is centred (app/components/AddressMap.tsx TEHRAN): a click on its middle pins it. */
export const MAP_CENTRE = { lat: 35.6892, lng: 51.389 } as const;

/**
 * The fixture's figures (rials, percent). The agency sits 0.2° of longitude east of the map's centre:
 *   haversine, R = 6371 km: Δλ = 0.2° = 0.0034907 rad, cos φ = cos 35.6892° = 0.81214,
 *   a = cos²φ · sin²(Δλ/2) = 0.65957 · (0.00174533)² = 2.00911e-6, d = 2R · asin(√a) = 2 · 6371 · 0.00141743 ≈ 18.06 km
 *   → the demo's band "from 10 km" (10–30 km): 300,000.
 */
export const FIGURES = {
  agencyAt: { lat: MAP_CENTRE.lat, lng: MAP_CENTRE.lng + 0.2 },
  serviceRadiusKm: 40,
  /** the repair labour tariff of the fixture's category */
  labourRials: 2_100_000,
  /** the demo's travel band from 10 km (db/seed/demo-claims.ts DEMO_TRAVEL_BANDS) */
  travelRials: 300_000,
  /** the control board's list price (serialized: its defective one must come back) */
  partRials: 1_460_000,
  /** the agency's contract rate */
  feePercent: 12,
  /** the out-of-warranty job's invoice */
  invoiceRials: 2_750_000,
} as const;

export const AGENCY_PASSWORD = "e2e-iranian-1405";

export interface IranianFixture {
  tag: string;
  brandId: number;
  categoryId: number;
  modelId: number;
  modelLabel: string;
  partId: number;
  agency: { id: number; code: string; name: string; username: string };
  technician: { id: number; mobile: string; name: string };
}

export function e2eDb(): DB {
  return createKysely(`postgres://postgres:postgres@127.0.0.1:${E2E_PG_PORT}/aftersales`, 2);
}

/** Local form (09…) of a tagged mobile: `0913` + 7 digits from the tag's time. */
function mobileOf(seed: number): string {
  return `0913${String(seed).padStart(7, "0").slice(-7)}`;
}

export async function createIranianFixture(db: DB): Promise<IranianFixture> {
  const now = Date.now();
  const tag = now.toString(36).toUpperCase();
  const admin = await db.selectFrom("users").select("id").where("username", "=", "admin").executeTakeFirstOrThrow();
  const actor: Actor = { kind: "user", userId: admin.id, label: "e2e fixture" };
  const today = tehranDay(new Date());

  const brand = await db.insertInto("brands").values({ code: `irf-b-${tag}`.toLowerCase(), name_fa: `برند آزمون ${tag}`, name_en: `Test brand ${tag}` }).returning("id").executeTakeFirstOrThrow();
  const category = await db
    .insertInto("product_categories")
    .values({ code: `irf-c-${tag}`.toLowerCase(), name_fa: "هود آشپزخانه آزمون", name_en: "Test cooker hood" })
    .returning("id")
    .executeTakeFirstOrThrow();
  const modelName = "هود مورب ۹۰";
  const modelCode = `HD-${tag}`;
  const model = await db
    .insertInto("product_models")
    .values({ brand_id: brand.id, category_id: category.id, model_code: modelCode, name: modelName, warranty_months: 18 })
    .returning("id")
    .executeTakeFirstOrThrow();

  // its prices: the repair labour tariff from today, the control board at list price
  await addLabourTariff(db, actor, { categoryId: category.id, serviceType: "repair", amountRials: FIGURES.labourRials, effectiveFrom: today });
  const part = await addSparePart(db, actor, { modelId: model.id, code: "CTRL-BOARD", name: "برد کنترل", listPriceRials: FIGURES.partRials, serialized: true });

  // the agency: open around the clock (no hour or holiday of the test run closes it), Tehran, its own authorization
  const code = `IRF-${tag}`;
  const name = `نمایندگی آزمون سراسری ${tag}`;
  const { agencyId } = await createAgency(db, actor, {
    code,
    name,
    managerName: "پرویز آزمون",
    mobile: null,
    // the customer's SMS on acceptance gives the agency's phone (services/assignments.ts)
    phones: ["02177001405"],
    email: null,
    province: "تهران",
    city: "تهران",
    addressText: "تهرانپارس، خیابان آزمون",
    lat: FIGURES.agencyAt.lat,
    lng: FIGURES.agencyAt.lng,
    serviceRadiusKm: FIGURES.serviceRadiusKm,
    dailyJobCapacity: 8,
    workingHours: ALWAYS_OPEN,
    serviceAreas: [{ province: "تهران", city: "تهران" }],
  });
  await setAgencyAuthorizations(db, actor, { agencyId, pairs: [{ brandId: brand.id, categoryId: category.id }] });
  await addFeeRate(db, actor, { agencyId, ratePercent: FIGURES.feePercent, effectiveFrom: today });
  const username = `irf-${tag}`.toLowerCase();
  await createUser(db, actor, { username, displayName: "مدیر نمایندگی آزمون", role: "agency_admin", agencyId, password: AGENCY_PASSWORD });
  const techMobile = mobileOf(now % 10_000_000);
  const techName = "کاوه آزمون";
  const { technicianId } = await addTechnician(db, actor, { fullName: techName, mobile: techMobile, agencyId });

  // (sanity, not a figure: the fixture's category has only its own tariff)
  const tariffs = await sql<{ n: number }>`select count(*)::int as n from labour_tariffs where category_id = ${category.id}`.execute(db);
  if (tariffs.rows[0]?.n !== 1) throw new Error("the fixture's category should have exactly one labour tariff");

  return {
    tag,
    brandId: brand.id,
    categoryId: category.id,
    modelId: model.id,
    modelLabel: `${modelName} (${modelCode})`,
    partId: part.partId,
    agency: { id: agencyId, code, name, username },
    technician: { id: technicianId, mobile: techMobile, name: techName },
  };
}
