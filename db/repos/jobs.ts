import { sql } from "kysely";
import type { DB } from "../connection";

/** A worker process counts as alive while its heartbeat is this recent (it beats every 10 s). */
export const WORKER_HEARTBEAT_STALE_SECONDS = 30;

export interface WorkerNodeHealth {
  nodeId: string;
  host: string;
  pid: number;
  concurrency: number;
  startedAt: string;
  heartbeatAt: string;
}

export interface WorkersHealth {
  /** 'running': at least one worker process beats; 'absent': none (jobs wait) */
  status: "running" | "absent";
  /** the worker processes alive now */
  nodes: WorkerNodeHealth[];
  /** jobs due now and not taken by a worker */
  waiting: number;
  /** jobs a worker is running now */
  running: number;
  /** jobs that used up their attempts (kept by graphile-worker for a person to look at) */
  failed: number;
  /** when the longest-waiting due job became due (null: none waits) */
  oldestWaitingSince: string | null;
  /** how long it has waited, in seconds */
  oldestWaitingSeconds: number | null;
}

/**
 * The workers as PostgreSQL shows them (whether they run in this process or apart): the processes alive
 * (worker_nodes heartbeats) and the job queue (graphile-worker's tables).
 */
export async function workersHealth(db: DB): Promise<WorkersHealth> {
  const nodes = await db
    .selectFrom("worker_nodes")
    .select(["node_id", "host", "pid", "concurrency", "started_at", "heartbeat_at"])
    .where("stopped_at", "is", null)
    .where("heartbeat_at", ">", sql<Date>`now() - make_interval(secs => ${WORKER_HEARTBEAT_STALE_SECONDS})`)
    .orderBy("started_at")
    .execute();
  const { rows } = await sql<{ waiting: number; running: number; failed: number; oldest: Date | null }>`
    select
      count(*) filter (where locked_at is null and run_at <= now() and attempts < max_attempts)::int as waiting,
      count(*) filter (where locked_at is not null)::int as running,
      count(*) filter (where attempts >= max_attempts)::int as failed,
      min(run_at) filter (where locked_at is null and run_at <= now() and attempts < max_attempts) as oldest
    from graphile_worker._private_jobs`.execute(db);
  const r = rows[0]!;
  const oldest = r.oldest ? new Date(r.oldest) : null;
  return {
    status: nodes.length > 0 ? "running" : "absent",
    nodes: nodes.map((n) => ({
      nodeId: n.node_id,
      host: n.host,
      pid: n.pid,
      concurrency: n.concurrency,
      startedAt: n.started_at.toISOString(),
      heartbeatAt: n.heartbeat_at.toISOString(),
    })),
    waiting: r.waiting,
    running: r.running,
    failed: r.failed,
    oldestWaitingSince: oldest ? oldest.toISOString() : null,
    oldestWaitingSeconds: oldest ? Math.max(0, Math.round((Date.now() - oldest.getTime()) / 1000)) : null,
  };
}

/** A worker process starts: its row (rows of processes gone for a day are forgotten). */
export async function registerWorkerNode(db: DB, n: { nodeId: string; host: string; pid: number; concurrency: number }): Promise<void> {
  await db.deleteFrom("worker_nodes").where("heartbeat_at", "<", sql<Date>`now() - interval '1 day'`).execute();
  await db
    .insertInto("worker_nodes")
    .values({ node_id: n.nodeId, host: n.host, pid: n.pid, concurrency: n.concurrency })
    .onConflict((oc) => oc.column("node_id").doUpdateSet({ heartbeat_at: sql`now()`, stopped_at: null }))
    .execute();
}

/** The process is alive. */
export async function beatWorkerNode(db: DB, nodeId: string): Promise<void> {
  await db.updateTable("worker_nodes").set({ heartbeat_at: sql`now()` }).where("node_id", "=", nodeId).execute();
}

/** The process stopped cleanly. */
export async function stopWorkerNode(db: DB, nodeId: string): Promise<void> {
  await db.updateTable("worker_nodes").set({ stopped_at: sql`now()` }).where("node_id", "=", nodeId).execute();
}

/**
 * Advisory-lock namespace of the worker processes' liveness locks (workers/liveness.ts): each live worker
 * process holds, on a connection of its own, one session lock (WORKER_LOCK_NAMESPACE, hashtext(workerId))
 * per graphile-worker worker id of its own. A killed process's connection closes and its locks go with it.
 */
export const WORKER_LOCK_NAMESPACE = 0x5357; // "SW"

/**
 * Frees the jobs locked by workers whose process is gone (graphile-worker itself waits 4 hours): a job
 * locked for longer than `graceSeconds` whose worker id's liveness lock nobody holds. Returns the dead
 * worker ids. Safe to run from every process at once.
 */
export async function unlockDeadWorkers(db: DB, graceSeconds = 10): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ locked_by: string }>`
      select w.locked_by from (
        select distinct locked_by from graphile_worker._private_jobs
        where locked_by is not null and locked_at < now() - make_interval(secs => ${graceSeconds})
      ) w
      where pg_try_advisory_xact_lock(${WORKER_LOCK_NAMESPACE}, hashtext(w.locked_by))`.execute(trx);
    const dead = rows.map((r) => r.locked_by);
    if (dead.length) await sql`select graphile_worker.force_unlock_workers(${dead}::text[])`.execute(trx);
    return dead;
  });
}
