import { Logger as GraphileLogger } from "graphile-worker";
import { sql, type Kysely, type Transaction } from "kysely";
import type { Database } from "./schema";
import { logger as platformLogger, type Logger } from "../platform/logger";

/**
 * graphile-worker's log lines through our logger: its info lines (worker started, job completed) at
 * debug level, its warnings and errors as ours.
 */
export function graphileLogger(log: Logger = platformLogger("workers")): GraphileLogger {
  return new GraphileLogger(() => (level, message) => {
    const l = String(level);
    if (l === "error") log.error(message);
    else if (l === "warning") log.warn(message);
    else log.debug(message);
  });
}

/** For migrations: only warnings and errors. */
export function quietGraphileLogger(): GraphileLogger {
  return graphileLogger(platformLogger("db"));
}

/**
 * Queues a job inside the caller's transaction (graphile-worker's SQL `add_job`): it exists if and only if
 * the transaction commits. `jobKey` keeps at most one such job (an existing one is updated, `jobKeyMode`
 * as graphile-worker documents: replace by default, preserve_run_at, unsafe_dedupe).
 */
export async function addJob(
  trx: Kysely<Database> | Transaction<Database>,
  task: string,
  payload: Record<string, unknown>,
  o: { runAt?: Date | null; jobKey?: string; jobKeyMode?: "replace" | "preserve_run_at" | "unsafe_dedupe"; maxAttempts?: number } = {},
): Promise<void> {
  await sql`select graphile_worker.add_job(${task}, ${JSON.stringify(payload)}::json,
    run_at := ${o.runAt ?? null}::timestamptz, job_key := ${o.jobKey ?? null}::text,
    job_key_mode := ${o.jobKeyMode ?? "replace"}::text, max_attempts := ${o.maxAttempts ?? 25}::int)`.execute(trx);
}
