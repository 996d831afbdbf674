import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// Breakdown-call intake (issue 11): the state of live calls, operators and who is ringing lives here, not
// in a process's memory, so two telephony processes or a restart lose no call.
//  - operators: a desk user's phone extension, skills (the queues they take) and availability.
//  - calls: the live phase of a call and the rest of its call-detail record (IVR choice, bridges, …).
//  - call_attempts: each ringing of an operator's phone for a call; at most one ringing per operator and
//    per call at a time (unique partial indexes), so two processes cannot ring one operator twice.
//  - call_callbacks: a waiting caller's request to be called back, ordered by their original place.
//  - ticket_calls: a call is attached to every ticket registered or updated from it (calls.ticket_id,
//    the first ticket, is copied in and kept).
//  - idempotency_keys: a form's key → the result of its first submission (double submits).

export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    sql`create table operators (
      user_id bigint primary key references users(id) on delete cascade,
      extension text not null unique check (extension ~ '^[0-9A-Za-z_.-]{1,40}$'),
      skills text[] not null default '{breakdown,follow_up,complaint}'
        check (skills <@ array['breakdown','follow_up','complaint']::text[]),
      presence text not null default 'offline' check (presence in ('available','on_break','offline')),
      presence_since timestamptz not null default now(),
      last_call_ended_at timestamptz,
      updated_at timestamptz not null default now()
    )`,
    sql`create index operators_available_idx on operators (presence_since) where presence = 'available'`,

    // Rows written before this migration are finished calls.
    sql`alter table calls
      add column state text not null default 'ended'
        check (state in ('ivr','queued','ringing','connected','ended')),
      add column ivr_choice text check (ivr_choice in ('breakdown','follow_up','complaint')),
      add column keyed_ticket_number bigint,
      add column enqueued_at timestamptz,
      add column holding_bridge_id text,
      add column bridge_id text,
      add column operator_channel_id text,
      add column recording_name text,
      add column hangup_cause integer,
      add column callback_id bigint,
      add column created_by bigint references users(id),
      add constraint calls_ended_state check ((state = 'ended') = (ended_at is not null))`,
    sql`create index calls_live_idx on calls (state, enqueued_at) where state <> 'ended'`,
    sql`create index calls_caller_idx on calls (caller_number, started_at)`,
    sql`create index calls_customer_idx on calls (customer_id, started_at) where customer_id is not null`,
    sql`create unique index calls_recording_name_idx on calls (recording_name) where recording_name is not null`,

    sql`create table call_attempts (
      id bigint generated always as identity primary key,
      call_id bigint not null references calls(id),
      operator_user_id bigint not null references users(id),
      channel_id text unique,
      started_at timestamptz not null default now(),
      ended_at timestamptz,
      outcome text not null default 'ringing'
        check (outcome in ('ringing','answered','no_answer','busy','rejected','failed','cancelled')),
      hangup_cause integer,
      check ((outcome = 'ringing') = (ended_at is null))
    )`,
    sql`create unique index call_attempts_ringing_operator_idx on call_attempts (operator_user_id) where outcome = 'ringing'`,
    sql`create unique index call_attempts_ringing_call_idx on call_attempts (call_id) where outcome = 'ringing'`,
    sql`create index call_attempts_call_idx on call_attempts (call_id, started_at)`,

    sql`create table call_callbacks (
      id bigint generated always as identity primary key,
      call_id bigint not null unique references calls(id),
      number text not null,
      queue text not null check (queue in ('breakdown','follow_up','complaint')),
      place_at timestamptz not null,
      requested_at timestamptz not null default now(),
      status text not null default 'waiting' check (status in ('waiting','dialing','done','failed','cancelled')),
      operator_user_id bigint references users(id),
      outbound_call_id bigint references calls(id),
      done_at timestamptz,
      check ((status in ('done','failed','cancelled')) = (done_at is not null))
    )`,
    sql`create index call_callbacks_waiting_idx on call_callbacks (place_at) where status = 'waiting'`,
    sql`alter table calls add constraint calls_callback_fk foreign key (callback_id) references call_callbacks(id)`,

    sql`create table ticket_calls (
      ticket_id bigint not null references tickets(id),
      call_id bigint not null references calls(id),
      linked_at timestamptz not null default now(),
      linked_by bigint references users(id),
      primary key (ticket_id, call_id)
    )`,
    sql`create index ticket_calls_call_idx on ticket_calls (call_id)`,
    sql`insert into ticket_calls (ticket_id, call_id, linked_at)
      select ticket_id, id, started_at from calls where ticket_id is not null`,

    sql`create table idempotency_keys (
      key uuid primary key,
      user_id bigint not null references users(id),
      action text not null,
      result jsonb not null,
      created_at timestamptz not null default now()
    )`,
    sql`create index idempotency_keys_created_idx on idempotency_keys (created_at)`,
  ];
  for (const s of statements) await s.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists idempotency_keys`.execute(db);
  await sql`drop table if exists ticket_calls`.execute(db);
  await sql`alter table calls drop constraint if exists calls_callback_fk`.execute(db);
  await sql`drop table if exists call_callbacks`.execute(db);
  await sql`drop table if exists call_attempts`.execute(db);
  await sql`drop index if exists calls_live_idx`.execute(db);
  await sql`drop index if exists calls_caller_idx`.execute(db);
  await sql`drop index if exists calls_customer_idx`.execute(db);
  await sql`drop index if exists calls_recording_name_idx`.execute(db);
  await sql`alter table calls
    drop constraint if exists calls_ended_state,
    drop column if exists state, drop column if exists ivr_choice, drop column if exists keyed_ticket_number,
    drop column if exists enqueued_at, drop column if exists holding_bridge_id, drop column if exists bridge_id,
    drop column if exists operator_channel_id, drop column if exists recording_name,
    drop column if exists hangup_cause, drop column if exists callback_id, drop column if exists created_by`.execute(db);
  await sql`drop table if exists operators`.execute(db);
}
