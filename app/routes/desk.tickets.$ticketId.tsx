import type { LoaderFunctionArgs } from "@remix-run/node";
import { TicketDetailPage } from "~/components/TicketDetail";
import { loadTicketDetail } from "~/lib/ticket-page.server";

export async function loader(args: LoaderFunctionArgs) {
  return loadTicketDetail(args, "tickets:read_all");
}

export default function DeskTicket() {
  return <TicketDetailPage backTo="/desk/tickets" />;
}
