import type { DB } from "../connection";
import type { Role } from "../schema";

export interface AuthUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  agencyId: number | null;
  locale: "fa" | "en";
}

export async function findUserForLogin(db: DB, username: string) {
  return db
    .selectFrom("users")
    .select(["id", "username", "password_hash", "active", "role", "locale"])
    .where((eb) => eb(eb.fn("lower", ["username"]), "=", username.toLowerCase()))
    .executeTakeFirst();
}

export async function setUserLocale(db: DB, userId: number, locale: "fa" | "en") {
  await db.updateTable("users").set({ locale, updated_at: new Date() }).where("id", "=", userId).execute();
}

/** Turns an account off; returns its username and whether it was active, or undefined for an unknown id. */
export async function setUserInactive(db: DB, userId: number) {
  const before = await db
    .selectFrom("users")
    .select(["id", "username", "active"])
    .where("id", "=", userId)
    .forUpdate()
    .executeTakeFirst();
  if (!before) return undefined;
  if (before.active) {
    await db.updateTable("users").set({ active: false, updated_at: new Date() }).where("id", "=", userId).execute();
  }
  return { username: before.username, wasActive: before.active };
}

export async function listUsers(db: DB) {
  return db
    .selectFrom("users")
    .leftJoin("agencies", "agencies.id", "users.agency_id")
    .select([
      "users.id",
      "users.username",
      "users.display_name",
      "users.role",
      "users.active",
      "users.created_at",
      "users.agency_id",
      "agencies.name as agency_name",
    ])
    .orderBy("users.role")
    .orderBy("users.username")
    .execute();
}
