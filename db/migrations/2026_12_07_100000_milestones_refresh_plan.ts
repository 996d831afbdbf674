import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// ticket_milestones_refresh(ids) runs after every insert into ticket_events (the statement trigger
// ticket_milestones_on_events): each registration, offer, acceptance and status change pays for it. As a
// `language sql` function its big statement was planned again on every call (≈ 0.8 ms of a dispatch decision's
// 3 ms write, against 0.25 ms to execute it). The same body becomes a PL/pgSQL function, whose statement is
// prepared once per connection, with `plan_cache_mode = force_generic_plan`: its one parameter (the ticket
// ids) does not change the right plan (primary-key and per-ticket index probes), and PL/pgSQL's default kept
// choosing a custom plan, that is, planning on every call. The body is taken from the catalog as it stands, so
// this migration does not restate it.

async function bodyOf(db: Kysely<any>): Promise<string> {
  const { rows } = await sql<{ src: string }>`
    select p.prosrc as src from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = current_schema() and p.proname = 'ticket_milestones_refresh'`.execute(db);
  if (rows.length !== 1) throw new Error(`ticket_milestones_refresh: expected one function, found ${rows.length}`);
  return rows[0]!.src;
}

const dollar = (body: string) => {
  if (body.includes("$mfn$")) throw new Error("ticket_milestones_refresh: its body contains the quoting tag");
  return body;
};

export async function up(db: Kysely<any>): Promise<void> {
  const body = dollar(await bodyOf(db)).trim().replace(/;\s*$/, "");
  await sql
    .raw(
      `create or replace function ticket_milestones_refresh(ids bigint[]) returns void language plpgsql
       set plan_cache_mode = force_generic_plan as $mfn$ begin ${body}; end $mfn$`,
    )
    .execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  const body = dollar(await bodyOf(db))
    .trim()
    .replace(/^begin\s+/i, "")
    .replace(/;\s*end\s*$/i, "");
  await sql`drop function ticket_milestones_refresh(bigint[])`.execute(db);
  await sql.raw(`create function ticket_milestones_refresh(ids bigint[]) returns void language sql as $mfn$${body}$mfn$`).execute(db);
}
