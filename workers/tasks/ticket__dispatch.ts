/**
 * `ticket__dispatch` {ticketId}: the automatic dispatch of a breakdown ticket, queued by its registration
 * (services/intake.ts, job key `dispatch:<id>`) so the registration's transaction never ranks agencies.
 * One idempotent step: services/dispatch.ts dispatchTicket. A ticket no longer waiting for dispatch (an
 * offer already pending, assigned, cancelled, not a breakdown) is left alone; a ticket that no agency can
 * take is held for the supervisors (that is an outcome, not a failure: the job is done).
 */
import type { Task } from "graphile-worker";
import { z } from "zod";
import type { DB } from "../../db/connection";
import { DISPATCH_ACTOR, dispatchTicket, type DispatchOptions } from "../../services/dispatch";
import { TicketNotFoundError } from "../../services/tickets";

export const ticketDispatchPayload = z.object({ ticketId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

export function ticketDispatchTask(deps: { db: DB; dispatch?: Omit<DispatchOptions, "now"> }): Task {
  return async (payload, helpers) => {
    const parsed = ticketDispatchPayload.safeParse(payload);
    if (!parsed.success) {
      helpers.logger.error(`ticket__dispatch: invalid payload ${JSON.stringify(payload)?.slice(0, 200)}`);
      return;
    }
    const { ticketId } = parsed.data;
    try {
      // the job's completion (committed by graphile-worker after this returns) makes the offer durable
      const r = await dispatchTicket(deps.db, DISPATCH_ACTOR, { ticketId }, { ...deps.dispatch, asyncCommit: true });
      if (r.outcome === "offered") helpers.logger.info(`ticket ${ticketId} offered to agency ${r.agencyId} (offer ${r.offerId})`);
      else if (r.outcome === "held") helpers.logger.info(`ticket ${ticketId} held for the supervisors: ${r.reason}`);
    } catch (e) {
      if (e instanceof TicketNotFoundError) {
        helpers.logger.error(`ticket__dispatch: no ticket ${ticketId}`);
        return;
      }
      throw e;
    }
  };
}
