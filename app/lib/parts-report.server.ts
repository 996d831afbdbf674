import { z } from "zod";
import { isOpenPartRequest } from "../../core/parts";
import { requirePermission } from "~/lib/auth.server";
import { parts, type DB } from "~/lib/db.server";
import { readSearchParams } from "~/lib/input.server";
import { resolveLocale } from "~/lib/locale.server";
import { rangeSearch } from "~/lib/report-table";
import { parseDateRange } from "~/lib/report-params.server";
import type { HoldingPartRow, HoldingTicketRow } from "~/lib/reports/parts";
import { translator, type Translate } from "~/i18n";

/*
 * The "parts that hold jobs up the longest" report's data (issue 15 §4; app/routes/manager.parts.report*,
 * manager.parts.tickets, manager.parts.export): the part requests made in the date range, per part — jobs held,
 * total and median days from request to receipt (open ones up to now), how many are open now — and the
 * requests behind a part's figure. One function per table, used by the page and its export alike.
 */

export async function partsReportUser(request: Request, context: { db: DB } & Parameters<typeof requirePermission>[1]) {
  const user = await requirePermission(request, context, "reports:read");
  const locale = await resolveLocale(request, user);
  return { user, locale, t: translator(locale) };
}

const round1 = (n: number) => Math.round(n * 10) / 10;

export async function holdingPartsData(db: DB, request: Request) {
  const range = parseDateRange(request);
  const now = new Date();
  const rq = rangeSearch(range);
  const rows = await parts.holdingParts(db, range, now);
  const partRows: HoldingPartRow[] = rows.map((r) => ({
    part_id: r.part_id,
    code: r.code,
    name: r.name,
    model: r.model_name,
    jobs: r.jobs,
    total_days: round1(r.total_days),
    median_days: round1(r.median_days),
    open_now: r.open_now,
    href: `/manager/parts/tickets?${rq}&part=${r.part_id}`,
  }));
  return { range, partRows, rq };
}

const Id = z.coerce.number().int().positive().max(2 ** 53);

export async function holdingTicketsData(db: DB, request: Request, t: Translate) {
  const range = parseDateRange(request);
  const q = readSearchParams(request);
  const partId = Id.safeParse(q.part ?? "");
  if (!partId.success) throw new Response("Choose a part", { status: 400 });
  const onlyOpen = q.open === "1";
  const rows = await parts.holdingTickets(db, partId.data, range, new Date());
  const ticketRows: HoldingTicketRow[] = rows
    .filter((r) => !onlyOpen || isOpenPartRequest(r.status))
    .map((r) => ({
      request_id: r.request_id,
      ticket_id: r.ticket_id,
      ticket_number: r.ticket_number,
      agency: r.agency_name,
      quantity: r.quantity,
      status: t(`parts.status.${r.status}`),
      requested_at: new Date(r.requested_at).toISOString(),
      received_at: r.received_at ? new Date(r.received_at).toISOString() : null,
      expected: r.expected_date ? `${r.expected_date}T12:00:00+03:30` : null,
      days: round1(r.days),
    }));
  const query = new URLSearchParams({ ...Object.fromEntries(new URLSearchParams(rangeSearch(range))), part: String(partId.data), ...(onlyOpen ? { open: "1" } : {}) });
  return { range, partId: partId.data, onlyOpen, ticketRows, query: query.toString() };
}
