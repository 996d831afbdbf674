import { sql } from "kysely";
import { DESK_EVENTS_CHANNEL, type DeskEvent, type OperatorPresence } from "../core/call";
import type { DB } from "../db/connection";
import { writeAudit } from "../db/repos/audit";
import type { Actor } from "./actor";

/** The user has no operators row: no phone extension is configured for them, so they cannot take calls. */
export class OperatorNotConfiguredError extends Error {
  constructor(readonly userId: number) {
    super(`user ${userId} has no phone extension configured (no operators row)`);
  }
}

export interface SetPresenceInput {
  userId: number;
  presence: OperatorPresence;
}

/**
 * An operator becomes available, goes on a break or signs out of the queue. In one transaction: the
 * operators row (presence, since when), the audit row and a `presence` desk event (NOTIFY on
 * DESK_EVENTS_CHANNEL, delivered at commit) by which telephony re-offers waiting calls to a newly
 * available operator and every desk of that operator shows the change. Setting the same presence again
 * changes nothing and writes nothing.
 */
export async function setPresence(db: DB, actor: Actor, input: SetPresenceInput) {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom("operators")
      .select(["user_id", "presence", "presence_since"])
      .where("user_id", "=", input.userId)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw new OperatorNotConfiguredError(input.userId);
    if (row.presence === input.presence) {
      return { userId: row.user_id, from: row.presence, presence: row.presence, since: row.presence_since, changed: false };
    }
    const now = new Date();
    await trx
      .updateTable("operators")
      .set({ presence: input.presence, presence_since: now, updated_at: now })
      .where("user_id", "=", input.userId)
      .execute();
    await writeAudit(trx, {
      actorUserId: actor.userId ?? null,
      action: "operator.presence_change",
      entityType: "user",
      entityId: input.userId,
      ip: actor.ip ?? undefined,
      details: { from: row.presence, to: input.presence },
    });
    const event: DeskEvent = { type: "presence", operatorUserId: input.userId, presence: input.presence, at: now.toISOString() };
    await sql`select pg_notify(${DESK_EVENTS_CHANNEL}, ${JSON.stringify(event)})`.execute(trx);
    return { userId: input.userId, from: row.presence, presence: input.presence, since: now, changed: true };
  });
}
