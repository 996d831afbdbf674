import type { LoaderFunctionArgs } from "@remix-run/node";
import { readSearchParams } from "~/lib/input.server";
import { exportResponse, parseExportFormat } from "~/lib/report-export.server";
import { CSAT_COLUMNS, LOW_SCORE_COLUMNS, SURVEY_COLUMNS } from "~/lib/reports/voice";
import { LOW_SCORES_EXPORTED, reportUser, satisfactionData, surveysData } from "~/lib/voice.server";

/** CSV/XLSX of the satisfaction page's tables (`report=csat|low|surveys`), from the same functions as the pages. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { scope, locale, t } = await reportUser(request, context);
  const format = parseExportFormat(request);
  if (!format) throw new Response("Choose format=csv or format=xlsx", { status: 400 });
  const report = readSearchParams(request).report;
  if (report === "surveys") {
    const d = await surveysData(context.db, scope, request, locale, { export: true });
    return exportResponse({ format, filename: "satisfaction-surveys", columns: SURVEY_COLUMNS, rows: d.surveyRows, locale });
  }
  // the page shows the newest few low scores; the file has the newest 500 (as it always had)
  const d = await satisfactionData(context.db, scope, request, locale, t, { lowLimit: report === "low" ? LOW_SCORES_EXPORTED : 0 });
  if (report === "low") return exportResponse({ format, filename: "low-scores", columns: LOW_SCORE_COLUMNS, rows: d.lowRows, locale });
  return exportResponse({ format, filename: `csat-by-${d.by}`, columns: CSAT_COLUMNS, rows: d.csatRows, locale });
}
