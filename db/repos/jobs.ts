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
