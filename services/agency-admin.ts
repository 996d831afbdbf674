/**
 * Agency administration (issue 14 §5, agencies:manage): one function per action, each owning its transaction
 * and writing its audit row inside it. Input arrives parsed (zod at the route); the rules that matter to the
 * data are checked here again (codes, ranges, working hours as the dispatch rule reads them, fee-rate periods).
 *
 * Dispatch reads agencies.status, lat/lng, service_radius_km, technician_count, daily_job_capacity,
 * working_hours and agency_service_areas / agency_authorizations as they are: nothing here adds a column it
 * reads, and working hours are stored only in the form core/dispatch.ts isWorkingHours accepts. The status
 * (suspend / terminate / active) is changed by services/supervision.ts setAgencyStatus only.
 */
import { sql, type Transaction } from "kysely";
import { AGENCY_CODE_RE, agencyContactProblem, MAX_DAILY_CAPACITY, MAX_RADIUS_KM, planNewFeeRate, validRatePercent } from "../core/agency-admin";
import { isWorkingHours, type WorkingHours } from "../core/dispatch";
import { sameWeeklyHours } from "../core/working-time";
import { MAX_POLYGONS, polygonError, toPgPolygon, type Polygon } from "../core/service-polygons";
import type { DB } from "../db/connection";
import { writeAudit } from "../db/repos/audit";
import { ledgerUsesDays } from "../db/repos/fee-rates";
import type { Database } from "../db/schema";
import type { Actor } from "./actor";

type Trx = Transaction<Database>;

export type AgencyAdminErrorCode =
  | "notFound"
  | "code"
  | "codeExists"
  | "name"
  | "place"
  | "contact"
  | "location"
  | "radius"
  | "capacity"
  | "hours"
  | "area"
  | "polygon"
  | "rate"
  | "date"
  | "rateNotAfterLatest"
  | "rateUsed"
  | "authorization";

export class AgencyAdminError extends Error {
  constructor(readonly code: AgencyAdminErrorCode) {
    super(`agency administration refused: ${code}`);
    this.name = "AgencyAdminError";
  }
}

export interface AgencyDetails {
  code: string;
  name: string;
  managerName: string | null;
  mobile: string | null;
  phones: string[];
  email: string | null;
  province: string;
  city: string;
  addressText: string | null;
  lat: number | null;
  lng: number | null;
  serviceRadiusKm: number | null;
  dailyJobCapacity: number;
  workingHours: WorkingHours;
  serviceAreas: { province: string; city: string | null }[];
  /** its service area drawn on the map; undefined: left as it is (the CSV import) */
  servicePolygons?: Polygon[];
}

function check(d: AgencyDetails) {
  if (!AGENCY_CODE_RE.test(d.code)) throw new AgencyAdminError("code");
  if (d.name.trim().length < 2 || d.name.length > 200) throw new AgencyAdminError("name");
  if (!d.province.trim() || !d.city.trim()) throw new AgencyAdminError("place");
  // the acceptance SMS gives customers the agency's number: an agency without one cannot take jobs
  if (agencyContactProblem(d)) throw new AgencyAdminError("contact");
  if ((d.lat === null) !== (d.lng === null)) throw new AgencyAdminError("location");
  if (d.lat !== null && (d.lat < -90 || d.lat > 90 || d.lng! < -180 || d.lng! > 180)) throw new AgencyAdminError("location");
  if (d.serviceRadiusKm !== null && (!Number.isInteger(d.serviceRadiusKm) || d.serviceRadiusKm < 1 || d.serviceRadiusKm > MAX_RADIUS_KM)) {
    throw new AgencyAdminError("radius");
  }
  if (!Number.isInteger(d.dailyJobCapacity) || d.dailyJobCapacity < 0 || d.dailyJobCapacity > MAX_DAILY_CAPACITY) throw new AgencyAdminError("capacity");
  if (!isWorkingHours(d.workingHours)) throw new AgencyAdminError("hours");
  if (d.serviceAreas.some((a) => !a.province.trim())) throw new AgencyAdminError("area");
  if (d.servicePolygons && (d.servicePolygons.length > MAX_POLYGONS || d.servicePolygons.some((p) => polygonError(p) !== null))) {
    throw new AgencyAdminError("polygon");
  }
}

