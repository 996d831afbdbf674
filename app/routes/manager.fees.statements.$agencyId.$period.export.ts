import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { isPeriod } from "../../core/ledger";
import { translator } from "~/i18n";
import { requirePermission } from "~/lib/auth.server";
import { loadStatement } from "~/lib/ledger.server";
import { resolveLocale } from "~/lib/locale.server";
import { exportResponse, parseExportFormat } from "~/lib/report-export.server";
import { statementEntryColumns } from "~/lib/reports/ledger";

const Params = z.object({ agencyId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER), period: z.string().refine(isPeriod) });

/** A statement as CSV or XLSX (the manager's; the same rows as the page). */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "reports:read");
  const p = Params.safeParse(params);
  const format = parseExportFormat(request);
  if (!p.success || !format) throw new Response("Not Found", { status: 404 });
  const locale = await resolveLocale(request, user);
  const statement = await loadStatement(context.db, p.data.agencyId, p.data.period, translator(locale));
  if (!statement) throw new Response("Not Found", { status: 404 });
  return exportResponse({
    format,
    filename: `statement-${statement.agency.code}-${p.data.period}`,
    columns: statementEntryColumns("/manager/tickets"),
    rows: statement.rows,
    locale,
  });
}
