/**
 * A protocol-faithful ARI simulator: an HTTP + WebSocket server that speaks the subset of Asterisk's REST
 * Interface the telephony app uses, so the app's real ari-client code path runs in development and tests.
 *
 *   /ari/api-docs/…      its own Swagger documents (api-docs.ts), from which ari-client builds its client
 *   /ari/events          the events WebSocket (?app=NAME&api_key=user:password)
 *   /ari/…               channels, bridges, playbacks, recordings, endpoints, asterisk (rest.ts)
 *   /sim/…               the control API: calls in, digits, hang-ups, how phones answer (control.ts)
 *
 * Part of the telephony shell, but it imports nothing of app/, workers/ or the database: it simulates
 * Asterisk, which knows nothing of our tables. See telephony/README.md.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { mkdirSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer } from "ws";
import { apiDeclaration, isResourceName, resourceListing } from "./api-docs";
import { AriError, astTime, SimulatedAsterisk, type EndpointBehaviour, type SimulatorLog } from "./asterisk";
import { handleControl } from "./control";
import { handleAri } from "./rest";

export interface AriSimulatorOptions {
  port: number;
  /** default 127.0.0.1 */
  host?: string;
  user: string;
  password: string;
  /** where it keeps stored recordings, like Asterisk's spool (/var/spool/asterisk/recording) */
  recordingsDir: string;
  /** how long each sound of a playback takes (ms); default 500 */
  playbackMs?: number;
  /** how long after answering the digits a call was created with (`dtmf`) arrive (ms); default 300 */
  dtmfAfterAnswerMs?: number;
  /** how phones dialled through a trunk (customers' numbers) answer unless told otherwise per number; default auto after 300 ms */
  trunkBehaviour?: EndpointBehaviour;
  log?: SimulatorLog;
}

export interface AriSimulator {
  /** http://host:port */
  url: string;
  /** stops listening, drops every connection and forgets all state */
  close(): Promise<void>;
  /** for tests: send any JSON event to every connected app socket (e.g. an unknown event type) */
  emitRaw(event: object): void;
  /** for tests: reject every login (REST and WebSocket) with 401 while true */
  setRejectLogins(reject: boolean): void;
  /** for tests: the next `count` downloads of a stored recording's file fail with `status` (default 500) */
  failRecordingDownloads(count: number, status?: number): void;
  /** stops listening and drops every connection, keeping the simulated calls (as if Asterisk's HTTP server went away) */
  stop(): Promise<void>;
  /** listens again on the same port after stop(), with the same calls */
  start(): Promise<void>;
}

const SILENT: SimulatorLog = { info() {}, warn() {}, error() {} };

/** The request's URL, or null when it cannot be parsed (e.g. "//["). */
function requestUrl(req: IncomingMessage): URL | null {
  try {
    return new URL(req.url ?? "/", "http://simulator");
  } catch {
    return null;
  }
}
const MAX_BODY_BYTES = 64 * 1024;
const REALM = 'Basic realm="Asterisk REST Interface"';

