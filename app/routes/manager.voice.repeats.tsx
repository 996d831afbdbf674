import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { DataTable } from "~/components/reports/DataTable";
import { formatDigits } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { REPEAT_COLUMNS } from "~/lib/reports/voice";
import { repeatsData, reportUser } from "~/lib/voice.server";
import { rangeSearch } from "~/lib/report-table";

/** The repeat breakdowns behind a figure (a model, a category, or all): the serials and the two tickets of each. Exportable for R&D. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { scope, locale, t } = await reportUser(request, context);
  return repeatsData(context.db, scope, request, locale, t);
}

export default function VoiceRepeats() {
  const { range, repeatRows, query } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <p>
        <Link to={`/manager/voice?${rangeSearch(range)}`}>{t("voice.back")}</Link>
      </p>
      <h1>{t("voice.repeats.list")}</h1>
      <p className="muted">
        {formatDigits(range.fromText, locale)} – {formatDigits(range.toText, locale)}
      </p>
      {repeatRows.length === 0 ? (
        <p className="muted">{t("voice.repeats.none")}</p>
      ) : (
        <DataTable
          caption={t("voice.repeats.list")}
          columns={REPEAT_COLUMNS}
          rows={repeatRows}
          rowKey={(r) => String(r.ticket_id)}
          exportHref={`/manager/voice/export?${query}`}
        />
      )}
    </>
  );
}
