import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// The "parts that hold jobs up longest" report over long ranges (issue 15 §4, issue 14 §7: a year within
// 200 ms). It read every request of the range (a year: most of the part_requests rows) to count, per part,
// the jobs held, the total and median days from request to receipt (open ones up to now) and the requests
// still open. part_hold_monthly keeps, per Jalali month of the request (jalali_months, Tehran days) and part,
// what those figures are made of, over the month's requests that were not cancelled:
//  - jobs: the distinct tickets; shared_tickets: those of them with another such request of the part in
//    another month (a range's jobs: the months' own tickets plus the distinct shared and edge ones);
//  - received_days: each request with a receipt, its days from request to receipt, as the report computes them
//    (extract(epoch …) / 86400.0, numeric: sums and medians come out the same);
//  - pending_requested_at: the request times of those without a receipt (their days run up to "now");
//  - open_now: the requests requested, ordered or shipped.
// So a year reads 12 rows per part (and the received days of its requests for the median), the days around
// whole months from part_requests. Kept by statement triggers on part_requests in the writer's transaction
// (every writer — services, seeds, bulk SQL — keeps it without knowing): the months and parts of the rows a
// statement touched, and the other months of the same part and ticket, are counted again from part_requests,
// one part at a time under an advisory lock. Backfilled here.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table part_hold_monthly (
    month_start date not null,
    part_id bigint not null references spare_parts(id),
    jobs integer not null,
    shared_tickets bigint[] not null,
    received_days numeric[] not null,
    pending_requested_at timestamptz[] not null,
    open_now integer not null,
    primary key (month_start, part_id)
  )`.execute(db);

  // counts again the given (month, part) pairs from part_requests
  await sql`create function part_hold_monthly_recount(months date[], parts bigint[]) returns void language plpgsql as $$
  begin
    -- one writer per part at a time: a recount reads the requests committed before it took the lock
    perform pg_advisory_xact_lock(hashtext('part_hold_monthly'), p::int)
    from (select distinct p from unnest(parts) p order by p) x;
    delete from part_hold_monthly h using unnest(months, parts) a(m, p) where h.month_start = a.m and h.part_id = a.p;
    insert into part_hold_monthly (month_start, part_id, jobs, shared_tickets, received_days, pending_requested_at, open_now)
    select a.m, a.p, count(distinct r.ticket_id),
      coalesce(array_agg(distinct r.ticket_id) filter (where exists (
        select 1 from part_requests o where o.ticket_id = r.ticket_id and o.part_id = r.part_id and o.status <> 'cancelled'
          and (o.requested_at < j.start_day::timestamp at time zone 'Asia/Tehran' or o.requested_at >= j.end_day::timestamp at time zone 'Asia/Tehran'))), '{}'),
      coalesce(array_agg(extract(epoch from (r.received_at - r.requested_at)) / 86400.0 order by r.id) filter (where r.received_at is not null), '{}'),
      coalesce(array_agg(r.requested_at order by r.id) filter (where r.received_at is null), '{}'),
      count(*) filter (where r.status in ('requested', 'ordered', 'shipped'))
    from (select distinct m, p from unnest(months, parts) u(m, p)) a
    join jalali_months j on j.start_day = a.m
    join part_requests r on r.part_id = a.p and r.status <> 'cancelled'
      and r.requested_at >= j.start_day::timestamp at time zone 'Asia/Tehran' and r.requested_at < j.end_day::timestamp at time zone 'Asia/Tehran'
    group by a.m, a.p;
  end $$`.execute(db);

  // the statement triggers: the months and parts of the touched rows, and every month of the same part and ticket
  await sql`create function part_hold_monthly_sync() returns trigger language plpgsql as $$
  declare
    ms date[];
    ps bigint[];
  begin
    if tg_op = 'INSERT' then
      with touched as (select part_id, ticket_id, requested_at from new_rows),
      affected as (
        select jalali_month_start((t.requested_at at time zone 'Asia/Tehran')::date) as m, t.part_id as p from touched t
        union
        select jalali_month_start((r.requested_at at time zone 'Asia/Tehran')::date), r.part_id
        from (select distinct part_id, ticket_id from touched) k join part_requests r on r.ticket_id = k.ticket_id and r.part_id = k.part_id
      )
      select array_agg(m), array_agg(p) into ms, ps from affected where m is not null;
    elsif tg_op = 'UPDATE' then
      with changed as (
        select n.part_id as new_part, n.ticket_id as new_ticket, n.requested_at as new_at, o.part_id as old_part, o.ticket_id as old_ticket, o.requested_at as old_at
        from new_rows n join old_rows o on o.id = n.id
        where (n.status, n.received_at, n.requested_at, n.part_id, n.ticket_id) is distinct from (o.status, o.received_at, o.requested_at, o.part_id, o.ticket_id)
      ),
      touched as (
        select new_part as part_id, new_ticket as ticket_id, new_at as requested_at from changed
        union all select old_part, old_ticket, old_at from changed
      ),
      affected as (
        select jalali_month_start((t.requested_at at time zone 'Asia/Tehran')::date) as m, t.part_id as p from touched t
        union
        select jalali_month_start((r.requested_at at time zone 'Asia/Tehran')::date), r.part_id
        from (select distinct part_id, ticket_id from touched) k join part_requests r on r.ticket_id = k.ticket_id and r.part_id = k.part_id
      )
      select array_agg(m), array_agg(p) into ms, ps from affected where m is not null;
    else
      with touched as (select part_id, ticket_id, requested_at from old_rows),
      affected as (
        select jalali_month_start((t.requested_at at time zone 'Asia/Tehran')::date) as m, t.part_id as p from touched t
        union
        select jalali_month_start((r.requested_at at time zone 'Asia/Tehran')::date), r.part_id
        from (select distinct part_id, ticket_id from touched) k join part_requests r on r.ticket_id = k.ticket_id and r.part_id = k.part_id
      )
      select array_agg(m), array_agg(p) into ms, ps from affected where m is not null;
    end if;
    if ms is not null then
      perform part_hold_monthly_recount(ms, ps);
    end if;
    return null;
  end $$`.execute(db);
  await sql`create trigger part_hold_monthly_insert after insert on part_requests referencing new table as new_rows
    for each statement execute function part_hold_monthly_sync()`.execute(db);
  await sql`create trigger part_hold_monthly_update after update on part_requests referencing old table as old_rows new table as new_rows
    for each statement execute function part_hold_monthly_sync()`.execute(db);
  await sql`create trigger part_hold_monthly_delete after delete on part_requests referencing old table as old_rows
    for each statement execute function part_hold_monthly_sync()`.execute(db);

  await sql`select part_hold_monthly_recount(array_agg(m), array_agg(p))
    from (select distinct jalali_month_start((requested_at at time zone 'Asia/Tehran')::date) as m, part_id as p from part_requests) x
    where m is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists part_hold_monthly_delete on part_requests`.execute(db);
  await sql`drop trigger if exists part_hold_monthly_update on part_requests`.execute(db);
  await sql`drop trigger if exists part_hold_monthly_insert on part_requests`.execute(db);
  await sql`drop function if exists part_hold_monthly_sync()`.execute(db);
  await sql`drop function if exists part_hold_monthly_recount(date[], bigint[])`.execute(db);
  await sql`drop table if exists part_hold_monthly`.execute(db);
}