function columns(d: AgencyDetails) {
  return {
    code: d.code,
    name: d.name.trim(),
    manager_name: d.managerName,
    mobile: d.mobile,
    phones: d.phones,
    email: d.email,
    province: d.province,
    city: d.city,
    address_text: d.addressText,
    lat: d.lat,
    lng: d.lng,
    service_radius_km: d.serviceRadiusKm,
    daily_job_capacity: d.dailyJobCapacity,
    working_hours: JSON.stringify(d.workingHours),
  };
}

function uniqueAreas(areas: AgencyDetails["serviceAreas"]) {
  const seen = new Map<string, { province: string; city: string | null }>();
  for (const a of areas) seen.set(`${a.province}\u0000${a.city ?? ""}`, a);
  return [...seen.values()];
}

async function replaceAreas(trx: Trx, agencyId: number, areas: AgencyDetails["serviceAreas"]) {
  await trx.deleteFrom("agency_service_areas").where("agency_id", "=", agencyId).execute();
  const rows = uniqueAreas(areas).map((a) => ({ agency_id: agencyId, province: a.province, city: a.city }));
  if (rows.length) await trx.insertInto("agency_service_areas").values(rows).execute();
}

/** Its service polygons replaced (when given); true when they changed. */
async function replacePolygons(trx: Trx, agencyId: number, polygons: Polygon[] | undefined): Promise<boolean> {
  if (!polygons) return false;
  const before = await trx.selectFrom("agency_service_polygons").select(sql<string>`area::text`.as("area")).where("agency_id", "=", agencyId).orderBy("id").execute();
  await trx.deleteFrom("agency_service_polygons").where("agency_id", "=", agencyId).execute();
  const rows = polygons.map((p) => ({ agency_id: agencyId, area: toPgPolygon(p) }));
  if (!rows.length) return before.length > 0;
  const after = await trx.insertInto("agency_service_polygons").values(rows).returning(sql<string>`area::text`.as("area")).execute();
  return before.map((b) => b.area).join(";") !== after.map((a) => a.area).join(";");
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string }).code === "23505";
}

