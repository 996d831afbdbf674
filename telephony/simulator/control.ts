/**
 * The simulator's control API (/sim/…), for people, tests and the desk's "simulate incoming call" panel:
 * the outside world of the simulated Asterisk — callers dialling in, keying digits and hanging up, and
 * how each phone behaves when the application rings it. Not part of ARI and not authenticated (the
 * simulator listens on 127.0.0.1 by default). Every input is validated with zod; bad input gets 400 with
 * a JSON message.
 */
import { z } from "zod";
import { AriError, type SimulatedAsterisk } from "./asterisk";

export interface ControlResult {
  status: number;
  body: unknown;
}

const phoneNumber = z
  .string()
  .trim()
  .regex(/^\+?[0-9]{2,20}$/, "a phone number: digits, optionally a leading +");
const digits = z
  .string()
  .trim()
  .regex(/^[0-9*#A-D]{1,64}$/, "DTMF digits: 0-9, *, #, A-D (at most 64)");
const appName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "letters, digits, _ and - only");
const channelId = z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, "a channel id");
const resource = z.string().regex(/^[A-Za-z0-9_.+-]{1,64}$/, "an endpoint resource: letters, digits, _ . + -");

export const NewCallSchema = z
  .object({
    from: phoneNumber,
    to: phoneNumber,
    dtmf: digits.optional(),
    /** the caller-ID name the trunk presents (usually empty) */
    callerName: z.string().max(80).optional(),
    /** the Stasis application (default: the most recently connected one) */
    app: appName.optional(),
  })
  .strict();

export const DtmfSchema = z.object({ digits }).strict();
export const HangupSchema = z
  .object({ cause: z.number().int().min(0).max(127).optional() })
  .strict();
export const EndpointSchema = z
  .object({
    answer: z.enum(["auto", "never", "busy", "reject"]),
    afterMs: z.number().int().min(0).max(600_000).optional(),
  })
  .strict();

function bad(error: z.ZodError): ControlResult {
  const message = error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
  return { status: 400, body: { message } };
}

export interface ControlContext {
  ast: SimulatedAsterisk;
  /** connected Stasis applications, most recently connected last */
  connectedApps(): string[];
}

/** Serves one /sim request; `body` is the parsed JSON body (undefined when there was none). */
export function handleControl(ctx: ControlContext, method: string, path: string, body: unknown): ControlResult {
  const { ast } = ctx;
  const parts = path.split("/").filter(Boolean); // ["sim", …]
  try {
    if (parts.length === 2 && parts[1] === "health" && method === "GET") {
      return { status: 200, body: { status: "ok", asterisk_id: ast.asteriskId, apps: ctx.connectedApps(), ...ast.counts() } };
    }
    if (parts[1] === "calls" && parts.length === 2) {
      if (method === "GET") return { status: 200, body: ast.describeChannels() };
      if (method === "POST") {
        const parsed = NewCallSchema.safeParse(body ?? {});
        if (!parsed.success) return bad(parsed.error);
        const apps = ctx.connectedApps();
        const app = parsed.data.app ?? apps[apps.length - 1];
        if (!app) return { status: 409, body: { message: "no ARI application is connected to the simulator (start the telephony app first)" } };
        const id = ast.inboundCall({ from: parsed.data.from, to: parsed.data.to, app, callerName: parsed.data.callerName, dtmf: parsed.data.dtmf });
        return { status: 201, body: { id } };
      }
      return methodNotAllowed();
    }
    if (parts[1] === "calls" && parts.length === 4) {
      const id = channelId.safeParse(decodeURIComponent(parts[2]!));
      if (!id.success) return bad(id.error);
      if (method !== "POST") return methodNotAllowed();
      switch (parts[3]) {
        case "dtmf": {
          const parsed = DtmfSchema.safeParse(body ?? {});
          if (!parsed.success) return bad(parsed.error);
          ast.keyDigits(id.data, parsed.data.digits);
          return { status: 200, body: { id: id.data, digits: parsed.data.digits } };
        }
        case "hangup": {
          const parsed = HangupSchema.safeParse(body ?? {});
          if (!parsed.success) return bad(parsed.error);
          ast.remoteHangup(id.data, parsed.data.cause);
          return { status: 200, body: { id: id.data, hungUp: true } };
        }
        case "answer": {
          if (body !== undefined && (typeof body !== "object" || body === null || Object.keys(body).length > 0)) {
            return { status: 400, body: { message: "answer takes no body" } };
          }
          ast.remoteAnswer(id.data);
          return { status: 200, body: { id: id.data, answered: true } };
        }
      }
      return notFound();
    }
    if (parts[1] === "trunk" && parts.length === 2) {
      // how phones dialled through a trunk (customers' numbers: tech/number@host) answer when their number has no behaviour of its own
      if (method === "GET") return { status: 200, body: ast.getTrunkBehaviour() };
      if (method !== "POST") return methodNotAllowed();
      const parsed = EndpointSchema.safeParse(body ?? {});
      if (!parsed.success) return bad(parsed.error);
      const behaviour = { answer: parsed.data.answer, afterMs: parsed.data.afterMs ?? 300 };
      ast.setTrunkBehaviour(behaviour);
      return { status: 200, body: behaviour };
    }
    if (parts[1] === "endpoints" && parts.length === 2) {
      if (method === "GET") return { status: 200, body: ast.listBehaviours() };
      return methodNotAllowed();
    }
    if (parts[1] === "endpoints" && parts.length === 3) {
      const res = resource.safeParse(decodeURIComponent(parts[2]!));
      if (!res.success) return bad(res.error);
      if (method === "GET") return { status: 200, body: { resource: res.data, ...ast.behaviourOf(res.data) } };
      if (method !== "POST") return methodNotAllowed();
      const parsed = EndpointSchema.safeParse(body ?? {});
      if (!parsed.success) return bad(parsed.error);
      const behaviour = { answer: parsed.data.answer, afterMs: parsed.data.afterMs ?? 300 };
      ast.setBehaviour(res.data, behaviour);
      return { status: 200, body: { resource: res.data, ...behaviour } };
    }
    return notFound();
  } catch (e) {
    if (e instanceof AriError) return { status: e.status, body: { message: e.message } };
    if (e instanceof URIError) return { status: 400, body: { message: "malformed URL" } };
    throw e;
  }
}

function notFound(): ControlResult {
  return { status: 404, body: { message: "Unknown control API path: see telephony/README.md" } };
}

function methodNotAllowed(): ControlResult {
  return { status: 405, body: { message: "Method not allowed" } };
}
