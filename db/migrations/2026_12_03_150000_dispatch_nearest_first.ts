import { type Kysely, sql } from "kysely";

// Frozen: this file describes the schema as it was on its date. Never import app code here.
//
// The dispatch engine ranks the nearest authorized agencies first and stops there when it can prove that no
// farther agency could outscore the best of them (services/dispatch.ts, core/dispatch.ts scoreBoundBeyond).
// Such a decision records how far it looked (evaluated_within_km: every authorized agency nearer than this
// was evaluated and is in ranked/excluded; null: every authorized agency near the customer was), and does
// not count the agencies it did not look at: authorized_elsewhere and unauthorized_nearby are null then.

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table dispatch_decisions add column evaluated_within_km double precision`.execute(db);
  await sql`alter table dispatch_decisions alter column authorized_elsewhere drop not null, alter column unauthorized_nearby drop not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`update dispatch_decisions set authorized_elsewhere = coalesce(authorized_elsewhere, 0), unauthorized_nearby = coalesce(unauthorized_nearby, 0)`.execute(db);
  await sql`alter table dispatch_decisions alter column authorized_elsewhere set not null, alter column unauthorized_nearby set not null`.execute(db);
  await sql`alter table dispatch_decisions drop column evaluated_within_km`.execute(db);
}
