import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
// The history's from/to statuses were free text; hold them to the ticket life cycle's statuses as the
// tickets table does (tests/integration/schema-code.test.ts compares both lists with core/ticket.ts).

const STATUSES = `('new','dispatching','assigned','scheduled','in_progress','on_hold','completed','closed','cancelled')`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table ticket_events
    add constraint ticket_events_from_status_check check (from_status in ${sql.raw(STATUSES)}),
    add constraint ticket_events_to_status_check check (to_status in ${sql.raw(STATUSES)})`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table ticket_events
    drop constraint ticket_events_from_status_check,
    drop constraint ticket_events_to_status_check`.execute(db);
}
