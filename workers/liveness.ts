/**
 * A killed worker process must not hold its jobs for hours. graphile-worker frees a job locked by a worker
 * that vanished only after 4 hours; here each worker process holds a session advisory lock per worker id
 * of its own, on a connection of its own (db/repos/jobs.ts WORKER_LOCK_NAMESPACE), and every process now
 * and then frees the jobs of worker ids whose lock nobody holds (unlockDeadWorkers). A SIGKILLed process's
 * connection closes with it, so its jobs run again within seconds — and the tasks' own idempotency (an SMS
 * is asked for by its localid before it is sent again) keeps that from doing anything twice.
 */
import pg from "pg";
import { unlockDeadWorkers, WORKER_LOCK_NAMESPACE } from "../db/repos/jobs";
import type { DB } from "../db/connection";
import type { Logger } from "../platform/logger";

export interface Liveness {
  /** takes the lock of one of this process's worker ids (before it locks any job, or within the grace period) */
  hold(workerId: string): void;
  stop(): Promise<void>;
}

export async function startLiveness(o: { db: DB; connectionString: string; log: Logger; sweepMs?: number }): Promise<Liveness> {
  const client = new pg.Client({ connectionString: o.connectionString, application_name: "dispatch-workers-liveness" });
  client.on("error", (err) => o.log.warn("liveness connection error", err));
  await client.connect();
  let chain: Promise<unknown> = Promise.resolve();
  const sweep = () =>
    unlockDeadWorkers(o.db).then(
      (dead) => {
        if (dead.length) o.log.warn(`freed the jobs of ${dead.length} worker(s) whose process is gone: ${dead.join(", ")}`);
      },
      (e: unknown) => o.log.warn("could not look for dead workers' jobs", e),
    );
  const timer = setInterval(() => void sweep(), o.sweepMs ?? 5000);
  timer.unref();
  void sweep();
  return {
    hold(workerId) {
      chain = chain.then(() =>
        client
          .query("select pg_advisory_lock($1, hashtext($2))", [WORKER_LOCK_NAMESPACE, workerId])
          .catch((e: unknown) => o.log.warn(`could not take the liveness lock of ${workerId}`, e)),
      );
    },
    async stop() {
      clearInterval(timer);
      await chain;
      await client.end().catch(() => {});
    },
  };
}
