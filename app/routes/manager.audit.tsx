// The audit log inside the manager's section: managers hold audit:read but not users:manage, so the
// admin section's layout (users:manage) is closed to them. Same loader, guard and page as /admin/audit.
export { loader, default } from "./admin.audit";
