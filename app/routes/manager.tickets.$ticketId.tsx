import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { DelayStages } from "~/components/DelayStages";
import { TicketDetailPage } from "~/components/TicketDetail";
import { delays } from "~/lib/delays.server";
import { loadTicketDetail } from "~/lib/ticket-page.server";

export async function loader(args: LoaderFunctionArgs) {
  const page = await loadTicketDetail(args, "reports:read");
  // the delay audit's stage times (issue 14 §1), from the roll-up
  return { ...page, milestones: (await delays.ticketMilestones(args.context.db, page.ticket.id)) ?? null };
}

export default function ManagerTicket() {
  const { milestones } = useLoaderData<typeof loader>();
  return (
    <>
      <TicketDetailPage backTo="/manager/tickets" />
      {milestones ? <DelayStages m={milestones} /> : null}
    </>
  );
}
