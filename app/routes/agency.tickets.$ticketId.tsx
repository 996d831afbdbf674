import type { LoaderFunctionArgs } from "@remix-run/node";
import { TicketDetailPage } from "~/components/TicketDetail";
import { loadTicketDetail } from "~/lib/ticket-page.server";

// scopeFor limits the query to the user's own agency: another agency's ticket is a 404.
export async function loader(args: LoaderFunctionArgs) {
  return loadTicketDetail(args, "agency_portal:use");
}

export default function AgencyTicket() {
  return <TicketDetailPage backTo="/agency/tickets" />;
}
