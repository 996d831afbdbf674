import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// The agency portal's live offers (issue 13): every offer made to an agency, and every change of one
// (answered, expired, withdrawn, its deadline moved), NOTIFYs the channel `agency_offers` with the agency's
// id as the payload, and nothing else (no ticket, no customer). Web processes LISTEN on it and tell that
// agency's open portal pages to read their offers again. NOTIFY is sent at commit, and the same payload
// twice in one transaction is sent once.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create function notify_agency_offers() returns trigger language plpgsql as $$
    begin
      perform pg_notify('agency_offers', new.agency_id::text);
      if tg_op = 'UPDATE' and old.agency_id is distinct from new.agency_id then
        perform pg_notify('agency_offers', old.agency_id::text);
      end if;
      return null;
    end
  $$`.execute(db);
  await sql`create trigger dispatch_offers_notify_agency
    after insert or update of status, deadline_at, agency_id on dispatch_offers
    for each row execute function notify_agency_offers()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists dispatch_offers_notify_agency on dispatch_offers`.execute(db);
  await sql`drop function if exists notify_agency_offers()`.execute(db);
}
