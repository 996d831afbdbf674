import type { LoaderFunctionArgs } from "@remix-run/node";
import { can } from "../../core/roles";
import { getUser } from "~/lib/auth.server";
import { alertEventStream } from "~/lib/desk-events.server";

/**
 * The manager home's server-sent event stream (EventSource('/manager/alerts/events')): the SLA sweep raised
 * alerts, an alert was marked reviewed. Served by the web process's one LISTEN connection (desk-events.server),
 * never a connection per browser. Without a session the answer is 204 (EventSource stops reconnecting); a
 * user who may not read the manager home gets 403.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await getUser(request, context);
  if (!user) return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
  if (!can(user.role, "reports:read")) throw new Response("Forbidden", { status: 403 });
  return alertEventStream(context.db, request);
}
