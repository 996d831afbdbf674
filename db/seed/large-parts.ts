import { sql, type Kysely } from "kysely";
import type { Database } from "../schema";

/*
 * Spare parts' share of the bulk seed (db/seed/large.ts), for the tickets after `afterTicketId` and their history
 * rows after `afterEventId`, so the manager's "parts that hold jobs up" report and the parts desk are measured at
 * scale (issue 15 §4). Deterministic per ticket id (a hash, not random()). A part is one of the catalogue parts of
 * the job's model (none when its model has no catalogue: nothing is made for it).
 *  - every job the history put on hold waits for a part: on hold now → an open request made when it went on hold
 *    (requested, ordered or shipped in turn) with an expected date a week later, and the ticket carries the hold
 *    reason and date; on hold and resumed → a request received when it resumed;
 *  - besides, about 3 % of completed breakdowns (a hash of the id) had a part: requested a third of the way from
 *    the ticket's creation to its completion and received at four fifths of it — from central stock (ordered an
 *    hour later, shipped half-way), or one in four from the agency's own stock (received the moment it was asked).
 * The jobs that needed a part this way show no hold in their history: the bulk seed's paths are fixed, and the
 * report reads part_requests only.
 */
export async function seedLargeParts(db: Kysely<Database>, afterTicketId: number, afterEventId: number, now: Date): Promise<number> {
  // a part of the job's model, chosen by the ticket's id
  const pick = sql`(
    select sp.id from spare_parts sp
    where sp.model_id = cp.model_id and sp.active
    order by sp.id
    offset ((t.id * 2654435761) % greatest(1, (select count(*) from spare_parts s2 where s2.model_id = cp.model_id and s2.active)))
    limit 1)`;
  const held = await sql`
    with holds as (
      select t.id as ticket_id, t.status, t.assigned_agency_id as agency_id, t.technician_id, ${pick} as part_id,
             min(e.at) as requested_at,
             (select min(e2.at) from ticket_events e2
               where e2.ticket_id = t.id and e2.id > ${afterEventId} and e2.from_status = 'on_hold' and e2.to_status = 'in_progress') as resumed_at
      from ticket_events e
      join tickets t on t.id = e.ticket_id
      join customer_products cp on cp.id = t.customer_product_id
      where e.id > ${afterEventId} and e.to_status = 'on_hold' and t.id > ${afterTicketId}
        and t.type = 'breakdown' and t.assigned_agency_id is not null
      group by t.id, cp.model_id
    )
    insert into part_requests (ticket_id, part_id, agency_id, quantity, unit_price_rials, status, source, expected_date,
                               requested_by_kind, technician_id, requested_at, ordered_at, shipped_at, received_at)
    select h.ticket_id, h.part_id, h.agency_id, 1 + (h.ticket_id % 2)::int, sp.list_price_rials,
           case when h.status = 'on_hold' then (array['requested', 'ordered', 'shipped'])[1 + (h.ticket_id % 3)::int] else 'received' end,
           case when h.status = 'on_hold' and h.ticket_id % 3 = 0 then null else 'central' end,
           ((h.requested_at + interval '7 days') at time zone 'Asia/Tehran')::date,
           'technician', h.technician_id, h.requested_at,
           case when h.status = 'on_hold' and h.ticket_id % 3 = 0 then null else least(h.requested_at + interval '1 hour', ${now}::timestamptz) end,
           case when h.status = 'on_hold' then case when h.ticket_id % 3 = 2 then least(h.requested_at + interval '1 day', ${now}::timestamptz) end
                else h.requested_at + (h.resumed_at - h.requested_at) / 2 end,
           case when h.status = 'on_hold' then null else h.resumed_at end
    from holds h join spare_parts sp on sp.id = h.part_id
    where h.part_id is not null and (h.status = 'on_hold' or h.resumed_at is not null)`.execute(db);
  await sql`
    update tickets t set hold_reason = 'waiting_for_parts', hold_expected_date = pr.expected_date
    from part_requests pr
    where pr.ticket_id = t.id and t.id > ${afterTicketId} and t.status = 'on_hold' and pr.status in ('requested', 'ordered', 'shipped')`.execute(db);
  const done = await sql`
    insert into part_requests (ticket_id, part_id, agency_id, quantity, unit_price_rials, status, source, expected_date,
                               requested_by_kind, technician_id, requested_at, ordered_at, shipped_at, received_at)
    select x.ticket_id, x.part_id, x.agency_id, 1, sp.list_price_rials, 'received',
           case when x.from_shelf then 'agency_stock' else 'central' end,
           ((x.requested_at + interval '7 days') at time zone 'Asia/Tehran')::date,
           'technician', x.technician_id, x.requested_at,
           case when x.from_shelf then null else x.requested_at + interval '1 hour' end,
           case when x.from_shelf then null else x.requested_at + (x.received_at - x.requested_at) / 2 end,
           case when x.from_shelf then x.requested_at else x.received_at end
    from (
      select t.id as ticket_id, r.agency_id, r.technician_id, ${pick} as part_id, (t.id * 40503) % 4 = 0 as from_shelf,
             t.created_at + (r.completed_at - t.created_at) / 3 as requested_at,
             t.created_at + (r.completed_at - t.created_at) * 4 / 5 as received_at
      from completion_reports r
      join tickets t on t.id = r.ticket_id
      join customer_products cp on cp.id = t.customer_product_id
      where r.ticket_id > ${afterTicketId} and t.type = 'breakdown' and (t.id * 2246822519) % 100 < 3
        and not exists (select 1 from part_requests p where p.ticket_id = t.id)
    ) x join spare_parts sp on sp.id = x.part_id
    where x.received_at > x.requested_at`.execute(db);
  return Number(held.numAffectedRows ?? 0n) + Number(done.numAffectedRows ?? 0n);
}
