/**
 * The one server entry. Boots, in order: validated configuration, the database (embedded
 * PostgreSQL unless DATABASE_URL is set), migrations, demo data on a first start, the web
 * server. Later shells (workers, telephony) join this sequence and can also run alone.
 */
import { existsSync, readFileSync, statSync, readdirSync } from "node:fs";
import { spawn, type ChildProcess } from "node:child_process";
import cluster, { type Worker } from "node:cluster";
import path from "node:path";
import { pathToFileURL } from "node:url";
import express from "express";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import { EnvError, loadEnv, type Env } from "./platform/env";
import { logger, setLogLevel } from "./platform/logger";
import { EmbeddedPostgresError, openDatabase, type DatabaseHandle } from "./db/connection";
import { migrateToLatest } from "./db/migrate";
import { sameOriginGuard } from "./app/lib/csrf.server";
import { ensureSimulator, startTelephony, type Telephony } from "./telephony";
import type { AriSimulator } from "./telephony/simulator";
import { startWorkers, type Workers } from "./workers";
import { startKavenegarSimulator, type KavenegarSimulator } from "./workers/kavenegar-simulator";

const BUILD_PATH = path.resolve("build/index.js");
const REMIX_CLI = path.resolve("node_modules/@remix-run/dev/dist/cli.js");
const SOURCE_DIRS = ["app", "core", "db", "services", "platform"];

const log = logger("server");
const webLog = logger("web");

/** For messages that name their own scope, as `[db] migration applied: …` (db/migrate, db/seed). */
function scoped(line: string) {
  const m = /^\[([\w:-]+)\] (.*)$/s.exec(line);
  if (m) logger(m[1]!).info(m[2]!);
  else log.info(line);
}

/** A failure whose message already says what to do: printed as one line, without a stack trace. */
class StartError extends Error {}

/** The processes this server started, ended on every way out. */
const children = new Set<ChildProcess>();

/** The Remix bundle mode for this NODE_ENV: tests run the production bundle, as a deployment would. */
function buildMode(env: Env): "development" | "production" {
  return env.NODE_ENV === "development" ? "development" : "production";
}

