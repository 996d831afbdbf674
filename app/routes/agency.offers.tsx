import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Pager } from "~/components/TicketViews";
import { requirePermission, scopeFor } from "~/lib/auth.server";
import { agencies } from "~/lib/db.server";
import { readSearchParams } from "~/lib/input.server";
import { formatDateTime, formatDigits } from "~/lib/format";
import { useLocale, useT } from "~/lib/i18n";

const Query = z.object({
  page: z.coerce.number().int().min(1).max(100_000).optional().catch(undefined),
});

/**
 * The agency's own offer history: ticket number, dates, its answer and reason. No customer data: once a
 * ticket is no longer the agency's, only this record of the offer is left to it.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "agency_portal:use");
  const scope = scopeFor(user);
  if (scope.kind !== "agency") throw new Response("Forbidden", { status: 403 });
  const query = Query.parse(readSearchParams(request));
  return agencies.offerHistory(context.db, scope.agencyId, { page: query.page });
}

export default function AgencyOffers() {
  const { rows, page, hasMore } = useLoaderData<typeof loader>();
  const t = useT();
  const locale = useLocale();
  return (
    <>
      <h1>{t("agency.offerHistory")}</h1>
      <p className="muted">{t("agency.offerHistoryNote")}</p>
      {rows.length === 0 ? (
        <p className="muted">{t("common.noResults")}</p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th>{t("ticket.number")}</th>
              <th>{t("agency.offeredAt")}</th>
              <th>{t("agency.deadline")}</th>
              <th>{t("agency.answer")}</th>
              <th>{t("agency.answeredAt")}</th>
              <th>{t("agency.reason")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((o) => (
              <tr key={o.id}>
                <td>
                  {o.ticket_id != null ? (
                    <Link to={`/agency/tickets/${o.ticket_id}`}>{formatDigits(o.ticket_number, locale)}</Link>
                  ) : (
                    formatDigits(o.ticket_number, locale)
                  )}
                </td>
                <td>{formatDateTime(o.offered_at, locale)}</td>
                <td>{formatDateTime(o.deadline_at, locale)}</td>
                <td>
                  <span className="badge" data-offer-status={o.status}>
                    {t(`offer.${o.status}`)}
                  </span>
                </td>
                <td>{formatDateTime(o.responded_at, locale)}</td>
                <td>{o.response_reason ?? t("common.none")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager page={page} hasMore={hasMore} />
    </>
  );
}
