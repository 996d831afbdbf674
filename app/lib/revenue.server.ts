/**
 * The revenue dashboard's filters as URL parameters (a Jalali range and at most one narrowing per
 * dimension), read once here for the page, its drill-down and the export.
 */
import { z } from "zod";
import { isPeriod, periodText } from "../../core/ledger";
import type { RevenueFilter } from "../../db/repos/fees";
import { translator, type Locale } from "~/i18n";
import { fees, type DB } from "~/lib/db.server";
import { readSearchParams } from "~/lib/input.server";
import type { RevenueEntryRow } from "~/lib/reports/ledger";
import { parseDateRange, type DateRange } from "~/lib/report-params.server";

const Narrowing = z.object({
  period: z.string().refine(isPeriod).optional().catch(undefined),
  agency: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional().catch(undefined),
  brand: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional().catch(undefined),
  category: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional().catch(undefined),
  province: z.string().trim().min(1).max(60).optional().catch(undefined),
});

/** Revenue is read by Jalali month: a default range of the last 180 days shows several. */
export const REVENUE_DEFAULT_DAYS = 180;

export function revenueParams(request: Request, now = new Date()): { range: DateRange; filter: RevenueFilter; query: URLSearchParams } {
  const range = parseDateRange(request, now, REVENUE_DEFAULT_DAYS);
  const n = Narrowing.parse(readSearchParams(request));
  const query = new URLSearchParams({ from: range.fromText, to: range.toText });
  if (n.period) query.set("period", n.period);
  if (n.agency) query.set("agency", String(n.agency));
  if (n.brand) query.set("brand", String(n.brand));
  if (n.category) query.set("category", String(n.category));
  if (n.province) query.set("province", n.province);
  return {
    range,
    query,
    filter: {
      from: range.from,
      toExclusive: range.toExclusive,
      period: n.period ?? null,
      agencyId: n.agency ?? null,
      brandId: n.brand ?? null,
      categoryId: n.category ?? null,
      province: n.province ?? null,
    },
  };
}

/** The drill-down link of one figure: the range and the figure's own dimension. */
export function entriesHref(range: DateRange, param: "period" | "agency" | "brand" | "category" | "province", key: string): string {
  const q = new URLSearchParams({ from: range.fromText, to: range.toText });
  if (key) q.set(param, key);
  return `/manager/revenue/entries?${q.toString()}`;
}

export const ENTRIES_LIMIT = 500;

/** The entries behind a revenue figure, for the page and its export. */
/** The page's share of them: the newest first, a keyset page at a time. */
export const ENTRIES_PAGE = 100;

export async function revenueEntryRows(
  db: DB,
  filter: Parameters<typeof fees.revenueEntries>[1],
  locale: Locale,
  page: { limit: number; before: { at: Date; id: number } | null } = { limit: ENTRIES_LIMIT, before: null },
): Promise<RevenueEntryRow[]> {
  const t = translator(locale);
  const rows = await fees.revenueEntries(db, filter, page.limit, page.before);
  return rows.map((e) => ({
    id: e.id,
    at: e.at.toISOString(),
    kind: t(`ledger.kind.${e.kind}`),
    period: periodText(e.period),
    ticket_id: e.ticket_id,
    ticket_number: e.ticket_number == null ? null : String(e.ticket_number),
    agency: `${e.agency_name} (${e.agency_code})`,
    brand: locale === "fa" ? e.brand_fa : e.brand_en,
    category: locale === "fa" ? e.category_fa : e.category_en,
    province: e.province,
    invoice: e.invoice_amount_rials,
    rate: e.rate_percent,
    amount: e.amount_rials,
  }));
}

