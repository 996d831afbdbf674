/**
 * The ARI REST interface: routes are compiled from the simulator's own api-docs (so what is documented is
 * exactly what is served), parameters are read as Asterisk reads them (query string; a JSON body's keys
 * other than the body parameter count as query parameters), typed by the documented dataType, and each
 * operation calls the simulated Asterisk. Responses follow Asterisk: 200 with the model, 201 + Location
 * for playbacks and recordings, 204 for void operations, {"message": …} with the documented error codes.
 */
import os from "node:os";
import { allOperations, type OperationDoc, type ResourceName } from "./api-docs";
import { AriError, type SimulatedAsterisk } from "./asterisk";

export type Args = Record<string, string | number | boolean | undefined>;

export type RestResult =
  | { status: 200 | 201; body: unknown; location?: string }
  | { status: 204 }
  | { status: 200; binary: Buffer; contentType: string };

type Handler = (a: Args, ast: SimulatedAsterisk, body: Record<string, unknown>) => RestResult | Promise<RestResult>;

const ok = (body: unknown): RestResult => ({ status: 200, body });
const noContent: RestResult = { status: 204 };
const str = (v: Args[string]): string | undefined => (v === undefined ? undefined : String(v));
const num = (v: Args[string]): number | undefined => (typeof v === "number" ? v : undefined);
const list = (v: Args[string]): string[] =>
  (str(v) ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

const HANDLERS: Record<string, Handler> = {
  "asterisk.getInfo": (a, ast) => {
    const only = list(a.only);
    const info: Record<string, unknown> = {
      build: { os: "Linux", kernel: os.release(), options: "", machine: process.arch, date: ast.startedAt.toISOString(), user: "ari-simulator" },
      system: { version: "20.0.0-ari-simulator", entity_id: ast.asteriskId },
      config: { name: "ari-simulator", default_language: "en", setid: { user: "asterisk", group: "asterisk" } },
      status: { startup_time: astDate(ast.startedAt), last_reload_time: astDate(ast.startedAt) },
    };
    return ok(only.length ? Object.fromEntries(Object.entries(info).filter(([k]) => only.includes(k))) : info);
  },
  "asterisk.ping": (_a, ast) => ok({ asterisk_id: ast.asteriskId, ping: "pong", timestamp: astDate(new Date()) }),

  "endpoints.list": (_a, ast) => ok(ast.listEndpoints()),
  "endpoints.listByTech": (a, ast) => ok(ast.listEndpoints(str(a.tech))),
  "endpoints.get": (a, ast) => ok(ast.getEndpoint(str(a.tech)!, str(a.resource)!)),

  "channels.list": (_a, ast) => ok(ast.listChannels()),
  "channels.originate": (a, ast, body) => ok(ast.originate(originateArgs(a, body))),
  "channels.originateWithId": (a, ast, body) => ok(ast.originate(originateArgs(a, body))),
  "channels.get": (a, ast) => ok(ast.getChannel(str(a.channelId)!)),
  "channels.hangup": (a, ast) => (ast.hangup(str(a.channelId)!, str(a.reason), str(a.reason_code)), noContent),
  "channels.answer": (a, ast) => (ast.answer(str(a.channelId)!), noContent),
  "channels.ring": (a, ast) => (ast.ring(str(a.channelId)!, true), noContent),
  "channels.ringStop": (a, ast) => (ast.ring(str(a.channelId)!, false), noContent),
  "channels.startMoh": (a, ast) => (ast.channelMoh(str(a.channelId)!, str(a.mohClass) || "default"), noContent),
  "channels.stopMoh": (a, ast) => (ast.channelMoh(str(a.channelId)!, null), noContent),
  "channels.play": (a, ast) => created(ast.play({ kind: "channel", id: str(a.channelId)! }, playArgs(a)), "playbacks"),
  "channels.playWithId": (a, ast) => created(ast.play({ kind: "channel", id: str(a.channelId)! }, playArgs(a)), "playbacks"),
  "channels.record": (a, ast) => createdRecording(ast.record({ kind: "channel", id: str(a.channelId)! }, recordArgs(a))),
  "channels.getChannelVar": (a, ast) => ok(ast.getChannelVar(str(a.channelId)!, str(a.variable))),
  "channels.setChannelVar": (a, ast) => (ast.setChannelVar(str(a.channelId)!, str(a.variable), str(a.value)), noContent),

  "bridges.list": (_a, ast) => ok(ast.listBridges()),
  "bridges.create": (a, ast) => ok(ast.createBridge({ type: str(a.type), bridgeId: str(a.bridgeId), name: str(a.name) })),
  "bridges.createWithId": (a, ast) => ok(ast.createBridge({ type: str(a.type), bridgeId: str(a.bridgeId), name: str(a.name) })),
  "bridges.get": (a, ast) => ok(ast.getBridge(str(a.bridgeId)!)),
  "bridges.destroy": (a, ast) => (ast.destroyBridge(str(a.bridgeId)!), noContent),
  "bridges.addChannel": (a, ast) => (ast.addChannels(str(a.bridgeId)!, list(a.channel)), noContent),
  "bridges.removeChannel": (a, ast) => (ast.removeChannels(str(a.bridgeId)!, list(a.channel)), noContent),
  "bridges.startMoh": (a, ast) => (ast.bridgeMoh(str(a.bridgeId)!, str(a.mohClass) || "default"), noContent),
  "bridges.stopMoh": (a, ast) => (ast.bridgeMoh(str(a.bridgeId)!, null), noContent),
  "bridges.play": (a, ast) => created(ast.play({ kind: "bridge", id: str(a.bridgeId)! }, playArgs(a)), "playbacks"),
  "bridges.playWithId": (a, ast) => created(ast.play({ kind: "bridge", id: str(a.bridgeId)! }, playArgs(a)), "playbacks"),
  "bridges.record": (a, ast) => createdRecording(ast.record({ kind: "bridge", id: str(a.bridgeId)! }, recordArgs(a))),

  "recordings.listStored": (_a, ast) => ok(ast.listStored()),
  "recordings.getStored": (a, ast) => ok(ast.getStored(str(a.recordingName)!)),
  "recordings.deleteStored": async (a, ast) => (await ast.deleteStored(str(a.recordingName)!), noContent),
  "recordings.getStoredFile": async (a, ast) => {
    const f = await ast.storedFile(str(a.recordingName)!);
    return { status: 200, binary: f.data, contentType: f.format === "wav" ? "audio/wav" : "application/octet-stream" };
  },
  "recordings.getLive": (a, ast) => ok(ast.getLiveRecording(str(a.recordingName)!)),
  "recordings.cancel": (a, ast) => (ast.cancelRecording(str(a.recordingName)!), noContent),
  "recordings.stop": (a, ast) => (ast.stopRecording(str(a.recordingName)!), noContent),

  "playbacks.get": (a, ast) => ok(ast.getPlayback(str(a.playbackId)!)),
  "playbacks.stop": (a, ast) => (ast.stopPlayback(str(a.playbackId)!), noContent),
};

function astDate(d: Date): string {
  return d.toISOString().replace("Z", "+0000");
}

/** The body's "variables": {"NAME": "value"} or {"NAME": {"value": "…", "report_events": true}}. */
function variablesOf(body: Record<string, unknown>): Record<string, string> {
  const v = body.variables;
  if (v === undefined) return {};
  if (!v || typeof v !== "object" || Array.isArray(v)) throw new AriError(400, "variables must be an object");
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(v as Record<string, unknown>)) {
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") out[name] = String(value);
    else if (value && typeof value === "object" && "value" in value) out[name] = String((value as { value: unknown }).value);
    else throw new AriError(400, `variable ${name} must be a string or {"value": …}`);
  }
  return out;
}

