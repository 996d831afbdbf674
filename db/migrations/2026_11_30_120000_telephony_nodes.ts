import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// The telephony shell's health and ownership, in PostgreSQL so every process can read them:
//  - telephony_nodes: one row per telephony process (in-process under `npm start`, or `npm run telephony`),
//    its ARI connection state and a heartbeat; the web process's /healthz reports from it.
//  - calls.node_id: the telephony process that handles a live call (the one that received its StasisStart,
//    or claimed the outbound call), so two processes never drive one call.

export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    sql`create table telephony_nodes (
      node_id text primary key,
      host text not null,
      pid integer not null,
      ari_url text not null,
      ari_app text not null,
      started_at timestamptz not null default now(),
      heartbeat_at timestamptz not null default now(),
      stopped_at timestamptz,
      connected boolean not null default false,
      last_connected_at timestamptz,
      last_error text,
      last_error_at timestamptz,
      reconnects integer not null default 0
    )`,
    sql`create index telephony_nodes_heartbeat_idx on telephony_nodes (heartbeat_at)`,
    sql`alter table calls add column node_id text`,
    sql`create index calls_outbound_pending_idx on calls (started_at)
      where state = 'queued' and direction = 'outbound' and node_id is null`,
  ];
  for (const s of statements) await s.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists calls_outbound_pending_idx`.execute(db);
  await sql`alter table calls drop column if exists node_id`.execute(db);
  await sql`drop table if exists telephony_nodes`.execute(db);
}
