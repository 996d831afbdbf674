import type { LoaderFunctionArgs } from "@remix-run/node";
import { StatCard } from "~/components/StatCard";
import { Link, useLoaderData } from "@remix-run/react";
import { TicketTable } from "~/components/TicketViews";
import { AGENCY_LOAD_STATUSES } from "../../core/ticket";
import { requirePermission, scopeFor } from "~/lib/auth.server";
import { agencies, tickets } from "~/lib/db.server";
import { formatDateTime, formatDigits, formatNumber } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";

const OPEN_JOBS_SHOWN = 20;

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "agency_portal:use");
  const scope = scopeFor(user);
  if (scope.kind !== "agency") throw new Response("Forbidden", { status: 403 });
  const [agency, offers, byStatus, open, technicians] = await Promise.all([
    agencies.getAgency(context.db, scope.agencyId),
    agencies.pendingOffersForAgency(context.db, scope.agencyId),
    tickets.countTicketsByStatus(context.db, scope),
    tickets.listTickets(context.db, scope, { statuses: AGENCY_LOAD_STATUSES, pageSize: OPEN_JOBS_SHOWN }),
    agencies.agencyTechnicians(context.db, scope.agencyId),
  ]);
  if (!agency) throw new Response("Not found", { status: 404 });
  // Counted in SQL over all of the agency's jobs; the table below shows only the newest few.
  const openJobs = AGENCY_LOAD_STATUSES.reduce((sum, s) => sum + (byStatus[s] ?? 0), 0);
  return { agency, offers, openJobs, open: open.rows, moreOpen: open.hasMore, technicians, now: Date.now() };
}

export default function AgencyHome() {
  const { agency, offers, openJobs, open, moreOpen, technicians, now } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <h1>
        {t("agency.title")} — {agency.name}
      </h1>
      <div className="cards">
        <StatCard label={t("agency.pendingOffers")} value={formatNumber(offers.length, locale)} />
        <StatCard label={t("agency.openJobs")} value={formatNumber(openJobs, locale)} />
        <StatCard label={t("agency.capacity")} value={formatNumber(agency.daily_job_capacity, locale)} />
        <StatCard label={t("agencies.status")} value={t(`agencyStatus.${agency.status}`)} />
      </div>
      <h2>{t("agency.pendingOffers")}</h2>
      {offers.length === 0 ? (
        <p className="muted">{t("common.noResults")}</p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th>{t("ticket.number")}</th>
              <th>{t("ticket.product")}</th>
              <th>{t("ticket.city")}</th>
              <th>{t("ticket.warranty")}</th>
              <th>{t("agency.deadline")}</th>
            </tr>
          </thead>
          <tbody>
            {offers.map((o) => (
              <tr key={o.id}>
                <td>
                  <Link to={`/agency/tickets/${o.ticket_id}`}>{formatDigits(o.number, locale)}</Link>
                </td>
                <td>{locale === "fa" ? o.category_fa : o.category_en}</td>
                <td>{o.city}</td>
                <td>{t(`warranty.${o.warranty_status}`)}</td>
                <td>{formatDateTime(o.deadline_at, locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>{t("agency.openJobs")}</h2>
      <TicketTable rows={open} linkBase="/agency/tickets" now={now} />
      {moreOpen ? (
        <p>
          <Link to="/agency/tickets">{t("agency.allJobs")}</Link>
        </p>
      ) : null}
      <h2>{t("agency.technicians")}</h2>
      <ul>
        {technicians.map((tech) => (
          <li key={tech.id}>{tech.full_name}</li>
        ))}
      </ul>
    </>
  );
}
