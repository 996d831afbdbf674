import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { FEEDBACK_CATEGORIES, FEEDBACK_KINDS } from "../../core/feedback";
import { requirePermission } from "~/lib/auth.server";
import { readForm } from "~/lib/input.server";
import { classifyFeedback, NotFeedbackTicketError, TicketNotFoundError } from "~/lib/services.server";
import type { MessageKey } from "~/i18n";

/** What the ticket page's classification form gets back (useFetcher). */
export type FeedbackResult = { ok: true } | { ok: false; error: MessageKey };

const TicketId = z.coerce.number().int().positive().max(2 ** 53);
const Form = z.object({ kind: z.enum(FEEDBACK_KINDS), category: z.enum(FEEDBACK_CATEGORIES) });

/** A complaint ticket's kind and category, set by the call centre (tickets:update): guard → parse → one service call. */
export async function action({ request, context, params }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "tickets:update");
  const id = TicketId.safeParse(params.ticketId);
  if (!id.success) throw new Response("Not found", { status: 404 });
  const parsed = Form.safeParse(await readForm(request));
  if (!parsed.success) return Response.json({ ok: false, error: "voice.classify.invalid" } satisfies FeedbackResult, { status: 400 });
  try {
    await classifyFeedback(context.db, { kind: "user", userId: user.id, ip: context.clientIp }, { ticketId: id.data, ...parsed.data });
  } catch (error) {
    if (error instanceof TicketNotFoundError) throw new Response("Not found", { status: 404 });
    if (error instanceof NotFeedbackTicketError) {
      return Response.json({ ok: false, error: "voice.classify.notComplaint" } satisfies FeedbackResult, { status: 409 });
    }
    throw error;
  }
  return Response.json({ ok: true } satisfies FeedbackResult);
}
