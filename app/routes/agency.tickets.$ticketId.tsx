import { TicketDetailPage } from "~/components/TicketDetail";
import { ticketDetailLoader } from "~/lib/ticket-page.server";

// scopeFor limits the query to the user's own agency: another agency's ticket is a 404.
export const loader = ticketDetailLoader("agency_portal:use");

export default function AgencyTicket() {
  return <TicketDetailPage backTo="/agency/tickets" />;
}
