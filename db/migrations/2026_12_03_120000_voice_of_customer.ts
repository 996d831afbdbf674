import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// Satisfaction and the voice of the customer (issue 14, section 3):
//  - tickets.feedback_kind ('complaint' | 'suggestion') and tickets.feedback_category (a small fixed vocabulary,
//    core/feedback.ts): set by an operator on a ticket of type 'complaint' (شکایات، انتقادات و پیشنهادات);
//    null on every other ticket and on a complaint not yet classified;
//  - the reports' indexes: complaint tickets by creation time (covering kind, category, status), answered
//    surveys by the time they were answered (covering the job, the score, the complaint), the complaint a
//    survey opened, and breakdowns by product (serial) and time;
//  - repeat_breakdowns: a roll-up of every breakdown registered within 90 days after a previous breakdown of
//    the same product (customer_products: one serial), with that previous one — filled by the workers
//    (voice__refresh) from the tickets after voice_rollups_state.repeats_last_ticket_id, so it is derived from
//    the tickets alone (a fresh database, the bulk seed: the first refresh fills it);
//  - csat_daily: the answered surveys summed by Tehran day and by one dimension (agency, technician, brand,
//    category, or the day's total), recomputed by the same task from the day before its last run (all days
//    on the first run): CSAT over a year reads a few thousand rows instead of joining every survey.

const KINDS = `('complaint','suggestion')`;
const CATEGORIES = `('technician_behaviour','repair_quality','delay','price_invoice','parts','call_centre','product_quality','other')`;

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    sql`alter table tickets add column feedback_kind text check (feedback_kind in ${sql.raw(KINDS)}),
      add column feedback_category text check (feedback_category in ${sql.raw(CATEGORIES)})`,
    sql`alter table tickets add constraint tickets_feedback_complaint_check
      check (type = 'complaint' or (feedback_kind is null and feedback_category is null))`,
    sql`create index tickets_complaints_created_idx on tickets (created_at) include (feedback_kind, feedback_category, status)
      where type = 'complaint'`,
    sql`create index tickets_product_breakdowns_idx on tickets (customer_product_id, created_at) include (status)
      where type = 'breakdown' and customer_product_id is not null`,
    sql`create index satisfaction_surveys_answered_idx on satisfaction_surveys (surveyed_at) include (ticket_id, score, complaint_ticket_id)
      where status = 'answered'`,
    sql`create index satisfaction_surveys_complaint_idx on satisfaction_surveys (complaint_ticket_id) where complaint_ticket_id is not null`,
    sql`create table repeat_breakdowns (
      ticket_id bigint primary key references tickets(id) on delete cascade,
      previous_ticket_id bigint not null references tickets(id) on delete cascade,
      customer_product_id bigint not null references customer_products(id) on delete cascade,
      model_id bigint not null references product_models(id),
      created_at timestamptz not null,
      previous_created_at timestamptz not null,
      check (previous_created_at <= created_at)
    )`,
    sql`create index repeat_breakdowns_created_idx on repeat_breakdowns (created_at) include (model_id, customer_product_id)`,
    sql`create index repeat_breakdowns_previous_idx on repeat_breakdowns (previous_ticket_id)`,
    // CSAT by day and by one dimension (agency, technician, brand, category; 'total': the day's all), refreshed by the same task
    sql`create table csat_daily (
      day date not null,
      dim text not null check (dim in ('total','agency','technician','brand','category')),
      key bigint,
      answered integer not null,
      score_sum integer not null,
      satisfied integer not null,
      low integer not null
    )`,
    sql`create index csat_daily_dim_day_idx on csat_daily (dim, day) include (key, answered, score_sum, satisfied, low)`,
    sql`create table voice_rollups_state (
      id boolean primary key default true check (id),
      repeats_last_ticket_id bigint not null default 0,
      repeats_refreshed_at timestamptz,
      csat_through date,
      csat_refreshed_at timestamptz
    )`,
    sql`insert into voice_rollups_state (id) values (true)`,
  ]) {
    await statement.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of [
    sql`drop table if exists voice_rollups_state`,
    sql`drop table if exists csat_daily`,
    sql`drop table if exists repeat_breakdowns`,
    sql`drop index if exists satisfaction_surveys_complaint_idx`,
    sql`drop index if exists satisfaction_surveys_answered_idx`,
    sql`drop index if exists tickets_product_breakdowns_idx`,
    sql`drop index if exists tickets_complaints_created_idx`,
    sql`alter table tickets drop constraint if exists tickets_feedback_complaint_check`,
    sql`alter table tickets drop column if exists feedback_category, drop column if exists feedback_kind`,
  ]) {
    await statement.execute(db);
  }
}
