import type { LoaderFunctionArgs } from "@remix-run/node";
import { DispatchQueuePage } from "~/components/DispatchQueue";
import { loadDispatchQueue } from "~/lib/dispatch.server";

// the supervisor queue (dispatch:manage): tickets no agency could be offered, oldest first
export async function loader(args: LoaderFunctionArgs) {
  return loadDispatchQueue(args);
}

export default function DispatchQueue() {
  return <DispatchQueuePage ticketBase="/desk/tickets" />;
}
