/**
 * Service areas drawn on the map (issue 14 §5) on real PostgreSQL: the agency services store the polygons
 * (PostgreSQL's native polygon type) and name the change in the audit row; PostgreSQL's `polygon @> point`
 * agrees with core/service-polygons.ts pointInPolygon; and dispatch offers a placed ticket to an agency with
 * polygons only when the ticket's point lies inside one (a ticket without a point falls back to the rows).
 */
import fc from "fast-check";
import { sql } from "kysely";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { pointInPolygon, toPgPolygon, type LatLng } from "../../core/service-polygons";
import type { DB } from "../../db/connection";
import { agencyServicePolygons } from "../../db/repos/agency-admin";
import { createAgency, updateAgency, type AgencyDetails } from "../../services/agency-admin";
import { DISPATCH_ACTOR, dispatchDecision, dispatchTicket } from "../../services/dispatch";
import { getTestDb, resetDatabase } from "../support/db";

let db: DB;
let brandId: number;
let categoryId: number;
let customerId: number;
let productId: number;
let adminId: number;
const links = { baseUrl: "https://service.example.ir", trackingSecret: "test-tracking-secret-0123456789" };

// the customer near Azadi square; agency WEST's drawn area lies west of it (Shahrak-e Gharb to Sadeqiyeh)
const CUSTOMER = { lat: 35.6997, lng: 51.338 };
const WEST_AREA: LatLng[] = [
  [35.7, 51.3],
  [35.78, 51.3],
  [35.78, 51.36],
  [35.74, 51.36],
  [35.74, 51.32],
  [35.7, 51.32],
];
const L_SHAPE: LatLng[] = [
  [35.6, 51.3],
  [35.6, 51.5],
  [35.65, 51.5],
  [35.65, 51.35],
  [35.8, 51.35],
  [35.8, 51.3],
];

function details(code: string, o: Partial<AgencyDetails> = {}): AgencyDetails {
  return {
    code,
    name: `نمایندگی ${code}`,
    managerName: null,
    mobile: "+989121110000",
    phones: [],
    email: null,
    province: "تهران",
    city: "تهران",
    addressText: null,
    lat: CUSTOMER.lat + 0.005,
    lng: CUSTOMER.lng,
    serviceRadiusKm: 20,
    dailyJobCapacity: 10,
    // {} = around the clock (stored as given, so an update with the same details changes nothing)
    workingHours: {},
    serviceAreas: [{ province: "تهران", city: "تهران" }],
    ...o,
  };
}

async function agency(code: string, o: Partial<AgencyDetails> = {}): Promise<number> {
  const { agencyId } = await createAgency(db, { kind: "user", userId: adminId }, details(code, o));
  await db.updateTable("agencies").set({ technician_count: 2 }).where("id", "=", agencyId).execute();
  await db.insertInto("agency_authorizations").values({ agency_id: agencyId, brand_id: brandId, category_id: categoryId }).execute();
  return agencyId;
}

