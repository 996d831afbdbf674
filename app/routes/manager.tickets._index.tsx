import { TicketListPage } from "~/components/TicketListPage";
import { useT } from "~/lib/i18n";
import { ticketListLoader } from "~/lib/ticket-page.server";

export const loader = ticketListLoader("reports:read");

export default function ManagerTickets() {
  const t = useT();
  return <TicketListPage title={t("nav.tickets")} linkBase="/manager/tickets" />;
}
