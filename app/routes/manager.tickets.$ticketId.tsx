import { TicketDetailPage } from "~/components/TicketDetail";
import { ticketDetailLoader } from "~/lib/ticket-page.server";

export const loader = ticketDetailLoader("reports:read");

export default function ManagerTicket() {
  return <TicketDetailPage backTo="/manager/tickets" />;
}
