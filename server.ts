/**
 * The one server entry. Boots, in order: validated configuration, the database (embedded
 * PostgreSQL unless DATABASE_URL is set), migrations, demo data on a first start, the web
 * server. Later shells (workers, telephony) join this sequence and can also run alone.
 */
import { existsSync, statSync, readdirSync } from "node:fs";
import { execFileSync, spawn } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import express from "express";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import { EnvError, loadEnv, type Env } from "./platform/env";
import { openDatabase, type DatabaseHandle } from "./db/connection";
import { migrateToLatest } from "./db/migrate";
import { sameOriginGuard } from "./app/lib/csrf.server";

const BUILD_PATH = path.resolve("build/index.js");
const REMIX_CLI = path.resolve("node_modules/@remix-run/dev/dist/cli.js");

function log(msg: string) {
  console.log(`${new Date().toISOString()} ${msg}`);
}

/** Builds the Remix app when there is no build or it is older than the sources. */
function ensureBuild() {
  if (existsSync(BUILD_PATH)) {
    const built = statSync(BUILD_PATH).mtimeMs;
    const newest = newestMtime(path.resolve("app"));
    if (newest <= built) return;
  }
  log("[web] building the app (remix build)…");
  execFileSync(process.execPath, [REMIX_CLI, "build"], { stdio: "inherit" });
}

function newestMtime(dir: string): number {
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
    log("[db] empty database: loading the demo data set");
    await seedDemo(handle.db, { log });
  }
}

let openHandle: DatabaseHandle | undefined;

async function main() {
  const env = loadEnv();
  // `npm run dev` passes --watch: rebuild on change and load the newest build per request.
  const isDev = process.argv.includes("--watch");
  const handle = await openDatabase({
    databaseUrl: env.DATABASE_URL,
    dataDir: env.dataDir,
    embeddedPort: env.EMBEDDED_PG_PORT,
    log,
  });
  openHandle = handle;
  log(handle.embedded ? `[db] embedded PostgreSQL on 127.0.0.1:${env.EMBEDDED_PG_PORT}` : "[db] using DATABASE_URL");
  await migrateToLatest(handle.db, log);
  await seedIfEmpty(handle, env);

  ensureBuild();
  // In development, `remix watch` rebuilds on every change and each request loads the newest build.
  const watcher = isDev
    ? spawn(process.execPath, [REMIX_CLI, "watch"], { stdio: ["ignore", "inherit", "inherit"] })
    : undefined;
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
  // Fingerprinted assets cache forever; the rest of public/ briefly.
  app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
  app.use(express.static("public", { maxAge: "1h" }));
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
      getLoadContext: (req) => ({ db: handle.db, env, clientIp: req.ip ?? "unknown" }),
    }),
  );

  const server = app.listen(env.PORT, env.HOST, () => {
    const shown = env.HOST === "0.0.0.0" ? "localhost" : env.HOST;
    log(`[web] ready: http://${shown}:${env.PORT}`);
  });

  server.on("error", async (err: NodeJS.ErrnoException) => {
    console.error(
      err.code === "EADDRINUSE" ? `Port ${env.PORT} is already in use: set PORT to a free port.` : `Web server error: ${err.message}`,
    );
    watcher?.kill();
    await handle.close().catch(() => {});
    process.exit(1);
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`[server] ${signal}: shutting down`);
    watcher?.kill();
    server.close();
    server.closeAllConnections?.();
    await handle.close().catch((e) => console.error(e));
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch(async (err) => {
  console.error(err instanceof EnvError ? err.message : err);
  // Never leave an embedded PostgreSQL running behind a failed start.
  await openHandle?.close().catch(() => {});
  process.exit(1);
});
