import type { LoaderFunctionArgs } from "@remix-run/node";
import { requirePermission } from "~/lib/auth.server";
import { resolveLocale } from "~/lib/locale.server";
import { exportResponse, parseExportFormat } from "~/lib/report-export.server";
import { revenueEntryColumns } from "~/lib/reports/ledger";
import { revenueEntryRows, revenueParams } from "~/lib/revenue.server";

/** The entries behind a revenue figure as CSV or XLSX. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "reports:read");
  const format = parseExportFormat(request);
  if (!format) throw new Response("Not Found", { status: 404 });
  const locale = await resolveLocale(request, user);
  const { filter } = revenueParams(request);
  return exportResponse({ format, filename: "referral-revenue-entries", columns: revenueEntryColumns, rows: await revenueEntryRows(context.db, filter, locale), locale });
}
