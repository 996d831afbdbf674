import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// Service areas drawn on the map (issue 14 §5): an agency's polygons, in PostgreSQL's native `polygon` type
// (PostGIS is not available), points as (x, y) = (lng, lat). When an agency has polygons, dispatch covers a
// ticket with a map point only when `area @> point(lng, lat)` for one of them; the per-agency probe reads
// agency_service_polygons_agency_idx (a handful of rows per agency).

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    sql`create table agency_service_polygons (
      id bigint generated always as identity primary key,
      agency_id bigint not null references agencies(id) on delete cascade,
      area polygon not null check (npoints(area) between 3 and 200),
      created_at timestamptz not null default now()
    )`,
    sql`create index agency_service_polygons_agency_idx on agency_service_polygons (agency_id)`,
  ]) {
    await statement.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists agency_service_polygons`.execute(db);
}
