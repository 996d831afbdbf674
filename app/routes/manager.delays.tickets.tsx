import type { LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useMemo } from "react";
import { DataTable } from "~/components/reports/DataTable";
import { DateRangeFilter } from "~/components/reports/DateRangeFilter";
import { translator } from "~/i18n";
import { requirePermission, scopeFor } from "~/lib/auth.server";
import { delays, parseDelayQuery } from "~/lib/delays.server";
import { useT } from "~/lib/i18n";
import { resolveLocale } from "~/lib/locale.server";
import { DELAY_TICKET_PAGE, DELAYS_EXPORT_PATH, DELAYS_PATH, delayTicketColumns, delayTicketRows } from "~/lib/reports/delays";
import { nextPageSearch, parseKeyset } from "~/lib/keyset.server";

/*
 * The requests behind a delay figure (issue 14 §1, reports:read): registered in the range, narrowed by agency,
 * a stage passed, a cause of delay or a missed target; each links to its page (with its timeline). CSV/XLSX
 * of the same list through /manager/delays/export.
 */

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "reports:read");
  const now = new Date();
  const q = parseDelayQuery(request, now);
  // a page of DELAY_TICKET_PAGE, newest registration first, then older pages by keyset (the export keeps its 500)
  const url = new URL(request.url);
  const before = parseKeyset(url);
  const [rows, agency] = await Promise.all([
    delays.delayTickets(context.db, scopeFor(user), q.filter, DELAY_TICKET_PAGE, before),
    q.agencyId ? delays.agencyLabel(context.db, q.agencyId) : Promise.resolve(null),
  ]);
  const t = translator(await resolveLocale(request, user));
  const filters = [
    agency ? `${t("delays.col.agency")}: ${agency}` : null,
    q.stage ? t("delays.filter.stageDone", { stage: t(`delays.stage.${q.stage}`) }) : null,
    q.cause ? t(`delays.cause.${q.cause}`) : null,
    q.breach ? (q.breach === "any" ? t("delays.filter.breachAny") : t("delays.summary.breached", { check: t(`delays.check.${q.breach}`) })) : null,
  ].filter((x): x is string => x !== null);
  return {
    fromText: q.fromText,
    toText: q.toText,
    search: q.search,
    rangeSearch: q.rangeSearch,
    error: q.error,
    presets: q.presets,
    hidden: { agency: q.agencyId, stage: q.stage, cause: q.cause, breach: q.breach },
    filters,
    rows: delayTicketRows(rows, t),
    olderSearch: rows.length === DELAY_TICKET_PAGE ? nextPageSearch(url, { at: rows[rows.length - 1]!.registeredAt, id: rows[rows.length - 1]!.ticketId }) : null,
    firstSearch: before ? q.search : null,
  };
}

export default function DelayTicketsPage() {
  const d = useLoaderData<typeof loader>();
  const t = useT();
  const columns = useMemo(() => delayTicketColumns(), []);
  return (
    <>
      <p>
        <Link to={`${DELAYS_PATH}?${d.rangeSearch}`}>{t("delays.tickets.back")}</Link>
      </p>
      <h1>{t("delays.tickets.title")}</h1>
      {d.filters.length ? <p data-testid="delay-filters">{t("delays.tickets.filtered", { filter: d.filters.join("؛ ") })}</p> : null}
      <Form method="get" className="panel filters" aria-label={t("common.filter")}>
        {Object.entries(d.hidden).map(([k, v]) => (v === null || v === undefined ? null : <input key={k} type="hidden" name={k} value={String(v)} />))}
        <DateRangeFilter from={d.fromText} to={d.toText} presets={d.presets} error={d.error} />
      </Form>
      <DataTable
        columns={columns}
        rows={d.rows}
        exportHref={`${DELAYS_EXPORT_PATH}?${d.search}&report=tickets`}
        caption={t("delays.tickets.title")}
      />
      <p className="pager">
        {d.firstSearch !== null ? <Link to={`?${d.firstSearch}`}>{t("delays.page.first")}</Link> : null}{" "}
        {d.olderSearch !== null ? <Link to={`?${d.olderSearch}`} data-testid="delay-tickets-older">{t("delays.page.older")}</Link> : null}
      </p>
    </>
  );
}
