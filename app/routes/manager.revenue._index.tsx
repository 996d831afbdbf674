import { periodText } from "../../core/ledger";
import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { BarChart } from "~/components/reports/Chart";
import { DataTable } from "~/components/reports/DataTable";
import { DateRangeFilter } from "~/components/reports/DateRangeFilter";
import { StatCard } from "~/components/StatCard";
import { resolveLocale } from "~/lib/locale.server";
import { requirePermission } from "~/lib/auth.server";
import { fees } from "~/lib/db.server";
import { formatDigits, formatNumber, formatRials } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { revenueGroupColumns, type RevenueGroupRow } from "~/lib/reports/ledger";
import { entriesHref, revenueParams } from "~/lib/revenue.server";
import type { MessageKey } from "~/i18n";
import ledgerStyles from "~/styles/ledger.css";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: ledgerStyles }];

const SECTIONS = [
  { dim: "period", param: "period", title: "revenue.byMonth" },
  { dim: "agency", param: "agency", title: "revenue.byAgency" },
  { dim: "brand", param: "brand", title: "revenue.byBrand" },
  { dim: "category", param: "category", title: "revenue.byCategory" },
  { dim: "province", param: "province", title: "revenue.byProvince" },
] as const satisfies readonly { dim: string; param: string; title: MessageKey }[];

/** Referral-fee revenue over a Jalali range by month, agency, brand, category and province; every figure leads to its entries. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "reports:read");
  const locale = await resolveLocale(request, user);
  const { range, filter } = revenueParams(request);
  const r = await fees.revenueBreakdown(context.db, { from: filter.from, toExclusive: filter.toExclusive });
  const sections = SECTIONS.map((s) => ({
    ...s,
    rows: r[s.dim].map(
      (g): RevenueGroupRow => ({
        key: g.key,
        label: s.dim === "period" ? formatDigits(periodText(g.key), locale) : g.label[locale],
        jobs: g.jobs,
        invoices: g.invoices,
        fees: g.fees,
        adjustments: g.adjustments,
        revenue: g.revenue,
        href: entriesHref(range, s.param, g.key),
      }),
    ),
  }));
  return { range, total: r.total, totalHref: entriesHref(range, "period", ""), sections };
}

export default function ManagerRevenue() {
  const { range, total, totalHref, sections } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <h1>{t("revenue.title")}</h1>
      <p className="muted">{t("revenue.hint")}</p>
      <Form method="get" className="report-filter">
        <DateRangeFilter from={range.fromText} to={range.toText} presets={range.presets} error={range.error} />
      </Form>
      <div className="statement-sums">
        <StatCard label={t("revenue.total")} value={<Link to={totalHref} data-testid="revenue-total">{formatRials(total.revenue, locale)}</Link>} />
        <StatCard label={t("ledger.jobs")} value={<Link to={totalHref}>{formatNumber(total.jobs, locale)}</Link>} />
        <StatCard label={t("ledger.invoices")} value={formatRials(total.invoices, locale)} />
        <StatCard label={t("ledger.adjustments")} value={formatRials(total.adjustments, locale)} />
      </div>
      <div className="revenue-grid">
        {sections.map((s) => (
          <section key={s.dim} aria-labelledby={`revenue-${s.dim}`} data-testid={`revenue-${s.dim}`}>
            <h2 id={`revenue-${s.dim}`}>{t(s.title)}</h2>
            <BarChart
              kind="money"
              title={t(s.title)}
              data={s.rows.slice(0, 15).map((g) => ({ label: s.dim === "period" ? formatDigits(g.label, locale) : g.label, value: g.revenue, href: g.href }))}
            />
            <DataTable columns={revenueGroupColumns} rows={s.rows} filter={s.rows.length > 10} rowKey={(g) => g.key} />
          </section>
        ))}
      </div>
    </>
  );
}
