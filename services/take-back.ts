/**
 * A take-back: an accepted job (`assigned` or `scheduled`) leaves its agency and goes back to `dispatching` —
 * a supervisor reassigns it to another agency (services/supervision.ts reassignTicket), or someone on the desk
 * moves it back to dispatch (services/tickets.ts changeTicketStatusInTrx, which then queues the engine). Both
 * callers write the status change and its history row; this is what follows the job leaving its agency, in
 * their transaction with the ticket locked:
 *  - the job is nobody's: `assigned_agency_id` and `technician_id` cleared, the technician's job links revoked;
 *  - its visit and resolve due times go back to intake's (services/agency-due-times.ts
 *    restoreIntakeDueTimesInTrx: the target it kept, on the call centre's clock) until the next agency
 *    accepts, and the sweep's marks they make untrue are withdrawn.
 * Returns the facts for the caller's history row (`sla_visit_due_at`, `sla_resolve_due_at`, `sla_withdrawn`).
 */
import type { Transaction } from "kysely";
import { revokeJobLinks } from "../db/repos/technician-links";
import type { Database } from "../db/schema";
import { restoreIntakeDueTimesInTrx, type DueTimesTicket } from "./agency-due-times";

export interface TakeBackTicket extends DueTimesTicket {
  assigned_agency_id: number | null;
  technician_id: number | null;
}

export async function takeBackFromAgencyInTrx(
  trx: Transaction<Database>,
  input: { ticket: TakeBackTicket; reason: string; now: Date },
): Promise<{ eventData: Record<string, unknown> }> {
  const { ticket, now } = input;
  await trx.updateTable("tickets").set({ assigned_agency_id: null, technician_id: null, updated_at: now }).where("id", "=", ticket.id).execute();
  // the technician's job link is valid only while the job is still the agency's technician's: it now is not
  if (ticket.technician_id !== null) await revokeJobLinks(trx, ticket.id, input.reason || "taken back", now);
  const due = await restoreIntakeDueTimesInTrx(trx, { ticket, now });
  const eventData: Record<string, unknown> = due
    ? {
        sla_visit_due_at: due.visitDueAt.toISOString(),
        sla_resolve_due_at: due.resolveDueAt.toISOString(),
        ...(due.withdrawnMarks.length ? { sla_withdrawn: due.withdrawnMarks } : {}),
      }
    : {};
  return { eventData };
}
