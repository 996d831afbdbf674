import type { AppLoadContext } from "@remix-run/node";
import type { MessageKey } from "~/i18n";
import type { AuthUser } from "~/lib/auth.server";
import { InvalidPhoneNumberError, NotAnOperatorError, requestClickToDial } from "~/lib/services.server";

export type DialOutcome = { ok: true; callId: number } | { ok: false; status: 400 | 409; error: MessageKey };

/**
 * Click-to-dial from the desk (the ticket page, the pop-up's customer panel): the one service call, and
 * its refusals as messages in the operator's language. The telephony shell places the call (its own
 * NOTIFY); the operator's phone rings first, then the customer's.
 */
export async function dialFromDesk(
  context: AppLoadContext,
  user: AuthUser,
  input: { number: string; ticketId?: number; customerId?: number },
): Promise<DialOutcome> {
  try {
    const { callId } = await requestClickToDial(context.db, { kind: "user", userId: user.id, ip: context.clientIp }, input);
    return { ok: true, callId };
  } catch (error) {
    if (error instanceof InvalidPhoneNumberError) return { ok: false, status: 400, error: "dial.invalidNumber" };
    if (error instanceof NotAnOperatorError) return { ok: false, status: 409, error: "dial.noExtension" };
    throw error;
  }
}
