import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.

export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    sql`create extension if not exists cube`,
    sql`create extension if not exists earthdistance`,
    sql`create extension if not exists pg_trgm`,
    sql`create extension if not exists btree_gist`,

    // ---------- users, sessions ----------
    sql`create table agencies (
      id bigint generated always as identity primary key,
      code text not null unique check (code ~ '^[A-Z0-9-]{2,20}$'),
      name text not null check (length(name) between 2 and 200),
      manager_name text,
      phones text[] not null default '{}',
      mobile text check (mobile ~ '^\\+989[0-9]{9}$'),
      email text,
      status text not null default 'active' check (status in ('active','suspended','terminated')),
      status_reason text,
      status_changed_at timestamptz not null default now(),
      contract_start date,
      contract_end date,
      province text not null,
      city text not null,
      address_text text,
      lat double precision check (lat between -90 and 90),
      lng double precision check (lng between -180 and 180),
      service_radius_km integer check (service_radius_km > 0),
      technician_count integer not null default 1 check (technician_count >= 0),
      daily_job_capacity integer not null default 5 check (daily_job_capacity >= 0),
      working_hours jsonb not null default '{}'::jsonb,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (status = 'active' or status_reason is not null),
      check ((lat is null) = (lng is null)),
      check (contract_end is null or contract_start is null or contract_end >= contract_start)
    )`,
    sql`create index agencies_location_idx on agencies using gist (ll_to_earth(lat, lng)) where lat is not null`,
    sql`create index agencies_status_idx on agencies (status)`,
    sql`create index agencies_name_trgm_idx on agencies using gin (name gin_trgm_ops)`,

    sql`create table users (
      id bigint generated always as identity primary key,
      username text not null check (username ~ '^[a-z0-9._-]{3,40}$'),
      display_name text not null,
      role text not null check (role in ('operator','supervisor','manager','agency_admin','agency_staff','admin')),
      agency_id bigint references agencies(id) on delete restrict,
      password_hash text not null,
      mobile text check (mobile ~ '^\\+989[0-9]{9}$'),
      locale text not null default 'fa' check (locale in ('fa','en')),
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check ((role in ('agency_admin','agency_staff')) = (agency_id is not null))
    )`,
    sql`create unique index users_username_key on users (lower(username))`,
    sql`create index users_agency_idx on users (agency_id) where agency_id is not null`,

    sql`create table sessions (
      id text primary key,
      user_id bigint not null references users(id) on delete cascade,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      last_seen_at timestamptz not null default now(),
      ip text,
      user_agent text
    )`,
    sql`create index sessions_user_idx on sessions (user_id)`,
    sql`create index sessions_expires_idx on sessions (expires_at)`,

    sql`create table login_attempts (
      id bigint generated always as identity primary key,
      username text not null,
      ip text not null,
      succeeded boolean not null,
      attempted_at timestamptz not null default now()
    )`,
    sql`create index login_attempts_username_idx on login_attempts (username, attempted_at)`,
    sql`create index login_attempts_ip_idx on login_attempts (ip, attempted_at)`,

    // ---------- customers ----------
    sql`create table customers (
      id bigint generated always as identity primary key,
      full_name text not null check (length(full_name) between 2 and 200),
      mobile text not null check (mobile ~ '^\\+989[0-9]{9}$'),
      other_phones text[] not null default '{}',
      national_code text check (national_code ~ '^[0-9]{10}$'),
      notes text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`,
    sql`create index customers_mobile_idx on customers (mobile)`,
    sql`create index customers_name_trgm_idx on customers using gin (full_name gin_trgm_ops)`,

    sql`create table customer_addresses (
      id bigint generated always as identity primary key,
      customer_id bigint not null references customers(id) on delete cascade,
      label text,
      province text not null,
      city text not null,
      address_text text not null,
      postal_code text check (postal_code ~ '^[0-9]{10}$'),
      lat double precision check (lat between -90 and 90),
      lng double precision check (lng between -180 and 180),
      is_default boolean not null default false,
      created_at timestamptz not null default now(),
      check ((lat is null) = (lng is null))
    )`,
    sql`create index customer_addresses_customer_idx on customer_addresses (customer_id)`,
    sql`create unique index customer_addresses_one_default on customer_addresses (customer_id) where is_default`,

    // ---------- catalogue ----------
    sql`create table brands (
      id bigint generated always as identity primary key,
      code text not null unique check (code ~ '^[a-z0-9-]{2,30}$'),
      name_fa text not null,
      name_en text not null
    )`,
    sql`create table product_categories (
      id bigint generated always as identity primary key,
      code text not null unique check (code ~ '^[a-z0-9_-]{2,40}$'),
      name_fa text not null,
      name_en text not null,
      default_warranty_months integer not null default 18 check (default_warranty_months between 0 and 120)
    )`,
    sql`create table product_models (
      id bigint generated always as identity primary key,
      brand_id bigint not null references brands(id),
      category_id bigint not null references product_categories(id),
      model_code text not null,
      name text not null,
      warranty_months integer check (warranty_months between 0 and 120),
      unique (brand_id, model_code)
    )`,
    sql`create index product_models_category_idx on product_models (category_id)`,
    sql`create table customer_products (
      id bigint generated always as identity primary key,
      customer_id bigint not null references customers(id) on delete cascade,
      model_id bigint not null references product_models(id),
      serial_number text not null check (length(serial_number) between 3 and 60),
      purchase_date date,
      warranty_months integer not null check (warranty_months between 0 and 120),
      warranty_expires_on date,
      invoice_ref text,
      created_at timestamptz not null default now(),
      unique (model_id, serial_number)
    )`,
    sql`create index customer_products_customer_idx on customer_products (customer_id)`,
    sql`create index customer_products_serial_idx on customer_products (serial_number)`,

    // ---------- agencies: areas, authorisations, fees, technicians ----------
    sql`create table agency_service_areas (
      id bigint generated always as identity primary key,
      agency_id bigint not null references agencies(id) on delete cascade,
      province text not null,
      city text,
      unique nulls not distinct (agency_id, province, city)
    )`,
    sql`create index agency_service_areas_place_idx on agency_service_areas (province, city)`,
    sql`create table agency_authorizations (
      agency_id bigint not null references agencies(id) on delete cascade,
      brand_id bigint not null references brands(id),
      category_id bigint not null references product_categories(id),
      granted_on date not null default current_date,
      primary key (agency_id, brand_id, category_id)
    )`,
    sql`create index agency_authorizations_skill_idx on agency_authorizations (brand_id, category_id)`,
    sql`create table agency_fee_rates (
      id bigint generated always as identity primary key,
      agency_id bigint not null references agencies(id) on delete cascade,
      rate_percent numeric(5,2) not null check (rate_percent >= 0 and rate_percent <= 100),
      effective_from date not null,
      effective_to date,
      check (effective_to is null or effective_to > effective_from),
      exclude using gist (agency_id with =, daterange(effective_from, effective_to) with &&)
    )`,
    sql`create table technicians (
      id bigint generated always as identity primary key,
      agency_id bigint not null references agencies(id) on delete cascade,
      full_name text not null,
      mobile text not null check (mobile ~ '^\\+989[0-9]{9}$'),
      active boolean not null default true,
      created_at timestamptz not null default now(),
      unique (agency_id, mobile)
    )`,

    // ---------- tickets ----------
    sql`create sequence ticket_number_seq start with 10000001`,
    sql`create table tickets (
      id bigint generated always as identity primary key,
      number bigint not null unique default nextval('ticket_number_seq'),
      type text not null check (type in ('breakdown','follow_up','complaint')),
      channel text not null check (channel in ('phone','sms','web','walk_in','email')),
      customer_id bigint not null references customers(id),
      customer_product_id bigint references customer_products(id),
      problem_category_id bigint references product_categories(id),
      problem_description text not null default '',
      warranty_status text not null check (warranty_status in ('in_warranty','out_of_warranty','unknown')),
      priority text not null default 'normal' check (priority in ('low','normal','high','urgent')),
      address_id bigint references customer_addresses(id),
      province text,
      city text,
      address_text text,
      lat double precision check (lat between -90 and 90),
      lng double precision check (lng between -180 and 180),
      status text not null default 'new' check (status in
        ('new','dispatching','assigned','scheduled','in_progress','on_hold','completed','closed','cancelled')),
      assigned_agency_id bigint references agencies(id),
      technician_id bigint references technicians(id),
      related_ticket_id bigint references tickets(id),
      created_by bigint references users(id),
      sla_accept_due_at timestamptz,
      sla_visit_due_at timestamptz,
      sla_resolve_due_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      closed_at timestamptz,
      check ((lat is null) = (lng is null))
    )`,
    // Owned by the column, so TRUNCATE … RESTART IDENTITY resets tracking codes too.
    sql`alter sequence ticket_number_seq owned by tickets.number`,
    sql`create index tickets_status_idx on tickets (status, created_at)`,
    sql`create index tickets_created_idx on tickets (created_at)`,
    sql`create index tickets_agency_idx on tickets (assigned_agency_id, status) where assigned_agency_id is not null`,
    sql`create index tickets_customer_idx on tickets (customer_id)`,
    sql`create index tickets_location_idx on tickets using gist (ll_to_earth(lat, lng)) where lat is not null`,

    sql`create table ticket_events (
      id bigint generated always as identity primary key,
      ticket_id bigint not null references tickets(id),
      at timestamptz not null default now(),
      actor_kind text not null check (actor_kind in ('user','agency','technician','system','customer')),
      actor_user_id bigint references users(id),
      actor_label text,
      event_type text not null,
      from_status text,
      to_status text,
      data jsonb not null default '{}'::jsonb
    )`,
    sql`create index ticket_events_ticket_idx on ticket_events (ticket_id, at)`,
    // The history is evidence for delay audits: rows are never changed or removed.
    sql`create function forbid_change() returns trigger language plpgsql as $$
      begin raise exception '% is append-only', tg_table_name; end $$`,
    sql`create trigger ticket_events_append_only before update or delete on ticket_events
      for each row execute function forbid_change()`,

    sql`create table dispatch_offers (
      id bigint generated always as identity primary key,
      ticket_id bigint not null references tickets(id),
      agency_id bigint not null references agencies(id),
      attempt integer not null default 1 check (attempt >= 1),
      status text not null default 'pending' check (status in ('pending','accepted','rejected','expired','withdrawn')),
      offered_at timestamptz not null default now(),
      deadline_at timestamptz not null,
      responded_at timestamptz,
      response_reason text,
      responded_by bigint references users(id),
      technician_id bigint references technicians(id),
      visit_from timestamptz,
      visit_to timestamptz,
      check (deadline_at > offered_at),
      check (visit_to is null or visit_from is null or visit_to > visit_from),
      check (status = 'pending' or responded_at is not null)
    )`,
    sql`create unique index dispatch_offers_one_pending on dispatch_offers (ticket_id) where status = 'pending'`,
    sql`create index dispatch_offers_agency_idx on dispatch_offers (agency_id, status)`,
    sql`create index dispatch_offers_deadline_idx on dispatch_offers (deadline_at) where status = 'pending'`,

    // ---------- telephony ----------
    sql`create table calls (
      id bigint generated always as identity primary key,
      channel_id text unique,
      direction text not null check (direction in ('inbound','outbound')),
      caller_number text,
      called_number text,
      queue text,
      operator_user_id bigint references users(id),
      customer_id bigint references customers(id),
      ticket_id bigint references tickets(id),
      started_at timestamptz not null default now(),
      answered_at timestamptz,
      ended_at timestamptz,
      wait_seconds integer check (wait_seconds >= 0),
      talk_seconds integer check (talk_seconds >= 0),
      disposition text check (disposition in ('answered','missed','abandoned','busy','failed')),
      check (ended_at is null or ended_at >= started_at)
    )`,
    sql`create index calls_started_idx on calls (started_at)`,
    sql`create index calls_ticket_idx on calls (ticket_id) where ticket_id is not null`,
    sql`create index calls_operator_idx on calls (operator_user_id, started_at)`,
    sql`create table recordings (
      id bigint generated always as identity primary key,
      call_id bigint not null references calls(id),
      storage_key text not null unique,
      format text not null check (format in ('wav','gsm','ulaw','alaw','sln','mp3','ogg')),
      duration_seconds integer check (duration_seconds >= 0),
      size_bytes bigint check (size_bytes >= 0),
      checksum_sha256 text check (checksum_sha256 ~ '^[0-9a-f]{64}$'),
      created_at timestamptz not null default now()
    )`,
    sql`create index recordings_call_idx on recordings (call_id)`,

    // ---------- SMS ----------
    sql`create table sms_messages (
      id bigint generated always as identity primary key,
      direction text not null check (direction in ('outbound','inbound')),
      local_id uuid not null unique default gen_random_uuid(),
      provider_message_id text,
      sender text,
      receptor text not null,
      body text not null,
      purpose text,
      status text not null check (status in ('queued','sending','sent','delivered','failed','undeliverable','received')),
      attempts integer not null default 0 check (attempts >= 0),
      last_error text,
      ticket_id bigint references tickets(id),
      agency_id bigint references agencies(id),
      technician_id bigint references technicians(id),
      created_at timestamptz not null default now(),
      sent_at timestamptz,
      delivered_at timestamptz,
      received_at timestamptz
    )`,
    sql`create index sms_messages_status_idx on sms_messages (status, created_at)`,
    sql`create unique index sms_messages_provider_idx on sms_messages (provider_message_id) where provider_message_id is not null`,
    sql`create index sms_messages_ticket_idx on sms_messages (ticket_id) where ticket_id is not null`,

    // ---------- completion, revenue, feedback ----------
    sql`create table completion_reports (
      id bigint generated always as identity primary key,
      ticket_id bigint not null unique references tickets(id),
      agency_id bigint not null references agencies(id),
      technician_id bigint references technicians(id),
      completed_at timestamptz not null,
      work_description text not null,
      invoice_number text,
      invoice_amount_rials bigint not null default 0 check (invoice_amount_rials >= 0),
      created_at timestamptz not null default now()
    )`,
    sql`create table completion_parts (
      id bigint generated always as identity primary key,
      report_id bigint not null references completion_reports(id) on delete cascade,
      part_code text,
      name text not null,
      serial_number text,
      quantity integer not null default 1 check (quantity > 0),
      unit_price_rials bigint not null default 0 check (unit_price_rials >= 0)
    )`,
    sql`create index completion_parts_report_idx on completion_parts (report_id)`,
    sql`create table referral_fees (
      id bigint generated always as identity primary key,
      agency_id bigint not null references agencies(id),
      ticket_id bigint not null unique references tickets(id),
      period text not null check (period ~ '^1[34][0-9]{2}-(0[1-9]|1[0-2])$'),
      invoice_amount_rials bigint not null check (invoice_amount_rials >= 0),
      rate_percent numeric(5,2) not null check (rate_percent between 0 and 100),
      fee_rials bigint not null check (fee_rials >= 0),
      accrued_at timestamptz not null default now(),
      settled boolean not null default false,
      settled_at timestamptz,
      settlement_ref text,
      check (settled = (settled_at is not null))
    )`,
    sql`create index referral_fees_agency_period_idx on referral_fees (agency_id, period)`,
    sql`create index referral_fees_period_idx on referral_fees (period)`,
    sql`create table satisfaction_surveys (
      id bigint generated always as identity primary key,
      ticket_id bigint not null references tickets(id),
      channel text not null check (channel in ('ivr_dtmf','operator_call','sms','web')),
      status text not null default 'pending' check (status in ('pending','answered','no_answer','refused')),
      score smallint check (score between 1 and 5),
      comment text,
      operator_user_id bigint references users(id),
      complaint_ticket_id bigint references tickets(id),
      created_at timestamptz not null default now(),
      surveyed_at timestamptz,
      check (status <> 'answered' or score is not null)
    )`,
    sql`create index satisfaction_surveys_ticket_idx on satisfaction_surveys (ticket_id)`,
    sql`create index satisfaction_surveys_pending_idx on satisfaction_surveys (created_at) where status = 'pending'`,

    sql`create table audit_log (
      id bigint generated always as identity primary key,
      at timestamptz not null default now(),
      actor_user_id bigint references users(id),
      action text not null,
      entity_type text,
      entity_id text,
      ip text,
      details jsonb not null default '{}'::jsonb
    )`,
    sql`create index audit_log_at_idx on audit_log (at)`,
    sql`create index audit_log_entity_idx on audit_log (entity_type, entity_id)`,
    sql`create trigger audit_log_append_only before update or delete on audit_log
      for each row execute function forbid_change()`,
  ];
  for (const s of statements) await s.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  const tables = [
    "audit_log", "satisfaction_surveys", "referral_fees", "completion_parts", "completion_reports",
    "sms_messages", "recordings", "calls", "dispatch_offers", "ticket_events", "tickets",
    "technicians", "agency_fee_rates", "agency_authorizations", "agency_service_areas",
    "customer_products", "product_models", "product_categories", "brands", "customer_addresses",
    "customers", "login_attempts", "sessions", "users", "agencies",
  ];
  for (const t of tables) await sql`drop table if exists ${sql.table(t)} cascade`.execute(db);
  await sql`drop sequence if exists ticket_number_seq`.execute(db);
  await sql`drop function if exists forbid_change()`.execute(db);
}
