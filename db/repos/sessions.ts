import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import type { DB } from "../connection";
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

/** The signed-in user of a live session of an active account, or undefined. */
export async function findSessionUser(db: DB, sessionId: string): Promise<AuthUser | undefined> {
  const row = await db
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
    .where("sessions.expires_at", ">", sql<Date>`now()`)
    .where("users.active", "=", true)
    .executeTakeFirst();
  if (!row) return undefined;
  // Sliding expiry, written at most once an hour to keep reads cheap.
  if (Date.now() - row.last_seen_at.getTime() > 3600_000) {
    await db
      .updateTable("sessions")
      .set({ last_seen_at: new Date(), expires_at: new Date(Date.now() + SESSION_TTL_MS) })
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

export async function deleteSession(db: DB, sessionId: string): Promise<void> {
  await db.deleteFrom("sessions").where("id", "=", sessionId).execute();
}

export async function deleteExpiredSessions(db: DB): Promise<number> {
  const r = await db.deleteFrom("sessions").where("expires_at", "<=", sql<Date>`now()`).executeTakeFirst();
  return Number(r.numDeletedRows);
}
