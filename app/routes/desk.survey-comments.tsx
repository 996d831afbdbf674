import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { FEEDBACK_CATEGORIES } from "../../core/feedback";
import { suggestCommentClass, SURVEY_COMMENT_KINDS } from "../../core/survey-comments";
import type { MessageKey } from "~/i18n";
import { requirePermission, scopeFor, staffActor } from "~/lib/auth.server";
import { surveyComments } from "~/lib/db.server";
import { formatDateTime, formatDigits } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { readForm, readSearchParams } from "~/lib/input.server";
import { classifySurveyComment, SurveyCommentError } from "~/lib/services.server";

/**
 * Satisfaction survey comments to classify (issue 14 §3, surveys:record: operators and supervisors): each
 * answered survey's comment, newest first, with a kind and a category pre-selected from its words
 * (core/survey-comments.ts suggestCommentClass) that a person confirms or changes.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "surveys:record");
  const { rows, total } = await surveyComments.pendingComments(context.db, scopeFor(user), 30);
  return {
    total,
    rows: rows.map((r) => ({ ...r, suggestion: suggestCommentClass(r.comment) })),
    done: readSearchParams(request).done === "1",
  };
}

const ClassifyForm = z.object({
  surveyId: z.coerce.number().int().positive().max(2 ** 53),
  kind: z.enum(SURVEY_COMMENT_KINDS),
  category: z.enum(FEEDBACK_CATEGORIES),
});

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "surveys:record");
  const form = await readForm(request);
  const parsed = ClassifyForm.safeParse(form);
  if (!parsed.success) return Response.json({ error: "surveyComments.error.invalid" satisfies MessageKey, surveyId: form.surveyId ?? null }, { status: 400 });
  try {
    await classifySurveyComment(context.db, staffActor(user, context), parsed.data);
  } catch (error) {
    if (error instanceof SurveyCommentError) {
      const key: MessageKey = error.code === "invalid" ? "surveyComments.error.invalid" : "surveyComments.error.gone";
      return Response.json({ error: key, surveyId: parsed.data.surveyId }, { status: error.code === "invalid" ? 400 : 409 });
    }
    throw error;
  }
  return redirect("/desk/survey-comments?done=1");
}

export default function SurveyComments() {
  const { rows, total, done } = useLoaderData<typeof loader>();
  const result = useActionData<{ error: MessageKey; surveyId: string | number | null }>();
  const navigation = useNavigation();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <h1>{t("surveyComments.title")}</h1>
      <p className="muted">{t("surveyComments.intro")}</p>
      {done ? (
        <p className="notice ok" role="status" data-testid="survey-comment-done">
          {t("surveyComments.done")}
        </p>
      ) : null}
      {result?.error ? (
        <p className="error" role="alert">
          {t(result.error)}
        </p>
      ) : null}
      <p data-testid="survey-comments-total">{t("surveyComments.total", { count: total })}</p>
      {rows.length === 0 ? <p className="muted">{t("surveyComments.none")}</p> : null}
      {rows.map((r) => (
        <article key={r.id} className="panel" data-testid="survey-comment" data-survey-id={r.id}>
          <p>
            <Link to={`/desk/tickets/${r.ticket_id}`}>{t("surveyComments.ticket", { number: formatDigits(String(r.ticket_number), locale) })}</Link>
            {" — "}
            {r.score !== null ? t("surveyComments.score", { score: r.score }) : null}
            {" — "}
            <span className="muted">{formatDateTime(r.surveyed_at, locale)}</span>
          </p>
          <blockquote data-testid="survey-comment-text">{r.comment}</blockquote>
          <Form method="post" className="inline-form">
            <input type="hidden" name="surveyId" value={r.id} />
            <label>
              {t("surveyComments.kind")}
              <select name="kind" defaultValue={r.suggestion.kind ?? ""} required>
                <option value="" disabled>
                  {t("voice.classify.choose")}
                </option>
                {SURVEY_COMMENT_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {t(`surveyComments.kindName.${k}`)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t("voice.classify.category")}
              <select name="category" defaultValue={r.suggestion.category ?? ""} required>
                <option value="" disabled>
                  {t("voice.classify.choose")}
                </option>
                {FEEDBACK_CATEGORIES.map((c) => (
                  <option key={c} value={c}>
                    {t(`voice.category.${c}`)}
                  </option>
                ))}
              </select>
            </label>
            {r.suggestion.category || r.suggestion.kind ? <span className="badge">{t("surveyComments.suggested")}</span> : null}
            <button type="submit" disabled={navigation.state === "submitting"}>
              {t("surveyComments.confirm")}
            </button>
          </Form>
        </article>
      ))}
    </>
  );
}
