import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { can } from "../../core/roles";
import { getUser } from "~/lib/auth.server";
import { importEventStream } from "~/lib/desk-events.server";
import { readSearchParams } from "~/lib/input.server";

/**
 * The progress of one agency CSV import as server-sent events (EventSource('/manager/agencies/import/events?id=…'),
 * agencies:manage): an `import_progress` each time the agency__import job NOTIFYs a step. Without a session 204
 * (EventSource stops), without the permission 403, without a valid import id 400.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await getUser(request, context);
  if (!user) return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
  if (!can(user.role, "agencies:manage")) throw new Response("Forbidden", { status: 403 });
  const id = z.coerce.number().int().positive().max(2 ** 53).safeParse(readSearchParams(request).id);
  if (!id.success) throw new Response("Bad request", { status: 400 });
  return importEventStream(context.db, id.data, request);
}
