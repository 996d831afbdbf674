import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { DelayStages } from "~/components/DelayStages";
import { TicketPartsSection, type TicketPartRow } from "~/components/PartRequests";
import { TicketDetailPage } from "~/components/TicketDetail";
import { requirePermission, scopeFor } from "~/lib/auth.server";
import { delays } from "~/lib/delays.server";
import { parts } from "~/lib/db.server";
import { loadTicketDetail } from "~/lib/ticket-page.server";

export async function loader(args: LoaderFunctionArgs) {
  const page = await loadTicketDetail(args, "reports:read");
  const user = await requirePermission(args.request, args.context, "reports:read");
  const [milestones, partRequests] = await Promise.all([
    // the delay audit's stage times (issue 14 §1), from the roll-up
    delays.ticketMilestones(args.context.db, page.ticket.id),
    // issue 15 §4: the ticket's part requests, within the caller's scope
    parts.ticketPartRequests(args.context.db, scopeFor(user), page.ticket.id),
  ]);
  return { ...page, milestones: milestones ?? null, partRequests };
}

export default function ManagerTicket() {
  const { milestones, partRequests } = useLoaderData<typeof loader>();
  return (
    <>
      <TicketDetailPage backTo="/manager/tickets" />
      <TicketPartsSection requests={partRequests as unknown as TicketPartRow[]} />
      {milestones ? <DelayStages m={milestones} /> : null}
    </>
  );
}
