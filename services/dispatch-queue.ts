/**
 * The dispatch engine's job (workers/tasks/ticket__dispatch.ts runs services/dispatch.ts dispatchTicket): its
 * name, its key (at most one waiting per ticket) and how a ticket is queued for it. Apart from the engine so a
 * service the engine itself uses (services/tickets.ts: a job handed back to dispatch) can queue it too.
 */
import type { Transaction } from "kysely";
import type { DB } from "../db/connection";
import { addJob } from "../db/job-queue";
import type { Database } from "../db/schema";

/** The graphile-worker task that dispatches one ticket (workers/tasks/ticket__dispatch.ts). */
export const TICKET_DISPATCH_TASK = "ticket__dispatch";

/** The job key of a ticket's dispatch job (`dispatch:<id>`): at most one waiting per ticket. */
export const DISPATCH_JOB_KEY_PREFIX = "dispatch:";
export function dispatchJobKey(ticketId: number): string {
  return `${DISPATCH_JOB_KEY_PREFIX}${ticketId}`;
}

/** Queues the ticket's dispatch job (now, or at `runAt`), in the caller's transaction; one waiting per ticket. */
export async function queueTicketDispatch(trx: Transaction<Database> | DB, ticketId: number, o: { runAt?: Date } = {}): Promise<void> {
  await addJob(trx, TICKET_DISPATCH_TASK, { ticketId }, { jobKey: dispatchJobKey(ticketId), runAt: o.runAt ?? null, maxAttempts: 10 });
}
