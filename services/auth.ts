/**
 * Signing in and out. Each call is one business action: it decides, writes the login attempt, the
 * session and the audit row in one transaction, and returns what the shell needs to answer.
 */
import { decideLoginThrottle, throttleWindowStart } from "../core/login-throttle";
import type { Role } from "../core/roles";
import type { DB } from "../db/connection";
import { writeAudit } from "../db/repos/audit";
import { deleteAttemptsBefore, countRecentFailures, recordLoginAttempt } from "../db/repos/login-attempts";
import { createSession, deleteExpiredSessions, deleteSession } from "../db/repos/sessions";
import { findUserForLogin, setUserLocale, type AuthUser } from "../db/repos/users";
import { hashPassword, verifyPassword } from "../platform/password";

type Locale = AuthUser["locale"];

/** Login attempts older than this are deleted on sign-in; the throttle only looks at its own window. */
const ATTEMPTS_KEPT_MS = 24 * 3600_000;

export interface SignInInput {
  username: string;
  password: string;
  ip: string;
  userAgent: string | null;
  /** The language the visitor chose on the login page (the `lang` cookie), kept on the account. */
  locale?: Locale | null;
  now?: Date;
}

export type SignInResult =
  | { ok: true; userId: number; role: Role; sessionId: string; expiresAt: Date }
  | { ok: false; reason: "throttled"; retryAfterMinutes: number }
  | { ok: false; reason: "invalid" | "inactive" };

let dummyHash: Promise<string> | undefined;

/** Unknown usernames cost the same argon2 work as known ones, so timing does not tell which exist. */
function hashForUnknownUser(): Promise<string> {
  dummyHash ??= hashPassword("not-a-real-password-for-timing-only");
  return dummyHash;
}

export async function signIn(db: DB, input: SignInInput): Promise<SignInResult> {
  const now = input.now ?? new Date();
  const { username, ip } = input;
  const details = { username: username.slice(0, 100) };

  const failures = await countRecentFailures(db, { username, ip, since: throttleWindowStart(now) });
  const throttle = decideLoginThrottle(failures);
  if (!throttle.allowed) {
    // Refused before the password is looked at; not counted as a failure, so waiting the window out works.
    await writeAudit(db, { actorUserId: null, action: "auth.sign_in_throttled", ip, details });
    return { ok: false, reason: "throttled", retryAfterMinutes: throttle.retryAfterMinutes };
  }

  const found = await findUserForLogin(db, username);
  // Unknown usernames and wrong passwords get the same answer; the throttle limits guessing.
  const ok = await verifyPassword(found?.password_hash ?? (await hashForUnknownUser()), input.password);
  const passwordOk = found != null && ok;

  return db.transaction().execute(async (trx): Promise<SignInResult> => {
    await recordLoginAttempt(trx, { username, ip, succeeded: passwordOk, at: now });
    if (!found || !passwordOk || !found.active) {
      const reason = !passwordOk ? "invalid" : "inactive";
      await writeAudit(trx, {
        actorUserId: null,
        action: "auth.sign_in_failed",
        ...(found ? { entityType: "user", entityId: found.id } : {}),
        ip,
        details: { ...details, reason },
      });
      return { ok: false, reason };
    }
    await deleteExpiredSessions(trx, now);
    await deleteAttemptsBefore(trx, new Date(now.getTime() - ATTEMPTS_KEPT_MS));
    const session = await createSession(trx, { userId: found.id, ip, userAgent: input.userAgent, now });
    if (input.locale && input.locale !== found.locale) await setUserLocale(trx, found.id, input.locale);
    await writeAudit(trx, { actorUserId: found.id, action: "auth.sign_in", entityType: "user", entityId: found.id, ip });
    return { ok: true, userId: found.id, role: found.role, sessionId: session.id, expiresAt: session.expiresAt };
  });
}

/** Ends one session; signing out of a session that no longer exists is not an error and leaves no row. */
export async function signOut(db: DB, input: { sessionId: string; ip: string }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const ended = await deleteSession(trx, input.sessionId);
    if (ended) {
      await writeAudit(trx, {
        actorUserId: ended.userId,
        action: "auth.sign_out",
        entityType: "user",
        entityId: ended.userId,
        ip: input.ip,
      });
    }
  });
}
