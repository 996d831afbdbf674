/**
 * `service_tasks__sweep` (crontab, every 15 minutes): raises the supervisors' loaner and replacement tasks
 * (issue 15 §2; services/supervisor-tasks.ts sweepServiceTasks). Safe when two workers run it (one task per
 * ticket and kind).
 */
import type { Task } from "graphile-worker";
import type { DB } from "../../db/connection";
import { sweepServiceTasks } from "../../services/supervisor-tasks";

export function serviceTasksSweepTask(deps: { db: DB }): Task {
  return async (_payload, helpers) => {
    const raised = await sweepServiceTasks(deps.db);
    if (raised.loaner + raised.replacement > 0) helpers.logger.info(`service_tasks__sweep: ${raised.loaner} loaner, ${raised.replacement} replacement`);
  };
}
