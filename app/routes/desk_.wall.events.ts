import type { LoaderFunctionArgs } from "@remix-run/node";
import { can } from "../../core/roles";
import { getUser } from "~/lib/auth.server";
import { wallEventStream } from "~/lib/desk-events.server";

/**
 * The live wall's server-sent event stream (EventSource('/desk/wall/events'), calls:supervise): a
 * `wall_changed` whenever a caller joins a queue, rings, is answered or leaves, or an operator's presence
 * changes — from PostgreSQL's NOTIFY, whichever process made the change. Without a session 204 (EventSource
 * stops), without the permission 403.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await getUser(request, context);
  if (!user) return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
  if (!can(user.role, "calls:supervise")) throw new Response("Forbidden", { status: 403 });
  return wallEventStream(context.db, request);
}
