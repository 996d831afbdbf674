/** Account administration: each action owns its transaction and writes its audit row. */
import { randomBytes } from "node:crypto";
import type { Transaction } from "kysely";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, roleAgencyError, USERNAME_RE, type RoleAgencyError } from "../core/agency-admin";
import type { Role } from "../core/roles";
import type { DB } from "../db/connection";
import type { Database } from "../db/schema";
import { hashPassword } from "../platform/password";
import type { Actor } from "./actor";
import { writeAudit } from "../db/repos/audit";
import { deleteUserSessions } from "../db/repos/sessions";
import { setUserInactive } from "../db/repos/users";

export type DeactivateResult = { found: false } | { found: true; sessionsEnded: number };

/**
 * Turns an account off and ends every one of its sessions at once, in one transaction with the
 * audit row: the user's next request is a sign-in page, not a working session.
 */
export async function deactivateUser(
  db: DB,
  input: { userId: number; actorUserId: number | null; ip: string | null },
): Promise<DeactivateResult> {
  return db.transaction().execute(async (trx): Promise<DeactivateResult> => {
    const user = await setUserInactive(trx, input.userId);
    if (!user) return { found: false };
    const sessionsEnded = await deleteUserSessions(trx, input.userId);
    await writeAudit(trx, {
      actorUserId: input.actorUserId,
      action: "user.deactivate",
      entityType: "user",
      entityId: input.userId,
      ip: input.ip,
      details: { username: user.username, wasActive: user.wasActive, sessionsEnded },
    });
    return { found: true, sessionsEnded };
  });
}

// ---------------------------------------------------------------------------------------------
// Issue 14 §5: the admin creates users, sets their role (and the agency of agency users), enables them
// again and resets their passwords. Disabling is deactivateUser above (sessions ended in its transaction).
// ---------------------------------------------------------------------------------------------

export type UserAdminErrorCode = "notFound" | "username" | "usernameTaken" | "displayName" | "password" | RoleAgencyError | "agencyNotFound" | "self";

export class UserAdminError extends Error {
  constructor(readonly code: UserAdminErrorCode) {
    super(`user administration refused: ${code}`);
    this.name = "UserAdminError";
  }
}

export interface NewUserInput {
  username: string;
  displayName: string;
  role: Role;
  agencyId: number | null;
  password: string;
  mobile?: string | null;
}

function checkPassword(password: string) {
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) throw new UserAdminError("password");
}

async function checkRoleAgency(trx: Transaction<Database>, role: Role, agencyId: number | null) {
  const problem = roleAgencyError(role, agencyId);
  if (problem) throw new UserAdminError(problem);
  if (agencyId !== null) {
    const agency = await trx.selectFrom("agencies").select("id").where("id", "=", agencyId).executeTakeFirst();
    if (!agency) throw new UserAdminError("agencyNotFound");
  }
}

/** A new account, active, with the password the admin chose; audit `user.create`. */
export async function createUser(db: DB, actor: Actor, input: NewUserInput): Promise<{ userId: number }> {
  const username = input.username.trim().toLowerCase();
  if (!USERNAME_RE.test(username)) throw new UserAdminError("username");
  const displayName = input.displayName.trim().replace(/\s+/g, " ");
  if (displayName.length < 2 || displayName.length > 100) throw new UserAdminError("displayName");
  checkPassword(input.password);
  const passwordHash = await hashPassword(input.password);
  try {
    return await db.transaction().execute(async (trx) => {
      await checkRoleAgency(trx, input.role, input.agencyId);
      const row = await trx
        .insertInto("users")
        .values({ username, display_name: displayName, role: input.role, agency_id: input.agencyId, password_hash: passwordHash, mobile: input.mobile ?? null })
        .returning("id")
        .executeTakeFirstOrThrow();
      await writeAudit(trx, {
        actorUserId: actor.userId ?? null,
        action: "user.create",
        entityType: "user",
        entityId: row.id,
        ip: actor.ip ?? null,
        details: { username, role: input.role, agencyId: input.agencyId },
      });
      return { userId: row.id };
    });
  } catch (err) {
    if ((err as { code?: string }).code === "23505") throw new UserAdminError("usernameTaken");
    throw err;
  }
}

