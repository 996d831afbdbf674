import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// One serial rule (core/serial.ts): two spellings of a serial name the same unit when their keys are equal —
// serial_key(): Persian/Arabic-Indic digits as Latin, Latin letters upper-cased (ASCII only, the same in every
// locale), spaces (incl. no-break), tabs, line breaks, dashes, ZWNJ/ZWJ/ZWSP and direction marks removed.
//  - customer_products_serial_key_idx is rebuilt on serial_key(serial_number) (it was lower(serial_number)):
//    search, the desk's serial lookup, intake and the card activation find a product by its key;
//  - warranty_cards_serial_key_idx (model_id, serial_key(serial_number)) replaces warranty_cards_serial_ci_idx
//    (model_id, lower(serial_number)): a new batch refuses serials of the model that already have a card.
// The stored serials are untouched (as typed), and so are the unique (model_id, serial_number) constraints.

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    sql`create function serial_key(input text) returns text
      language sql immutable strict parallel safe
      return translate(
        input,
        '۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩abcdefghijklmnopqrstuvwxyz' || ' ' || chr(9) || chr(10) || chr(13) || chr(160)
          || chr(8203) || chr(8204) || chr(8205) || chr(8206) || chr(8207) || '-',
        '01234567890123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ')`,
    sql`drop index if exists customer_products_serial_key_idx`,
    sql`create index customer_products_serial_key_idx on customer_products (serial_key(serial_number))`,
    sql`drop index if exists warranty_cards_serial_ci_idx`,
    sql`create index warranty_cards_serial_key_idx on warranty_cards (model_id, serial_key(serial_number))`,
  ]) {
    await statement.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of [
    sql`drop index if exists warranty_cards_serial_key_idx`,
    sql`create index warranty_cards_serial_ci_idx on warranty_cards (model_id, lower(serial_number))`,
    sql`drop index if exists customer_products_serial_key_idx`,
    sql`create index customer_products_serial_key_idx on customer_products (lower(serial_number))`,
    sql`drop function if exists serial_key(text)`,
  ]) {
    await statement.execute(db);
  }
}