async function ticket(point: { lat: number; lng: number } | null): Promise<number> {
  const t = await db
    .insertInto("tickets")
    .values({
      type: "breakdown",
      channel: "phone",
      customer_id: customerId,
      customer_product_id: productId,
      warranty_status: "in_warranty",
      province: "تهران",
      city: "تهران",
      address_text: "تهران",
      lat: point?.lat ?? null,
      lng: point?.lng ?? null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return t.id;
}

beforeAll(async () => {
  db = await getTestDb();
});

beforeEach(async () => {
  await resetDatabase(db);
  brandId = (await db.insertInto("brands").values({ code: "snowa", name_fa: "اسنوا", name_en: "Snowa" }).returning("id").executeTakeFirstOrThrow()).id;
  categoryId = (await db.insertInto("product_categories").values({ code: "washer", name_fa: "لباسشویی", name_en: "Washer" }).returning("id").executeTakeFirstOrThrow()).id;
  const modelId = (
    await db.insertInto("product_models").values({ brand_id: brandId, category_id: categoryId, model_code: "SWM-84", name: "لباسشویی" }).returning("id").executeTakeFirstOrThrow()
  ).id;
  customerId = (await db.insertInto("customers").values({ full_name: "نرگس امینی", mobile: "+989121234500" }).returning("id").executeTakeFirstOrThrow()).id;
  productId = (
    await db.insertInto("customer_products").values({ customer_id: customerId, model_id: modelId, serial_number: "SN-1", warranty_months: 18 }).returning("id").executeTakeFirstOrThrow()
  ).id;
  adminId = (
    await db.insertInto("users").values({ username: "admin", display_name: "مدیر سامانه", role: "admin", password_hash: "x" }).returning("id").executeTakeFirstOrThrow()
  ).id;
});

describe("storing the polygons", () => {
  it("creates and replaces them, and the audit row names the change", async () => {
    const id = await agency("THR-P1", { servicePolygons: [WEST_AREA] });
    expect(await agencyServicePolygons(db, id)).toEqual([WEST_AREA]);
    const { rows } = await sql<{ area: string }>`select area::text as area from agency_service_polygons where agency_id = ${id}`.execute(db);
    expect(rows).toEqual([{ area: toPgPolygon(WEST_AREA) }]);

    const same = await updateAgency(db, { kind: "user", userId: adminId }, id, details("THR-P1", { servicePolygons: [WEST_AREA] }));
    expect(same.changed).not.toContain("service_polygons");
    const changed = await updateAgency(db, { kind: "user", userId: adminId }, id, details("THR-P1", { servicePolygons: [WEST_AREA, L_SHAPE] }));
    expect(changed.changed).toEqual(["service_polygons"]);
    expect(await agencyServicePolygons(db, id)).toEqual([WEST_AREA, L_SHAPE]);
    const cleared = await updateAgency(db, { kind: "user", userId: adminId }, id, details("THR-P1", { servicePolygons: [] }));
    expect(cleared.changed).toEqual(["service_polygons"]);
    expect(await agencyServicePolygons(db, id)).toEqual([]);
    // the CSV import's details leave them alone (undefined)
    await updateAgency(db, { kind: "user", userId: adminId }, id, details("THR-P1", { servicePolygons: [L_SHAPE] }));
    await updateAgency(db, { kind: "user", userId: adminId }, id, details("THR-P1"));
    expect(await agencyServicePolygons(db, id)).toEqual([L_SHAPE]);
    const audit = await db.selectFrom("audit_log").select(["action", "details"]).where("entity_id", "=", String(id)).orderBy("id").execute();
    expect(audit.map((a) => a.action)).toEqual(["agency.create", "agency.update", "agency.update", "agency.update", "agency.update", "agency.update"]);
  });

  it("refuses a polygon that crosses itself or lies outside Iran (nothing written)", async () => {
    const bowTie: LatLng[] = [WEST_AREA[0]!, WEST_AREA[2]!, WEST_AREA[1]!, WEST_AREA[3]!];
    await expect(createAgency(db, { kind: "user", userId: adminId }, details("THR-BAD", { servicePolygons: [bowTie] }))).rejects.toMatchObject({ code: "polygon" });
    await expect(createAgency(db, { kind: "user", userId: adminId }, details("THR-BAD", { servicePolygons: [WEST_AREA.map(([a, b]) => [b, a] as const)] }))).rejects.toMatchObject({
      code: "polygon",
    });
    expect(await db.selectFrom("agencies").select("id").where("code", "=", "THR-BAD").execute()).toEqual([]);
  });
});

describe("PostgreSQL's polygon @> point", () => {
  it("agrees with core's pointInPolygon", async () => {
    const poly = toPgPolygon(L_SHAPE);
    await fc.assert(
      fc.asyncProperty(fc.double({ min: 35.55, max: 35.85, noNaN: true }), fc.double({ min: 51.25, max: 51.55, noNaN: true }), async (lat, lng) => {
        // off the edges by a hair: on a line the two may differ (PostgreSQL counts the boundary as inside)
        const onEdge = [35.6, 35.65, 35.8].some((y) => Math.abs(lat - y) < 1e-9) || [51.3, 51.35, 51.5].some((x) => Math.abs(lng - x) < 1e-9);
        fc.pre(!onEdge);
        const { rows } = await sql<{ inside: boolean }>`select ${poly}::polygon @> point(${lng}::float8, ${lat}::float8) as inside`.execute(db);
        expect(rows[0]!.inside).toBe(pointInPolygon(lat, lng, L_SHAPE));
      }),
      { numRuns: 200 },
    );
  });
});

describe("dispatch with drawn areas", () => {
  it("offers a placed ticket to an agency with polygons only inside one of them", async () => {
    // WEST is the nearest and its rows name Tehran, but its drawn area does not hold the customer
    const west = await agency("THR-WEST", { servicePolygons: [WEST_AREA] });
    const other = await agency("THR-OTHER", { lat: CUSTOMER.lat + 0.06 });
    const outside = await ticket(CUSTOMER);
    const r1 = await dispatchTicket(db, DISPATCH_ACTOR, { ticketId: outside }, { links });
    expect(r1).toMatchObject({ outcome: "offered", agencyId: other });
    const d1 = await dispatchDecision(db, { kind: "all" }, outside);
    expect(d1?.excluded.find((e) => e.agencyId === west)?.reasons).toEqual(["out_of_area"]);

    // a customer inside WEST's area (and farther from OTHER): WEST is offered it
    const inside = await ticket({ lat: 35.72, lng: 51.31 });
    expect(await dispatchTicket(db, DISPATCH_ACTOR, { ticketId: inside }, { links })).toMatchObject({ outcome: "offered", agencyId: west });

    // a ticket without a map point: the rows decide, as for an agency without polygons (both now hold one
    // offer and neither distance is known: the lower id, WEST)
    const unplaced = await ticket(null);
    const d3 = await dispatchTicket(db, DISPATCH_ACTOR, { ticketId: unplaced }, { links });
    expect(d3).toMatchObject({ outcome: "offered", agencyId: west });
  });

  it("holds the ticket when the only agency's drawn area misses it", async () => {
    await agency("THR-WEST", { servicePolygons: [WEST_AREA] });
    const t = await ticket(CUSTOMER);
    const r = await dispatchTicket(db, DISPATCH_ACTOR, { ticketId: t }, { links });
    expect(r).toMatchObject({ outcome: "held", reason: "all_out_of_area" });
  });
});
