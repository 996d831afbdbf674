import { TicketDetailPage } from "~/components/TicketDetail";
import { ticketDetailLoader } from "~/lib/ticket-page.server";

export const loader = ticketDetailLoader("tickets:read_all");

export default function DeskTicket() {
  return <TicketDetailPage backTo="/desk/tickets" />;
}
