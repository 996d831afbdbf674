import type { LoaderFunctionArgs } from "@remix-run/node";
import { TicketListPage } from "~/components/TicketListPage";
import { requirePermission, scopeFor } from "~/lib/auth.server";
import { tickets } from "~/lib/db.server";
import { useT } from "~/lib/i18n";
import { parseListQuery } from "~/lib/ticket-page.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "reports:read");
  const query = parseListQuery(request);
  const list = await tickets.listTickets(context.db, scopeFor(user), query);
  return { ...list, query, now: Date.now() };
}

export default function ManagerTickets() {
  const t = useT();
  return <TicketListPage title={t("nav.tickets")} linkBase="/manager/tickets" />;
}
