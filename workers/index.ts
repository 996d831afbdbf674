/**
 * The workers shell: graphile-worker on the application's database, with a static task list (no task
 * files loaded from disk at run time, as db/migrations/index.ts is static: the bundle and tsx see the
 * same code). Several worker processes on one database are safe: graphile-worker hands each job to one.
 */
import { run, type Runner, type TaskList } from "graphile-worker";
import pg from "pg";
import { connectionUrlOf, type DB } from "../db/connection";
import { graphileLogger } from "../db/job-queue";
import type { Env } from "../platform/env";
import { createKavenegarClient } from "../platform/kavenegar";
import type { Logger } from "../platform/logger";
import { surveyConfigOf } from "../services/satisfaction";
import { satisfactionCallTask } from "./tasks/satisfaction__call";
import { satisfactionSweepTask } from "./tasks/satisfaction__sweep";
import { smsPollInboundTask } from "./tasks/sms__poll_inbound";
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
export function taskList(deps: Pick<WorkersOptions, "db" | "env">): TaskList {
  const client = createKavenegarClient({
    apiKey: deps.env.kavenegarApiKey,
    baseUrl: deps.env.kavenegarBaseUrl,
    timeoutMs: deps.env.KAVENEGAR_TIMEOUT_MS,
  });
  return {
    sms__send: smsSendTask({ db: deps.db, client, sender: deps.env.KAVENEGAR_SENDER }),
    sms__poll_inbound: smsPollInboundTask({ db: deps.db, client, line: deps.env.smsInboundLine }),
    satisfaction__sweep: satisfactionSweepTask({ db: deps.db, config: surveyConfigOf(deps.env) }),
    satisfaction__call: satisfactionCallTask({ db: deps.db }),
  };
}

/**
 * The recurring jobs (graphile-worker crontab: minute hour day month weekday task ?options). Each has a job
 * key, so however many worker processes run, one of each waits at a time.
 */
export const CRONTAB = [
  "* * * * * satisfaction__sweep ?max=1&jobKey=satisfaction-sweep&jobKeyMode=preserve_run_at",
  "* * * * * sms__poll_inbound ?max=1&jobKey=sms-poll-inbound&jobKeyMode=preserve_run_at",
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
  const runner = await run({
    pgPool,
    concurrency,
    taskList: taskList(o),
    crontab: CRONTAB,
    noHandleSignals: true,
    logger: graphileLogger(o.log),
  });
  o.log.info(`workers running (concurrency ${concurrency})`);
  let stopped: Promise<void> | undefined;
  return {
    runner,
    stop: () => (stopped ??= runner.stop().finally(() => pgPool.end().catch(() => {}))),
  };
}