/** Builds the Remix app when there is no build, it is older than the sources, or it was built for another mode. */
async function ensureBuild(mode: "development" | "production"): Promise<void> {
  if (existsSync(BUILD_PATH)) {
    const built = statSync(BUILD_PATH).mtimeMs;
    const newest = Math.max(...SOURCE_DIRS.map((d) => newestMtime(path.resolve(d))));
    const builtMode = /\bvar mode = "(\w+)"/.exec(readFileSync(BUILD_PATH, "utf8"))?.[1];
    if (newest <= built && builtMode === mode) return;
  }
  webLog.info(`building the app (remix build, ${mode})…`);
  const started = performance.now();
  // A child of its own process group, with no stdin: when it ends, whatever it started (esbuild's
  // service processes) is ended with it, and a failure is reported once, without esbuild's crash dump.
  const child = spawn(process.execPath, [REMIX_CLI, "build"], {
    env: { ...process.env, NODE_ENV: mode },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  children.add(child);
  let output = "";
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (c) => resolve(c));
  });
  children.delete(child);
  killGroup(child);
  for (const line of output.split("\n")) if (line.trim()) webLog.debug(line);
  if (code !== 0) {
    console.error(buildErrors(output));
    throw new StartError(`The app did not build (the errors are above): fix them, then start again (npx remix build shows them alone).`);
  }
  webLog.info(`built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/** The compiler's error messages, without esbuild's goroutine dump that follows when the build is cut short. */
function buildErrors(output: string): string {
  const cut = output.search(/^fatal error: all goroutines are asleep/m);
  return (cut >= 0 ? output.slice(0, cut) : output)
    .split("\n")
    // Remix's progress line and its notes about React Router v7 future flags are not errors.
    .filter((l) => !/CJS build of Vite's Node API is deprecated|^\[info\]|^\[warn\] .*React Router v7|^[┃┗]/.test(l))
    .join("\n")
    .trim();
}

function killGroup(child: ChildProcess) {
  try {
    if (child.pid) process.kill(-child.pid, "SIGKILL");
  } catch {
    /* the group is already gone */
  }
}

function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

async function seedIfEmpty(handle: DatabaseHandle, env: Env) {
  if (!(env.SEED_ON_EMPTY ?? handle.embedded)) return;
  const { isDatabaseEmpty, seedDemo } = await import("./db/seed/demo");
  if (await isDatabaseEmpty(handle.db)) {
    logger("db").info("empty database: loading the demo data set");
    await seedDemo(handle.db, { log: scoped, recordingsDir: env.recordingsDir, warrantyCodeSecret: env.warrantyCodeSecret });
  }
}

let openHandle: DatabaseHandle | undefined;
let telephony: Telephony | undefined;
let simulator: AriSimulator | undefined;
let workers: Workers | undefined;
let smsSimulator: KavenegarSimulator | undefined;

/** The Kavenegar simulator stands in for Kavenegar when KAVENEGAR_API_KEY is unset (one already listening is used). */
async function ensureSmsSimulator(env: Env): Promise<KavenegarSimulator | undefined> {
  const simLog = logger("sms-sim");
  try {
    const sim = await startKavenegarSimulator({
      port: env.KAVENEGAR_SIM_PORT,
      apiKey: env.kavenegarApiKey,
      defaultSender: env.KAVENEGAR_SENDER,
      log: { info: (m) => simLog.info(m), warn: (m) => simLog.warn(m) },
    });
    simLog.info(`Kavenegar simulator on ${sim.url} (KAVENEGAR_API_KEY is unset): messages at ${sim.url}/sim/messages`);
    return sim;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
      simLog.info(`a Kavenegar simulator already listens on port ${env.KAVENEGAR_SIM_PORT}: using it`);
      return undefined;
    }
    throw error;
  }
}

/**
 * The server process's database, given to its web processes (WEB_PROCESSES > 1) in their environment: they
 * join it as a client does DATABASE_URL (migrations, seeding and the embedded server stay with the server
 * process).
 */
const WEB_PROCESS_DATABASE_URL = "AFTERSALES_WEB_PROCESS_DATABASE_URL";

async function main() {
  const env = loadEnv();
  setLogLevel(env.LOG_LEVEL);
  // Libraries (React, Express) read the mode from the process environment: let them see the same one.
  process.env.NODE_ENV ??= env.NODE_ENV;
  if (cluster.isWorker) return webProcess(env);
  // `npm run dev` passes --watch: rebuild on change and load the newest build per request.
  const isDev = process.argv.includes("--watch");

  // The build and the database start side by side; both must be ready before the first request.
  const built = ensureBuild(isDev ? "development" : buildMode(env));
  built.catch(() => {}); // reported where it is awaited
  const handle = await openDatabase({
    databaseUrl: env.DATABASE_URL,
    dataDir: env.dataDir,
    embeddedPort: env.EMBEDDED_PG_PORT,
    poolSize: env.DATABASE_POOL_SIZE,
  });
  openHandle = handle;
  logger("db").info(handle.embedded ? `embedded PostgreSQL on 127.0.0.1:${env.EMBEDDED_PG_PORT}` : "using DATABASE_URL");
  await migrateToLatest(handle.db, scoped);
  await seedIfEmpty(handle, env);
  // Telephony: the ARI simulator stands in for Asterisk when ARI_URL is unset; the shell runs here unless
  // TELEPHONY_IN_PROCESS=false (then `npm run telephony` runs it apart).
  if (env.ariSimulated) simulator = await ensureSimulator(env, logger("ari-sim"));
  if (env.TELEPHONY_IN_PROCESS) telephony = startTelephony({ db: handle.db, env, log: logger("telephony"), databaseUrl: handle.url });
  // Workers: SMS go to the Kavenegar simulator when KAVENEGAR_API_KEY is unset; the job runner runs here unless
  // WORKERS_IN_PROCESS=false (then `npm run workers` runs it apart).
  if (env.smsSimulated) smsSimulator = await ensureSmsSimulator(env);
  if (env.WORKERS_IN_PROCESS) workers = await startWorkers({ db: handle.db, env, log: logger("workers"), databaseUrl: handle.url });
  await built;

  // In development, `remix watch` rebuilds on every change and each request loads the newest build.
  if (isDev) {
    const watcher = spawn(process.execPath, [REMIX_CLI, "watch"], {
      env: { ...process.env, NODE_ENV: "development" },
      stdio: ["ignore", "inherit", "inherit"],
    });
    children.add(watcher);
  }
  if (env.WEB_PROCESSES > 1 && !isDev) return forkWebProcesses(env, handle.url);
  if (env.WEB_PROCESSES > 1) webLog.warn("WEB_PROCESSES is ignored with --watch: the web runs in this process");
  await startWeb(env, handle.db, isDev);
}

/** A web process (WEB_PROCESSES > 1): the web alone, on the server process's database and port. */
async function webProcess(env: Env) {
  // the server process went away (killed, crashed): so does its web
  process.on("disconnect", () => void stop(0));
  const databaseUrl = process.env[WEB_PROCESS_DATABASE_URL];
  if (!databaseUrl) throw new StartError(`a web process needs ${WEB_PROCESS_DATABASE_URL} (started by server.ts with WEB_PROCESSES > 1)`);
  openHandle = await openDatabase({ databaseUrl, dataDir: env.dataDir, embeddedPort: env.EMBEDDED_PG_PORT, poolSize: env.DATABASE_POOL_SIZE });
  await startWeb(env, openHandle.db, false, `web process ${cluster.worker?.id}`);
}

/** Web processes that ended since the start; a crash is replaced, a failure before listening stops the server. */
function forkWebProcesses(env: Env, databaseUrl: string) {
  let listening = 0;
  const fork = () => {
    const worker = cluster.fork({ [WEB_PROCESS_DATABASE_URL]: databaseUrl });
    let ready = false;
    worker.once("listening", () => {
      ready = true;
      if (++listening === env.WEB_PROCESSES) {
        const shown = env.HOST === "0.0.0.0" ? "localhost" : env.HOST;
        webLog.info(`ready: http://${shown}:${env.PORT} (NODE_ENV=${env.NODE_ENV}, ${env.WEB_PROCESSES} web processes)`);
      }
    });
    worker.once("exit", (code, signal) => {
      if (stopping) return;
      if (!ready) {
        webLog.error(`a web process ended before it could serve (exit ${code ?? signal}): stopping`);
        void stop(1);
        return;
      }
      webLog.error(`a web process ended (exit ${code ?? signal}): starting another`);
      fork();
    });
  };
  for (let i = 0; i < env.WEB_PROCESSES; i++) fork();
}

