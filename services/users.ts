/** Account administration: each action owns its transaction and writes its audit row. */
import type { DB } from "../db/connection";
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
