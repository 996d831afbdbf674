import type { DB } from "../connection";

/** Attempts are counted per typed name, case-insensitively; overlong input is cut, not rejected. */
function attemptKey(username: string): string {
  return username.toLowerCase().slice(0, 100);
}

export async function recordLoginAttempt(db: DB, a: { username: string; ip: string; succeeded: boolean; at?: Date }) {
  await db
    .insertInto("login_attempts")
    .values({ username: attemptKey(a.username), ip: a.ip, succeeded: a.succeeded, ...(a.at ? { attempted_at: a.at } : {}) })
    .execute();
}

/** Forgets attempts older than `before`; the audit log keeps the lasting record of sign-ins. */
export async function deleteAttemptsBefore(db: DB, before: Date): Promise<number> {
  const r = await db.deleteFrom("login_attempts").where("attempted_at", "<", before).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Failed attempts since `since`, for this username and for this address. */
export async function countRecentFailures(db: DB, a: { username: string; ip: string; since: Date }) {
  const username = attemptKey(a.username);
  const row = await db
    .selectFrom("login_attempts")
    .select((eb) => [
      eb.fn.count<number>("id").filterWhere("username", "=", username).as("for_user"),
      eb.fn.count<number>("id").filterWhere("ip", "=", a.ip).as("for_ip"),
    ])
    .where("succeeded", "=", false)
    .where("attempted_at", ">", a.since)
    .where((eb) => eb.or([eb("username", "=", username), eb("ip", "=", a.ip)]))
    .executeTakeFirstOrThrow();
  return { forUser: Number(row.for_user), forIp: Number(row.for_ip) };
}
