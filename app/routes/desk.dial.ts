import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import type { MessageKey } from "~/i18n";
import { requirePermission, scopeFor } from "~/lib/auth.server";
import { tickets } from "~/lib/db.server";
import { dialFromDesk } from "~/lib/dial.server";
import { readForm } from "~/lib/input.server";

export type DialResult = { ok: boolean; message: MessageKey; number?: string };

const DialForm = z.object({
  number: z.string().trim().min(1).max(40),
  /** the ticket the call is about (the happy-call list's job): the call is linked to it */
  ticketId: z.preprocess((v) => (v === "" ? undefined : v), z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional()),
});

/**
 * Click-to-dial from the pop-up's customer panel and the happy-call list (calls:take): the number shown
 * there, and, from the list, the ticket it is about — read within the operator's scope, its customer's, and
 * the call linked to it (ticket_calls). The answer is read by the button's fetcher; a refusal is a message,
 * never an error page.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "calls:take");
  const parsed = DialForm.safeParse(await readForm(request));
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.path[0] === "ticketId" ? "dial.ticketNotFound" : "dial.invalidNumber";
    return Response.json({ ok: false, message } satisfies DialResult, { status: 400 });
  }
  const { number, ticketId } = parsed.data;
  // from a ticket (read within the operator's scope): the call is linked to it, and to its customer when the scope shows it
  let link: { ticketId?: number; customerId?: number } = {};
  if (ticketId !== undefined) {
    const ticket = await tickets.getTicket(context.db, scopeFor(user), ticketId);
    if (!ticket) return Response.json({ ok: false, message: "dial.ticketNotFound" } satisfies DialResult, { status: 404 });
    link = { ticketId: ticket.id, ...(ticket.customer_id !== undefined ? { customerId: ticket.customer_id } : {}) };
  }
  const result = await dialFromDesk(context, user, { number, ...link });
  if (!result.ok) return Response.json({ ok: false, message: result.error } satisfies DialResult, { status: result.status });
  return { ok: true, message: "dial.started", number } satisfies DialResult;
}
