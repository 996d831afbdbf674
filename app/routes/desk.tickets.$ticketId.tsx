import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { TicketPartsSection, type TicketPartRow } from "~/components/PartRequests";
import { TicketDetailPage } from "~/components/TicketDetail";
import { requirePermission, scopeFor } from "~/lib/auth.server";
import { parts } from "~/lib/db.server";
import { loadTicketDetail, ticketAction } from "~/lib/ticket-page.server";

export async function loader(args: LoaderFunctionArgs) {
  const page = await loadTicketDetail(args, "tickets:read_all", { withActions: true });
  const user = await requirePermission(args.request, args.context, "tickets:read_all");
  // issue 15 §4: the ticket's part requests, within the caller's scope
  return { ...page, partRequests: await parts.ticketPartRequests(args.context.db, scopeFor(user), page.ticket.id) };
}

// status change, note, cancel with a reason (tickets:update)
export async function action(args: ActionFunctionArgs) {
  return ticketAction(args);
}

export default function DeskTicket() {
  const { partRequests } = useLoaderData<typeof loader>();
  return (
    <>
      <TicketDetailPage backTo="/desk/tickets" />
      <TicketPartsSection requests={partRequests as unknown as TicketPartRow[]} />
    </>
  );
}
