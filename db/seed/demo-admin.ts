import type { Kysely } from "kysely";
import type { AuditEntry } from "../repos/audit";
import type { Database } from "../schema";

/*
 * The administration's demo history (issue 14 §5): a few plausible admin and manager actions of the last days,
 * as the services' audit writer words them (AuditEntry: action, entity, details) but dated in the past (the
 * log is append-only, so each row is inserted with its time, as the demo's own audit rows are), so the audit
 * log of a fresh `npm start` reads administration in words — a role raised, an account paused and
 * restored, a password reset, an agency's details and authorisations edited, a technician added, a
 * province-specific SLA rule. Each names what the demo data already shows (the roles, accounts, agencies,
 * technicians and rules as they are), so nothing in the log contradicts the pages. Deterministic.
 */

const HOUR = 3_600_000;

export async function seedDemoAdminActions(db: Kysely<Database>, now: Date): Promise<Record<string, number>> {
  const users = new Map((await db.selectFrom("users").select(["id", "username"]).execute()).map((u) => [u.username, u.id]));
  const agencies = new Map((await db.selectFrom("agencies").select(["id", "code"]).execute()).map((a) => [a.code, a.id]));
  const admin = users.get("admin");
  const manager = users.get("manager");
  const thr1 = agencies.get("THR-001");
  const thr2 = agencies.get("THR-002");
  if (!admin || !manager || !thr1 || !thr2) return { admin_audit: 0 };
  const auth = await db.selectFrom("agency_authorizations").select(["brand_id", "category_id"]).where("agency_id", "=", thr1).orderBy("brand_id").orderBy("category_id").limit(1).executeTakeFirst();
  const tech = await db.selectFrom("technicians").select(["id", "full_name"]).where("agency_id", "=", thr1).orderBy("id", "desc").limit(1).executeTakeFirst();
  const rule = await db.selectFrom("sla_targets").select(["id", "province", "accept_minutes", "visit_minutes", "resolve_minutes"]).where("province", "is not", null).orderBy("id").limit(1).executeTakeFirst();

  const office = "10.10.1.5";
  const managerDesk = "10.10.1.7";
  const actions: { hoursAgo: number; e: AuditEntry }[] = [
    {
      hoursAgo: 20 * 24,
      e: { actorUserId: admin, action: "user.update", entityType: "user", entityId: users.get("supervisor"), ip: office, details: { username: "supervisor", from: { role: "operator", agencyId: null }, to: { role: "supervisor", agencyId: null } } },
    },
    ...(tech ? [{ hoursAgo: 6 * 24, e: { actorUserId: admin, action: "technician.create", entityType: "technician", entityId: tech.id, ip: office, details: { agencyId: thr1, fullName: tech.full_name } } as AuditEntry }] : []),
    ...(auth
      ? [{ hoursAgo: 3 * 24, e: { actorUserId: manager, action: "agency.authorizations_update", entityType: "agency", entityId: thr1, ip: managerDesk, details: { code: "THR-001", added: [{ brandId: auth.brand_id, categoryId: auth.category_id }], removed: [] } } as AuditEntry }]
      : []),
    ...(rule
      ? [{ hoursAgo: 50, e: { actorUserId: manager, action: "sla_target.create", entityType: "sla_target", entityId: rule.id, ip: managerDesk, details: { after: { province: rule.province, accept_minutes: rule.accept_minutes, visit_minutes: rule.visit_minutes, resolve_minutes: rule.resolve_minutes } } } as AuditEntry }]
      : []),
    { hoursAgo: 30, e: { actorUserId: admin, action: "user.deactivate", entityType: "user", entityId: users.get("operator2"), ip: office, details: { reason: "مرخصی یک‌روزه", sessionsEnded: 1 } } },
    { hoursAgo: 26, e: { actorUserId: admin, action: "user.activate", entityType: "user", entityId: users.get("operator2"), ip: office, details: { username: "operator2" } } },
    { hoursAgo: 7, e: { actorUserId: admin, action: "user.password_reset", entityType: "user", entityId: users.get("agency1staff"), ip: office, details: { username: "agency1staff", generated: true, sessionsEnded: 0 } } },
    { hoursAgo: 4, e: { actorUserId: manager, action: "agency.update", entityType: "agency", entityId: thr2, ip: managerDesk, details: { code: "THR-002", changed: ["phones", "working_hours"] } } },
  ];
  await db
    .insertInto("audit_log")
    .values(
      actions.map(({ hoursAgo, e }) => ({
        at: new Date(now.getTime() - hoursAgo * HOUR),
        actor_user_id: e.actorUserId,
        action: e.action,
        entity_type: e.entityType ?? null,
        entity_id: e.entityId == null ? null : String(e.entityId),
        ip: e.ip ?? null,
        details: JSON.stringify(e.details ?? {}),
      })),
    )
    .execute();
  return { admin_audit: actions.length };
}
