import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportResponse, parseExportFormat } from "~/lib/report-export.server";
import { REPEAT_COLUMNS } from "~/lib/reports/voice";
import { repeatsData, reportUser } from "~/lib/voice.server";

/** CSV/XLSX of the repeat breakdowns (serials and tickets), from the same function as the page: evidence for R&D. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { scope, locale, t } = await reportUser(request, context);
  const format = parseExportFormat(request);
  if (!format) throw new Response("Choose format=csv or format=xlsx", { status: 400 });
  const d = await repeatsData(context.db, scope, request, locale, t);
  return exportResponse({ format, filename: "repeat-breakdowns", columns: REPEAT_COLUMNS, rows: d.repeatRows, locale });
}
