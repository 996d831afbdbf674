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
  const held = new Set<string>();
  let stopping = false;
  let chain: Promise<unknown> = Promise.resolve();
  const lock = (c: pg.Client, workerId: string) =>
    c.query("select pg_advisory_lock($1, hashtext($2))", [WORKER_LOCK_NAMESPACE, workerId]).then(
      () => undefined,
      (e: unknown) => o.log.warn(`could not take the liveness lock of ${workerId}`, e),
    );
  // The connection that holds the locks. Lost (the server restarted, the network broke): a new one takes
  // them all again at once, before the other processes' grace period lets them free this one's jobs.
  const connect = async (): Promise<pg.Client> => {
    const c = new pg.Client({ connectionString: o.connectionString, application_name: "dispatch-workers-liveness" });
    c.on("error", (err) => o.log.warn("liveness connection error", err));
    c.on("end", () => {
      if (stopping) return;
      o.log.warn("liveness connection lost: taking the locks again");
      chain = chain.then(() => reconnect());
    });
    await c.connect();
    for (const id of held) await lock(c, id);
    return c;
  };
  const reconnect = async (): Promise<void> => {
    for (let wait = 500; !stopping; wait = Math.min(wait * 2, 5000)) {
      try {
        client = await connect();
        return;
      } catch (e) {
        o.log.warn("liveness connection: could not reconnect", e);
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  };
  let client = await connect();
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
      held.add(workerId);
      chain = chain.then(() => lock(client, workerId));
    },
    async stop() {
      stopping = true;
      clearInterval(timer);
      await chain;
      await client.end().catch(() => {});
    },
  };
}
