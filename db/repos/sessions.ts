import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import type { DB } from "../connection";
import { executePrepared } from "../prepared";
import type { AuthUser } from "./users";

export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;

export async function createSession(
  db: DB,
  input: { userId: number; ip: string | null; userAgent: string | null; now?: Date },
): Promise<{ id: string; expiresAt: Date }> {
  const id = randomBytes(32).toString("base64url");
  const now = input.now ?? new Date();
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await db
    .insertInto("sessions")
    .values({ id, user_id: input.userId, expires_at: expiresAt, ip: input.ip, user_agent: input.userAgent?.slice(0, 300) ?? null })
    .execute();
  return { id, expiresAt };
}

export const SESSION_RENEW_AFTER_MS = 3600_000;

/**
 * The signed-in user of a live session of an active account, or undefined: an expired session or a
 * deactivated account stops working on the next request. Sliding expiry: a session used again more
 * than an hour after it was last renewed is pushed to a full TTL from now.
 */
export async function findSessionUser(db: DB, sessionId: string, now = new Date()): Promise<AuthUser | undefined> {
  // every request's first statement: named (db/prepared.ts); its plan, two primary-key probes, does not
  // depend on the values
  const query = db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .select([
      "users.id",
      "users.username",
      "users.display_name",
      "users.role",
      "users.agency_id",
      "users.locale",
      "sessions.last_seen_at",
    ])
    .where("sessions.id", "=", sessionId)
    .where("sessions.expires_at", ">", now)
    .where("users.active", "=", true)
    .compile();
  const [row] = await executePrepared(db, query);
  if (!row) return undefined;
  // Sliding expiry, written at most once an hour to keep reads cheap.
  if (now.getTime() - row.last_seen_at.getTime() > SESSION_RENEW_AFTER_MS) {
    await db
      .updateTable("sessions")
      .set({ last_seen_at: now, expires_at: new Date(now.getTime() + SESSION_TTL_MS) })
      .where("id", "=", sessionId)
      .execute();
  }
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    agencyId: row.agency_id,
    locale: row.locale,
  };
}

/** Deletes one session; returns its user, or undefined when there was no such session. */
export async function deleteSession(db: DB, sessionId: string): Promise<{ userId: number } | undefined> {
  const row = await db.deleteFrom("sessions").where("id", "=", sessionId).returning("user_id").executeTakeFirst();
  return row ? { userId: row.user_id } : undefined;
}

/** Ends every session of a user (deactivation, password change). */
export async function deleteUserSessions(db: DB, userId: number): Promise<number> {
  const r = await db.deleteFrom("sessions").where("user_id", "=", userId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/**
 * Purges sessions past their expiry. Called opportunistically on every sign-in (services/auth.ts);
 * the workers' periodic cleanup should call it too once workers/ exists.
 */
export async function deleteExpiredSessions(db: DB, now?: Date): Promise<number> {
  const r = await db
    .deleteFrom("sessions")
    .where("expires_at", "<=", now ?? sql<Date>`now()`)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}
