import type { z } from "zod";
import type { Logger } from "../../platform/logger";

/*
 * The web shell's one client for the simulators' HTTP control APIs (the ARI simulator's /sim/… and the
 * Kavenegar simulator's /sim/…): never their module memory, since they may run in other processes. Their
 * answers are outside input, validated with the caller's schema; an answer that does not fit reads as
 * "unreachable", like no answer at all.
 */

export type SimResult<T> =
  | { ok: true; value: T }
  | { ok: false; reason: "unreachable"; url: string }
  | { ok: false; reason: "refused"; status: number; url: string };

/** GET `path` (or POST `body` as JSON) on the simulator at `base`. */
export async function simControl<T>(
  sim: { name: string; log: Logger },
  base: string,
  path: string,
  schema: z.ZodType<T>,
  body?: unknown,
): Promise<SimResult<T>> {
  const url = `${base}${path}`;
  let res: Response;
  try {
    res = await fetch(
      url,
      body === undefined
        ? { signal: AbortSignal.timeout(5000) }
        : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body), signal: AbortSignal.timeout(5000) },
    );
  } catch (err) {
    sim.log.warn(`the ${sim.name} at ${url} does not answer: ${(err as Error).message}`);
    return { ok: false, reason: "unreachable", url: base };
  }
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    sim.log.info(`the ${sim.name} answered ${res.status} to ${path}: ${JSON.stringify(json)}`);
    return { ok: false, reason: "refused", status: res.status, url: base };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    sim.log.warn(`the ${sim.name}'s answer to ${path} is not what its control API documents`);
    return { ok: false, reason: "unreachable", url: base };
  }
  return { ok: true, value: parsed.data };
}
