/** Reads of the agency administration pages (issue 14 §5): one agency for editing, the catalogue, imports. */
import { fromPgPolygon, type LatLng } from "../../core/service-polygons";
import type { DB } from "../connection";

export async function agencyForEdit(db: DB, agencyId: number) {
  return db
    .selectFrom("agencies")
    .select([
      "id", "code", "name", "manager_name", "mobile", "phones", "email", "status", "status_reason", "province", "city",
      "address_text", "lat", "lng", "service_radius_km", "daily_job_capacity", "technician_count", "working_hours",
    ])
    .where("id", "=", agencyId)
    .executeTakeFirst();
}

export async function agencyServiceAreas(db: DB, agencyId: number) {
  return db.selectFrom("agency_service_areas").select(["province", "city"]).where("agency_id", "=", agencyId).orderBy("province").orderBy("city").execute();
}

/** Its service polygons drawn on the map, [lat, lng] vertices each, in the order drawn. */
export async function agencyServicePolygons(db: DB, agencyId: number): Promise<LatLng[][]> {
  const rows = await db.selectFrom("agency_service_polygons").select(["area"]).where("agency_id", "=", agencyId).orderBy("id").execute();
  return rows.map((r) => fromPgPolygon(r.area));
}

export async function agencyAuthorizationPairs(db: DB, agencyId: number) {
  return db.selectFrom("agency_authorizations").select(["brand_id", "category_id"]).where("agency_id", "=", agencyId).execute();
}

/** Brands and product categories: the authorisation grid's rows and columns. */
export async function productCatalogue(db: DB) {
  const [brands, categories] = await Promise.all([
    db.selectFrom("brands").select(["id", "code", "name_fa", "name_en"]).orderBy("code").execute(),
    db.selectFrom("product_categories").select(["id", "code", "name_fa", "name_en"]).orderBy("code").execute(),
  ]);
  return { brands, categories };
}

export async function agencyImport(db: DB, importId: number) {
  return db
    .selectFrom("agency_imports")
    .select(["id", "filename", "status", "total_rows", "processed_rows", "imported_rows", "errors", "created_at", "finished_at"])
    .where("id", "=", importId)
    .executeTakeFirst();
}

export async function recentAgencyImports(db: DB, limit = 10) {
  return db
    .selectFrom("agency_imports")
    .select(["id", "filename", "status", "total_rows", "imported_rows", "created_at"])
    .orderBy("created_at", "desc")
    .limit(limit)
    .execute();
}

/** Agencies for the user form's select (agency roles). */
export async function agencyChoices(db: DB) {
  return db.selectFrom("agencies").select(["id", "code", "name"]).orderBy("code").execute();
}
