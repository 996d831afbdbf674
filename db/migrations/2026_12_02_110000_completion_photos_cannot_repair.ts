import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// Two gaps of issue 13's completion report and technician link:
//  - completion_photos: the photos sent with a completion report (the agency's job page or the technician's
//    "done"), at most a few per report; the bytes live in the photo store (platform/photo-store.ts, under
//    DATA_DIR/photos), addressed by storage_key; the row keeps the type found by the file's magic bytes, its
//    size, its SHA-256, when and from where it came (source 'portal' or 'link', and the link for the latter,
//    so the technician's page shows the photos it sent);
//  - supervisor_alerts may say 'cannot_repair' (stage 'resolve': the resolution is what the job now puts at
//    risk), with the agency that held the job and the technician's reason (agency_id, note: both null for
//    the other kinds).

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    sql`create table completion_photos (
      id bigint generated always as identity primary key,
      report_id bigint not null references completion_reports(id) on delete cascade,
      ticket_id bigint not null references tickets(id),
      storage_key text not null unique check (storage_key ~ '^[a-z0-9][a-z0-9/_.-]{0,199}$'),
      content_type text not null check (content_type in ('image/jpeg','image/png','image/webp')),
      size_bytes integer not null check (size_bytes > 0 and size_bytes <= 5242880),
      sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
      uploaded_at timestamptz not null default now(),
      source text not null check (source in ('portal','link')),
      link_id bigint references technician_links(id),
      check ((source = 'link') = (link_id is not null))
    )`,
    sql`create index completion_photos_ticket_idx on completion_photos (ticket_id, id)`,
    sql`create index completion_photos_report_idx on completion_photos (report_id)`,
    sql`alter table supervisor_alerts add column agency_id bigint references agencies(id)`,
    sql`alter table supervisor_alerts add column note text check (note is null or length(note) between 1 and 500)`,
    sql`alter table supervisor_alerts drop constraint supervisor_alerts_kind_check`,
    sql`alter table supervisor_alerts add constraint supervisor_alerts_kind_check check (kind in ('sla_at_risk','sla_breached','dispatch_held','cannot_repair'))`,
  ]) {
    await statement.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of [
    sql`delete from supervisor_alerts where kind = 'cannot_repair'`,
    sql`alter table supervisor_alerts drop constraint supervisor_alerts_kind_check`,
    sql`alter table supervisor_alerts add constraint supervisor_alerts_kind_check check (kind in ('sla_at_risk','sla_breached','dispatch_held'))`,
    sql`alter table supervisor_alerts drop column if exists note`,
    sql`alter table supervisor_alerts drop column if exists agency_id`,
    sql`drop table if exists completion_photos`,
  ]) {
    await statement.execute(db);
  }
}
