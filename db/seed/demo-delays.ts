import { sql, type Kysely } from "kysely";
import { DEFAULT_SLA_TARGET_RULES } from "../../core/delays";
import type { Database } from "../schema";

/**
 * The delay audit's demo data (issue 14 §1), called once near the end of DemoBuilder.run():
 *  - the SLA target rules: the per-priority defaults (a reset empties the table the migration seeded) and
 *    two overrides a manager would set (air conditioners in Khuzestan's summer: a faster visit; refrigerators:
 *    a faster acceptance) — they apply to requests registered from now on, as in production;
 *  - the history of the demo's lapsed offers: the agency let the deadline pass ('offer_expired', as the
 *    offer__expire job writes it), so "deadline missed" shows among the causes of delay.
 * ticket_milestones needs nothing here: the triggers on ticket_events built it while the history was loaded.
 */
export async function seedDemoDelays(db: Kysely<Database>, _now: Date): Promise<Record<string, number>> {
  const manager = await db.selectFrom("users").select("id").where("username", "=", "manager").executeTakeFirst();
  const rules = await db
    .insertInto("sla_targets")
    .values(
      DEFAULT_SLA_TARGET_RULES.map((r) => ({
        priority: r.priority,
        accept_minutes: r.acceptMinutes,
        visit_minutes: r.visitMinutes,
        resolve_minutes: r.resolveMinutes,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .returning("id")
    .execute();
  const category = async (code: string) => (await db.selectFrom("product_categories").select("id").where("code", "=", code).executeTakeFirst())?.id ?? null;
  const ac = await category("air_conditioner");
  const fridge = await category("refrigerator");
  const overrides = [
    ...(ac ? [{ priority: null, category_id: ac, province: "خوزستان", accept_minutes: 60, visit_minutes: 720, resolve_minutes: 4320 }] : []),
    ...(fridge ? [{ priority: null, category_id: fridge, province: null, accept_minutes: 120, visit_minutes: 1440, resolve_minutes: 7200 }] : []),
  ].map((r) => ({ ...r, updated_by: manager?.id ?? null }));
  if (overrides.length) await db.insertInto("sla_targets").values(overrides).onConflict((oc) => oc.doNothing()).execute();

  const expired = await sql<{ n: number }>`
    with ins as (
      insert into ticket_events (ticket_id, at, actor_kind, actor_label, event_type, data)
      select o.ticket_id, o.deadline_at, 'system', 'پایش مهلت پاسخ', 'offer_expired',
        jsonb_build_object('offer_id', o.id, 'agency_id', o.agency_id, 'reason', 'مهلت پاسخ به پایان رسید')
      from dispatch_offers o
      where o.status = 'expired'
        and not exists (select 1 from ticket_events e where e.ticket_id = o.ticket_id and e.event_type = 'offer_expired'
                          and e.data->>'offer_id' = o.id::text)
      order by o.ticket_id, o.deadline_at
      returning 1
    ) select count(*)::int as n from ins`.execute(db);
  return { sla_targets: rules.length + overrides.length, offer_expired_events: expired.rows[0]?.n ?? 0 };
}
