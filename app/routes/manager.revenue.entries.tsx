import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { DataTable } from "~/components/reports/DataTable";
import { DateRangeFilter } from "~/components/reports/DateRangeFilter";
import { StatCard } from "~/components/StatCard";
import { requirePermission } from "~/lib/auth.server";
import { fees } from "~/lib/db.server";
import { formatNumber, formatRials } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { resolveLocale } from "~/lib/locale.server";
import { revenueEntryColumns } from "~/lib/reports/ledger";
import { ENTRIES_PAGE, revenueEntryRows, revenueParams } from "~/lib/revenue.server";
import { nextPageSearch, parseKeyset } from "~/lib/keyset.server";
import ledgerStyles from "~/styles/ledger.css";
import { rangeSearch } from "~/lib/report-table";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: ledgerStyles }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "reports:read");
  const locale = await resolveLocale(request, user);
  const { range, filter, query } = revenueParams(request);
  // a page of ENTRIES_PAGE, newest first, then older pages by keyset (the export keeps its 500)
  const url = new URL(request.url);
  const before = parseKeyset(url);
  const [total, rows] = await Promise.all([fees.revenueTotal(context.db, filter), revenueEntryRows(context.db, filter, locale, { limit: ENTRIES_PAGE, before })]);
  const hidden = [...query.entries()].filter(([k]) => k !== "from" && k !== "to");
  const last = rows.length === ENTRIES_PAGE ? rows[rows.length - 1]! : null;
  return {
    range,
    total,
    rows,
    hidden,
    exportHref: `/manager/revenue/entries/export?${query.toString()}`,
    olderSearch: last ? nextPageSearch(url, { at: new Date(last.at), id: last.id }) : null,
    firstSearch: before ? query.toString() : null,
  };
}

export default function RevenueEntries() {
  const { range, total, rows, hidden, exportHref, olderSearch, firstSearch } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <p>
        <Link to={`/manager/revenue?${rangeSearch(range)}`}>{t("nav.revenue")}</Link>
      </p>
      <h1>{t("revenue.entries")}</h1>
      <Form method="get" className="report-filter">
        {hidden.map(([k, v]) => (
          <input key={k} type="hidden" name={k} value={v} />
        ))}
        <DateRangeFilter from={range.fromText} to={range.toText} presets={range.presets} error={range.error} />
      </Form>
      <div className="statement-sums">
        <StatCard label={t("revenue.revenue")} value={<span data-testid="entries-total">{formatRials(total.revenue, locale)}</span>} />
        <StatCard label={t("ledger.jobs")} value={formatNumber(total.jobs, locale)} />
        <StatCard label={t("ledger.fees")} value={formatRials(total.fees, locale)} />
        <StatCard label={t("ledger.adjustments")} value={formatRials(total.adjustments, locale)} />
      </div>
      <p className="muted">{t("revenue.entriesHint")}</p>
      <DataTable columns={revenueEntryColumns} rows={rows} exportHref={exportHref} rowKey={(r) => r.id} />
      <p className="pager">
        {firstSearch !== null ? <Link to={`?${firstSearch}`}>{t("delays.page.first")}</Link> : null}{" "}
        {olderSearch !== null ? <Link to={`?${olderSearch}`} data-testid="entries-older">{t("delays.page.older")}</Link> : null}
      </p>
    </>
  );
}
