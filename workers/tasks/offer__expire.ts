/**
 * `offer__expire` {offerId}: an offer's deadline (one job per offer, job key `offer:<id>`, run at the
 * deadline; queued by services/offers.ts scheduleOfferDeadline in the offer's transaction, or by the
 * `offer__sweep` safety net). One idempotent step: services/offers.ts expireOffer, whose lapse handler is
 * services/dispatch.ts offerNextCandidate: the ticket goes to the next candidate in the same transaction
 * (or is held for the supervisors). An offer already answered or expired is left alone; one whose deadline
 * moved later gets its job again at the new deadline.
 */
import type { Task } from "graphile-worker";
import { z } from "zod";
import type { DB } from "../../db/connection";
import { offerNextCandidate, offerNextCandidateWith, type DispatchOptions } from "../../services/dispatch";
import { expireOffer, scheduleOfferDeadline } from "../../services/offers";

export const offerExpirePayload = z.object({ offerId: z.number().int().positive() });

export function offerExpireTask(deps: { db: DB; dispatch?: Omit<DispatchOptions, "now"> }): Task {
  const onLapsed = deps.dispatch ? offerNextCandidateWith(deps.dispatch) : offerNextCandidate;
  return async (payload, helpers) => {
    const parsed = offerExpirePayload.safeParse(payload);
    if (!parsed.success) {
      helpers.logger.error(`offer__expire: invalid payload ${JSON.stringify(payload)?.slice(0, 200)}`);
      return;
    }
    const { offerId } = parsed.data;
    const result = await expireOffer(deps.db, offerId, { onLapsed });
    if (result.outcome === "not_due") await scheduleOfferDeadline(deps.db, { offerId, deadlineAt: result.deadlineAt });
    else if (result.outcome === "expired") helpers.logger.info(`offer ${offerId} expired (ticket ${result.ticketId})`);
  };
}
