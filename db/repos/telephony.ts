import { sql } from "kysely";
import type { DB } from "../connection";

/** A telephony process counts as running while its heartbeat is this recent. */
export const TELEPHONY_HEARTBEAT_STALE_SECONDS = 30;

/**
 * The telephony processes' health for /healthz, read from PostgreSQL (each process writes its row), so the
 * web process reports it whether telephony runs inside it or apart.
 */
export async function telephonyHealth(db: DB) {
  const nodes = await db
    .selectFrom("telephony_nodes")
    .select([
      "node_id",
      "host",
      "pid",
      "ari_url",
      "ari_app",
      "connected",
      "last_connected_at",
      "last_error",
      "last_error_at",
      "reconnects",
      "heartbeat_at",
    ])
    .where("stopped_at", "is", null)
    .where("heartbeat_at", ">", sql<Date>`now() - make_interval(secs => ${TELEPHONY_HEARTBEAT_STALE_SECONDS})`)
    .orderBy("started_at")
    .execute();
  return {
    status: nodes.length === 0 ? "absent" : nodes.every((n) => n.connected) ? "connected" : nodes.some((n) => n.connected) ? "degraded" : "disconnected",
    nodes: nodes.map((n) => ({
      nodeId: n.node_id,
      host: n.host,
      pid: n.pid,
      ariUrl: n.ari_url,
      ariApp: n.ari_app,
      connected: n.connected,
      lastConnectedAt: n.last_connected_at,
      lastError: n.last_error,
      lastErrorAt: n.last_error_at,
      reconnects: n.reconnects,
      heartbeatAt: n.heartbeat_at,
    })),
  } as const;
}
