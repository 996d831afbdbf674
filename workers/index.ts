/**
 * The workers shell: graphile-worker on the application's database, with a static task list (no task
 * files loaded from disk at run time, as db/migrations/index.ts is static: the bundle and tsx see the
 * same code). Several worker processes on one database are safe: graphile-worker hands each job to one.
 */
import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import { hostname } from "node:os";
import { run, type Runner, type TaskList, type WorkerEvents } from "graphile-worker";
import pg from "pg";
import { connectionUrlOf, type DB } from "../db/connection";
import { graphileLogger } from "../db/job-queue";
import { beatWorkerNode, registerWorkerNode, stopWorkerNode } from "../db/repos/jobs";
import { KAVENEGAR_SIMULATOR_LINE, type Env } from "../platform/env";
import { CircuitBreaker } from "../platform/circuit-breaker";
import { createKavenegarClient } from "../platform/kavenegar";
import { logger as makeLogger, type Logger } from "../platform/logger";
import { RecordingStore } from "../platform/recording-store";
import { surveyConfigOf } from "../services/satisfaction";
import { startLiveness } from "./liveness";
import { agencyImportTask } from "./tasks/agency__import";
import { agencyPerformanceTask } from "./tasks/agency__performance";
import { callStatsRefreshTask } from "./tasks/call_stats__refresh";
import { offerExpireTask } from "./tasks/offer__expire";
import { offerSweepTask } from "./tasks/offer__sweep";
import { recordingDownloadTask } from "./tasks/recording__download";
import { satisfactionCallTask } from "./tasks/satisfaction__call";
import { satisfactionSweepTask } from "./tasks/satisfaction__sweep";
import { slaSweepTask } from "./tasks/sla__sweep";
import { serviceTasksSweepTask } from "./tasks/service_tasks__sweep";
import { smsPollInboundTask } from "./tasks/sms__poll_inbound";
import { smsPollStatusTask } from "./tasks/sms__poll_status";
import { smsSendTask } from "./tasks/sms__send";
import { ticketDispatchTask } from "./tasks/ticket__dispatch";
import { voiceRefreshTask } from "./tasks/voice__refresh";
import { delayDailyRefreshTask } from "./tasks/delay_daily__refresh";

export interface WorkersOptions {
  db: DB;
  env: Env;
  log: Logger;
  /** the database's connection string; default: the one `db` was made with */
  databaseUrl?: string;
  /** the SMS circuit breaker's clock (ms); default Date.now. Tests pass their own to open and close it by state, not by waiting. */
  breakerClock?: () => number;
}

export interface Workers {
  runner: Runner;
  /** this process's row in worker_nodes */
  nodeId: string;
  stop(): Promise<void>;
}

