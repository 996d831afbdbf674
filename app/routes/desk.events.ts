import type { LoaderFunctionArgs } from "@remix-run/node";
import { can } from "../../core/roles";
import { getUser } from "~/lib/auth.server";
import { deskEventStream } from "~/lib/desk-events.server";

/**
 * The signed-in operator's server-sent event stream (EventSource('/desk/events')): the calls offered to
 * them, answered, withdrawn and ended, and their presence. Without a session the answer is 204, which
 * tells EventSource to stop reconnecting (a redirect to the login page would be an HTML answer the
 * browser reports as an error); a user who may not take calls gets 403.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await getUser(request, context);
  if (!user) return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
  if (!can(user.role, "calls:take")) throw new Response("Forbidden", { status: 403 });
  return deskEventStream(context.db, user.id, request);
}