/** Ends the web processes (WEB_PROCESSES > 1) and waits for them, at most 5 s, so their connections close first. */
async function stopWebProcesses() {
  const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());
  await Promise.race([
    Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            w.once("exit", () => resolve());
            w.process.kill("SIGTERM");
          }),
      ),
    ),
    new Promise((r) => setTimeout(r, 5000)),
  ]);
}

/** The web server (Express + Remix) of this process, on env.PORT. */
async function startWeb(env: Env, db: DatabaseHandle["db"], isDev: boolean, name?: string) {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
  // Fingerprinted assets cache forever; the rest of public/ briefly.
  app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
  // Every file in public/ has an extension and no page's path does: pages skip the file lookup (a stat and
  // an error object per request).
  const publicFiles = express.static("public", { maxAge: "1h" });
  app.use((req, res, next) => (path.extname(req.path) ? publicFiles(req, res, next) : next()));
  // CSRF: every request but GET/HEAD must come from this site's own pages (Origin, else Referer).
  app.use(sameOriginGuard());

  const loadBuild = async () =>
    (await import(`${pathToFileURL(BUILD_PATH).href}?t=${isDev ? Date.now() : 0}`)) as ServerBuild;
  const build = isDev ? loadBuild : await loadBuild();
  app.all(
    "*",
    createRequestHandler({
      build,
      mode: env.NODE_ENV,
      getLoadContext: (req) => ({ db, env, clientIp: req.ip ?? "unknown", perRequest: new Map() }),
    }),
  );

  const server = app.listen(env.PORT, env.HOST, () => {
    const shown = env.HOST === "0.0.0.0" ? "localhost" : env.HOST;
    // a web process says so quietly: the server process says when all of them listen
    if (name) webLog.debug(`${name} (pid ${process.pid}) listening`);
    else webLog.info(`ready: http://${shown}:${env.PORT} (NODE_ENV=${env.NODE_ENV})`);
  });

  server.on("error", (err: NodeJS.ErrnoException) => {
    webLog.error(err.code === "EADDRINUSE" ? `port ${env.PORT} is already in use: set PORT to a free port` : "web server error", err.code === "EADDRINUSE" ? undefined : err);
    void stop(1);
  });

  closeWeb = () => {
    server.close();
    server.closeAllConnections?.();
  };
}

let closeWeb: (() => void) | undefined;
let stopping = false;

/** Ends everything this process started, in order: web server, children, connections, then PostgreSQL. */
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  // the desk's live streams end with a goodbye (browsers reconnect after the restart) before connections are cut
  const closeDeskEvents = (globalThis as Record<symbol, unknown>)[Symbol.for("aftersales.deskEvents.close")];
  if (typeof closeDeskEvents === "function") {
    await Promise.race([(closeDeskEvents as () => Promise<void>)().catch(() => {}), new Promise((r) => setTimeout(r, 1000))]);
    await new Promise((r) => setTimeout(r, 50));
  }
  closeWeb?.();
  if (cluster.isPrimary) await stopWebProcesses();
  for (const child of children) {
    child.kill();
    killGroup(child);
  }
  await telephony?.stop().catch((e) => logger("telephony").error("stopping", e));
  await workers?.stop().catch((e) => logger("workers").error("stopping", e));
  await smsSimulator?.close().catch(() => {});
  await simulator?.close().catch(() => {});
  // The handle closes its pool before it stops PostgreSQL, so no connection is cut from under it.
  await openHandle?.close().catch((e) => logger("db").error("closing the database", e));
  process.exit(code);
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    // (a terminal's Ctrl-C reaches the web processes too: the server process alone says so)
    if (!stopping && cluster.isPrimary) log.info(`${signal}: shutting down`);
    void stop(0);
  });
}

main().catch(async (err: unknown) => {
  if (err instanceof EnvError || err instanceof EmbeddedPostgresError || err instanceof StartError) {
    console.error(err.message);
  } else {
    log.error("could not start", err);
  }
  // Never leave an embedded PostgreSQL running behind a failed start.
  await stop(1);
});
