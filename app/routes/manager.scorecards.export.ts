import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportResponse, parseExportFormat } from "~/lib/report-export.server";
import { MONTH_COLUMNS } from "~/lib/reports/scorecards";
import { monthData } from "~/lib/scorecards.server";
import { reportUser } from "~/lib/voice.server";

/** CSV/XLSX of a month's agency scorecards, from the same function as the page. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { scope, locale, t } = await reportUser(request, context);
  const format = parseExportFormat(request);
  if (!format) throw new Response("Choose format=csv or format=xlsx", { status: 400 });
  const d = await monthData(context.db, scope, request, t);
  return exportResponse({ format, filename: `agency-scorecards-${d.period}`, columns: MONTH_COLUMNS, rows: d.rows, locale });
}
