import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// An agency's capacity and status are hard constraints of dispatch, but a decision read them in one statement
// and wrote its offer in a later one: two decisions at once (two dispatch jobs, a job and a supervisor) could
// both see an agency's last free place and both take it, and a suspension could miss an offer written while
// it ran. Every offer is now written only if dispatch_offer_allowed() — run inside the writing statement,
// under a per-agency lock held to commit — still finds the agency active and with room:
//  - lock_agency_offers(agency): the lock (transaction-scoped advisory lock); the suspension takes it too
//    before it reads the agency's pending offers, so it sees every offer written before it and none after;
//  - dispatch_offer_allowed(agency, capacity, at, load statuses): takes the lock, then counts afresh (a
//    volatile function's queries each take a new snapshot under READ COMMITTED, so they see what the
//    decision that held the lock before has committed): open jobs in the given statuses (the caller's
//    core/ticket.ts AGENCY_LOAD_STATUSES, passed in so that this list is never a second copy) + pending offers
//    whose deadline is after `at`, against the capacity the caller computed (core/dispatch.ts agencyCapacity).

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function lock_agency_offers(p_agency_id bigint) returns void language sql volatile as $$
      select pg_advisory_xact_lock(hashtext('agency_offers'), (p_agency_id % 2147483647)::int)
    $$`.execute(db);
  await sql`
    create function dispatch_offer_allowed(p_agency_id bigint, p_capacity int, p_at timestamptz, p_load_statuses text[])
    returns boolean language plpgsql volatile as $$
    begin
      perform lock_agency_offers(p_agency_id);
      if not exists (select 1 from agencies where id = p_agency_id and status = 'active') then
        return false;
      end if;
      return (select count(*) from tickets where assigned_agency_id = p_agency_id and status = any(p_load_statuses))
           + (select count(*) from dispatch_offers where agency_id = p_agency_id and status = 'pending' and deadline_at > p_at)
           < p_capacity;
    end
    $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function if exists dispatch_offer_allowed(bigint, int, timestamptz, text[])`.execute(db);
  await sql`drop function if exists lock_agency_offers(bigint)`.execute(db);
}