/** A new agency (active), its service areas; audit `agency.create`. */
export async function createAgency(db: DB, actor: Actor, d: AgencyDetails): Promise<{ agencyId: number }> {
  check(d);
  try {
    return await db.transaction().execute(async (trx) => {
      const row = await trx.insertInto("agencies").values(columns(d)).returning("id").executeTakeFirstOrThrow();
      await replaceAreas(trx, row.id, d.serviceAreas);
      await replacePolygons(trx, row.id, d.servicePolygons);
      await writeAudit(trx, {
        actorUserId: actor.userId ?? null,
        action: "agency.create",
        entityType: "agency",
        entityId: row.id,
        ip: actor.ip ?? null,
        details: { code: d.code, name: d.name, province: d.province, city: d.city, areas: d.serviceAreas.length, polygons: d.servicePolygons?.length ?? 0 },
      });
      return { agencyId: row.id };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AgencyAdminError("codeExists");
    throw err;
  }
}

const TRACKED = ["code", "name", "manager_name", "mobile", "province", "city", "address_text", "lat", "lng", "service_radius_km", "daily_job_capacity"] as const;

/** An agency's details, location, radius, capacity, hours and areas replaced; audit `agency.update` naming what changed. */
export async function updateAgency(db: DB, actor: Actor, agencyId: number, d: AgencyDetails): Promise<{ changed: string[] }> {
  check(d);
  try {
    return await db.transaction().execute(async (trx) => {
      const before = await trx.selectFrom("agencies").selectAll().where("id", "=", agencyId).forUpdate().executeTakeFirst();
      if (!before) throw new AgencyAdminError("notFound");
      const areasBefore = await trx.selectFrom("agency_service_areas").select(["province", "city"]).where("agency_id", "=", agencyId).execute();
      const next = columns(d);
      const changed: string[] = TRACKED.filter((k) => (before[k] ?? null) !== (next[k] ?? null));
      if (JSON.stringify(before.phones) !== JSON.stringify(next.phones)) changed.push("phones");
      // by meaning: jsonb gives the days back in its own key order, so the stored text never equals the form's
      if (!isWorkingHours(before.working_hours) || !sameWeeklyHours(before.working_hours, d.workingHours)) changed.push("working_hours");
      const key = (a: { province: string; city: string | null }) => `${a.province}/${a.city ?? ""}`;
      const areaKeys = (xs: { province: string; city: string | null }[]) => [...new Set(xs.map(key))].sort().join(";");
      if (areaKeys(areasBefore) !== areaKeys(d.serviceAreas)) changed.push("service_areas");
      await trx.updateTable("agencies").set({ ...next, updated_at: sql<Date>`now()` }).where("id", "=", agencyId).execute();
      await replaceAreas(trx, agencyId, d.serviceAreas);
      if (await replacePolygons(trx, agencyId, d.servicePolygons)) changed.push("service_polygons");
      await writeAudit(trx, {
        actorUserId: actor.userId ?? null,
        action: "agency.update",
        entityType: "agency",
        entityId: agencyId,
        ip: actor.ip ?? null,
        details: { code: d.code, changed },
      });
      return { changed };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AgencyAdminError("codeExists");
    throw err;
  }
}

/** The brand × category pairs the agency is authorised for, set as a whole; audit with what was added and removed. */
export async function setAgencyAuthorizations(
  db: DB,
  actor: Actor,
  input: { agencyId: number; pairs: { brandId: number; categoryId: number }[] },
): Promise<{ added: number; removed: number }> {
  return db.transaction().execute(async (trx) => {
    const agency = await trx.selectFrom("agencies").select(["id", "code"]).where("id", "=", input.agencyId).forUpdate().executeTakeFirst();
    if (!agency) throw new AgencyAdminError("notFound");
    const want = new Map(input.pairs.map((p) => [`${p.brandId}:${p.categoryId}`, p]));
    if (want.size) {
      const brands = new Set((await trx.selectFrom("brands").select("id").execute()).map((b) => b.id));
      const cats = new Set((await trx.selectFrom("product_categories").select("id").execute()).map((c) => c.id));
      if ([...want.values()].some((p) => !brands.has(p.brandId) || !cats.has(p.categoryId))) throw new AgencyAdminError("authorization");
    }
    const have = await trx.selectFrom("agency_authorizations").select(["brand_id", "category_id"]).where("agency_id", "=", agency.id).execute();
    const haveKeys = new Set(have.map((h) => `${h.brand_id}:${h.category_id}`));
    const removed = have.filter((h) => !want.has(`${h.brand_id}:${h.category_id}`));
    const added = [...want.entries()].filter(([k]) => !haveKeys.has(k)).map(([, p]) => p);
    for (const r of removed) {
      await trx
        .deleteFrom("agency_authorizations")
        .where("agency_id", "=", agency.id)
        .where("brand_id", "=", r.brand_id)
        .where("category_id", "=", r.category_id)
        .execute();
    }
    if (added.length) {
      await trx
        .insertInto("agency_authorizations")
        .values(added.map((p) => ({ agency_id: agency.id, brand_id: p.brandId, category_id: p.categoryId })))
        .execute();
    }
    if (added.length || removed.length) {
      await writeAudit(trx, {
        actorUserId: actor.userId ?? null,
        action: "agency.authorizations_update",
        entityType: "agency",
        entityId: agency.id,
        ip: actor.ip ?? null,
        details: {
          code: agency.code,
          added: added.map((p) => [p.brandId, p.categoryId]),
          removed: removed.map((r) => [r.brand_id, r.category_id]),
        },
      });
    }
    return { added: added.length, removed: removed.length };
  });
}

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A new contract rate from a day on (core/agency-admin.ts planNewFeeRate): it must start after the latest
 * rate's start, and closes the open rate the day before. Closing a rate a ledger entry on or after that day
 * used would change the rate that entry was charged at: refused (`rateUsed`). Audit `agency.fee_rate_add`.
 */
export async function addFeeRate(
  db: DB,
  actor: Actor,
  input: { agencyId: number; ratePercent: number; effectiveFrom: string },
): Promise<{ rateId: number; closedRateId: number | null }> {
  if (!validRatePercent(input.ratePercent)) throw new AgencyAdminError("rate");
  if (!DAY_RE.test(input.effectiveFrom)) throw new AgencyAdminError("date");
  return db.transaction().execute(async (trx) => {
    const agency = await trx.selectFrom("agencies").select(["id", "code"]).where("id", "=", input.agencyId).forUpdate().executeTakeFirst();
    if (!agency) throw new AgencyAdminError("notFound");
    const rates = await trx
      .selectFrom("agency_fee_rates")
      .select(["id", "rate_percent", "effective_from", "effective_to"])
      .where("agency_id", "=", agency.id)
      .execute();
    const plan = planNewFeeRate(
      rates.map((r) => ({ id: r.id, effectiveFrom: r.effective_from, effectiveTo: r.effective_to })),
      input.effectiveFrom,
    );
    if (!plan.ok) throw new AgencyAdminError("rateNotAfterLatest");
    const closed = plan.close ? rates.find((r) => r.id === plan.close!.id)! : null;
    if (plan.close) {
      if (await ledgerUsesDays(trx, agency.id, input.effectiveFrom, null)) throw new AgencyAdminError("rateUsed");
      await trx.updateTable("agency_fee_rates").set({ effective_to: plan.close.effectiveTo }).where("id", "=", plan.close.id).execute();
    }
    const row = await trx
      .insertInto("agency_fee_rates")
      .values({ agency_id: agency.id, rate_percent: input.ratePercent, effective_from: input.effectiveFrom })
      .returning("id")
      .executeTakeFirstOrThrow();
    await writeAudit(trx, {
      actorUserId: actor.userId ?? null,
      action: "agency.fee_rate_add",
      entityType: "agency",
      entityId: agency.id,
      ip: actor.ip ?? null,
      details: {
        code: agency.code,
        rate_id: row.id,
        to_percent: input.ratePercent,
        effective_from: input.effectiveFrom,
        ...(closed ? { from_percent: Number(closed.rate_percent), closed_rate_id: closed.id } : {}),
      },
    });
    return { rateId: row.id, closedRateId: closed?.id ?? null };
  });
}

/** A rate's percentage corrected, only while no ledger entry has used it; audit `agency.fee_rate_update`. */
export async function updateFeeRate(db: DB, actor: Actor, input: { rateId: number; ratePercent: number }): Promise<void> {
  if (!validRatePercent(input.ratePercent)) throw new AgencyAdminError("rate");
  await db.transaction().execute(async (trx) => {
    const rate = await trx
      .selectFrom("agency_fee_rates")
      .innerJoin("agencies", "agencies.id", "agency_fee_rates.agency_id")
      .select(["agency_fee_rates.id", "agency_fee_rates.agency_id", "agency_fee_rates.rate_percent", "agency_fee_rates.effective_from", "agency_fee_rates.effective_to", "agencies.code"])
      .where("agency_fee_rates.id", "=", input.rateId)
      .forUpdate()
      .executeTakeFirst();
    if (!rate) throw new AgencyAdminError("notFound");
    if (await ledgerUsesDays(trx, rate.agency_id, rate.effective_from, rate.effective_to)) throw new AgencyAdminError("rateUsed");
    await trx.updateTable("agency_fee_rates").set({ rate_percent: input.ratePercent }).where("id", "=", rate.id).execute();
    await writeAudit(trx, {
      actorUserId: actor.userId ?? null,
      action: "agency.fee_rate_update",
      entityType: "agency",
      entityId: rate.agency_id,
      ip: actor.ip ?? null,
      details: { code: rate.code, rate_id: rate.id, from_percent: Number(rate.rate_percent), to_percent: input.ratePercent, effective_from: rate.effective_from },
    });
  });
}
