import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { CursorPager } from "~/components/reports/CursorPager";
import { DataTable } from "~/components/reports/DataTable";
import { formatDigits } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { rangeSearch } from "~/lib/report-table";
import { LOW_SCORE_COLUMNS } from "~/lib/reports/voice";
import { lowScoresData, reportUser } from "~/lib/voice.server";

/** Every low score of the range and what followed it, newest first, a hundred a page (the satisfaction page shows the newest few). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { scope, locale, t } = await reportUser(request, context);
  return lowScoresData(context.db, scope, request, locale, t);
}

export default function SatisfactionLowScores() {
  const { range, lowRows, olderHref, newestHref, exportQuery } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <p>
        <Link to={`/manager/satisfaction?${rangeSearch(range)}`}>{t("voice.surveys.back")}</Link>
      </p>
      <h1>{t("voice.low.title")}</h1>
      <p className="muted">
        {formatDigits(range.fromText, locale)} – {formatDigits(range.toText, locale)}
      </p>
      {lowRows.length === 0 ? (
        <p className="muted">{t("voice.low.none")}</p>
      ) : (
        <DataTable
          caption={t("voice.low.title")}
          columns={LOW_SCORE_COLUMNS}
          rows={lowRows}
          rowKey={(r) => String(r.survey_id)}
          exportHref={`/manager/satisfaction/export?report=low&${exportQuery}`}
        />
      )}
      <CursorPager label="voice.low.pages" newestHref={newestHref} olderHref={olderHref} />
    </>
  );
}
