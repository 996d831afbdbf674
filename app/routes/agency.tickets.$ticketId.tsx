import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { TicketDetail } from "~/components/TicketDetail";
import { requirePermission, scopeFor } from "~/lib/auth.server";
import { useT } from "~/lib/i18n";
import { loadTicketPage } from "~/lib/ticket-page.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "agency_portal:use");
  // scopeFor limits the query to this user's agency: another agency's ticket is a 404.
  return loadTicketPage(context.db, scopeFor(user), params.ticketId);
}

export default function AgencyTicket() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <p>
        <Link to="/agency/tickets">{t("common.back")}</Link>
      </p>
      <TicketDetail data={data} />
    </>
  );
}
