/**
 * Loaner and replacement tasks for the supervisors (issue 15 §2, rules in core/service-rules.ts):
 *  - `sweepServiceTasks` (workers/tasks/service_tasks__sweep.ts, crontab): raises, once per ticket and kind,
 *    a 'loaner' task for each breakdown still unrepaired `loaner_after_days` working days after registration,
 *    and a 'replacement' task for each breakdown whose technician pressed "cannot repair" (its supervisor alert)
 *    or whose appliance came back with the same fault within `repeat_fault_days` days — each with its evidence
 *    (the tickets involved with their numbers, the reason, the history rows that show it), a history note on the
 *    ticket and an audit row, in one transaction;
 *  - `moveServiceTask`: a supervisor acknowledges a task, then resolves it with a note (audited).
 */
import { sql } from "kysely";
import { canMoveTask, MAX_TASK_NOTE, needsLoaner, repeatFaultRuleOf, TASK_KIND_OF, type SupervisorTaskReason } from "../core/service-rules";
import type { TicketStatus, TicketType } from "../core/ticket";
import type { DB } from "../db/connection";
import { writeAudit } from "../db/repos/audit";
import { withinRepeatWindowSql } from "../db/repos/repeat-jobs";
import type { Actor } from "./actor";
import { workingCalendars } from "./working-calendar";

export class ServiceTaskError extends Error {
  constructor(readonly code: "not_found" | "already_done" | "note_too_long") {
    super(`service task: ${code}`);
  }
}

const TASK_LABEL = "پایش جایگزینی و دستگاه امانی";

interface Candidate {
  ticketId: number;
  reason: SupervisorTaskReason;
  evidence: Record<string, unknown>;
}

