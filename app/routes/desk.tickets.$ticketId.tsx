import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { TicketDetailPage } from "~/components/TicketDetail";
import { loadTicketDetail, ticketAction } from "~/lib/ticket-page.server";

export async function loader(args: LoaderFunctionArgs) {
  return loadTicketDetail(args, "tickets:read_all", { withActions: true });
}

// status change, note, cancel with a reason (tickets:update)
export async function action(args: ActionFunctionArgs) {
  return ticketAction(args);
}

export default function DeskTicket() {
  return <TicketDetailPage backTo="/desk/tickets" />;
}
