import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { translator } from "~/i18n";
import { requirePermission, scopeFor } from "~/lib/auth.server";
import { delays, parseDelayQuery } from "~/lib/delays.server";
import { exportResponse, parseExportFormat } from "~/lib/report-export.server";
import { readSearchParams } from "~/lib/input.server";
import { resolveLocale } from "~/lib/locale.server";
import { DELAY_TICKET_LIMIT, delayTicketColumns, delayTicketRows, rankingColumns, rankingRows } from "~/lib/reports/delays";

/*
 * CSV/XLSX of the delay audit (reports:read): `report=ranking` (the per-agency ranking of the range) or
 * `report=tickets` (the drill-down list with its filters) — the same repo calls and columns as the pages.
 */
const Report = z.enum(["ranking", "tickets"]);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "reports:read");
  const url = new URL(request.url);
  const format = parseExportFormat(url);
  const report = Report.safeParse(readSearchParams(url).report);
  const locale = await resolveLocale(request, user);
  const t = translator(locale);
  if (!format || !report.success) return new Response(t("delays.export.invalid"), { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  const now = new Date();
  const q = parseDelayQuery(request, now);
  const scope = scopeFor(user);
  const stamp = `${q.fromText}_${q.toText}`.replaceAll("/", "-");
  if (report.data === "ranking") {
    const rows = rankingRows(await delays.agencyDelayRanking(context.db, scope, { from: q.filter.from, toExclusive: q.filter.toExclusive, now }));
    return exportResponse({ format, filename: `delays-ranking-${stamp}`, columns: rankingColumns(q.rangeSearch), rows, locale });
  }
  const rows = delayTicketRows(await delays.delayTickets(context.db, scope, q.filter, DELAY_TICKET_LIMIT), t);
  return exportResponse({ format, filename: `delays-tickets-${stamp}`, columns: delayTicketColumns(), rows, locale });
}