/** Raises the tasks due at `now`. Returns how many of each kind it raised. */
export async function sweepServiceTasks(db: DB, opts: { now?: Date; batch?: number } = {}): Promise<{ loaner: number; replacement: number }> {
  const now = opts.now ?? new Date();
  const batch = opts.batch ?? 500;
  const clock = await workingCalendars(db);
  const rules = clock.rules;
  const candidates: Candidate[] = [];

  // loaner: unrepaired breakdowns registered at least N calendar days ago (N working days are at least that), no loaner task yet
  const open = await sql<{ id: number; number: number; type: TicketType; status: TicketStatus; created_at: Date }>`
    select t.id, t.number, t.type, t.status, t.created_at from tickets t
    where t.type = 'breakdown' and t.status in ('new','dispatching','assigned','scheduled','in_progress','on_hold')
      and t.created_at <= ${now}::timestamptz - make_interval(days => ${rules.loaner_after_days})
      and not exists (select 1 from supervisor_tasks s where s.ticket_id = t.id and s.kind = 'loaner')
    order by t.created_at limit ${batch}`.execute(db);
  for (const t of open.rows) {
    if (!needsLoaner({ type: t.type, status: t.status, createdAt: t.created_at }, now, rules, clock.office)) continue;
    candidates.push({ ticketId: t.id, reason: "open_too_long", evidence: { tickets: [{ id: t.id, number: t.number, role: "this" }], since: t.created_at.toISOString(), workingDays: rules.loaner_after_days, status: t.status } });
  }

  // replacement, "cannot repair": the technician's report (its supervisor alert) on a breakdown without a replacement task
  const unfixable = await sql<{ id: number; number: number; note: string | null; at: Date }>`
    select distinct on (t.id) t.id, t.number, a.note, a.created_at as at from supervisor_alerts a join tickets t on t.id = a.ticket_id
    where a.kind = 'cannot_repair' and not exists (select 1 from supervisor_tasks s where s.ticket_id = t.id and s.kind = 'replacement')
    order by t.id, a.created_at limit ${batch}`.execute(db);
  for (const t of unfixable.rows) {
    candidates.push({ ticketId: t.id, reason: "cannot_repair", evidence: { tickets: [{ id: t.id, number: t.number, role: "this" }], technicianReason: t.note, reportedAt: t.at.toISOString() } });
  }

  // replacement, the same fault again (core/repeat-job.ts under core/service-rules.ts repeatFaultRuleOf): a breakdown
  // of the same appliance and problem category registered within M days after an earlier one, the latest named
  const repeats = await sql<{ id: number; number: number; prev_id: number; prev_number: number; prev_at: Date; at: Date }>`
    select distinct on (t.id) t.id, t.number, p.id as prev_id, p.number as prev_number, p.created_at as prev_at, t.created_at as at
    from tickets t join tickets p on p.customer_product_id = t.customer_product_id and p.problem_category_id = t.problem_category_id
      and p.type = 'breakdown' and p.id <> t.id
      and ${withinRepeatWindowSql(sql.ref("p.created_at"), sql.ref("t.created_at"), repeatFaultRuleOf(rules).windowDays)}
    where t.type = 'breakdown' and t.customer_product_id is not null and t.problem_category_id is not null
      and t.status in ('new','dispatching','assigned','scheduled','in_progress','on_hold')
      and not exists (select 1 from supervisor_tasks s where s.ticket_id = t.id and s.kind = 'replacement')
    order by t.id, p.created_at desc, p.id desc limit ${batch}`.execute(db);
  for (const t of repeats.rows) {
    if (candidates.some((c) => c.ticketId === t.id && TASK_KIND_OF[c.reason] === "replacement")) continue;
    candidates.push({
      ticketId: t.id,
      reason: "repeat_fault",
      evidence: { tickets: [{ id: t.id, number: t.number, role: "this" }, { id: t.prev_id, number: t.prev_number, role: "earlier" }], earlierAt: t.prev_at.toISOString(), at: t.at.toISOString(), withinDays: rules.repeat_fault_days },
    });
  }

  const raised = { loaner: 0, replacement: 0 };
  for (const c of candidates) {
    const kind = TASK_KIND_OF[c.reason];
    await db.transaction().execute(async (trx) => {
      // the history that shows it: the ticket's status changes and reports so far
      const history = await trx
        .selectFrom("ticket_events")
        .select(["at", "event_type", "from_status", "to_status", "data"])
        .where("ticket_id", "=", c.ticketId)
        .where("event_type", "in", ["status_changed", "job_report", "technician_update"])
        .orderBy("at")
        .limit(30)
        .execute();
      const row = await trx
        .insertInto("supervisor_tasks")
        .values({ kind, reason: c.reason, ticket_id: c.ticketId, evidence: JSON.stringify({ ...c.evidence, history }), created_at: now })
        .onConflict((oc) => oc.columns(["ticket_id", "kind"]).doNothing())
        .returning("id")
        .executeTakeFirst();
      if (!row) return;
      raised[kind]++;
      await trx
        .insertInto("ticket_events")
        .values({ ticket_id: c.ticketId, at: now, actor_kind: "system", actor_label: TASK_LABEL, event_type: "note", data: JSON.stringify({ note: kind === "loaner" ? "کار برای دستگاه امانی به سرپرست سپرده شد." : "درخواست تعویض دستگاه به سرپرست سپرده شد.", task: kind, reason: c.reason }) })
        .execute();
      await writeAudit(trx, { actorUserId: null, action: "service_task.raise", entityType: "ticket", entityId: c.ticketId, details: { kind, reason: c.reason, taskId: row.id } });
    });
  }
  return raised;
}

/** A supervisor acknowledges a task, or resolves it with a note. */
export async function moveServiceTask(db: DB, actor: Actor, taskId: number, to: "acknowledged" | "resolved", note: string | null): Promise<void> {
  const text = note?.trim() || null;
  if (text && text.length > MAX_TASK_NOTE) throw new ServiceTaskError("note_too_long");
  await db.transaction().execute(async (trx) => {
    const task = await trx.selectFrom("supervisor_tasks").select(["id", "status", "ticket_id", "kind"]).where("id", "=", taskId).forUpdate().executeTakeFirst();
    if (!task) throw new ServiceTaskError("not_found");
    if (!canMoveTask(task.status, to)) throw new ServiceTaskError("already_done");
    const now = new Date();
    const userId = actor.userId ?? null;
    await trx
      .updateTable("supervisor_tasks")
      .set(
        to === "acknowledged"
          ? { status: "acknowledged", acknowledged_at: now, acknowledged_by: userId }
          : {
              status: "resolved",
              resolved_at: now,
              resolved_by: userId,
              resolution_note: text,
              ...(task.status === "open" ? { acknowledged_at: now, acknowledged_by: userId } : {}),
            },
      )
      .where("id", "=", taskId)
      .execute();
    await writeAudit(trx, {
      actorUserId: userId,
      action: to === "acknowledged" ? "service_task.acknowledge" : "service_task.resolve",
      entityType: "ticket",
      entityId: task.ticket_id,
      ip: actor.ip ?? undefined,
      details: { taskId, kind: task.kind, ...(text ? { note: text } : {}) },
    });
  });
}
