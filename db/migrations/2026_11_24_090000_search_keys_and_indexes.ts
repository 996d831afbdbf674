import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// 1. Persian search keys. `search_key(text)` is the SQL twin of core/text.ts `searchKey` as of this
//    date (tests/integration/search-key.test.ts holds the two together): Persian and Arabic-Indic digits
//    to Latin, NFC, Arabic letters (ي ى ك ة أ إ ٱ ؤ) to their Persian forms, diacritics and tatweel
//    removed, ZWNJ and other invisible joiners to a space, white space collapsed and trimmed, and
//    Unicode's simple lower-case mapping (the builtin C.UTF-8 collation's, independent of the OS).
//    customers.name_search is generated from it (spaces removed), so every write fills it; a trigram index serves
//    `name_search LIKE '%…%'`. (A change of the rule needs a new migration that replaces the function
//    and regenerates the column.)
// 2. Indexes for the hot reads at a million tickets: a ticket's offers, overdue counts over unresolved
//    tickets only, the location of open tickets only, the fee ledger by accrual time, fee and call totals
//    from covering indexes.
// 3. Ticket counts per status kept by triggers (ticket_status_counts), exact and cheap to read.

export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    sql`create function search_key(input text) returns text
      language sql immutable strict parallel safe
      return lower(
        btrim(
          regexp_replace(
            regexp_replace(
              regexp_replace(
                translate(
                  normalize(
                    translate(input,
                      U&'\\06F0\\06F1\\06F2\\06F3\\06F4\\06F5\\06F6\\06F7\\06F8\\06F9\\0660\\0661\\0662\\0663\\0664\\0665\\0666\\0667\\0668\\0669',
                      '01234567890123456789'),
                    NFC),
                  U&'\\064A\\0649\\0643\\0629\\0623\\0625\\0671\\0624',
                  U&'\\06CC\\06CC\\06A9\\0647\\0627\\0627\\0627\\0648'),
                '[\\u064b-\\u065f\\u0670\\u0640]', '', 'g'),
              '[\\u200b-\\u200f\\u202a-\\u202e\\u2066-\\u2069\\ufeff\\u00ad]', ' ', 'g'),
            '[\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]+', ' ', 'g'),
          ' ')
        collate "pg_c_utf8")`,

    // core/text.ts nameSearchKey: without spaces, so محمدرضا, محمد رضا and محمد‌رضا find each other
    sql`alter table customers add column name_search text not null
      generated always as (replace(search_key(full_name), ' ', '')) stored`,
    sql`create index customers_name_search_trgm_idx on customers using gin (name_search gin_trgm_ops)`,
    // searched through name_search now
    sql`drop index if exists customers_name_trgm_idx`,

    // a customer's tickets, newest first, from the index alone (a name search reads them for every
    // matching customer)
    sql`create index tickets_customer_created_idx on tickets (customer_id, created_at) include (id)`,
    sql`drop index if exists tickets_customer_idx`,

    // a ticket page reads its offers; an agency's scope asks "did this agency hold an offer for it"
    sql`create index dispatch_offers_ticket_idx on dispatch_offers (ticket_id, agency_id)`,
    // an agency's offers (pending ones first of all) with their tickets, from the index alone
    sql`create index dispatch_offers_agency_ticket_idx on dispatch_offers (agency_id, status) include (ticket_id)`,
    sql`drop index if exists dispatch_offers_agency_idx`,

    // unresolved (work still owed) = new, dispatching, assigned, scheduled, in_progress, on_hold:
    // overdue counts, and the counts of those statuses, read only these few rows
    sql`create index tickets_unresolved_due_idx on tickets (sla_resolve_due_at) include (status)
      where status in ('new', 'dispatching', 'assigned', 'scheduled', 'in_progress', 'on_hold')`,

    // agencies' current load (assigned, scheduled, in_progress, on_hold: core AGENCY_LOAD_STATUSES)
    sql`create index tickets_agency_load_idx on tickets (assigned_agency_id)
      where status in ('assigned', 'scheduled', 'in_progress', 'on_hold')`,

    // nearby searches look at open tickets (not closed or cancelled): 3% of them at scale
    sql`create index tickets_open_location_idx on tickets using gist (ll_to_earth(lat, lng))
      where lat is not null and status not in ('closed', 'cancelled')`,
    sql`drop index if exists tickets_location_idx`,

    // the fee ledger, newest first; fee totals of a period, of the unsettled fees, of an agency's statement
    // read from the indexes alone (index-only scans)
    sql`create index referral_fees_accrued_idx on referral_fees (accrued_at)`,
    sql`create index referral_fees_unsettled_idx on referral_fees (agency_id) include (fee_rials) where not settled`,
    sql`create index referral_fees_period_fee_idx on referral_fees (period) include (fee_rials)`,
    sql`drop index if exists referral_fees_period_idx`,
    sql`create index referral_fees_statement_idx on referral_fees (agency_id, period)
      include (invoice_amount_rials, fee_rials, settled)`,
    sql`drop index if exists referral_fees_agency_period_idx`,

    // call figures since a time, from the index alone
    sql`create index calls_started_stats_idx on calls (started_at) include (direction, disposition, wait_seconds)`,
    sql`drop index if exists calls_started_idx`,

    // ---------- tickets per status, kept by triggers ----------
    // Counting a million tickets by status takes hundreds of milliseconds; the desk and the manager's
    // dashboard read these rows instead. Each statement on tickets appends its change per status (rows are
    // only ever inserted, so writers never wait for each other or deadlock); the sum per status is the
    // count. Once the table holds many rows, a writer folds them into one per status, taking only rows no
    // one else holds (SKIP LOCKED), so it never waits either.
    sql`create table ticket_status_counts (
      id bigint generated always as identity primary key,
      status text not null,
      tickets bigint not null
    )`,
    sql`create function ticket_status_counts_fold() returns void language sql as $$
      with gone as (
        delete from ticket_status_counts
        where id in (select id from ticket_status_counts for update skip locked)
        returning status, tickets
      )
      insert into ticket_status_counts (status, tickets)
      select status, sum(tickets) from gone group by status having sum(tickets) <> 0
    $$`,
    sql`create function ticket_status_counts_track() returns trigger language plpgsql as $$
      begin
        if tg_op = 'INSERT' then
          insert into ticket_status_counts (status, tickets) select status, count(*) from new_rows group by status;
        elsif tg_op = 'UPDATE' then
          insert into ticket_status_counts (status, tickets)
          select status, sum(n) from (
            select status, 1 as n from new_rows union all select status, -1 from old_rows
          ) changed group by status having sum(n) <> 0;
        elsif tg_op = 'DELETE' then
          insert into ticket_status_counts (status, tickets) select status, -count(*) from old_rows group by status;
        end if;
        if (select count(*) from ticket_status_counts) > 200 then
          perform ticket_status_counts_fold();
        end if;
        return null;
      end $$`,
    sql`create function ticket_status_counts_reset() returns trigger language plpgsql as $$
      begin delete from ticket_status_counts; return null; end $$`,
    sql`create trigger tickets_count_insert after insert on tickets referencing new table as new_rows
      for each statement execute function ticket_status_counts_track()`,
    sql`create trigger tickets_count_update after update on tickets referencing old table as old_rows new table as new_rows
      for each statement execute function ticket_status_counts_track()`,
    sql`create trigger tickets_count_delete after delete on tickets referencing old table as old_rows
      for each statement execute function ticket_status_counts_track()`,
    sql`create trigger tickets_count_truncate after truncate on tickets
      for each statement execute function ticket_status_counts_reset()`,
    // the triggers hold their lock on tickets until this migration commits: the count starts exact
    sql`insert into ticket_status_counts (status, tickets) select status, count(*) from tickets group by status`,
  ];
  for (const s of statements) await s.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  const statements = [
    sql`drop trigger if exists tickets_count_insert on tickets`,
    sql`drop trigger if exists tickets_count_update on tickets`,
    sql`drop trigger if exists tickets_count_delete on tickets`,
    sql`drop trigger if exists tickets_count_truncate on tickets`,
    sql`drop function if exists ticket_status_counts_reset()`,
    sql`drop function if exists ticket_status_counts_track()`,
    sql`drop function if exists ticket_status_counts_fold()`,
    sql`drop table if exists ticket_status_counts`,
    sql`create index if not exists calls_started_idx on calls (started_at)`,
    sql`drop index if exists calls_started_stats_idx`,
    sql`create index if not exists referral_fees_agency_period_idx on referral_fees (agency_id, period)`,
    sql`drop index if exists referral_fees_statement_idx`,
    sql`create index if not exists referral_fees_period_idx on referral_fees (period)`,
    sql`drop index if exists referral_fees_period_fee_idx`,
    sql`drop index if exists referral_fees_unsettled_idx`,
    sql`drop index if exists referral_fees_accrued_idx`,
    sql`create index if not exists tickets_location_idx on tickets using gist (ll_to_earth(lat, lng)) where lat is not null`,
    sql`drop index if exists tickets_open_location_idx`,
    sql`drop index if exists tickets_agency_load_idx`,
    sql`drop index if exists tickets_unresolved_due_idx`,
    sql`create index if not exists dispatch_offers_agency_idx on dispatch_offers (agency_id, status)`,
    sql`drop index if exists dispatch_offers_agency_ticket_idx`,
    sql`drop index if exists dispatch_offers_ticket_idx`,
    sql`create index if not exists tickets_customer_idx on tickets (customer_id)`,
    sql`drop index if exists tickets_customer_created_idx`,
    sql`create index if not exists customers_name_trgm_idx on customers using gin (full_name gin_trgm_ops)`,
    sql`alter table customers drop column if exists name_search`,
    sql`drop function if exists search_key(text)`,
  ];
  for (const s of statements) await s.execute(db);
}
