import { sql, type Kysely } from "kysely";
import type { Database } from "../schema";

/*
 * The call centre's share of the bulk seed (db/seed/large.ts), for the tickets after `afterTicketId`: the
 * ticket seeding gives each phone ticket the answered call that registered it (and an abandoned call for one
 * in 33); this adds what a call centre taking those tickets also sees, so that the call report and its roll-ups
 * are measured on a proportionate volume (about 1.5 inbound calls per ticket in all) and spread over a real
 * team of operators:
 *  - LARGE_OPERATORS operators (users `large-op-NN`, the demo operator's password, every queue), made once;
 *  - per ticket about 0.55 more answered calls that register nothing (questions, follow-ups, complaints), 0.08
 *    abandoned after waiting and 0.02 that asked to be called back, at hashed times of the call centre's day
 *    (08:00-21:00 Tehran) within a week of the ticket, none later than `now`;
 *  - the ringings (call_attempts) of the extra calls: the answering operator's, and for about one in five a
 *    ringing another operator missed (no answer, busy or rejected) first.
 * Deterministic per ticket id (hashes, not random()), so a re-run gives the same figures.
 */
export const LARGE_OPERATORS = 24;

export async function seedLargeCalls(db: Kysely<Database>, afterTicketId: number, now: Date): Promise<{ calls: number; attempts: number }> {
  await sql`
    insert into users (username, display_name, role, password_hash)
    select 'large-op-' || lpad(g::text, 2, '0'), 'اپراتور ' || g, 'operator',
      coalesce((select password_hash from users where username = 'operator'), (select password_hash from users order by id limit 1))
    from generate_series(1, ${LARGE_OPERATORS}::int) g
    on conflict do nothing`.execute(db);
  await sql`
    insert into operators (user_id, extension, skills)
    select u.id, '40' || substr(u.username, 10), array['breakdown', 'follow_up', 'complaint']
    from users u where u.username like 'large-op-%'
    on conflict do nothing`.execute(db);
  const ops = (await sql<{ id: number }>`select id from users where username like 'large-op-%' order by id`.execute(db)).rows.map((r) => Number(r.id));
  if (!ops.length) return { calls: 0, attempts: 0 };
  // one draw per ticket: h its hash, the kind by h % 100 (35 % of tickets get no extra call)
  const { rows } = await sql<{ calls: number; attempts: number }>`
    with ins as (
      insert into calls (channel_id, direction, caller_number, called_number, queue, operator_user_id, customer_id,
        started_at, enqueued_at, answered_at, ended_at, wait_seconds, talk_seconds, disposition, state)
      select 'bench.c' || t.id, 'inbound', c.mobile, '02191001570', x.queue,
        case when x.kind = 'answered' then (${ops}::bigint[])[1 + (x.h / 7 % ${ops.length})::int] end, t.customer_id,
        x.at, x.at, case when x.kind = 'answered' then x.at + make_interval(secs => x.wait) end,
        x.at + make_interval(secs => x.wait + x.talk), x.wait, case when x.kind = 'answered' then x.talk end, x.kind, 'ended'
      from tickets t
      join customers c on c.id = t.customer_id
      cross join lateral (select (t.id * 2654435761) % 1000003 as h) hh
      cross join lateral (select hh.h,
          case when hh.h % 100 < 55 then 'answered' when hh.h % 100 < 63 then 'abandoned' when hh.h % 100 < 65 then 'missed' end as kind,
          (array['breakdown', 'follow_up', 'follow_up', 'complaint'])[1 + (hh.h / 11 % 4)::int] as queue,
          -- inside the call centre's day: 08:00-21:00 Tehran, on the ticket's day or up to 6 days later
          (date_trunc('day', t.created_at at time zone 'Asia/Tehran')
            + make_interval(days => (hh.h / 13 % 7)::int, mins => 480 + (hh.h / 97 % 780)::int)) at time zone 'Asia/Tehran' as at,
          (2 + hh.h / 5 % 70)::int as wait, case when hh.h % 100 < 55 then (40 + hh.h / 3 % 400)::int else 0 end as talk) x
      where t.id > ${afterTicketId} and x.kind is not null and x.at < ${now}
      returning id, started_at, operator_user_id, wait_seconds, disposition
    ), att as (
      insert into call_attempts (call_id, operator_user_id, started_at, ended_at, outcome)
      select i.id, o.op, i.started_at + make_interval(secs => o.offset_s), i.started_at + make_interval(secs => o.offset_s + 8), o.outcome
      from ins i
      cross join lateral (select (i.id * 2654435761) % 1000003 as h) hh
      cross join lateral (
        -- another operator's missed ringing first, for about one in five
        select (${ops}::bigint[])[1 + ((hh.h / 3 + 5) % ${ops.length})::int] as op,
          (array['no_answer', 'busy', 'rejected'])[1 + (hh.h % 3)::int] as outcome, 0 as offset_s
        where hh.h % 5 = 0 and (${ops}::bigint[])[1 + ((hh.h / 3 + 5) % ${ops.length})::int] is distinct from i.operator_user_id
        union all
        select i.operator_user_id, 'answered', greatest(i.wait_seconds - 8, 0) where i.disposition = 'answered'
      ) o
      returning 1
    )
    select (select count(*) from ins)::int as calls, (select count(*) from att)::int as attempts`.execute(db);
  return { calls: rows[0]?.calls ?? 0, attempts: rows[0]?.attempts ?? 0 };
}
