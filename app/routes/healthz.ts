import type { LoaderFunctionArgs } from "@remix-run/node";
import { pingDatabase, telephonyHealth, workersHealth } from "~/lib/db.server";

const startedAt = Date.now();

/**
 * Liveness and what this process can see: the database, and the telephony processes' ARI connections as
 * they report them in PostgreSQL (telephony_nodes), whether they run inside this process or apart. A
 * disconnected telephony shell is reported, not a failure of the web process (status stays 200). The
 * workers: the worker processes alive (worker_nodes heartbeats: node, host, pid, last beat; 'absent' when
 * none beats) and graphile-worker's queue (jobs waiting, running, failed, and how long the oldest has waited).
 */
export async function loader({ context }: LoaderFunctionArgs) {
  const dbOk = await pingDatabase(context.db);
  const telephony = dbOk ? await telephonyHealth(context.db).catch(() => null) : null;
  const workers = dbOk ? await workersHealth(context.db).catch(() => null) : null;
  return Response.json(
    {
      status: dbOk ? "ok" : "error",
      db: dbOk ? "ok" : "unreachable",
      telephony: telephony ?? { status: "unknown", nodes: [] },
      workers: workers ?? { status: "unknown" },
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
    },
    { status: dbOk ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
}
