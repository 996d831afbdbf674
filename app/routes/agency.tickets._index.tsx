import { TicketListPage } from "~/components/TicketListPage";
import { useT } from "~/lib/i18n";
import { ticketListLoader } from "~/lib/ticket-page.server";

export const loader = ticketListLoader("agency_portal:use");

export default function AgencyTickets() {
  const t = useT();
  return <TicketListPage title={t("nav.agencyJobs")} linkBase="/agency/tickets" />;
}
