import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import type { MessageKey } from "~/i18n";
import { requirePermission } from "~/lib/auth.server";
import { dialFromDesk } from "~/lib/dial.server";
import { readForm } from "~/lib/input.server";

export type DialResult = { ok: boolean; message: MessageKey; number?: string };

const DialForm = z.object({ number: z.string().trim().min(1).max(40) });

/**
 * Click-to-dial from the pop-up's customer panel (calls:take): the number shown there. The answer is read
 * by the panel's fetcher; a refusal is a message, never an error page.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requirePermission(request, context, "calls:take");
  const parsed = DialForm.safeParse(await readForm(request));
  if (!parsed.success) return Response.json({ ok: false, message: "dial.invalidNumber" } satisfies DialResult, { status: 400 });
  const result = await dialFromDesk(context, user, { number: parsed.data.number });
  if (!result.ok) return Response.json({ ok: false, message: result.error } satisfies DialResult, { status: result.status });
  return { ok: true, message: "dial.started", number: parsed.data.number } satisfies DialResult;
}
