import type { LoaderFunctionArgs } from "@remix-run/node";
import { can } from "../../core/roles";
import { getUser, scopeFor } from "~/lib/auth.server";
import { agencyOfferEventStream } from "~/lib/desk-events.server";

/**
 * The agency portal's live offers (EventSource('/agency/offers/events')): `offers_changed` whenever an offer
 * of the signed-in user's own agency is made or changes, nothing of any other agency, and no ticket or
 * customer data (the page re-reads its offers through its scoped loader). The agency comes from the
 * session, never from the request. Without a session the answer is 204 (EventSource stops reconnecting);
 * a user outside the agency portal gets 403.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await getUser(request, context);
  if (!user) return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
  if (!can(user.role, "agency_portal:use")) throw new Response("Forbidden", { status: 403 });
  const scope = scopeFor(user);
  if (scope.kind !== "agency") throw new Response("Forbidden", { status: 403 });
  return agencyOfferEventStream(context.db, scope.agencyId, request);
}