function originateArgs(a: Args, body: Record<string, unknown>) {
  return {
    variables: variablesOf(body),
    endpoint: str(a.endpoint),
    app: str(a.app),
    extension: str(a.extension),
    appArgs: str(a.appArgs),
    callerId: str(a.callerId),
    timeout: num(a.timeout),
    channelId: str(a.channelId),
    otherChannelId: str(a.otherChannelId),
  };
}

function playArgs(a: Args) {
  return { media: str(a.media), lang: str(a.lang), playbackId: str(a.playbackId) };
}

function recordArgs(a: Args) {
  return { name: str(a.name), format: str(a.format), maxDurationSeconds: num(a.maxDurationSeconds), ifExists: str(a.ifExists) };
}

function created(body: { id: string }, collection: string): RestResult {
  return { status: 201, body, location: `/ari/${collection}/${encodeURIComponent(body.id)}` };
}

function createdRecording(body: { name: string }): RestResult {
  return { status: 201, body, location: `/ari/recordings/live/${encodeURIComponent(body.name)}` };
}

interface Route {
  resource: ResourceName;
  operation: OperationDoc;
  pattern: RegExp;
  pathParams: string[];
  handler: Handler;
}

function compile(): Route[] {
  const routes: Route[] = [];
  for (const { resource, path, operation } of allOperations()) {
    if (operation.upgrade === "websocket") continue; // served by the WebSocket upgrade
    const handler = HANDLERS[`${resource}.${operation.nickname}`];
    if (!handler) throw new Error(`ari-sim: no handler for documented operation ${resource}.${operation.nickname}`);
    const pathParams: string[] = [];
    const source = path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{([A-Za-z_]+)\\?\}/g, (_m, name: string) => {
      pathParams.push(name);
      return "([^/]+)";
    });
    routes.push({ resource, operation, pattern: new RegExp(`^${source}$`), pathParams, handler });
  }
  // literal segments win over parameters (/channels/create before /channels/{channelId})
  return routes.sort((a, b) => a.pathParams.length - b.pathParams.length);
}

