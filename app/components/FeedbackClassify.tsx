import { useFetcher } from "@remix-run/react";
import { FEEDBACK_CATEGORIES, FEEDBACK_KINDS, type FeedbackCategory, type FeedbackKind } from "../../core/feedback";
import { useT } from "~/lib/i18n";
import type { FeedbackResult } from "~/routes/desk.tickets.$ticketId.feedback";

/**
 * A complaint ticket's classification (شکایت یا پیشنهاد، و دسته‌اش): two selects for the call centre
 * (posted to /desk/tickets/:id/feedback without leaving the page), the classification as text for others.
 */
export function FeedbackClassify({
  ticketId,
  kind,
  category,
  canEdit,
}: {
  ticketId: number;
  kind: FeedbackKind | null;
  category: FeedbackCategory | null;
  canEdit: boolean;
}) {
  const t = useT();
  const fetcher = useFetcher<FeedbackResult>();
  const current = category ? `${t(`voice.kind.${kind ?? "complaint"}`)} — ${t(`voice.category.${category}`)}` : t("voice.classify.none");
  return (
    <section className="panel" aria-labelledby="feedback-title" data-testid="feedback-classify">
      <h2 id="feedback-title">{t("voice.classify.title")}</h2>
      <p data-testid="feedback-current">{current}</p>
      {canEdit ? (
        <fetcher.Form method="post" action={`/desk/tickets/${ticketId}/feedback`} className="inline-form">
          <label>
            {t("voice.classify.kind")}{" "}
            <select name="kind" defaultValue={kind ?? "complaint"} required>
              {FEEDBACK_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`voice.kind.${k}`)}
                </option>
              ))}
            </select>
          </label>{" "}
          <label>
            {t("voice.classify.category")}{" "}
            <select name="category" defaultValue={category ?? ""} required>
              <option value="" disabled>
                {t("voice.classify.choose")}
              </option>
              {FEEDBACK_CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {t(`voice.category.${c}`)}
                </option>
              ))}
            </select>
          </label>{" "}
          <button type="submit" disabled={fetcher.state !== "idle"}>
            {t("voice.classify.save")}
          </button>
          {fetcher.state === "idle" && fetcher.data ? (
            <p className={fetcher.data.ok ? "notice ok" : "error"} role={fetcher.data.ok ? "status" : "alert"}>
              {fetcher.data.ok ? t("voice.classify.done") : t(fetcher.data.error)}
            </p>
          ) : null}
        </fetcher.Form>
      ) : null}
    </section>
  );
}
