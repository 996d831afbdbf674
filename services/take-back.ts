/**
 * A take-back: an accepted job (`assigned` or `scheduled`) leaves its agency and goes back to `dispatching` —
 * a supervisor reassigns it to another agency (services/supervision.ts reassignTicket), or someone on the desk
 * moves it back to dispatch (services/tickets.ts changeTicketStatusInTrx, which then queues the engine). Both
 * callers write the status change and its history row; this is what follows the job leaving its agency, in
 * their transaction with the ticket locked:
 *  - the job is nobody's: `assigned_agency_id` and `technician_id` cleared, the technician's job links revoked;
 *  - its visit and resolve due times go back to intake's (services/agency-due-times.ts
 *    restoreIntakeDueTimesInTrx: the target it kept, on the call centre's clock) until the next agency
 *    accepts, and the sweep's marks they make untrue are withdrawn;
 *  - its hold is over (`hold_reason`, `hold_expected_date` cleared: they mean something only while `on_hold`);
 *  - the old agency's open part requests are cancelled (releasePartRequestsInTrx below).
 * Returns the facts for the caller's history row (`sla_visit_due_at`, `sla_resolve_due_at`, `sla_withdrawn`,
 * `part_requests_cancelled`, `part_requests_in_transit`).
 *
 * Part requests of a job that leaves its agency (taken back, or cancelled: services/tickets.ts) are CANCELLED,
 * not handed over: they were the old agency's technician's diagnosis, filled into that agency's hands (its
 * stock, its warranty claim); the next agency diagnoses afresh and asks for its own. A request still
 * `requested` or `ordered` is cancelled (core/parts.ts: the steps that allow it), with the reason and the
 * audit row of a cancel step; one already `shipped` cannot be called back — it is left for the parts desk to
 * receive, and the history row names it (`part_requests_in_transit`).
 */
import type { Transaction } from "kysely";
import { OPEN_PART_REQUEST_STATUSES, PART_REQUEST_STATUSES, partStepsFor } from "../core/parts";
import { writeAudit } from "../db/repos/audit";
import { revokeJobLinks } from "../db/repos/technician-links";
import type { Database } from "../db/schema";
import type { Actor } from "./actor";
import { restoreIntakeDueTimesInTrx, type DueTimesTicket } from "./agency-due-times";

export interface TakeBackTicket extends DueTimesTicket {
  assigned_agency_id: number | null;
  technician_id: number | null;
}

export async function takeBackFromAgencyInTrx(
  trx: Transaction<Database>,
  input: { ticket: TakeBackTicket; reason: string; now: Date; actor: Actor },
): Promise<{ eventData: Record<string, unknown> }> {
  const { ticket, now } = input;
  await trx
    .updateTable("tickets")
    .set({ assigned_agency_id: null, technician_id: null, hold_reason: null, hold_expected_date: null, updated_at: now })
    .where("id", "=", ticket.id)
    .execute();
  // the technician's job link is valid only while the job is still the agency's technician's: it now is not
  if (ticket.technician_id !== null) await revokeJobLinks(trx, ticket.id, input.reason || "taken back", now);
  const parts = await releasePartRequestsInTrx(trx, input.actor, { ticketId: ticket.id, reason: input.reason, cause: "taken_back", now });
  const due = await restoreIntakeDueTimesInTrx(trx, { ticket, now });
  const eventData: Record<string, unknown> = {
    ...(due
      ? {
          sla_visit_due_at: due.visitDueAt.toISOString(),
          sla_resolve_due_at: due.resolveDueAt.toISOString(),
          ...(due.withdrawnMarks.length ? { sla_withdrawn: due.withdrawnMarks } : {}),
        }
      : {}),
    ...parts.eventData,
  };
  return { eventData };
}

/** The part-request statuses a cancel step may leave (core/parts.ts): not yet shipped. */
const CANCELLABLE = PART_REQUEST_STATUSES.filter((st) => partStepsFor(st).includes("cancel"));
/** Open, but past the point of cancelling: on its way. */
const IN_TRANSIT = OPEN_PART_REQUEST_STATUSES.filter((st) => !CANCELLABLE.includes(st));

/**
 * Cancels the open part requests of a job leaving its agency (see above), in the caller's transaction with the
 * ticket locked: each `requested`/`ordered` one becomes `cancelled` (dated, with the reason), with the audit row
 * of a cancel step (`part_request.step`, its `cause`); `shipped` ones are left. Returns the ids for the
 * caller's history row.
 */
export async function releasePartRequestsInTrx(
  trx: Transaction<Database>,
  actor: Actor,
  input: { ticketId: number; reason: string; cause: "taken_back" | "ticket_cancelled"; now: Date },
): Promise<{ cancelled: number[]; inTransit: number[]; eventData: Record<string, unknown> }> {
  const reason = input.reason.trim().slice(0, 200) || null;
  const cancelled = await trx
    .updateTable("part_requests")
    .set({ status: "cancelled", cancelled_at: input.now, cancel_reason: reason })
    .where("ticket_id", "=", input.ticketId)
    .where("status", "in", CANCELLABLE)
    .returning(["id", "agency_id"])
    .execute();
  // (the rows' previous status is not returned by UPDATE … RETURNING: the audit says "open" — requested or ordered)
  for (const r of cancelled) {
    await writeAudit(trx, {
      actorUserId: actor.userId ?? null,
      action: "part_request.step",
      entityType: "ticket",
      entityId: input.ticketId,
      ip: actor.ip ?? undefined,
      details: { requestId: r.id, step: "cancel", to: "cancelled", agencyId: r.agency_id, cause: input.cause },
    });
  }
  const inTransit = IN_TRANSIT.length
    ? (await trx.selectFrom("part_requests").select("id").where("ticket_id", "=", input.ticketId).where("status", "in", IN_TRANSIT).orderBy("id").execute()).map((r) => r.id)
    : [];
  const ids = cancelled.map((r) => r.id).sort((a, b) => a - b);
  return {
    cancelled: ids,
    inTransit,
    eventData: { ...(ids.length ? { part_requests_cancelled: ids } : {}), ...(inTransit.length ? { part_requests_in_transit: inTransit } : {}) },
  };
}
