import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// The call-centre report's table by hour of day over long ranges (issue 14 §4 and §7: a year of /manager/calls
// within 200 ms). It summed the hourly roll-up (call_stats_hourly) over the whole range: a year was 8,760 hours
// × queues × operators of rows.
//  - jalali_months: the Jalali (Solar Hijri) months as Gregorian day ranges [start_day, end_day), years
//    1300-1500, computed here with the runtime's Persian calendar (Intl), so SQL can tell a day's month;
//    jalali_month_start(day) reads it (null outside those years).
//  - call_stats_hour_of_day: per Jalali month (its first day), queue, operator and hour of day, the hourly
//    rows of the month's days summed (longest wait: their maximum); operator -1 holds the sum over every
//    operator (0 included: the calls nobody answered), i.e. the queue's figures, so a year of the report
//    without an operator reads 12 × 24 rows per queue, and one operator's as many. Kept by the worker's
//    call_stats__refresh in the same transaction as the hourly and daily rows (the months of the days it
//    counted again are summed again); backfilled here from the hourly rows.

/** The first days (Gregorian 'YYYY-MM-DD') of the Jalali months of years [fromYear, toYear]. */
function jalaliMonthStarts(fromYear: number, toYear: number): { day: string; year: number; month: number }[] {
  const f = new Intl.DateTimeFormat("en-US-u-ca-persian-nu-latn", { timeZone: "UTC", year: "numeric", month: "numeric", day: "numeric" });
  if (f.resolvedOptions().calendar !== "persian") throw new Error("This JavaScript runtime has no Persian calendar (Intl without full ICU data)");
  const ymd = (ms: number) => {
    const p = f.formatToParts(new Date(ms));
    const n = (t: string) => Number((p.find((x) => x.type === t)?.value ?? "").replace(/\D/g, ""));
    return { year: n("year"), month: n("month"), day: n("day") };
  };
  const DAY = 86_400_000;
  // 1 Farvardin 1300 = 1921-03-21
  let t = Date.UTC(1921, 2, 21, 12);
  while (ymd(t).day !== 1) t -= DAY;
  const out: { day: string; year: number; month: number }[] = [];
  for (;;) {
    const j = ymd(t);
    if (j.year > toYear) break;
    if (j.year >= fromYear) out.push({ day: new Date(t).toISOString().slice(0, 10), year: j.year, month: j.month });
    t += 29 * DAY;
    while (ymd(t).day !== 1) t += DAY;
  }
  return out;
}

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table jalali_months (
    start_day date primary key,
    end_day date not null,
    jalali_year smallint not null,
    jalali_month smallint not null check (jalali_month between 1 and 12),
    unique (jalali_year, jalali_month),
    check (end_day > start_day)
  )`.execute(db);
  const starts = jalaliMonthStarts(1300, 1501);
  const rows = starts.slice(0, -12).map((s, i) => ({ ...s, end: starts[i + 1]!.day }));
  await sql`insert into jalali_months (start_day, end_day, jalali_year, jalali_month)
    select * from unnest(${rows.map((r) => r.day)}::date[], ${rows.map((r) => r.end)}::date[], ${rows.map((r) => r.year)}::smallint[], ${rows.map((r) => r.month)}::smallint[])`.execute(db);
  await sql`create function jalali_month_start(d date) returns date language sql stable parallel safe
    as $$ select start_day from jalali_months where start_day <= d and d < end_day order by start_day desc limit 1 $$`.execute(db);

  await sql`create table call_stats_hour_of_day (
    month_start date not null,
    queue text not null,
    operator_user_id bigint not null,
    local_hour smallint not null check (local_hour between 0 and 23),
    offered integer not null default 0,
    answered integer not null default 0,
    abandoned integer not null default 0,
    answered_within integer not null default 0,
    answer_wait_seconds bigint not null default 0,
    talk_seconds bigint not null default 0,
    longest_wait_seconds integer not null default 0,
    rung integer not null default 0,
    missed integer not null default 0,
    primary key (month_start, queue, operator_user_id, local_hour)
  )`.execute(db);
  await sql`
    with m as (select d.local_day, jalali_month_start(d.local_day) as month_start from (select distinct local_day from call_stats_hourly) d)
    insert into call_stats_hour_of_day (month_start, queue, operator_user_id, local_hour, offered, answered, abandoned, answered_within,
      answer_wait_seconds, talk_seconds, longest_wait_seconds, rung, missed)
    select m.month_start, h.queue, case when grouping(h.operator_user_id) = 1 then -1 else h.operator_user_id end, h.local_hour,
      sum(offered), sum(answered), sum(abandoned), sum(answered_within), sum(answer_wait_seconds), sum(talk_seconds),
      max(longest_wait_seconds), sum(rung), sum(missed)
    from call_stats_hourly h join m on m.local_day = h.local_day
    group by grouping sets ((m.month_start, h.queue, h.local_hour, h.operator_user_id), (m.month_start, h.queue, h.local_hour))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists call_stats_hour_of_day`.execute(db);
  await sql`drop function if exists jalali_month_start(date)`.execute(db);
  await sql`drop table if exists jalali_months`.execute(db);
}