export async function startAriSimulator(opts: AriSimulatorOptions): Promise<AriSimulator> {
  const host = opts.host ?? "127.0.0.1";
  const log = opts.log ?? SILENT;
  let rejectLogins = false;
  const failDownloads = { count: 0, status: 500 };
  mkdirSync(opts.recordingsDir, { recursive: true });

  /** app name → its sockets, the one receiving events last (a newer socket replaces an older one) */
  const appSockets = new Map<string, WebSocket>();
  /** connected apps in connection order (for the control API's default app) */
  const appOrder: string[] = [];
  const sockets = new Set<WebSocket>();

  const ast = new SimulatedAsterisk({
    recordingsDir: opts.recordingsDir,
    playbackMs: opts.playbackMs ?? 500,
    dtmfAfterAnswerMs: opts.dtmfAfterAnswerMs,
    trunkBehaviour: opts.trunkBehaviour,
    log,
    deliver(app, event) {
      const ws = appSockets.get(app);
      if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(event));
    },
  });

  const digest = (s: string) => createHash("sha256").update(s).digest();
  const expected = digest(`${opts.user}:${opts.password}`);
  function authorized(req: IncomingMessage, url: URL): boolean {
    if (rejectLogins) return false;
    let presented: string | null = null;
    const header = req.headers.authorization;
    if (header?.startsWith("Basic ")) presented = Buffer.from(header.slice(6), "base64").toString("utf8");
    else if (url.searchParams.has("api_key")) presented = url.searchParams.get("api_key");
    return presented !== null && timingSafeEqual(digest(presented), expected);
  }

  function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    const text = JSON.stringify(body);
    res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text), Server: "Asterisk/ari-simulator", ...headers });
    res.end(text);
  }

  async function readBody(req: IncomingMessage): Promise<{ ok: true; value: unknown } | { ok: false; status: number; message: string }> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) return { ok: false, status: 413, message: "request body too large" };
      chunks.push(chunk as Buffer);
    }
    const text = Buffer.concat(chunks).toString("utf8").trim();
    if (!text) return { ok: true, value: undefined };
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch {
      return { ok: false, status: 400, message: "the body is not valid JSON" };
    }
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse) {
    const url = requestUrl(req);
    if (!url) return sendJson(res, 400, { message: "malformed URL" });
    const method = (req.method ?? "GET").toUpperCase();
    const body = await readBody(req);
    if (!body.ok) return sendJson(res, body.status, { message: body.message });

    if (url.pathname === "/sim" || url.pathname.startsWith("/sim/")) {
      const r = handleControl({ ast, connectedApps: () => [...appOrder] }, method, url.pathname, body.value);
      return sendJson(res, r.status, r.body);
    }
    if (!url.pathname.startsWith("/ari/")) return sendJson(res, 404, { message: "Resource not found" });
    if (!authorized(req, url)) return sendJson(res, 401, { message: "Authentication required" }, { "WWW-Authenticate": REALM });

    const ariPath = url.pathname.slice(4); // keeps the leading "/"
    if (ariPath.startsWith("/api-docs/")) {
      if (method !== "GET") return sendJson(res, 405, { message: "Invalid method" });
      const basePath = `http://${req.headers.host ?? `${host}:${port}`}/ari`;
      const file = ariPath.slice("/api-docs/".length);
      if (file === "resources.json") return sendJson(res, 200, resourceListing(basePath));
      const name = file.replace(/\.json$/, "");
      if (file.endsWith(".json") && isResourceName(name)) return sendJson(res, 200, apiDeclaration(name, basePath));
      return sendJson(res, 404, { message: "Resource not found" });
    }
    if (ariPath === "/events") return sendJson(res, 400, { message: "WebSocket upgrade required" });

    if (failDownloads.count > 0 && method === "GET" && /^\/recordings\/stored\/.+\/file$/.test(ariPath)) {
      failDownloads.count--;
      return sendJson(res, failDownloads.status, { message: "Simulated failure" });
    }
    const result = await handleAri(ast, method, ariPath, url.searchParams, body.value);
    if (result.status === 204) {
      res.writeHead(204, { Server: "Asterisk/ari-simulator" });
      return res.end();
    }
    if ("binary" in result) {
      res.writeHead(200, { "Content-Type": result.contentType, "Content-Length": result.binary.length, Server: "Asterisk/ari-simulator" });
      return res.end(result.binary);
    }
    return sendJson(res, result.status, result.body, "location" in result && result.location ? { Location: result.location } : {});
  }

  const wss = new WebSocketServer({ noServer: true });

  function refuseUpgrade(socket: Duplex, status: number, reason: string, extra = "") {
    socket.end(`HTTP/1.1 ${status} ${reason}\r\n${extra}Content-Length: 0\r\nConnection: close\r\n\r\n`);
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    socket.on("error", () => socket.destroy());
    const url = requestUrl(req);
    if (!url) return refuseUpgrade(socket, 400, "Bad Request");
    if (url.pathname !== "/ari/events") return refuseUpgrade(socket, 404, "Not Found");
    if (!authorized(req, url)) return refuseUpgrade(socket, 401, "Unauthorized", `WWW-Authenticate: ${REALM}\r\n`);
    const apps = (url.searchParams.get("app") ?? "")
      .split(",")
      .map((a) => a.trim())
      .filter(Boolean);
    if (apps.length === 0 || apps.some((a) => !/^[A-Za-z0-9_.-]+$/.test(a))) return refuseUpgrade(socket, 400, "Bad Request");
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      for (const app of apps) {
        const previous = appSockets.get(app);
        if (previous && previous !== ws && previous.readyState === WebSocket.OPEN) {
          previous.send(JSON.stringify({ type: "ApplicationReplaced", timestamp: astTime(new Date()), asterisk_id: ast.asteriskId, application: app }));
        }
        appSockets.set(app, ws);
        const i = appOrder.indexOf(app);
        if (i >= 0) appOrder.splice(i, 1);
        appOrder.push(app);
      }
      log.info(`ari-sim: application ${apps.join(",")} connected`);
      ws.on("error", (e) => log.warn(`ari-sim: websocket error: ${e.message}`));
      ws.on("close", () => {
        sockets.delete(ws);
        for (const app of apps) {
          if (appSockets.get(app) === ws) {
            appSockets.delete(app);
            const i = appOrder.indexOf(app);
            if (i >= 0) appOrder.splice(i, 1);
            log.info(`ari-sim: application ${app} disconnected`);
          }
        }
      });
    });
  }

  let server: Server | null = null;
  /** the port asked for, then the one bound (so port 0 picks a free port once and start() reuses it) */
  let port = opts.port;

  async function listen(): Promise<void> {
    const s = createServer((req, res) => {
      onRequest(req, res).catch((e: unknown) => {
        if (e instanceof AriError) {
          if (!res.headersSent) sendJson(res, e.status, { message: e.message });
          return;
        }
        log.error(`ari-sim: ${req.method} ${req.url} failed`, e);
        if (!res.headersSent) sendJson(res, 500, { message: "Internal Server Error" });
        else res.destroy();
      });
    });
    s.on("upgrade", onUpgrade);
    await new Promise<void>((resolve, reject) => {
      s.once("error", reject);
      s.listen(port, host, () => {
        s.off("error", reject);
        resolve();
      });
    });
    server = s;
  }

  async function stopListening(): Promise<void> {
    const s = server;
    server = null;
    for (const ws of sockets) ws.terminate();
    sockets.clear();
    appSockets.clear();
    appOrder.length = 0;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }

  await listen();
  const address = server!.address();
  if (typeof address === "object" && address) port = address.port;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  log.info(`ari-sim: listening on ${url} (ARI at ${url}/ari, control API at ${url}/sim)`);

  return {
    url,
    async close() {
      await stopListening();
      await ast.shutdown();
      wss.close();
    },
    emitRaw(event: object) {
      const text = JSON.stringify(event);
      for (const ws of sockets) if (ws.readyState === WebSocket.OPEN) ws.send(text);
    },
    setRejectLogins(reject: boolean) {
      rejectLogins = reject;
    },
    failRecordingDownloads(count: number, status = 500) {
      failDownloads.count = count;
      failDownloads.status = status;
    },
    stop: stopListening,
    async start() {
      if (!server) await listen();
    },
  };
}
