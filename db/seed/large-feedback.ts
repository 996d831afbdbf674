import { sql, type Kysely } from "kysely";
import { FEEDBACK_CATEGORIES } from "../../core/feedback";
import type { Database } from "../schema";

/*
 * The voice of the customer's share of the bulk seed (db/seed/large.ts), for the tickets after `afterTicketId`:
 *  - a follow-up survey for most completed breakdowns: about 70 % answered two days after completion (scores
 *    mostly 4–5, about one in five 1–2), 10 % no answer; none later than `now`;
 *  - about four in five complaint tickets classified (kind and category, a tenth of them suggestions).
 * Deterministic per ticket id (a hash, not random()), so a re-run gives the same figures.
 */
export async function seedLargeFeedback(db: Kysely<Database>, afterTicketId: number, now: Date): Promise<{ surveys: number; classified: number }> {
  const surveys = await sql`
    insert into satisfaction_surveys (ticket_id, channel, status, score, surveyed_at, created_at, mode, due_at, attempts, updated_at)
    select r.ticket_id, 'ivr_dtmf', x.status, x.score, case when x.status = 'answered' then x.at end, r.completed_at, 'call',
      r.completed_at + interval '2 days', 1, x.at
    from completion_reports r
    cross join lateral (select (r.ticket_id * 2654435761) % 1000 as h) k
    cross join lateral (select
        case when k.h < 700 then 'answered' when k.h < 800 then 'no_answer' end as status,
        case when k.h < 700 then
          case when k.h < 315 then 5 when k.h < 490 then 4 when k.h < 574 then 3 when k.h < 644 then 2 else 1 end end as score,
        r.completed_at + interval '2 days' + make_interval(mins => (k.h % 180)::int) as at) x
    where r.ticket_id > ${afterTicketId} and x.status is not null and x.at < ${now}
    on conflict (ticket_id) do nothing`.execute(db);
  const cats = sql.raw(`array[${FEEDBACK_CATEGORIES.map((c) => `'${c}'`).join(",")}]`);
  const classified = await sql`
    update tickets t set feedback_kind = case when (t.id * 40503) % 10 = 0 then 'suggestion' else 'complaint' end,
      feedback_category = (${cats})[1 + ((t.id * 2246822519) % ${FEEDBACK_CATEGORIES.length})::int]
    where t.id > ${afterTicketId} and t.type = 'complaint' and (t.id * 48271) % 5 <> 0`.execute(db);
  return { surveys: Number(surveys.numAffectedRows ?? 0), classified: Number(classified.numAffectedRows ?? 0) };
}