const ROUTES = compile();

/**
 * Serves one ARI request (path below /ari). Returns the result, or throws AriError for Asterisk's error
 * answers (unknown resource 404, wrong method 405, bad parameters 400, the operation's own errors).
 */
export async function handleAri(ast: SimulatedAsterisk, method: string, ariPath: string, query: URLSearchParams, body: unknown): Promise<RestResult> {
  const matching = ROUTES.map((r) => ({ r, m: r.pattern.exec(ariPath) })).filter((x) => x.m);
  if (matching.length === 0) throw new AriError(404, "Resource not found");
  const hit = matching.find((x) => x.r.operation.httpMethod === method);
  if (!hit) throw new AriError(405, "Invalid method");
  const { r, m } = hit as { r: Route; m: RegExpExecArray };
  const raw: Record<string, string> = {};
  for (const [k, v] of query) raw[k] = v;
  if (body && typeof body === "object" && !Array.isArray(body)) {
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
      if (r.operation.parameters.some((p) => p.name === k && p.paramType === "body")) continue;
      if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") raw[k] = String(v);
    }
  }
  r.pathParams.forEach((name, i) => {
    try {
      raw[name] = decodeURIComponent(m[i + 1]!);
    } catch {
      throw new AriError(400, `Invalid ${name}`);
    }
  });
  const args: Args = {};
  for (const p of r.operation.parameters) {
    if (p.paramType === "body") continue;
    const v = raw[p.name];
    if (v === undefined || v === "") {
      if (p.required) throw new AriError(400, `Missing required param ${p.name}`);
      continue;
    }
    if (p.dataType === "int" || p.dataType === "long") {
      const n = Number(v);
      if (!Number.isInteger(n)) throw new AriError(400, `${p.name} must be an integer`);
      args[p.name] = n;
    } else if (p.dataType === "boolean") {
      if (v !== "true" && v !== "false") throw new AriError(400, `${p.name} must be true or false`);
      args[p.name] = v === "true";
    } else {
      args[p.name] = v;
    }
  }
  const bodyObject = body && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  return r.handler(args, ast, bodyObject);
}
