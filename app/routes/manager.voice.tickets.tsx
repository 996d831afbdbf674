import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DataTable } from "~/components/reports/DataTable";
import { formatDigits } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { FEEDBACK_TICKET_COLUMNS } from "~/lib/reports/voice";
import { feedbackTicketsData, reportUser } from "~/lib/voice.server";
import { rangeSearch } from "~/lib/report-table";

/** The complaint and suggestion tickets behind a count (a category, a kind, a month). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { scope, t } = await reportUser(request, context);
  return feedbackTicketsData(context.db, scope, request, t);
}

export default function VoiceTickets() {
  const { range, ticketRows, kind, bucket } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <p>
        <Link to={`/manager/voice?${rangeSearch(range)}`}>{t("voice.back")}</Link>
      </p>
      <h1>{t("voice.tickets.title")}</h1>
      <p className="muted">
        {[kind ? t(`voice.kind.${kind}`) : null, bucket ? t(`voice.category.${bucket}`) : null, `${formatDigits(range.fromText, locale)} – ${formatDigits(range.toText, locale)}`]
          .filter(Boolean)
          .join(" · ")}
      </p>
      {ticketRows.length === 0 ? (
        <p className="muted">{t("voice.feedback.none")}</p>
      ) : (
        <DataTable caption={t("voice.tickets.title")} columns={FEEDBACK_TICKET_COLUMNS} rows={ticketRows} rowKey={(r) => String(r.id)} />
      )}
    </>
  );
}
