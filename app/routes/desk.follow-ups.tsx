import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { can } from "../../core/roles";
import { MAX_SCORE, MIN_SCORE } from "../../core/satisfaction";
import { DialButton } from "~/components/CallPopup";
import type { MessageKey } from "~/i18n";
import { requirePermission, scopeFor, staffActor } from "~/lib/auth.server";
import { satisfaction } from "~/lib/db.server";
import { formatDateTime, formatDigits, formatPhone } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { readForm, readSearchParams } from "~/lib/input.server";
import {
  InvalidScoreError,
  MAX_SURVEY_COMMENT_LENGTH,
  recordSurveyNoAnswer,
  recordSurveyScore,
  SurveyNotFoundError,
  surveyConfigOf,
} from "~/lib/services.server";

const DONE = ["score", "complaint", "noAnswer"] as const;

/** The operators' happy-call list (surveys:record): follow-ups made by an operator that are due now. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "surveys:record");
  const rows = await satisfaction.dueHappyCalls(context.db, scopeFor(user));
  const done = DONE.find((d) => d === readSearchParams(request).done) ?? null;
  return { rows, done, canDial: can(user.role, "calls:take"), maxComment: MAX_SURVEY_COMMENT_LENGTH };
}

const SurveyId = z.coerce.number().int().positive().max(2 ** 53);
const ActionForm = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("score"),
    surveyId: SurveyId,
    score: z.coerce.number({ invalid_type_error: "followUps.error.score" }).int("followUps.error.score").min(MIN_SCORE, "followUps.error.score").max(MAX_SCORE, "followUps.error.score"),
    comment: z.string().trim().max(MAX_SURVEY_COMMENT_LENGTH, "followUps.error.commentTooLong").optional(),
  }),
  z.object({ intent: z.literal("noAnswer"), surveyId: SurveyId }),
]);

export interface FollowUpActionError {
  surveyId: number | null;
  error: MessageKey;
  comment?: string;
}

function refused(status: number, body: FollowUpActionError) {
  return Response.json(body, { status });
}

/**
 * Guard → parse → one service call → back to the list (PRG) with what was done; a refusal is the list again
 * with the message under the row's form.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "surveys:record");
  const form = await readForm(request);
  const parsed = ActionForm.safeParse(form);
  const surveyId = SurveyId.safeParse(form.surveyId);
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.message;
    const error = (message?.startsWith("followUps.error.") ? message : "followUps.error.score") as MessageKey;
    return refused(400, { surveyId: surveyId.success ? surveyId.data : null, error, comment: form.comment ?? "" });
  }
  const input = parsed.data;
  const actor = staffActor(user, context);
  try {
    if (input.intent === "score") {
      const r = await recordSurveyScore(context.db, actor, { surveyId: input.surveyId, score: input.score, channel: "operator_call", comment: input.comment || null });
      if (!r.recorded) return refused(409, { surveyId: input.surveyId, error: "followUps.error.notPending" });
      return redirect(`/desk/follow-ups?done=${r.complaintTicketId ? "complaint" : "score"}`);
    }
    const r = await recordSurveyNoAnswer(context.db, actor, { surveyId: input.surveyId, config: surveyConfigOf(context.env) });
    if (!r) return refused(409, { surveyId: input.surveyId, error: "followUps.error.notPending" });
    return redirect("/desk/follow-ups?done=noAnswer");
  } catch (error) {
    if (error instanceof SurveyNotFoundError) return refused(404, { surveyId: input.surveyId, error: "followUps.error.notPending" });
    if (error instanceof InvalidScoreError) return refused(400, { surveyId: input.surveyId, error: "followUps.error.score" });
    throw error;
  }
}

export default function FollowUps() {
  const { rows, done, canDial, maxComment } = useLoaderData<typeof loader>();
  const result = useActionData<FollowUpActionError>();
  const navigation = useNavigation();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <h1>{t("followUps.title")}</h1>
      <p className="muted">{t("followUps.intro")}</p>
      {done ? (
        <p className="notice ok" role="status" data-testid="follow-ups-done">
          {t(`followUps.done.${done}`)}
        </p>
      ) : null}
      {rows.length === 0 ? (
        <p data-testid="follow-ups-empty">{t("followUps.empty")}</p>
      ) : (
        <ul className="follow-ups">
          {rows.map((r) => {
            const busy = navigation.state === "submitting";
            const error = result && result.surveyId === r.id ? result : null;
            return (
              <li key={r.id} className="panel" data-testid="follow-up-row" data-ticket={r.number}>
                <dl className="facts">
                  <dt>{t("followUps.ticket")}</dt>
                  <dd>
                    <Link to={`/desk/tickets/${r.ticket_id}`}>{formatDigits(r.number, locale)}</Link>
                  </dd>
                  <dt>{t("followUps.customer")}</dt>
                  <dd>{r.customer_name}</dd>
                  <dt>{t("followUps.mobile")}</dt>
                  <dd>
                    <span className="ltr">{formatPhone(r.mobile, locale)}</span> {canDial ? <DialButton number={r.mobile} ticketId={r.ticket_id} /> : null}
                  </dd>
                  <dt>{t("followUps.dueAt")}</dt>
                  <dd>{formatDateTime(r.due_at, locale)}</dd>
                  {r.attempts > 0 ? (
                    <>
                      <dt>{t("followUp.attempts")}</dt>
                      <dd>{formatDigits(r.attempts, locale)}</dd>
                    </>
                  ) : null}
                </dl>
                <Form method="post" className="score-form">
                  <input type="hidden" name="intent" value="score" />
                  <input type="hidden" name="surveyId" value={r.id} />
                  <fieldset className="score-choices">
                    <legend>{t("followUps.scoreLabel")}</legend>
                    {[1, 2, 3, 4, 5].map((n) => (
                      <label key={n} className="choice">
                        <input type="radio" name="score" value={n} required /> {t(`followUps.score.${n as 1 | 2 | 3 | 4 | 5}`)}
                      </label>
                    ))}
                  </fieldset>
                  <label>
                    {t("followUps.comment")}
                    <textarea name="comment" maxLength={maxComment} rows={2} defaultValue={error?.comment ?? ""} />
                  </label>
                  <button type="submit" disabled={busy}>
                    {t("followUps.submit")}
                  </button>
                  {error ? (
                    <span className="error" role="alert" data-testid="follow-up-error">
                      {" "}
                      {t(error.error, { max: formatDigits(maxComment, locale) })}
                    </span>
                  ) : null}
                </Form>
                <Form method="post" className="inline">
                  <input type="hidden" name="intent" value="noAnswer" />
                  <input type="hidden" name="surveyId" value={r.id} />
                  <button type="submit" className="secondary" disabled={busy}>
                    {t("followUps.noAnswer")}
                  </button>
                </Form>
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}
