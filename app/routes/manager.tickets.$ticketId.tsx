import type { LoaderFunctionArgs } from "@remix-run/node";
import { TicketDetailPage } from "~/components/TicketDetail";
import { loadTicketDetail } from "~/lib/ticket-page.server";

export async function loader(args: LoaderFunctionArgs) {
  return loadTicketDetail(args, "reports:read");
}

export default function ManagerTicket() {
  return <TicketDetailPage backTo="/manager/tickets" />;
}
