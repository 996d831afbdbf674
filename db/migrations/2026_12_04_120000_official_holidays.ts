import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// The working-day clock's holidays (issue 15 §2): official_holidays, one row per official holiday (a Tehran
// calendar day), kept by an admin on /admin/holidays with its Jalali date and reason. Seeded with the official
// holidays of 1405 and the Nowruz of 1406 (the list and its sources: core/holidays.ts, copied here frozen).
// working_calendar_state.version is moved (to a value never seen before) by a statement trigger on every change, so each process's cached
// calendar (services/working-calendar.ts) notices a change with one tiny read; NOTIFY working_calendar says
// the same to anyone listening.

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    sql`create table official_holidays (
      id bigint generated always as identity primary key,
      jalali_year integer not null check (jalali_year between 1300 and 1600),
      jalali_month smallint not null check (jalali_month between 1 and 12),
      jalali_day smallint not null check (jalali_day between 1 and 31),
      day date not null unique,
      reason text not null check (length(reason) between 1 and 200),
      created_by bigint references users(id),
      created_at timestamptz not null default now()
    )`,
    sql`create index official_holidays_year_idx on official_holidays (jalali_year, day)`,
    sql`create table working_calendar_state (
      id smallint primary key default 1 check (id = 1),
      version bigint not null default 1,
      changed_at timestamptz not null default now()
    )`,
    sql`insert into working_calendar_state (id) values (1)`,
    sql`create function working_calendar_bump() returns trigger language plpgsql as $$
      begin
        -- an upsert (the row may have been emptied by a truncate) with a fresh value, never one seen before
        insert into working_calendar_state (id, version, changed_at)
          values (1, (extract(epoch from clock_timestamp()) * 1000000)::bigint, now())
          on conflict (id) do update set version = greatest(working_calendar_state.version + 1, excluded.version), changed_at = now();
        perform pg_notify('working_calendar', '');
        return null;
      end $$`,
    sql`create trigger official_holidays_bump after insert or update or delete on official_holidays
      for each statement execute function working_calendar_bump()`,
    sql`create trigger official_holidays_bump_truncate after truncate on official_holidays
      for each statement execute function working_calendar_bump()`,
    sql`insert into official_holidays (jalali_year, jalali_month, jalali_day, day, reason) values
      (1405, 1, 1, date '2026-03-21', 'آغاز نوروز؛ عید سعید فطر'),
      (1405, 1, 2, date '2026-03-22', 'عید نوروز؛ تعطیل به مناسبت عید سعید فطر'),
      (1405, 1, 3, date '2026-03-23', 'عید نوروز'),
      (1405, 1, 4, date '2026-03-24', 'عید نوروز'),
      (1405, 1, 12, date '2026-04-01', 'روز جمهوری اسلامی ایران'),
      (1405, 1, 13, date '2026-04-02', 'روز طبیعت'),
      (1405, 1, 25, date '2026-04-14', 'شهادت امام جعفر صادق (ع)'),
      (1405, 3, 6, date '2026-05-27', 'عید سعید قربان'),
      (1405, 3, 14, date '2026-06-04', 'عید غدیر خم؛ رحلت امام خمینی'),
      (1405, 3, 15, date '2026-06-05', 'قیام ۱۵ خرداد'),
      (1405, 4, 3, date '2026-06-24', 'تاسوعای حسینی'),
      (1405, 4, 4, date '2026-06-25', 'عاشورای حسینی'),
      (1405, 5, 12, date '2026-08-03', 'اربعین حسینی'),
      (1405, 5, 20, date '2026-08-11', 'رحلت رسول اکرم (ص)؛ شهادت امام حسن مجتبی (ع)'),
      (1405, 5, 22, date '2026-08-13', 'شهادت امام رضا (ع)'),
      (1405, 5, 30, date '2026-08-21', 'شهادت امام حسن عسکری (ع)'),
      (1405, 6, 8, date '2026-08-30', 'میلاد رسول اکرم (ص) و امام جعفر صادق (ع)'),
      (1405, 8, 22, date '2026-11-13', 'شهادت حضرت فاطمه زهرا (س)'),
      (1405, 10, 1, date '2026-12-22', 'ولادت امام علی (ع)'),
      (1405, 10, 15, date '2027-01-05', 'مبعث رسول اکرم (ص)'),
      (1405, 11, 3, date '2027-01-23', 'ولادت حضرت قائم (عج)'),
      (1405, 11, 22, date '2027-02-11', 'پیروزی انقلاب اسلامی'),
      (1405, 12, 10, date '2027-03-01', 'شهادت امام علی (ع)'),
      (1405, 12, 19, date '2027-03-10', 'عید سعید فطر'),
      (1405, 12, 20, date '2027-03-11', 'تعطیل به مناسبت عید سعید فطر'),
      (1405, 12, 29, date '2027-03-20', 'روز ملی شدن صنعت نفت'),
      (1406, 1, 1, date '2027-03-21', 'آغاز نوروز'),
      (1406, 1, 2, date '2027-03-22', 'عید نوروز'),
      (1406, 1, 3, date '2027-03-23', 'عید نوروز'),
      (1406, 1, 4, date '2027-03-24', 'عید نوروز'),
      (1406, 1, 12, date '2027-04-01', 'روز جمهوری اسلامی ایران'),
      (1406, 1, 13, date '2027-04-02', 'روز طبیعت')
    `,
  ]) {
    await statement.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of [
    sql`drop table if exists official_holidays`,
    sql`drop function if exists working_calendar_bump()`,
    sql`drop table if exists working_calendar_state`,
  ]) {
    await statement.execute(db);
  }
}
