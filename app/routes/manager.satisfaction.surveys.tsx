import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { CursorPager } from "~/components/reports/CursorPager";
import { DataTable } from "~/components/reports/DataTable";
import { formatDigits } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { SURVEY_COLUMNS } from "~/lib/reports/voice";
import { reportUser, surveysData } from "~/lib/voice.server";
import { rangeSearch } from "~/lib/report-table";

/** The answered surveys behind a CSAT figure (an agency, a technician, a brand, a category, a month), each linked to its job; a hundred a page, newest first. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { scope, locale } = await reportUser(request, context);
  return surveysData(context.db, scope, request, locale);
}

export default function SatisfactionSurveys() {
  const { range, surveyRows, query, olderHref, newestHref } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <p>
        <Link to={`/manager/satisfaction?${rangeSearch(range)}`}>{t("voice.surveys.back")}</Link>
      </p>
      <h1>{t("voice.surveys.title")}</h1>
      <p className="muted">
        {formatDigits(range.fromText, locale)} – {formatDigits(range.toText, locale)}
      </p>
      {surveyRows.length === 0 ? (
        <p className="muted">{t("voice.surveys.none")}</p>
      ) : (
        <DataTable
          caption={t("voice.surveys.title")}
          columns={SURVEY_COLUMNS}
          rows={surveyRows}
          rowKey={(r) => String(r.id)}
          exportHref={`/manager/satisfaction/export?report=surveys&${query}`}
        />
      )}
      <CursorPager label="voice.surveys.pages" newestHref={newestHref} olderHref={olderHref} />
    </>
  );
}
