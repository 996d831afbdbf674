import type { LoaderFunctionArgs } from "@remix-run/node";
import { TicketListPage } from "~/components/TicketListPage";
import { useT } from "~/lib/i18n";
import { loadTicketList } from "~/lib/ticket-page.server";

export async function loader(args: LoaderFunctionArgs) {
  return loadTicketList(args, "agency_portal:use");
}

export default function AgencyTickets() {
  const t = useT();
  return <TicketListPage title={t("nav.agencyJobs")} linkBase="/agency/tickets" />;
}
