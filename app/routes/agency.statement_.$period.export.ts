import type { LoaderFunctionArgs } from "@remix-run/node";
import { isPeriod } from "../../core/ledger";
import { translator } from "~/i18n";
import { requirePermission, scopeFor } from "~/lib/auth.server";
import { loadStatement } from "~/lib/ledger.server";
import { resolveLocale } from "~/lib/locale.server";
import { exportResponse, parseExportFormat } from "~/lib/report-export.server";
import { statementEntryColumns } from "~/lib/reports/ledger";

/** The signed-in agency's own statement of a month as CSV or XLSX. */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "agency_portal:statement");
  const scope = scopeFor(user);
  if (scope.kind !== "agency") throw new Response("Forbidden", { status: 403 });
  const period = params.period ?? "";
  const format = parseExportFormat(request);
  if (!isPeriod(period) || !format) throw new Response("Not Found", { status: 404 });
  const locale = await resolveLocale(request, user);
  const statement = await loadStatement(context.db, scope.agencyId, period, translator(locale));
  if (!statement) throw new Response("Not Found", { status: 404 });
  return exportResponse({
    format,
    filename: `statement-${statement.agency.code}-${period}`,
    columns: statementEntryColumns("/agency/tickets"),
    rows: statement.rows,
    locale,
  });
}
