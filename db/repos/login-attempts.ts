import type { DB } from "../connection";

export async function recordLoginAttempt(db: DB, a: { username: string; ip: string; succeeded: boolean }) {
  await db
    .insertInto("login_attempts")
    .values({ username: a.username.toLowerCase().slice(0, 100), ip: a.ip, succeeded: a.succeeded })
    .execute();
}

/** Failed attempts since `since`, for this username and for this address. */
export async function countRecentFailures(db: DB, a: { username: string; ip: string; since: Date }) {
  const row = await db
    .selectFrom("login_attempts")
    .select((eb) => [
      eb.fn
        .count<number>("id")
        .filterWhere("username", "=", a.username.toLowerCase().slice(0, 100))
        .as("for_user"),
      eb.fn.count<number>("id").filterWhere("ip", "=", a.ip).as("for_ip"),
      eb.fn.max("attempted_at").as("latest"),
    ])
    .where("succeeded", "=", false)
    .where("attempted_at", ">", a.since)
    .where((eb) => eb.or([eb("username", "=", a.username.toLowerCase().slice(0, 100)), eb("ip", "=", a.ip)]))
    .executeTakeFirstOrThrow();
  return { forUser: Number(row.for_user), forIp: Number(row.for_ip) };
}
