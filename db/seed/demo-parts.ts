import { sql, type Kysely } from "kysely";
import type { Database } from "../schema";

/*
 * The spare parts' demo data (issue 15 §4), loaded after the rest of the demo, read from the demo's own history
 * so every figure agrees with it:
 *  - each job of the demo that went on hold and came back (on_hold → in_progress) waited for a catalogue part of its
 *    model: a request made when it went on hold and received when it resumed — from central stock (ordered the next
 *    hour, shipped half-way), or every third one from the agency's own stock;
 *  - each job on hold now waits for parts: its request requested, ordered or shipped (in turn), with an expected
 *    date a week after the request; the ticket carries the hold reason and the date;
 *  - every agency holds a little stock, and THR-001 holds enough of the parts its waiting jobs asked for to fill
 *    them from its shelf (the agency portal's "take from our stock").
 * Deterministic: no randomness, every choice follows the rows' ids.
 */
export async function seedDemoParts(db: Kysely<Database>, now: Date): Promise<number> {
  // a part of the job's model, chosen by the ticket's id
  const pick = sql`(
    select sp.id from spare_parts sp
    where sp.model_id = cp.model_id and sp.active
    order by sp.id
    offset (t.id % greatest(1, (select count(*) from spare_parts s2 where s2.model_id = cp.model_id and s2.active)))
    limit 1)`;
  // jobs that waited and resumed: the hold and the resume from the history
  const settled = await sql<{ n: number }>`
    with waits as (
      select t.id as ticket_id, t.assigned_agency_id as agency_id, t.technician_id, ${pick} as part_id,
             held.at as requested_at,
             (select min(e2.at) from ticket_events e2
               where e2.ticket_id = t.id and e2.event_type = 'status_changed' and e2.from_status = 'on_hold'
                 and e2.to_status = 'in_progress' and e2.at > held.at) as received_at
      from tickets t
      join customer_products cp on cp.id = t.customer_product_id
      join lateral (
        select min(e.at) as at from ticket_events e
        where e.ticket_id = t.id and e.event_type = 'status_changed' and e.to_status = 'on_hold'
      ) held on held.at is not null
      where t.status <> 'on_hold' and t.assigned_agency_id is not null
    ), ins as (
      insert into part_requests (ticket_id, part_id, agency_id, quantity, unit_price_rials, status, source, expected_date,
                                 requested_by_kind, technician_id, requested_at, ordered_at, shipped_at, received_at)
      select w.ticket_id, w.part_id, w.agency_id, 1 + (w.ticket_id % 2)::int, sp.list_price_rials, 'received',
             case when w.ticket_id % 3 = 0 then 'agency_stock' else 'central' end,
             ((w.requested_at + interval '7 days') at time zone 'Asia/Tehran')::date,
             'technician', w.technician_id, w.requested_at,
             case when w.ticket_id % 3 = 0 then null else w.requested_at + interval '1 hour' end,
             case when w.ticket_id % 3 = 0 then null else w.requested_at + (w.received_at - w.requested_at) / 2 end,
             w.received_at
      from waits w join spare_parts sp on sp.id = w.part_id
      where w.part_id is not null and w.received_at is not null
      returning 1
    ) select count(*)::int as n from ins`.execute(db);
  // jobs on hold now: waiting for their part, in the three steps in turn
  const open = await sql<{ n: number }>`
    with waits as (
      select t.id as ticket_id, t.assigned_agency_id as agency_id, t.technician_id, ${pick} as part_id,
             coalesce((select max(e.at) from ticket_events e
                        where e.ticket_id = t.id and e.event_type = 'status_changed' and e.to_status = 'on_hold'), t.updated_at) as requested_at,
             row_number() over (order by t.id) as k
      from tickets t
      join customer_products cp on cp.id = t.customer_product_id
      where t.status = 'on_hold' and t.assigned_agency_id is not null
    ), ins as (
      insert into part_requests (ticket_id, part_id, agency_id, quantity, unit_price_rials, status, source, expected_date,
                                 requested_by_kind, technician_id, requested_at, ordered_at, shipped_at)
      select w.ticket_id, w.part_id, w.agency_id, 1, sp.list_price_rials,
             (array['requested', 'ordered', 'shipped'])[1 + (w.k % 3)::int],
             case when w.k % 3 = 0 then null else 'central' end,
             ((w.requested_at + interval '7 days') at time zone 'Asia/Tehran')::date,
             'technician', w.technician_id, w.requested_at,
             case when w.k % 3 = 0 then null else least(w.requested_at + interval '2 hours', ${now}::timestamptz) end,
             case when w.k % 3 = 2 then least(w.requested_at + interval '1 day', ${now}::timestamptz) end
      from waits w join spare_parts sp on sp.id = w.part_id
      where w.part_id is not null
      returning ticket_id, expected_date
    ), held as (
      update tickets t set hold_reason = 'waiting_for_parts', hold_expected_date = ins.expected_date
      from ins where t.id = ins.ticket_id
      returning 1
    ) select count(*)::int as n from held`.execute(db);
  // a little stock everywhere, and THR-001's shelf holds what its waiting jobs asked for
  await sql`
    insert into agency_part_stock (agency_id, part_id, quantity, updated_at)
    select a.id, sp.id, 1 + ((a.id + sp.id) % 4)::int, ${now}::timestamptz
    from agencies a cross join spare_parts sp
    where (a.id + sp.id) % 5 = 0 and sp.active
    on conflict do nothing`.execute(db);
  await sql`
    insert into agency_part_stock (agency_id, part_id, quantity, updated_at)
    select pr.agency_id, pr.part_id, 3, ${now}::timestamptz
    from part_requests pr join agencies a on a.id = pr.agency_id
    where a.code = 'THR-001' and pr.status = 'requested'
    on conflict (agency_id, part_id) do update set quantity = greatest(agency_part_stock.quantity, 3)`.execute(db);
  return (settled.rows[0]?.n ?? 0) + (open.rows[0]?.n ?? 0);
}
