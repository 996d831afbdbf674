import { logger } from "../../platform/logger";

const log = logger("desk");

export type SimCallResult = { ok: true; id: string } | { ok: false; reason: "unreachable"; url: string } | { ok: false; reason: "refused"; status: number };

/**
 * Asks the built-in ARI simulator (its control API, POST /sim/calls) to place an inbound call, for the
 * desk's "simulate incoming call" panel. Only a request to the simulator the server itself is configured
 * with (env.ariUrl); nothing from the browser names the address.
 */
export async function placeSimulatedCall(ariUrl: string, call: { from: string; to: string; dtmf: string }): Promise<SimCallResult> {
  const url = `${ariUrl}/sim/calls`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(call),
      signal: AbortSignal.timeout(5000),
    });
  } catch (err) {
    log.warn(`the ARI simulator at ${url} does not answer: ${(err as Error).message}`);
    return { ok: false, reason: "unreachable", url: ariUrl };
  }
  const body = (await res.json().catch(() => null)) as { id?: unknown } | null;
  if (res.status !== 201 && res.status !== 200) return { ok: false, reason: "refused", status: res.status };
  return { ok: true, id: String(body?.id ?? "") };
}
