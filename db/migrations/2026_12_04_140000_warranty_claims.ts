import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// Issue 15 §3, the two-way agency ledger:
//  - labour_tariffs: the labour an agency claims per product category and service type (repair, installation,
//    inspection), valid over Tehran days [effective_from, effective_to) as agency_fee_rates; an admin adds a
//    new row from a day on (the previous one is closed on that day), so a claim's price is never rewritten;
//  - travel_fee_bands: the travel fee by the distance from the agency to the job, one row per band start
//    (0, 10, 30, 60 km …: a band runs to the next start), dated the same way;
//  - warranty_claims / warranty_claim_lines: what the agency claims for an in-warranty job and what the
//    manufacturer granted, per line (labour, travel, parts at list price), amounts snapshotted;
//  - defective_part_returns: a replaced serialized part (داغی) received back by the manufacturer, by serial,
//    one per claim line: a claim is paid only when every such part is back;
//  - agency_ledger: kinds 'warranty_claim' (< 0, once per claim) and 'claim_adjustment' (a correction); the
//    entry names its claim; ledger_monthly gains claim_rials, kept by the same trigger;
//  - completion_reports (agency_id, completed_at desc): the agency's jobs to claim for, latest first.

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    sql`create table labour_tariffs (
      id bigint generated always as identity primary key,
      category_id bigint not null references product_categories(id),
      service_type text not null check (service_type in ('repair','installation','inspection')),
      amount_rials bigint not null check (amount_rials between 0 and 10000000000),
      effective_from date not null,
      effective_to date,
      created_by bigint references users(id),
      created_at timestamptz not null default now(),
      check (effective_to is null or effective_to > effective_from)
    )`,
    sql`create index labour_tariffs_lookup_idx on labour_tariffs (category_id, service_type, effective_from)`,
    sql`create table travel_fee_bands (
      id bigint generated always as identity primary key,
      from_km integer not null check (from_km between 0 and 10000),
      amount_rials bigint not null check (amount_rials between 0 and 10000000000),
      effective_from date not null,
      effective_to date,
      created_by bigint references users(id),
      created_at timestamptz not null default now(),
      check (effective_to is null or effective_to > effective_from)
    )`,
    sql`create index travel_fee_bands_lookup_idx on travel_fee_bands (effective_from)`,
    sql`create table warranty_claims (
      id bigint generated always as identity primary key,
      ticket_id bigint not null references tickets(id),
      agency_id bigint not null references agencies(id),
      service_type text not null check (service_type in ('repair','installation','inspection')),
      status text not null check (status in ('draft','submitted','approved','partly_approved','rejected','paid')),
      distance_km numeric(8,1),
      claimed_rials bigint not null check (claimed_rials >= 0),
      approved_rials bigint check (approved_rials >= 0),
      decision_reason text check (decision_reason is null or length(decision_reason) between 1 and 500),
      created_by bigint references users(id),
      created_at timestamptz not null default now(),
      submitted_at timestamptz,
      decided_at timestamptz,
      decided_by bigint references users(id),
      paid_at timestamptz,
      ledger_entry_id bigint references agency_ledger(id),
      check ((status in ('draft','submitted')) = (decided_at is null)),
      check (status <> 'rejected' or decision_reason is not null)
    )`,
    // one live claim per job: a rejected one may be filed again
    sql`create unique index warranty_claims_ticket_once on warranty_claims (ticket_id) where status <> 'rejected'`,
    sql`create index warranty_claims_agency_idx on warranty_claims (agency_id, created_at desc)`,
    sql`create index warranty_claims_status_idx on warranty_claims (status, created_at desc)`,
    // the scorecard's "claims decided / rejected per agency per month"
    sql`create index warranty_claims_decided_idx on warranty_claims (agency_id, decided_at) include (status) where decided_at is not null`,
    sql`create table warranty_claim_lines (
      id bigint generated always as identity primary key,
      claim_id bigint not null references warranty_claims(id),
      kind text not null check (kind in ('labour','travel','part')),
      spare_part_id bigint references spare_parts(id),
      labour_tariff_id bigint references labour_tariffs(id),
      travel_band_id bigint references travel_fee_bands(id),
      description text not null check (length(description) between 1 and 200),
      quantity integer not null check (quantity between 1 and 99),
      unit_rials bigint not null check (unit_rials >= 0),
      amount_rials bigint not null check (amount_rials = quantity * unit_rials),
      serialized boolean not null default false,
      defective_serial text check (defective_serial is null or length(defective_serial) between 1 and 100),
      approved_rials bigint check (approved_rials between 0 and amount_rials),
      decision_reason text check (decision_reason is null or length(decision_reason) between 1 and 500),
      check ((kind = 'part') = (spare_part_id is not null)),
      check (kind <> 'labour' or labour_tariff_id is not null),
      check (kind <> 'travel' or travel_band_id is not null),
      check (not serialized or defective_serial is not null)
    )`,
    sql`create index warranty_claim_lines_claim_idx on warranty_claim_lines (claim_id)`,
    // the agency's jobs to claim for, latest completion first (a seq scan of the reports otherwise)
    sql`create index if not exists completion_reports_agency_completed_idx on completion_reports (agency_id, completed_at desc)`,
    sql`create table defective_part_returns (
      id bigint generated always as identity primary key,
      claim_line_id bigint not null unique references warranty_claim_lines(id),
      serial text not null check (length(serial) between 1 and 100),
      received_at timestamptz not null,
      received_by bigint not null references users(id)
    )`,
    // the ledger: two new kinds, and the claim an entry belongs to
    sql`alter table agency_ledger add column claim_id bigint references warranty_claims(id)`,
    sql`alter table agency_ledger drop constraint agency_ledger_kind_check`,
    sql`alter table agency_ledger add constraint agency_ledger_kind_check
      check (kind in ('referral_fee','fee_adjustment','payment','warranty_claim','claim_adjustment'))`,
    sql`alter table agency_ledger add constraint agency_ledger_claim_check check (kind <> 'warranty_claim' or
      (claim_id is not null and ticket_id is not null and amount_rials < 0))`,
    sql`alter table agency_ledger add constraint agency_ledger_claim_adjustment_check check (kind <> 'claim_adjustment' or
      (claim_id is not null and adjusts_entry_id is not null and reason is not null and created_by is not null and amount_rials <> 0))`,
    sql`create unique index agency_ledger_claim_once on agency_ledger (claim_id) where kind = 'warranty_claim'`,
    sql`alter table ledger_monthly add column claim_rials bigint not null default 0`,
    sql`create or replace function ledger_monthly_add() returns trigger language plpgsql as $$
      begin
        insert into ledger_monthly as m (period, agency_id, brand_id, category_id, province, jobs, invoice_rials, fee_rials, adjustment_rials, payment_rials, claim_rials)
        select period, agency_id, brand_id, category_id, province,
          count(*) filter (where kind = 'referral_fee'),
          coalesce(sum(invoice_amount_rials) filter (where kind = 'referral_fee'), 0),
          coalesce(sum(amount_rials) filter (where kind = 'referral_fee'), 0),
          coalesce(sum(amount_rials) filter (where kind = 'fee_adjustment'), 0),
          coalesce(sum(amount_rials) filter (where kind = 'payment'), 0),
          coalesce(sum(amount_rials) filter (where kind in ('warranty_claim','claim_adjustment')), 0)
        from new_rows
        group by period, agency_id, brand_id, category_id, province
        on conflict (period, agency_id, brand_id, category_id, province) do update set
          jobs = m.jobs + excluded.jobs,
          invoice_rials = m.invoice_rials + excluded.invoice_rials,
          fee_rials = m.fee_rials + excluded.fee_rials,
          adjustment_rials = m.adjustment_rials + excluded.adjustment_rials,
          payment_rials = m.payment_rials + excluded.payment_rials,
          claim_rials = m.claim_rials + excluded.claim_rials;
        return null;
      end $$`,
  ]) {
    await statement.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of [
    sql`create or replace function ledger_monthly_add() returns trigger language plpgsql as $$
      begin
        insert into ledger_monthly as m (period, agency_id, brand_id, category_id, province, jobs, invoice_rials, fee_rials, adjustment_rials, payment_rials)
        select period, agency_id, brand_id, category_id, province,
          count(*) filter (where kind = 'referral_fee'),
          coalesce(sum(invoice_amount_rials) filter (where kind = 'referral_fee'), 0),
          coalesce(sum(amount_rials) filter (where kind = 'referral_fee'), 0),
          coalesce(sum(amount_rials) filter (where kind = 'fee_adjustment'), 0),
          coalesce(sum(amount_rials) filter (where kind = 'payment'), 0)
        from new_rows
        group by period, agency_id, brand_id, category_id, province
        on conflict (period, agency_id, brand_id, category_id, province) do update set
          jobs = m.jobs + excluded.jobs,
          invoice_rials = m.invoice_rials + excluded.invoice_rials,
          fee_rials = m.fee_rials + excluded.fee_rials,
          adjustment_rials = m.adjustment_rials + excluded.adjustment_rials,
          payment_rials = m.payment_rials + excluded.payment_rials;
        return null;
      end $$`,
    sql`alter table ledger_monthly drop column claim_rials`,
    sql`drop index if exists agency_ledger_claim_once`,
    sql`alter table agency_ledger drop constraint agency_ledger_claim_adjustment_check`,
    sql`alter table agency_ledger drop constraint agency_ledger_claim_check`,
    sql`alter table agency_ledger drop constraint agency_ledger_kind_check`,
    sql`alter table agency_ledger add constraint agency_ledger_kind_check check (kind in ('referral_fee','fee_adjustment','payment'))`,
    sql`alter table agency_ledger drop column claim_id`,
    sql`drop index if exists completion_reports_agency_completed_idx`,
    sql`drop table if exists defective_part_returns`,
    sql`drop table if exists warranty_claim_lines`,
    sql`drop table if exists warranty_claims`,
    sql`drop table if exists travel_fee_bands`,
    sql`drop table if exists labour_tariffs`,
  ]) {
    await statement.execute(db);
  }
}