/**
 * A user's role and agency. A change of either ends their sessions in the same transaction (what they may
 * see changed: they sign in again). An admin cannot change their own role (no locking themselves out).
 */
export async function setUserRole(db: DB, actor: Actor, input: { userId: number; role: Role; agencyId: number | null }): Promise<{ changed: boolean; sessionsEnded: number }> {
  if (actor.userId === input.userId) throw new UserAdminError("self");
  return db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom("users").select(["id", "username", "role", "agency_id"]).where("id", "=", input.userId).forUpdate().executeTakeFirst();
    if (!before) throw new UserAdminError("notFound");
    await checkRoleAgency(trx, input.role, input.agencyId);
    if (before.role === input.role && before.agency_id === input.agencyId) return { changed: false, sessionsEnded: 0 };
    await trx.updateTable("users").set({ role: input.role, agency_id: input.agencyId, updated_at: new Date() }).where("id", "=", before.id).execute();
    const sessionsEnded = await deleteUserSessions(trx, before.id);
    await writeAudit(trx, {
      actorUserId: actor.userId ?? null,
      action: "user.update",
      entityType: "user",
      entityId: before.id,
      ip: actor.ip ?? null,
      details: { username: before.username, from: { role: before.role, agencyId: before.agency_id }, to: { role: input.role, agencyId: input.agencyId }, sessionsEnded },
    });
    return { changed: true, sessionsEnded };
  });
}

/** Turns a disabled account on again; audit `user.activate`. False when it was already active. */
export async function activateUser(db: DB, actor: Actor, input: { userId: number }): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom("users").select(["id", "username", "active"]).where("id", "=", input.userId).forUpdate().executeTakeFirst();
    if (!before) throw new UserAdminError("notFound");
    if (before.active) return false;
    await trx.updateTable("users").set({ active: true, updated_at: new Date() }).where("id", "=", before.id).execute();
    await writeAudit(trx, {
      actorUserId: actor.userId ?? null,
      action: "user.activate",
      entityType: "user",
      entityId: before.id,
      ip: actor.ip ?? null,
      details: { username: before.username },
    });
    return true;
  });
}

/** A temporary password the admin can read out: 12 characters, no look-alikes (0/O, 1/l/I). */
export function generateTemporaryPassword(): string {
  const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  const bytes = randomBytes(12);
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join("");
}

/**
 * The admin sets a temporary password (typed, or generated and returned once — never stored in clear nor
 * written to the audit row). Every session of the user ends in the same transaction.
 */
export async function resetUserPassword(
  db: DB,
  actor: Actor,
  input: { userId: number; password?: string | null },
): Promise<{ generated: string | null; sessionsEnded: number }> {
  const generated = input.password ? null : generateTemporaryPassword();
  const password = input.password || generated!;
  checkPassword(password);
  const passwordHash = await hashPassword(password);
  return db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom("users").select(["id", "username"]).where("id", "=", input.userId).forUpdate().executeTakeFirst();
    if (!before) throw new UserAdminError("notFound");
    await trx.updateTable("users").set({ password_hash: passwordHash, updated_at: new Date() }).where("id", "=", before.id).execute();
    const sessionsEnded = await deleteUserSessions(trx, before.id);
    await writeAudit(trx, {
      actorUserId: actor.userId ?? null,
      action: "user.password_reset",
      entityType: "user",
      entityId: before.id,
      ip: actor.ip ?? null,
      details: { username: before.username, generated: generated !== null, sessionsEnded },
    });
    return { generated, sessionsEnded };
  });
}
