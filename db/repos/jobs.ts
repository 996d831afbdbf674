import { sql } from "kysely";
import type { DB } from "../connection";

export interface WorkersHealth {
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

/** The job queue as graphile-worker's tables show it (whether the workers run here or apart). */
export async function workersHealth(db: DB): Promise<WorkersHealth> {
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
    waiting: r.waiting,
    running: r.running,
    failed: r.failed,
    oldestWaitingSince: oldest ? oldest.toISOString() : null,
    oldestWaitingSeconds: oldest ? Math.max(0, Math.round((Date.now() - oldest.getTime()) / 1000)) : null,
  };
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
