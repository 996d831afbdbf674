import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useNavigate } from "@remix-run/react";
import leafletStyles from "leaflet/dist/leaflet.css";
import { z } from "zod";
import { JobsMap, type JobPin } from "~/components/JobsMap";
import { Pager, TicketTable } from "~/components/TicketViews";
import { AGENCY_LOAD_STATUSES } from "../../core/ticket";
import { requirePermission, scopeFor } from "~/lib/auth.server";
import { agencies, tickets } from "~/lib/db.server";
import { formatDigits } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";
import { readSearchParams } from "~/lib/input.server";
import portalStyles from "~/styles/agency-portal.css";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: leafletStyles },
  { rel: "stylesheet", href: portalStyles },
];

/** The tabs: every current job, then one status each (the agency's part of the life cycle). */
const TABS = ["current", "assigned", "scheduled", "in_progress", "on_hold", "completed"] as const;
type Tab = (typeof TABS)[number];

const Query = z.object({
  status: z.enum(TABS).catch("current"),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

const PAGE_SIZE = 25;

/**
 * The agency's jobs by status, and the map of its current jobs' customers (agency_portal:use: admin and
 * staff). Both read through the agency's scope: tickets assigned to it (and, in "current", none of its
 * pending offers: those are on the home page), pins of its own current jobs only.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "agency_portal:use");
  const scope = scopeFor(user);
  if (scope.kind !== "agency") throw new Response("Forbidden", { status: 403 });
  const query = Query.parse(readSearchParams(request));
  const statuses = query.status === "current" ? AGENCY_LOAD_STATUSES : [query.status];
  const [list, pins] = await Promise.all([
    tickets.listTickets(context.db, scope, { statuses, page: query.page, pageSize: PAGE_SIZE }),
    agencies.agencyJobPins(context.db, scope.agencyId),
  ]);
  return {
    tab: query.status,
    rows: list.rows,
    page: query.page,
    hasMore: list.hasMore,
    pins: pins.flatMap((p) => (p.lat != null && p.lng != null ? [{ id: p.id, number: p.number, status: p.status, lat: p.lat, lng: p.lng }] : [])),
    map: { tileUrl: context.env.MAP_TILE_URL, attribution: context.env.MAP_TILE_ATTRIBUTION },
    now: Date.now(),
  };
}

export default function AgencyJobs() {
  const { tab, rows, page, hasMore, pins, map, now } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  const navigate = useNavigate();
  const tabLabel = (x: Tab) => (x === "current" ? t("agency.openJobs") : t(`status.${x}`));
  const mapPins: JobPin[] = pins.map((p) => ({
    id: p.id,
    lat: p.lat,
    lng: p.lng,
    label: `${formatDigits(p.number, locale)} — ${t(`status.${p.status}`)}`,
    href: `/agency/tickets/${p.id}`,
  }));
  return (
    <>
      <h1>{t("agencyJobs.title")}</h1>
      <nav className="status-tabs" aria-label={t("agencyJobs.tabs")} data-testid="job-tabs">
        {TABS.map((x) => (
          <Link key={x} to={x === "current" ? "?" : `?status=${x}`} aria-current={tab === x ? "page" : undefined} data-tab={x}>
            {tabLabel(x)}
          </Link>
        ))}
      </nav>
      <div className="table-scroll" data-testid="job-list" data-tab={tab}>
        <TicketTable rows={rows} linkBase="/agency/tickets" now={now} />
      </div>
      <Pager page={page} hasMore={hasMore} />
      <p>
        <Link to="/agency/tickets">{t("agencyJobs.searchAll")}</Link>
      </p>

      <h2>{t("agencyJobs.mapTitle")}</h2>
      <p className="muted">{t("agencyJobs.mapNote")}</p>
      {mapPins.length === 0 ? (
        <p className="muted" data-testid="no-pins">
          {t("agencyJobs.noPins")}
        </p>
      ) : (
        <JobsMap tileUrl={map.tileUrl} attribution={map.attribution} pins={mapPins} label={t("agencyJobs.mapLabel")} onOpen={(href) => navigate(href)} />
      )}
    </>
  );
}
