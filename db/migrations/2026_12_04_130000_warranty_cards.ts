import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// Warranty per serial (issue 15 §1):
//  - warranty_cards: one printed card per unit (model + serial). The card's code is never stored: only its
//    keyed hash (HMAC-SHA256 with the server's WARRANTY_CODE_SECRET, platform/warranty-code.ts) to find it by,
//    and its last four digits to name it on screen. A leaked database alone gives no valid code.
//  - warranty_card_attempts: every activation or check, by SMS or on the web page, whatever its outcome; the
//    refused guesses per number and per address are the rate limit's counts (core/warranty-card.ts).
//  - customer_product_events: a product's own history (activation, warranty start, extensions, registry id).
//  - customer_products: the national warranty registry's tracking id (stored, searched; nothing called
//    outside), and the installation day for categories whose warranty starts at installation.
//  - product_categories.warranty_start: the category's start rule (from purchase, or from installation).
//  - tickets.type gains 'installation': dispatched like a breakdown; completing it starts the warranty.

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    sql`create table warranty_cards (
      id bigint generated always as identity primary key,
      model_id bigint not null references product_models(id),
      serial_number text not null check (length(serial_number) between 3 and 60),
      code_hash text not null unique check (code_hash ~ '^[0-9a-f]{64}$'),
      code_last4 text not null check (code_last4 ~ '^[0-9]{4}$'),
      issued_on date not null,
      activate_by date,
      activated_at timestamptz,
      activated_phone text check (activated_phone ~ '^\\+989[0-9]{9}$'),
      activated_via text check (activated_via in ('sms','web')),
      customer_id bigint references customers(id),
      customer_product_id bigint references customer_products(id),
      created_at timestamptz not null default now(),
      unique (model_id, serial_number),
      check ((activated_at is null) = (activated_phone is null))
    )`,
    sql`create index warranty_cards_product_idx on warranty_cards (customer_product_id)`,
    sql`create table warranty_card_attempts (
      id bigint generated always as identity primary key,
      at timestamptz not null default now(),
      channel text not null check (channel in ('sms','web')),
      phone text check (length(phone) <= 40),
      ip text check (length(ip) <= 64),
      code_last4 text check (code_last4 ~ '^[0-9]{4}$'),
      outcome text not null check (outcome in ('activated','already_activated','genuine','expired','not_genuine','throttled')),
      card_id bigint references warranty_cards(id),
      sms_id bigint references sms_messages(id)
    )`,
    sql`create index warranty_card_attempts_phone_idx on warranty_card_attempts (phone, at) where outcome = 'not_genuine'`,
    sql`create index warranty_card_attempts_ip_idx on warranty_card_attempts (ip, at) where outcome = 'not_genuine'`,
    sql`create table customer_product_events (
      id bigint generated always as identity primary key,
      customer_product_id bigint not null references customer_products(id) on delete cascade,
      at timestamptz not null default now(),
      kind text not null check (kind in ('warranty_activated','warranty_started','warranty_extended','registry_id_changed')),
      ticket_id bigint references tickets(id),
      actor_user_id bigint references users(id),
      actor_label text,
      reason text,
      data jsonb not null default '{}'
    )`,
    sql`create index customer_product_events_product_idx on customer_product_events (customer_product_id, at)`,
    sql`alter table customer_products
      add column warranty_registry_id text check (warranty_registry_id ~ '^[A-Za-z0-9][A-Za-z0-9-]{3,39}$'),
      add column installed_on date`,
    sql`create unique index customer_products_registry_idx on customer_products (lower(warranty_registry_id)) where warranty_registry_id is not null`,
    sql`alter table product_categories
      add column warranty_start text not null default 'purchase' check (warranty_start in ('purchase','installation'))`,
    sql`alter table tickets drop constraint tickets_type_check`,
    sql`alter table tickets add constraint tickets_type_check check (type in ('breakdown','follow_up','complaint','installation'))`,
  ]) {
    await statement.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from tickets where type = 'installation'`.execute(db);
  await sql`alter table tickets drop constraint tickets_type_check`.execute(db);
  await sql`alter table tickets add constraint tickets_type_check check (type in ('breakdown','follow_up','complaint'))`.execute(db);
  await sql`alter table product_categories drop column warranty_start`.execute(db);
  await sql`drop index if exists customer_products_registry_idx`.execute(db);
  await sql`alter table customer_products drop column warranty_registry_id, drop column installed_on`.execute(db);
  await sql`drop table if exists customer_product_events`.execute(db);
  await sql`drop table if exists warranty_card_attempts`.execute(db);
  await sql`drop table if exists warranty_cards`.execute(db);
}
