import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// A request keeps the SLA targets it was registered under (issue 15 §2): the working minutes of the rule that
// matched at intake (accept, visit, resolve), snapshotted on the ticket. Due times recomputed later — on the
// accepting agency's clock, or back on the call centre's when a job is taken back — count these minutes, so a
// rule edited after the registration never moves an existing ticket's promise. Null for requests handled
// in-house (their due time is a number of working days, not a rule) and for tickets registered before this
// migration (the first recompute snapshots the rule then in force).

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table tickets
    add column sla_accept_minutes integer,
    add column sla_visit_minutes integer,
    add column sla_resolve_minutes integer,
    add constraint tickets_sla_minutes_check check (
      (sla_accept_minutes is null and sla_visit_minutes is null and sla_resolve_minutes is null)
      or (sla_accept_minutes > 0 and sla_visit_minutes > 0 and sla_resolve_minutes > 0)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table tickets
    drop constraint tickets_sla_minutes_check,
    drop column sla_accept_minutes,
    drop column sla_visit_minutes,
    drop column sla_resolve_minutes`.execute(db);
}
