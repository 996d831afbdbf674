import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useMemo } from "react";
import { DELAY_CAUSES } from "../../core/delays";
import { slaAtRiskShareOf } from "../../core/service-rules";
import { BarChart } from "~/components/reports/Chart";
import { DataTable } from "~/components/reports/DataTable";
import { DateRangeFilter } from "~/components/reports/DateRangeFilter";
import { StatCard } from "~/components/StatCard";
import { translator } from "~/i18n";
import { requirePermission, scopeFor } from "~/lib/auth.server";
import { delays, parseDelayQuery, parseWatchLevel } from "~/lib/delays.server";
import { formatNumber } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { resolveLocale } from "~/lib/locale.server";
import { serviceRules } from "~/lib/service-rules.server";
import {
  DELAYS_EXPORT_PATH,
  delayTicketsHref,
  rankingColumns,
  rankingRows,
  watchColumns,
  watchRows,
} from "~/lib/reports/delays";

/*
 * The delay audit's landing page (issue 14 §1, reports:read): open requests at risk or breached now (the SLA
 * sweep's rule, with its alerts), and over a Jalali range of registration dates: breaches per target, the
 * per-agency ranking (median and mean per stage, breaches and their rate, CSV/XLSX) and the causes of delay.
 * Every figure links to the requests behind it (/manager/delays/tickets), each to its page and timeline.
 */

const WATCH_LIMIT = 100;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "reports:read");
  const scope = scopeFor(user);
  const now = new Date();
  const q = parseDelayQuery(request, now);
  const level = parseWatchLevel(request);
  // the landing page shows the whole range: the drill-down filters belong to the ticket list
  const filter = { from: q.filter.from, toExclusive: q.filter.toExclusive, now };
  // one read of the range's figures (the daily roll-up plus the live part) serves the ranking and the summary
  const [figures, watch] = await Promise.all([
    delays.delayFiguresByAgency(context.db, scope, filter),
    // at risk by the sweep's own share: the admin's rule in force (/admin/service-rules)
    serviceRules.serviceRulesInForce(context.db).then((rules) => delays.slaWatchList(context.db, scope, now, slaAtRiskShareOf(rules), WATCH_LIMIT, level)),
  ]);
  const ranking = delays.rankingOf(figures);
  const summary = delays.summaryOf(figures);
  const t = translator(await resolveLocale(request, user));
  return {
    fromText: q.fromText,
    toText: q.toText,
    rangeSearch: q.rangeSearch,
    error: q.error,
    presets: q.presets,
    ranking: rankingRows(ranking),
    summary,
    watch: { rows: watchRows(watch.rows, t), atRisk: watch.atRisk, breached: watch.breached, level },
  };
}

export default function DelaysPage() {
  const d = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const n = (v: number) => formatNumber(v, locale);
  const href = (extra: Record<string, string>) => delayTicketsHref(d.rangeSearch, extra);
  const totalWatch = d.watch.atRisk + d.watch.breached;
  const listed = d.watch.level === "at_risk" ? d.watch.atRisk : d.watch.level === "breached" ? d.watch.breached : totalWatch;
  const levelHref = (level: string | null) => {
    const p = new URLSearchParams(d.rangeSearch);
    if (level) p.set("level", level);
    return `?${p.toString()}`;
  };
  const columns = useMemo(() => rankingColumns(d.rangeSearch), [d.rangeSearch]);
  const watchCols = useMemo(() => watchColumns(), []);
  return (
    <>
      <h1>{t("delays.title")}</h1>
      <p className="muted">{t("delays.intro")}</p>
      <p>
        <Link to="/manager/delays/targets">{t("delays.targets.link")}</Link>
      </p>

      <section aria-labelledby="watch-title">
        <h2 id="watch-title">{t("delays.watch.title")}</h2>
        {totalWatch === 0 ? (
          <p>{t("delays.watch.none")}</p>
        ) : (
          <>
            <p data-testid="watch-summary">{t("delays.watch.summary", { breached: d.watch.breached, atRisk: d.watch.atRisk })}</p>
            <p className="date-presets" data-testid="watch-levels" aria-label={t("delays.watch.show")}>
              {([null, "breached", "at_risk"] as const).map((level) => (
                <Link
                  key={level ?? "all"}
                  to={levelHref(level)}
                  preventScrollReset
                  aria-current={d.watch.level === level ? "true" : undefined}
                  className={d.watch.level === level ? "current" : undefined}
                >
                  {level ? `${t(`delays.level.${level}`)} (${n(level === "at_risk" ? d.watch.atRisk : d.watch.breached)})` : t("delays.watch.all")}
                </Link>
              ))}
            </p>
            {listed > d.watch.rows.length ? <p className="muted">{t("delays.watch.more", { shown: d.watch.rows.length, total: listed })}</p> : null}
            <DataTable columns={watchCols} rows={d.watch.rows} caption={t("delays.watch.title")} />
          </>
        )}
      </section>

      <Form method="get" className="panel filters" aria-label={t("common.filter")}>
        <DateRangeFilter from={d.fromText} to={d.toText} presets={d.presets} error={d.error} />
      </Form>

      <div className="cards" data-testid="delay-summary">
        <StatCard label={t("delays.summary.tickets")} value={<Link to={href({})}>{n(d.summary.tickets)}</Link>} />
        {(["accept", "visit", "resolve"] as const).map((c) => (
          <StatCard
            key={c}
            label={t("delays.summary.breached", { check: t(`delays.check.${c}`) })}
            value={<Link to={href({ breach: c })}>{n(d.summary.breached[c])}</Link>}
          />
        ))}
      </div>

      <section aria-labelledby="ranking-title" data-testid="delay-ranking">
        <h2 id="ranking-title">{t("delays.ranking.title")}</h2>
        <p className="muted">{t("delays.ranking.hint")}</p>
        {d.ranking.length === 0 ? (
          <p>{t("delays.ranking.none")}</p>
        ) : (
          <DataTable
            columns={columns}
            rows={d.ranking}
            initialSort={{ key: "breachRate", desc: true }}
            exportHref={`${DELAYS_EXPORT_PATH}?${d.rangeSearch}&report=ranking`}
            caption={t("delays.ranking.title")}
          />
        )}
      </section>

      <section aria-labelledby="causes-title">
        <h2 id="causes-title">{t("delays.causes.title")}</h2>
        <BarChart
          kind="number"
          data={DELAY_CAUSES.map((c) => ({ label: t(`delays.cause.${c}`), value: d.summary.causes[c].tickets, href: href({ cause: c }) }))}
        />
        <table className="data" data-testid="causes-table">
          <thead>
            <tr>
              <th scope="col">{t("delays.col.causes")}</th>
              <th scope="col">{t("delays.causes.tickets")}</th>
              <th scope="col">{t("delays.causes.occurrences")}</th>
            </tr>
          </thead>
          <tbody>
            {DELAY_CAUSES.map((c) => (
              <tr key={c}>
                <th scope="row">{t(`delays.cause.${c}`)}</th>
                <td>
                  <Link to={href({ cause: c })}>{n(d.summary.causes[c].tickets)}</Link>
                </td>
                <td>{n(d.summary.causes[c].occurrences)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
