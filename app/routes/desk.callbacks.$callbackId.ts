import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { requirePermission, scopeFor } from "~/lib/auth.server";
import { desk } from "~/lib/db.server";

const CallbackId = z.coerce.number().int().positive().max(2 ** 53);

/**
 * A call-back the ACD gave this operator (the desk's notice when a `callback_assigned` event arrives).
 * One that does not exist answers `{ callback: null }`: the notice then says it without the number.
 */
export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const user = await requirePermission(request, context, "calls:take");
  const id = CallbackId.safeParse(params.callbackId);
  if (!id.success) return { callback: null };
  const cb = await desk.callbackForDesk(context.db, scopeFor(user), id.data);
  return { callback: cb ? { id: cb.id, number: cb.number, customerName: cb.customer_name } : null };
}
