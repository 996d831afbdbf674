import { sql } from "kysely";
import type { DB } from "../connection";
import type { DataScope } from "./scope";

/**
 * A ticket's satisfaction follow-up as its page shows it: status, mode, attempts, the score and how it came,
 * the complaint it opened (with its tracking number). Call-centre scope only: agencies are not shown the
 * call centre's follow-up of a job (its calls, its complaint), so for them the database is not asked.
 */
export async function ticketFollowUp(db: DB, scope: DataScope, ticketId: number) {
  if (scope.kind !== "all") return null;
  const row = await db
    .selectFrom("satisfaction_surveys as s")
    .leftJoin("tickets as c", "c.id", "s.complaint_ticket_id")
    .leftJoin("calls as call", "call.id", "s.call_id")
    .select([
      "s.id",
      "s.status",
      "s.mode",
      "s.channel",
      "s.score",
      "s.comment",
      "s.attempts",
      "s.due_at",
      "s.next_attempt_at",
      "s.sms_deadline_at",
      "s.surveyed_at",
      "s.complaint_ticket_id",
      "c.number as complaint_number",
      // an automated call of this follow-up is being placed or going on
      sql<boolean>`coalesce(call.state <> 'ended', false)`.as("calling"),
    ])
    .where("s.ticket_id", "=", ticketId)
    .executeTakeFirst();
  return row ?? null;
}

/** The job a complaint was opened about (its survey's ticket), for the complaint's page. Call-centre scope only. */
export async function complaintSource(db: DB, scope: DataScope, complaintTicketId: number) {
  if (scope.kind !== "all") return null;
  const row = await db
    .selectFrom("satisfaction_surveys as s")
    .innerJoin("tickets as t", "t.id", "s.ticket_id")
    .select(["t.id as ticket_id", "t.number", "s.score"])
    .where("s.complaint_ticket_id", "=", complaintTicketId)
    .executeTakeFirst();
  return row ?? null;
}

/**
 * The operators' happy-call list: follow-ups made by an operator (mode `operator`) that are pending and due
 * (their next attempt, or their due time, has come), oldest first. Call-centre scope only.
 */
export async function dueHappyCalls(db: DB, scope: DataScope, opts: { limit?: number } = {}) {
  if (scope.kind !== "all") return [];
  return db
    .selectFrom("satisfaction_surveys as s")
    .innerJoin("tickets as t", "t.id", "s.ticket_id")
    .innerJoin("customers as c", "c.id", "t.customer_id")
    .select(["s.id", "s.ticket_id", "s.attempts", "s.due_at", "s.next_attempt_at", "t.number", "c.full_name as customer_name", "c.mobile"])
    .where("s.status", "=", "pending")
    .where("s.mode", "=", "operator")
    .where("s.channel", "=", "operator_call")
    .where("s.next_attempt_at", "<=", sql<Date>`now()`)
    .orderBy("s.next_attempt_at")
    .orderBy("s.id")
    .limit(opts.limit ?? 100)
    .execute();
}
