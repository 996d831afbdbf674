import { sql, type Kysely } from "kysely";
import { refreshAgencyPerformance } from "../repos/dispatch";
import { rebuildScorecards } from "../repos/quality";
import type { Database } from "../schema";

/*
 * The agency scorecard's demo data (issue 15 §5), loaded after the rest of the demo:
 *  - a new agency on probation: contracted 25 days before `now` in Isfahan (not near the dispatch demo's
 *    Tehran caller, so the dispatch demo is unchanged), authorized like the first Isfahan agency, with one
 *    technician; it answered three offers of Isfahan breakdowns this month (two declined, one let lapse);
 *  - rework: the demo's customers who call again about the same appliance within the window after a
 *    completion (the demo's own repeat breakdowns: dozens of them, THR-001 and THR-002 included);
 *  - the scorecard roll-ups rebuilt from everything, and dispatch's performance rows from them.
 * Deterministic: no randomness, every choice follows the rows' order.
 */

const DAY = 86_400_000;
const MIN = 60_000;

export async function seedDemoScorecards(db: Kysely<Database>, now: Date): Promise<void> {
  await probationAgency(db, now);
  await rebuildScorecards(db, now, { settleSeconds: 0 });
  await refreshAgencyPerformance(db, now, { settleSeconds: 0 });
  await sql`analyze reworks, job_quality, agency_scorecards`.execute(db);
}

async function probationAgency(db: Kysely<Database>, now: Date) {
  const model = await db.selectFrom("agencies").selectAll().where("code", "like", "ISF-%").where("city", "=", "اصفهان").where("status", "=", "active").orderBy("code").executeTakeFirst();
  if (!model) return;
  const start = new Date(now.getTime() - 25 * DAY);
  const contractStart = start.toISOString().slice(0, 10);
  const a = await db
    .insertInto("agencies")
    .values({
      code: "ISF-090",
      name: "نمایندگی مجاز نوآوران سرویس - اصفهان",
      manager_name: "مریم شریفی",
      phones: ["03136251490"],
      mobile: "+989131234590",
      status: "active",
      status_changed_at: start,
      contract_start: contractStart,
      province: model.province,
      city: model.city,
      address_text: "اصفهان، خیابان چهارباغ بالا، پلاک ۱۲",
      lat: model.lat === null ? null : model.lat + 0.01,
      lng: model.lng === null ? null : model.lng - 0.01,
      service_radius_km: 15,
      technician_count: 1,
      daily_job_capacity: 4,
      working_hours: JSON.stringify({}),
      created_at: start,
      updated_at: start,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await sql`insert into agency_authorizations (agency_id, brand_id, category_id, granted_on)
    select ${a.id}, brand_id, category_id, ${contractStart}::date from agency_authorizations where agency_id = ${model.id}`.execute(db);
  await db.insertInto("agency_service_areas").values({ agency_id: a.id, province: model.province, city: model.city }).execute();
  await db.insertInto("technicians").values({ agency_id: a.id, full_name: "امید فرهادی", mobile: "+989131234591", created_at: start }).execute();
  // three offers of the city's breakdowns of the last days, answered before the agency that took each
  const tickets = await db
    .selectFrom("tickets")
    .select(["id", "created_at"])
    .where("type", "=", "breakdown")
    .where("city", "=", model.city)
    .where("created_at", ">", new Date(now.getTime() - 12 * DAY))
    .where("created_at", "<", new Date(now.getTime() - DAY))
    .orderBy("created_at", "desc")
    .limit(3)
    .execute();
  const answers: { status: "rejected" | "expired"; minutes: number; reason: string | null }[] = [
    { status: "rejected", minutes: 7, reason: "تکنسین در مأموریت است" },
    { status: "rejected", minutes: 18, reason: "قطعه در انبار نداریم" },
    { status: "expired", minutes: 30, reason: null },
  ];
  for (const [i, t] of tickets.entries()) {
    const ans = answers[i]!;
    const offeredAt = new Date(t.created_at.getTime() + 2 * MIN);
    await db
      .insertInto("dispatch_offers")
      .values({
        ticket_id: t.id,
        agency_id: a.id,
        attempt: 1,
        status: ans.status,
        offered_at: offeredAt,
        deadline_at: new Date(offeredAt.getTime() + 30 * MIN),
        responded_at: new Date(offeredAt.getTime() + ans.minutes * MIN),
        response_reason: ans.reason,
      })
      .execute();
  }
}
