import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// Issue 15 §3: a warranty claim's history as structured events (core/claims.ts CLAIM_EVENT_KINDS), written by
// the claim's services in the same transaction as each change, append-only like the ledger:
//  - kind: drafted, draft_edited, submitted, approved, partly_approved, rejected, part_returned, corrected, paid;
//  - amount_rials: the event's amount (claimed, granted, the correction in the claim's terms, paid);
//  - reason: the cut's, the rejection's or the correction's; serial: a defective part received back;
//  - ledger_entry_id: the entry the event wrote (a decision's warranty_claim, a correction's claim_adjustment).
// agency_ledger (claim_id, at): a claim's entries — its own and its corrections — for the claim's page.
// Backfill: the claims' history so far was kept as notes on the ticket (ticket_events, data.claimId with
// data.claimStatus, or data.lineId for a part received back); each such note becomes its event.

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    sql`create table claim_events (
      id bigint generated always as identity primary key,
      claim_id bigint not null references warranty_claims(id),
      at timestamptz not null,
      actor_user_id bigint references users(id),
      kind text not null check (kind in ('drafted','draft_edited','submitted','approved','partly_approved','rejected','part_returned','corrected','paid')),
      amount_rials bigint,
      reason text check (reason is null or length(reason) between 1 and 500),
      serial text check (serial is null or length(serial) between 1 and 100),
      ledger_entry_id bigint references agency_ledger(id),
      check (kind <> 'corrected' or (amount_rials is not null and amount_rials <> 0 and reason is not null and ledger_entry_id is not null))
    )`,
    sql`create index claim_events_claim_idx on claim_events (claim_id, at, id)`,
    // a claim's ledger entries (its own and its corrections), read on the claim's page
    sql`create index agency_ledger_claim_idx on agency_ledger (claim_id, at) where claim_id is not null`,
    sql`insert into claim_events (claim_id, at, actor_user_id, kind, amount_rials, reason, serial, ledger_entry_id)
      select c.id, e.at, e.actor_user_id, k.kind,
        case when k.kind in ('drafted','submitted') then c.claimed_rials
             when k.kind in ('approved','partly_approved','rejected','paid') then coalesce(c.approved_rials, 0) end,
        nullif(left(e.data->>'reason', 500), ''),
        case when k.kind = 'part_returned' then
          (select left(r.serial, 100) from defective_part_returns r where r.claim_line_id = (e.data->>'lineId')::bigint) end,
        case when k.kind in ('approved','partly_approved') then c.ledger_entry_id end
      from ticket_events e
      join warranty_claims c on c.id = (e.data->>'claimId')::bigint and c.ticket_id = e.ticket_id
      cross join lateral (select case when e.data->>'lineId' is not null then 'part_returned'
                                      when e.data->>'claimStatus' = 'draft' then 'drafted'
                                      else e.data->>'claimStatus' end as kind) k
      where e.event_type = 'note' and e.data->>'claimId' ~ '^[0-9]{1,18}$'
        and (e.data->>'lineId' ~ '^[0-9]{1,18}$' or e.data->>'claimStatus' in ('draft','submitted','approved','partly_approved','rejected','paid'))
      order by e.at, e.id`,
    sql`create trigger claim_events_append_only before update or delete on claim_events
      for each row execute function forbid_change()`,
  ]) {
    await statement.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists agency_ledger_claim_idx`.execute(db);
  await sql`drop table if exists claim_events`.execute(db);
}
