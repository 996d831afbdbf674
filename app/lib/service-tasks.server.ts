// The loaner/replacement tasks' door to the data layer and services (issue 15 §2), for /desk/service-tasks only.
export * as serviceTasks from "../../db/repos/service-tasks";
export { moveServiceTask, ServiceTaskError } from "../../services/supervisor-tasks";
export { workingCalendars } from "../../services/working-calendar";
