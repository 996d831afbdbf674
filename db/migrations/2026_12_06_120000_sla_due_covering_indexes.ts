import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// The delay page's "at risk / breached now" list (issue 14 §1 and §7) from the index alone. Its counts read
// every open stage's due time and the registration time (at risk: past a share of the clock from
// registration to due), its list the first rows by due time; the three partial indexes of open due times
// (the SLA sweep's, same names, keys and predicates) now carry the ticket's id, registration time and
// agency, so the counts are an index-only scan of the open tickets' entries and the list a few rows of it
// (was: every open ticket's heap row). The sweep reads the same ranges and no longer visits the table to
// test the share either.

const statuses = {
  accept: "'new','dispatching'",
  visit: "'new','dispatching','assigned','scheduled'",
  resolve: "'new', 'dispatching', 'assigned', 'scheduled', 'in_progress', 'on_hold'",
};

export async function up(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists tickets_sla_accept_open_idx`.execute(db);
  await sql`create index tickets_sla_accept_open_idx on tickets (sla_accept_due_at) include (id, created_at, assigned_agency_id)
    where status in (${sql.raw(statuses.accept)}) and sla_accept_due_at is not null`.execute(db);
  await sql`drop index if exists tickets_sla_visit_open_idx`.execute(db);
  await sql`create index tickets_sla_visit_open_idx on tickets (sla_visit_due_at) include (id, created_at, assigned_agency_id)
    where status in (${sql.raw(statuses.visit)}) and sla_visit_due_at is not null`.execute(db);
  await sql`drop index if exists tickets_unresolved_due_idx`.execute(db);
  await sql`create index tickets_unresolved_due_idx on tickets (sla_resolve_due_at) include (status, id, created_at, assigned_agency_id)
    where status in (${sql.raw(statuses.resolve)})`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists tickets_sla_accept_open_idx`.execute(db);
  await sql`create index tickets_sla_accept_open_idx on tickets (sla_accept_due_at)
    where status in (${sql.raw(statuses.accept)}) and sla_accept_due_at is not null`.execute(db);
  await sql`drop index if exists tickets_sla_visit_open_idx`.execute(db);
  await sql`create index tickets_sla_visit_open_idx on tickets (sla_visit_due_at)
    where status in (${sql.raw(statuses.visit)}) and sla_visit_due_at is not null`.execute(db);
  await sql`drop index if exists tickets_unresolved_due_idx`.execute(db);
  await sql`create index tickets_unresolved_due_idx on tickets (sla_resolve_due_at) include (status)
    where status in (${sql.raw(statuses.resolve)})`.execute(db);
}
