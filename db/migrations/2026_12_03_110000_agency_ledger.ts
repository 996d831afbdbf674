import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// Issue 14 §2: referral_fees becomes the agency LEDGER (agency_ledger), a table of entries never edited:
//  - the table is renamed and evolved in place (its rows, ids and the seeds' data stay; no copy of a large table),
//    because issue 15 nets warranty claims against fees in the same statement: one ledger with a kind and a
//    signed amount (positive: the agency owes the manufacturer) takes them as new kinds without a rewrite,
//    where a table named for fees would need a twin and a union in every statement;
//  - kind: 'referral_fee' (one per ticket: a partial unique index), 'fee_adjustment' (a correction with its
//    reason, its author and the entry it corrects), 'payment' (a statement settled: date, reference);
//  - fee_rials → amount_rials (signed), accrued_at → at; ticket, invoice and rate only where the kind has them;
//  - the per-row settled/settled_at/settlement_ref columns were edits of entries: each (agency, month) with
//    settled rows becomes one payment entry of minus their sum, dated by the latest settled_at, with its
//    reference; the columns go;
//  - the entry's dimensions (brand, category, province of the ticket) are snapshotted for the revenue reports;
//  - ledger_monthly: the roll-up per (Jalali month, agency, brand, category, province) of fees, adjustments
//    and payments, kept by a statement trigger on every insert (transition table), backfilled here;
//  - UPDATE and DELETE on the ledger raise (append-only, as ticket_events and audit_log).

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    sql`alter table referral_fees rename to agency_ledger`,
    sql`drop index if exists referral_fees_accrued_idx`,
    sql`drop index if exists referral_fees_unsettled_idx`,
    sql`drop index if exists referral_fees_period_fee_idx`,
    sql`drop index if exists referral_fees_statement_idx`,
    sql`drop index if exists referral_fees_agency_period_idx`,
    sql`drop index if exists referral_fees_period_idx`,
    sql`alter table agency_ledger rename column fee_rials to amount_rials`,
    sql`alter table agency_ledger rename column accrued_at to at`,
    sql`alter table agency_ledger drop constraint if exists referral_fees_fee_rials_check`,
    sql`alter table agency_ledger drop constraint if exists referral_fees_ticket_id_key`,
    sql`alter table agency_ledger alter column ticket_id drop not null`,
    sql`alter table agency_ledger alter column invoice_amount_rials drop not null`,
    sql`alter table agency_ledger alter column rate_percent drop not null`,
    sql`alter table agency_ledger add column kind text not null default 'referral_fee'`,
    sql`alter table agency_ledger alter column kind drop default`,
    sql`alter table agency_ledger add column adjusts_entry_id bigint references agency_ledger(id)`,
    sql`alter table agency_ledger add column reason text`,
    sql`alter table agency_ledger add column reference text`,
    sql`alter table agency_ledger add column paid_on date`,
    sql`alter table agency_ledger add column created_by bigint references users(id)`,
    sql`alter table agency_ledger add column brand_id bigint references brands(id)`,
    sql`alter table agency_ledger add column category_id bigint references product_categories(id)`,
    sql`alter table agency_ledger add column province text`,
    // the dimensions of the fees already written
    sql`update agency_ledger l set brand_id = m.brand_id, category_id = m.category_id, province = t.province
      from tickets t
      left join customer_products cp on cp.id = t.customer_product_id
      left join product_models m on m.id = cp.model_id
      where t.id = l.ticket_id`,
    // settled rows → one payment per (agency, month)
    sql`insert into agency_ledger (agency_id, kind, period, amount_rials, at, reference, paid_on)
      select agency_id, 'payment', period, -sum(amount_rials), max(settled_at),
        coalesce(min(settlement_ref), 'STL-' || period), (max(settled_at) at time zone 'Asia/Tehran')::date
      from agency_ledger where settled group by agency_id, period`,
    sql`alter table agency_ledger drop column settled`,
    sql`alter table agency_ledger drop column settled_at`,
    sql`alter table agency_ledger drop column settlement_ref`,
    sql`alter table agency_ledger add constraint agency_ledger_kind_check check (kind in ('referral_fee','fee_adjustment','payment'))`,
    sql`alter table agency_ledger add constraint agency_ledger_fee_check check (kind <> 'referral_fee' or
      (ticket_id is not null and invoice_amount_rials is not null and rate_percent is not null and amount_rials >= 0))`,
    sql`alter table agency_ledger add constraint agency_ledger_adjustment_check check (kind <> 'fee_adjustment' or
      (adjusts_entry_id is not null and ticket_id is not null and reason is not null and created_by is not null and amount_rials <> 0))`,
    sql`alter table agency_ledger add constraint agency_ledger_payment_check check (kind <> 'payment' or
      (reference is not null and paid_on is not null and ticket_id is null and amount_rials <> 0))`,
    sql`alter table agency_ledger add constraint agency_ledger_reason_check check (reason is null or length(reason) between 1 and 500)`,
    sql`alter table agency_ledger add constraint agency_ledger_reference_check check (reference is null or length(reference) between 1 and 100)`,
    sql`create unique index agency_ledger_fee_once on agency_ledger (ticket_id) where kind = 'referral_fee'`,
    sql`create index agency_ledger_ticket_idx on agency_ledger (ticket_id) where ticket_id is not null`,
    sql`create index agency_ledger_statement_idx on agency_ledger (agency_id, period, at)`,
    sql`create index agency_ledger_at_idx on agency_ledger (at)`,
    // the partial first and last months of a revenue range, read from the index alone
    sql`create index agency_ledger_revenue_idx on agency_ledger (period, at)
      include (kind, amount_rials, invoice_amount_rials, agency_id, brand_id, category_id, province)
      where kind in ('referral_fee','fee_adjustment')`,
    sql`create table ledger_monthly (
      period text not null,
      agency_id bigint not null references agencies(id),
      brand_id bigint,
      category_id bigint,
      province text,
      jobs integer not null default 0,
      invoice_rials bigint not null default 0,
      fee_rials bigint not null default 0,
      adjustment_rials bigint not null default 0,
      payment_rials bigint not null default 0,
      unique nulls not distinct (period, agency_id, brand_id, category_id, province)
    )`,
    sql`create index ledger_monthly_agency_idx on ledger_monthly (agency_id, period)`,
    sql`create function ledger_monthly_add() returns trigger language plpgsql as $$
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
    sql`insert into ledger_monthly (period, agency_id, brand_id, category_id, province, jobs, invoice_rials, fee_rials, adjustment_rials, payment_rials)
      select period, agency_id, brand_id, category_id, province,
        count(*) filter (where kind = 'referral_fee'),
        coalesce(sum(invoice_amount_rials) filter (where kind = 'referral_fee'), 0),
        coalesce(sum(amount_rials) filter (where kind = 'referral_fee'), 0),
        coalesce(sum(amount_rials) filter (where kind = 'fee_adjustment'), 0),
        coalesce(sum(amount_rials) filter (where kind = 'payment'), 0)
      from agency_ledger group by period, agency_id, brand_id, category_id, province`,
    sql`create trigger agency_ledger_monthly after insert on agency_ledger
      referencing new table as new_rows for each statement execute function ledger_monthly_add()`,
    sql`create trigger agency_ledger_append_only before update or delete on agency_ledger
      for each row execute function forbid_change()`,
  ]) {
    await statement.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of [
    sql`drop trigger if exists agency_ledger_append_only on agency_ledger`,
    sql`drop trigger if exists agency_ledger_monthly on agency_ledger`,
    sql`drop function if exists ledger_monthly_add()`,
    sql`drop table if exists ledger_monthly`,
    sql`alter table agency_ledger add column settled boolean not null default false`,
    sql`alter table agency_ledger add column settled_at timestamptz`,
    sql`alter table agency_ledger add column settlement_ref text`,
    sql`update agency_ledger l set settled = true, settled_at = p.at, settlement_ref = p.reference
      from (select distinct on (agency_id, period) agency_id, period, at, reference from agency_ledger
            where kind = 'payment' order by agency_id, period, at desc) p
      where l.kind = 'referral_fee' and p.agency_id = l.agency_id and p.period = l.period`,
    sql`delete from agency_ledger where kind <> 'referral_fee'`,
    sql`drop index if exists agency_ledger_fee_once`,
    sql`drop index if exists agency_ledger_ticket_idx`,
    sql`drop index if exists agency_ledger_statement_idx`,
    sql`drop index if exists agency_ledger_at_idx`,
    sql`drop index if exists agency_ledger_revenue_idx`,
    sql`alter table agency_ledger drop constraint agency_ledger_kind_check`,
    sql`alter table agency_ledger drop constraint agency_ledger_fee_check`,
    sql`alter table agency_ledger drop constraint agency_ledger_adjustment_check`,
    sql`alter table agency_ledger drop constraint agency_ledger_payment_check`,
    sql`alter table agency_ledger drop constraint agency_ledger_reason_check`,
    sql`alter table agency_ledger drop constraint agency_ledger_reference_check`,
    sql`alter table agency_ledger drop column kind, drop column adjusts_entry_id, drop column reason, drop column reference,
      drop column paid_on, drop column created_by, drop column brand_id, drop column category_id, drop column province`,
    sql`alter table agency_ledger alter column ticket_id set not null`,
    sql`alter table agency_ledger alter column invoice_amount_rials set not null`,
    sql`alter table agency_ledger alter column rate_percent set not null`,
    sql`alter table agency_ledger add constraint referral_fees_ticket_id_key unique (ticket_id)`,
    sql`alter table agency_ledger rename column amount_rials to fee_rials`,
    sql`alter table agency_ledger rename column at to accrued_at`,
    sql`alter table agency_ledger add constraint referral_fees_fee_rials_check check (fee_rials >= 0)`,
    sql`alter table agency_ledger add constraint referral_fees_check check (settled = (settled_at is not null))`,
    sql`alter table agency_ledger rename to referral_fees`,
    sql`create index referral_fees_accrued_idx on referral_fees (accrued_at)`,
    sql`create index referral_fees_unsettled_idx on referral_fees (agency_id) include (fee_rials) where not settled`,
    sql`create index referral_fees_period_fee_idx on referral_fees (period) include (fee_rials)`,
    sql`create index referral_fees_statement_idx on referral_fees (agency_id, period) include (invoice_amount_rials, fee_rials, settled)`,
  ]) {
    await statement.execute(db);
  }
}
