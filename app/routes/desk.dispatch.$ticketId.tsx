import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { ReassignPage } from "~/components/DispatchPanel";
import { loadReassignPage, reassignAction } from "~/lib/dispatch.server";

// the ticket's dispatch panel on its own (where the reassignment form lands without JavaScript)
export async function loader(args: LoaderFunctionArgs) {
  return loadReassignPage(args);
}

// manual reassignment with a reason (dispatch:manage), back to the ticket page
export async function action(args: ActionFunctionArgs) {
  return reassignAction(args, (id) => `/desk/tickets/${id}`);
}

export default function Reassign() {
  return <ReassignPage ticketBase="/desk/tickets" />;
}
