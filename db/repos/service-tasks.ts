// The supervisors' loaner and replacement tasks (issue 15 §2) for their desk page.
import type { SupervisorTaskKind, SupervisorTaskReason, SupervisorTaskStatus } from "../../core/service-rules";
import type { DB } from "../connection";

export interface ServiceTaskRow {
  id: number;
  kind: SupervisorTaskKind;
  reason: SupervisorTaskReason;
  status: SupervisorTaskStatus;
  ticketId: number;
  ticketNumber: number;
  evidence: Record<string, unknown>;
  createdAt: Date;
}

/** Tasks not yet resolved, newest first (the partial index supervisor_tasks_unresolved_idx). */
export async function unresolvedServiceTasks(db: DB, limit = 200): Promise<ServiceTaskRow[]> {
  const rows = await db
    .selectFrom("supervisor_tasks as s")
    .innerJoin("tickets as t", "t.id", "s.ticket_id")
    .select(["s.id", "s.kind", "s.reason", "s.status", "s.ticket_id", "t.number", "s.evidence", "s.created_at"])
    .where("s.status", "<>", "resolved")
    .orderBy("s.created_at", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    reason: r.reason,
    status: r.status,
    ticketId: r.ticket_id,
    ticketNumber: r.number,
    evidence: r.evidence,
    createdAt: r.created_at,
  }));
}