/** The tasks, by identifier (`<entity>__<action>`). */
export function taskList(deps: Pick<WorkersOptions, "db" | "env" | "breakerClock"> & { log?: Logger }): TaskList {
  const { env, db } = deps;
  const log = deps.log ?? makeLogger("workers");
  // one breaker per process for Kavenegar, shared by every task that calls it
  const breaker = new CircuitBreaker(
    { failureThreshold: env.KAVENEGAR_BREAKER_FAILURES, coolDownMs: env.KAVENEGAR_BREAKER_COOLDOWN_MS },
    deps.breakerClock ?? Date.now,
    (from, to) => {
      if (to === "open") log.warn(`SMS provider circuit ${from} → open: calls wait ${env.KAVENEGAR_BREAKER_COOLDOWN_MS} ms`);
      else log.info(`SMS provider circuit ${from} → ${to}`);
    },
  );
  const client = createKavenegarClient({ apiKey: env.kavenegarApiKey, baseUrl: env.kavenegarBaseUrl, timeoutMs: env.KAVENEGAR_TIMEOUT_MS, breaker });
  // sms/sendarray names every message's line: on the simulator its default line is known; a real account
  // without KAVENEGAR_SENDER sends each message with sms/send (the account's default line)
  // the dispatch rule's configuration (DISPATCH_WEIGHTS, DISPATCH_OFFER_DEADLINE_MINUTES)
  const dispatch = { weights: env.DISPATCH_WEIGHTS, offerMinutes: env.DISPATCH_OFFER_DEADLINE_MINUTES };
  const lines = { default: env.KAVENEGAR_SENDER ?? (env.smsSimulated ? KAVENEGAR_SIMULATOR_LINE : undefined), byPurpose: env.KAVENEGAR_SENDERS };
  return {
    sms__send: smsSendTask({ db, client, lines, batchSize: env.SMS_SEND_BATCH_SIZE }),
    sms__poll_status: smsPollStatusTask({ db, client }),
    sms__poll_inbound: smsPollInboundTask({ db, client, line: env.smsInboundLine, warrantyCodeSecret: env.warrantyCodeSecret }),
    offer__expire: offerExpireTask({ db, dispatch }),
    ticket__dispatch: ticketDispatchTask({ db, dispatch }),
    agency__performance: agencyPerformanceTask({ db }),
    agency__import: agencyImportTask({ db }),
    offer__sweep: offerSweepTask({ db }),
    sla__sweep: slaSweepTask({ db, lookbackHours: env.SLA_SWEEP_LOOKBACK_HOURS }),
    // issue 15 §2 (h3): loaner and replacement tasks for the supervisors
    service_tasks__sweep: serviceTasksSweepTask({ db }),
    recording__download: recordingDownloadTask({
      db,
      store: new RecordingStore(env.recordingsDir),
      ari: { defaultUrl: env.ariUrl, user: env.ARI_USER, password: env.ARI_PASSWORD },
    }),
    satisfaction__sweep: satisfactionSweepTask({ db, config: surveyConfigOf(env) }),
    satisfaction__call: satisfactionCallTask({ db }),
    call_stats__refresh: callStatsRefreshTask({ db, thresholdSeconds: env.CALL_SERVICE_LEVEL_SECONDS }),
    voice__refresh: voiceRefreshTask({ db }),
    delay_daily__refresh: delayDailyRefreshTask({ db }),
  };
}

/**
 * The recurring jobs (graphile-worker crontab: minute hour day month weekday task ?options), one line each.
 * graphile-worker schedules each tick once however many worker processes run; the job key keeps one of each
 * waiting at a time. A failed run is not retried (max=1): the next tick's is.
 */
export const CRONTAB = [
  "* * * * * sms__poll_status ?max=1&jobKey=sms-poll-status&jobKeyMode=preserve_run_at",
  "* * * * * sms__poll_inbound ?max=1&jobKey=sms-poll-inbound&jobKeyMode=preserve_run_at",
  "* * * * * offer__sweep ?max=1&jobKey=offer-sweep&jobKeyMode=preserve_run_at",
  "*/5 * * * * sla__sweep ?max=1&jobKey=sla-sweep&jobKeyMode=preserve_run_at",
  "*/15 * * * * service_tasks__sweep ?max=1&jobKey=service-tasks-sweep&jobKeyMode=preserve_run_at",
  "* * * * * satisfaction__sweep ?max=1&jobKey=satisfaction-sweep&jobKeyMode=preserve_run_at",
  "*/15 * * * * agency__performance ?max=1&jobKey=agency-performance&jobKeyMode=preserve_run_at",
  "* * * * * call_stats__refresh ?max=1&jobKey=call-stats-refresh&jobKeyMode=preserve_run_at",
  "*/5 * * * * voice__refresh ?max=1&jobKey=voice-refresh&jobKeyMode=preserve_run_at",
  "* * * * * delay_daily__refresh ?max=1&jobKey=delay-daily-refresh&jobKeyMode=preserve_run_at",
].join("\n");

/** How often a worker process writes its heartbeat (worker_nodes; /healthz counts it alive for 30 s). */
const HEARTBEAT_MS = 10_000;

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
  const nodeId = `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  await registerWorkerNode(o.db, { nodeId, host: hostname(), pid: process.pid, concurrency });
  const heartbeat = setInterval(() => {
    beatWorkerNode(o.db, nodeId).catch((e: unknown) => o.log.debug(`worker heartbeat not written: ${String(e)}`));
  }, HEARTBEAT_MS);
  heartbeat.unref();
  o.log.info(`workers running (concurrency ${concurrency}, node ${nodeId})`);
  let stopped: Promise<void> | undefined;
  return {
    runner,
    nodeId,
    stop: () =>
      (stopped ??= (async () => {
        clearInterval(heartbeat);
        await runner.stop().finally(() => Promise.all([liveness.stop(), pgPool.end().catch(() => {})]));
        await stopWorkerNode(o.db, nodeId).catch(() => {});
      })()),
  };
}
