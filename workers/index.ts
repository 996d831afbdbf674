/**
 * The workers shell: graphile-worker on the application's database, with a static task list (no task
 * files loaded from disk at run time, as db/migrations/index.ts is static: the bundle and tsx see the
 * same code). Several worker processes on one database are safe: graphile-worker hands each job to one.
 */
import { EventEmitter } from "node:events";
import { run, type Runner, type TaskList, type WorkerEvents } from "graphile-worker";
import pg from "pg";
import { connectionUrlOf, type DB } from "../db/connection";
import { graphileLogger } from "../db/job-queue";
import type { Env } from "../platform/env";
import { CircuitBreaker } from "../platform/circuit-breaker";
import { createKavenegarClient } from "../platform/kavenegar";
import { logger as makeLogger, type Logger } from "../platform/logger";
import { startLiveness } from "./liveness";
import { smsPollStatusTask } from "./tasks/sms__poll_status";
import { smsSendTask } from "./tasks/sms__send";

export interface WorkersOptions {
  db: DB;
  env: Env;
  log: Logger;
  /** the database's connection string; default: the one `db` was made with */
  databaseUrl?: string;
}

export interface Workers {
  runner: Runner;
  stop(): Promise<void>;
}

/** The tasks, by identifier (`<entity>__<action>`). */
export function taskList(deps: Pick<WorkersOptions, "db" | "env"> & { log?: Logger }): TaskList {
  const { env, db } = deps;
  const log = deps.log ?? makeLogger("workers");
  // one breaker per process for Kavenegar, shared by every task that calls it
  const breaker = new CircuitBreaker(
    { failureThreshold: env.KAVENEGAR_BREAKER_FAILURES, coolDownMs: env.KAVENEGAR_BREAKER_COOLDOWN_MS },
    Date.now,
    (from, to) => {
      if (to === "open") log.warn(`SMS provider circuit ${from} → open: calls wait ${env.KAVENEGAR_BREAKER_COOLDOWN_MS} ms`);
      else log.info(`SMS provider circuit ${from} → ${to}`);
    },
  );
  const client = createKavenegarClient({ apiKey: env.kavenegarApiKey, baseUrl: env.kavenegarBaseUrl, timeoutMs: env.KAVENEGAR_TIMEOUT_MS, breaker });
  const lines = { default: env.KAVENEGAR_SENDER, byPurpose: env.KAVENEGAR_SENDERS };
  return {
    sms__send: smsSendTask({ db, client, lines }),
    sms__poll_status: smsPollStatusTask({ db, client }),
  };
}

/** Recurring jobs, graphile-worker's crontab format (`min hour day month weekday task ?opts`); one line each. */
export const CRONTAB = [
  "* * * * * sms__poll_status ?max=1", // SMS delivery status; a failed run is not retried: the next minute's is
].join("\n");

/** Starts the job runner (graphile-worker migrates its schema first); `stop()` waits for running jobs. */
export async function startWorkers(o: WorkersOptions): Promise<Workers> {
  const connectionString = o.databaseUrl ?? connectionUrlOf(o.db);
  if (!connectionString) throw new Error("startWorkers: no database URL (pass databaseUrl)");
  const concurrency = o.env.WORKER_CONCURRENCY;
  // Its own pool (graphile-worker's default type parsing: job ids stay strings), one connection per
  // concurrent job plus the one that listens for new jobs. Ours so that a connection cut by a server
  // shutdown (57P01, e.g. the embedded cluster stopping first on Ctrl-C) is logged, not an uncaught
  // 'error' event that ends the process.
  const pgPool = new pg.Pool({ connectionString, max: concurrency + 2, connectionTimeoutMillis: 5000 });
  pgPool.on("error", (err) => {
    if ((err as { code?: string }).code === "57P01") o.log.debug("job connection closed by a server shutdown");
    else o.log.warn("job connection error", err);
  });
  const liveness = await startLiveness({ db: o.db, connectionString, log: o.log });
  const events: WorkerEvents = new EventEmitter();
  events.on("worker:create", ({ worker }) => liveness.hold(worker.workerId));
  const runner = await run({
    pgPool,
    concurrency,
    events,
    taskList: taskList(o),
    crontab: CRONTAB,
    noHandleSignals: true,
    logger: graphileLogger(o.log),
  });
  o.log.info(`workers running (concurrency ${concurrency})`);
  let stopped: Promise<void> | undefined;
  return {
    runner,
    stop: () => (stopped ??= runner.stop().finally(() => Promise.all([liveness.stop(), pgPool.end().catch(() => {})]).then(() => {}))),
  };
}
