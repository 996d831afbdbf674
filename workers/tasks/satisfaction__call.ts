/**
 * `satisfaction__call` {surveyId}: asks for the automated call of one due follow-up (services/satisfaction.ts
 * requestSurveyCall): a calls row queued for the telephony processes and NOTIFY telephony_commands, in one
 * transaction. The workers never talk to Asterisk: the telephony shell dials. Idempotent: a survey that is not
 * waiting for a call now (answered, not due, a call in progress) is left alone, so a repeated job calls no one.
 * Job key `satisfaction-call:<surveyId>`: at most one waiting job per survey.
 */
import type { Task } from "graphile-worker";
import { z } from "zod";
import type { DB } from "../../db/connection";
import { requestSurveyCall } from "../../services/satisfaction";

export const satisfactionCallPayload = z.object({ surveyId: z.number().int().positive() });

export function satisfactionCallTask(deps: { db: DB }): Task {
  return async (payload, helpers) => {
    const parsed = satisfactionCallPayload.safeParse(payload);
    if (!parsed.success) {
      helpers.logger.error(`satisfaction__call: invalid payload ${JSON.stringify(payload)?.slice(0, 200)}`);
      return;
    }
    const call = await requestSurveyCall(deps.db, parsed.data.surveyId);
    if (call) helpers.logger.info(`survey ${parsed.data.surveyId}: automated follow-up call ${call.callId} queued for telephony`);
  };
}
