import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// Issuing warranty cards in batches (issue 15 §1): the manufacturer prints the cards of a batch of units of one
// model. A batch row keeps who issued it, when, for which model and how many cards; each card names its batch
// (cards issued before batches existed, and the demo's, keep a null or are attached by the seed). The codes are
// never stored (warranty_cards keeps only their keyed hash): they are shown to the issuer once.
//  - warranty_cards_batch_idx (batch_id) include (activated_at): the batch list counts activated / not activated
//    cards of a page of batches with an index-only scan.
//  - warranty_cards_serial_ci_idx (model_id, lower(serial_number)): a new batch refuses serials of the model that
//    already have a card, compared without case.

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    sql`create table warranty_card_batches (
      id bigint generated always as identity primary key,
      model_id bigint not null references product_models(id),
      issued_by bigint references users(id),
      issued_at timestamptz not null default now(),
      issued_on date not null,
      activate_by date,
      card_count integer not null check (card_count between 1 and 100000)
    )`,
    sql`create index warranty_card_batches_issued_idx on warranty_card_batches (issued_at desc, id desc)`,
    sql`alter table warranty_cards add column batch_id bigint references warranty_card_batches(id)`,
    sql`create index warranty_cards_batch_idx on warranty_cards (batch_id) include (activated_at) where batch_id is not null`,
    sql`create index warranty_cards_serial_ci_idx on warranty_cards (model_id, lower(serial_number))`,
  ]) {
    await statement.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists warranty_cards_serial_ci_idx`.execute(db);
  await sql`drop index if exists warranty_cards_batch_idx`.execute(db);
  await sql`alter table warranty_cards drop column if exists batch_id`.execute(db);
  await sql`drop table if exists warranty_card_batches`.execute(db);
}
