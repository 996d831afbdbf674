import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requirePermission, scopeFor } from "~/lib/auth.server";
import { loadCallPop } from "~/lib/desk-pop.server";

const CallId = z.coerce.number().int().positive().max(2 ** 53);

/**
 * The screen-pop's data for one call (fetched by the desk when a call event arrives). A call that does
 * not exist answers `{ pop: null }`, not a 404: the desk shows a line instead of an error page.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "calls:take");
  const id = CallId.safeParse(params.callId);
  if (!id.success) return { pop: null };
  return { pop: await loadCallPop(context.db, scopeFor(user), id.data) };
}
