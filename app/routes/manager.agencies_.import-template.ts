import type { LoaderFunctionArgs } from "@remix-run/node";
import { agencyCsvTemplate } from "../../core/agency-admin";
import { requirePermission } from "~/lib/auth.server";

/** The agency CSV template (header and one example row), UTF-8 with a BOM so spreadsheet programs read Persian. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  await requirePermission(request, context, "agencies:manage");
  return new Response(agencyCsvTemplate(), {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": 'attachment; filename="agencies-template.csv"' },
  });
}
