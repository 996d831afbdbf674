import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportResponse, parseExportFormat } from "~/lib/report-export.server";
import { holdingPartsData, holdingTicketsData, partsReportUser } from "~/lib/parts-report.server";
import { readSearchParams } from "~/lib/input.server";
import { HOLDING_PART_COLUMNS, HOLDING_TICKET_COLUMNS } from "~/lib/reports/parts";

/** CSV/XLSX of the parts report (report=parts) or of a part's tickets (report=tickets&part=…), from the same functions as the pages. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { locale, t } = await partsReportUser(request, context);
  const format = parseExportFormat(request);
  if (!format) throw new Response("Choose format=csv or format=xlsx", { status: 400 });
  if (readSearchParams(request).report === "tickets") {
    const d = await holdingTicketsData(context.db, request, t);
    return exportResponse({ format, filename: "part-holds-tickets", columns: HOLDING_TICKET_COLUMNS, rows: d.ticketRows, locale });
  }
  const d = await holdingPartsData(context.db, request);
  return exportResponse({ format, filename: "parts-holding-jobs", columns: HOLDING_PART_COLUMNS, rows: d.partRows, locale });
}
