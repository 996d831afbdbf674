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
// 2. Indexes for the hot reads at a million tickets: a ticket's offers, the overdue and open-status
//    counts over unresolved tickets only, the location of open tickets only, the fee ledger by accrual
//    time, unsettled fees.

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

    // a ticket page reads its offers; an agency's scope asks "did this agency hold an offer for it"
    sql`create index dispatch_offers_ticket_idx on dispatch_offers (ticket_id, agency_id)`,

    // unresolved (work still owed) = new, dispatching, assigned, scheduled, in_progress, on_hold:
    // overdue counts, and the counts of those statuses, read only these few rows
    sql`create index tickets_unresolved_due_idx on tickets (sla_resolve_due_at) include (status)
      where status in ('new', 'dispatching', 'assigned', 'scheduled', 'in_progress', 'on_hold')`,

    // nearby searches look at open tickets (not closed or cancelled): 3% of them at scale
    sql`create index tickets_open_location_idx on tickets using gist (ll_to_earth(lat, lng))
      where lat is not null and status not in ('closed', 'cancelled')`,
    sql`drop index if exists tickets_location_idx`,

    // the fee ledger, newest first; unsettled totals
    sql`create index referral_fees_accrued_idx on referral_fees (accrued_at)`,
    sql`create index referral_fees_unsettled_idx on referral_fees (agency_id) include (fee_rials) where not settled`,
  ];
  for (const s of statements) await s.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  const statements = [
    sql`drop index if exists referral_fees_unsettled_idx`,
    sql`drop index if exists referral_fees_accrued_idx`,
    sql`create index if not exists tickets_location_idx on tickets using gist (ll_to_earth(lat, lng)) where lat is not null`,
    sql`drop index if exists tickets_open_location_idx`,
    sql`drop index if exists tickets_unresolved_due_idx`,
    sql`drop index if exists dispatch_offers_ticket_idx`,
    sql`create index if not exists customers_name_trgm_idx on customers using gin (full_name gin_trgm_ops)`,
    sql`alter table customers drop column if exists name_search`,
    sql`drop function if exists search_key(text)`,
  ];
  for (const s of statements) await s.execute(db);
}
