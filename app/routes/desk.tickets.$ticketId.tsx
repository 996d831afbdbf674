import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { TicketDetail } from "~/components/TicketDetail";
import { requirePermission, scopeFor } from "~/lib/auth.server";
import { useT } from "~/lib/i18n";
import { loadTicketPage } from "~/lib/ticket-page.server";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "tickets:read_all");
  return loadTicketPage(context.db, scopeFor(user), params.ticketId);
}

export default function DeskTicket() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  return (
    <>
      <p>
        <Link to="/desk/tickets">{t("common.back")}</Link>
      </p>
      <TicketDetail data={data} />
    </>
  );
}
