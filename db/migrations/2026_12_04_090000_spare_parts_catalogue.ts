import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// The spare-parts catalogue (issue 15 §4): the parts of each product model with their list prices. Part
// requests and stock (§4) and warranty claims (§3) both name a catalogue part; a claim keeps the price it was
// made at, so a list price may change without rewriting history. `serialized`: the part carries its own serial,
// and a replaced defective one (داغی) is returned to the manufacturer by that serial before a claim is paid.

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    sql`create table spare_parts (
      id bigint generated always as identity primary key,
      model_id bigint not null references product_models(id),
      code text not null check (length(code) between 1 and 40),
      name text not null check (length(name) between 1 and 200),
      list_price_rials bigint not null check (list_price_rials >= 0),
      serialized boolean not null default false,
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (model_id, code)
    )`,
    sql`create index spare_parts_code_idx on spare_parts (code)`,
  ]) {
    await statement.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists spare_parts`.execute(db);
}
