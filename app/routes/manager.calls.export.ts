import type { LoaderFunctionArgs } from "@remix-run/node";
import { requirePermission } from "~/lib/auth.server";
import { loadCallReport, readCallReportRequest, tableRows } from "~/lib/call-centre.server";
import { readSearchParams } from "~/lib/input.server";
import { exportResponse, parseExportFormat } from "~/lib/report-export.server";
import { callKpiColumns, CALL_TABLES, type CallTable } from "~/lib/reports/call-centre";

/** One table of the call-centre report as CSV or XLSX (`?table=queue|operator|day|hour&format=csv|xlsx` and the page's filters). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "reports:read");
  const format = parseExportFormat(request);
  const table = readSearchParams(request).table as CallTable;
  if (!format || !CALL_TABLES.includes(table)) throw new Response("Unknown export: give table=queue|operator|day|hour and format=csv|xlsx", { status: 400 });
  const r = await readCallReportRequest(request, context, user);
  const report = await loadCallReport(context, r);
  return exportResponse({ format, filename: `call-centre-by-${table}`, columns: callKpiColumns(table, null), rows: tableRows(report, table, r.locale), locale: r.locale });
}
