import type { ActorKind } from "../core/ticket";

/**
 * Who performs a business action: a signed-in user (with the address the request came from), an agency
 * user, a technician through a signed link, the customer, or the system itself (a worker, the ARI app).
 * Every service writes it to the ticket history and the audit log.
 */
export type Actor =
  | { kind: Extract<ActorKind, "user" | "agency">; userId: number; label?: string; ip?: string | null }
  | { kind: Extract<ActorKind, "technician" | "customer" | "system">; userId?: undefined; label: string; ip?: string | null };
