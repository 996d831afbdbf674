/**
 * `offer__sweep` (crontab, every minute): the safety net of offer deadlines. Pending offers past their
 * deadline with no live `offer__expire` job (written by the demo seed, before the job existed, or whose
 * job gave up) get one now (services/offers.ts queueOverdueOfferExpiries). Safe to run twice at once: the
 * job key makes it one job per offer.
 */
import type { Task } from "graphile-worker";
import type { DB } from "../../db/connection";
import { queueOverdueOfferExpiries } from "../../services/offers";

export function offerSweepTask(deps: { db: DB }): Task {
  return async (_payload, helpers) => {
    const queued = await queueOverdueOfferExpiries(deps.db);
    if (queued > 0) helpers.logger.info(`offer__sweep: ${queued} overdue offers queued for expiry`);
  };
}
