import { TicketListPage } from "~/components/TicketListPage";
import { useT } from "~/lib/i18n";
import { ticketListLoader } from "~/lib/ticket-page.server";

export const loader = ticketListLoader("tickets:read_all");

export default function DeskTickets() {
  const t = useT();
  return <TicketListPage title={t("nav.tickets")} linkBase="/desk/tickets" />;
}
