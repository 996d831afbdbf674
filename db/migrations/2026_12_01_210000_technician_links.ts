import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// Technician job links (issue 13, section 4): one row per link sent to a technician for one job, /j/<token>.
// Only a SHA-256 of the token is kept (hex), so a copy of the database opens no job page. A link works
// while it is not revoked, not past expires_at (a hard cap from its issue), not past its job's closing plus
// the configured days, and while the ticket is still assigned to that technician of that agency (checked
// against tickets on every use, so a reassignment by any path invalidates it). revoke_reason says why it
// was revoked (another technician or window, the job reassigned, …).
//
// technician_link_failures: each refused use of a link (unknown, tampered, expired, revoked) with the
// address it came from; too many from one address in a window are refused before any look-up
// (core/job-link.ts), as login_attempts does for sign-in. Old rows are of no use and may be deleted.
//
// The completion report itself uses completion_reports / completion_parts of the initial schema.

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    sql`create table technician_links (
      id bigint generated always as identity primary key,
      ticket_id bigint not null references tickets(id),
      technician_id bigint not null references technicians(id),
      agency_id bigint not null references agencies(id),
      token_hash text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
      issued_at timestamptz not null default now(),
      expires_at timestamptz not null,
      revoked_at timestamptz,
      revoke_reason text check (revoke_reason is null or length(revoke_reason) between 1 and 200),
      check ((revoked_at is null) = (revoke_reason is null)),
      check (expires_at > issued_at)
    )`,
    sql`create index technician_links_ticket_idx on technician_links (ticket_id) where revoked_at is null`,
    sql`create table technician_link_failures (
      id bigint generated always as identity primary key,
      ip text not null,
      attempted_at timestamptz not null default now()
    )`,
    sql`create index technician_link_failures_ip_idx on technician_link_failures (ip, attempted_at)`,
  ]) {
    await statement.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists technician_link_failures`.execute(db);
  await sql`drop table if exists technician_links`.execute(db);
}
