/**
 * An agency's technicians, managed by the agency's admin from the portal (agency_portal:technicians): add,
 * edit (name, mobile), deactivate and reactivate. Mobiles are stored in the one form core/phone.ts gives
 * (+989XXXXXXXXX), unique within the agency. `agencies.technician_count` (what the agency's capacity is
 * reckoned from) is kept equal to its number of active technicians, in the same transaction.
 *
 * The actor's agency is read from their user row inside the transaction; a technician of another agency is
 * TechnicianError("not_found"), the same as one that does not exist. A manager (agencies:manage) manages any
 * agency's technicians from its admin page by naming the agency (`agencyId`).
 */
import type { Transaction } from "kysely";
import { normalizeIranMobile } from "../core/phone";
import { can } from "../core/roles";
import type { DB } from "../db/connection";
import { writeAudit } from "../db/repos/audit";
import type { Database } from "../db/schema";
import type { Actor } from "./actor";

export const MAX_TECHNICIAN_NAME_LENGTH = 100;

export type TechnicianErrorCode = "forbidden" | "not_found" | "name" | "mobile" | "duplicate";

export class TechnicianError extends Error {
  constructor(readonly code: TechnicianErrorCode) {
    super(`technician change refused: ${code}`);
    this.name = "TechnicianError";
  }
}

export interface TechnicianInput {
  fullName: string;
  mobile: string;
  /** a manager's change: the agency whose technician it is (an agency admin's is always their own) */
  agencyId?: number;
}

function clean(input: TechnicianInput): { full_name: string; mobile: string } {
  const fullName = input.fullName.trim().replace(/\s+/g, " ");
  if (!fullName || fullName.length > MAX_TECHNICIAN_NAME_LENGTH) throw new TechnicianError("name");
  const mobile = normalizeIranMobile(input.mobile);
  if (!mobile) throw new TechnicianError("mobile");
  return { full_name: fullName, mobile };
}

/**
 * The agency whose technicians this actor may manage: an active agency admin's own, or the named one for an
 * active user holding agencies:manage; else "forbidden" ("not_found" for a named agency that does not exist).
 */
async function managedAgency(trx: Transaction<Database>, actor: Actor, agencyId?: number): Promise<number> {
  if (actor.userId === undefined) throw new TechnicianError("forbidden");
  const user = await trx.selectFrom("users").select(["role", "agency_id", "active"]).where("id", "=", actor.userId).executeTakeFirst();
  if (!user || !user.active) throw new TechnicianError("forbidden");
  if (agencyId !== undefined && can(user.role, "agencies:manage")) {
    const agency = await trx.selectFrom("agencies").select("id").where("id", "=", agencyId).executeTakeFirst();
    if (!agency) throw new TechnicianError("not_found");
    return agency.id;
  }
  if (user.agency_id == null || !can(user.role, "agency_portal:technicians")) throw new TechnicianError("forbidden");
  if (agencyId !== undefined && agencyId !== user.agency_id) throw new TechnicianError("forbidden");
  return user.agency_id;
}

/** technician_count := the agency's active technicians (the agency row is locked first, so concurrent changes serialise). */
async function recount(trx: Transaction<Database>, agencyId: number) {
  await trx
    .updateTable("agencies")
    .set((eb) => ({
      technician_count: eb
        .selectFrom("technicians")
        .select(eb.fn.countAll<number>().as("n"))
        .where("technicians.agency_id", "=", agencyId)
        .where("technicians.active", "=", true),
    }))
    .where("id", "=", agencyId)
    .execute();
}

async function lockAgency(trx: Transaction<Database>, agencyId: number) {
  await trx.selectFrom("agencies").select("id").where("id", "=", agencyId).forUpdate().executeTakeFirstOrThrow();
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string }).code === "23505";
}

export async function addTechnician(db: DB, actor: Actor, input: TechnicianInput): Promise<{ technicianId: number }> {
  const values = clean(input);
  try {
    return await db.transaction().execute(async (trx) => {
      const agencyId = await managedAgency(trx, actor, input.agencyId);
      await lockAgency(trx, agencyId);
      const row = await trx.insertInto("technicians").values({ agency_id: agencyId, ...values }).returning("id").executeTakeFirstOrThrow();
      await recount(trx, agencyId);
      await writeAudit(trx, {
        actorUserId: actor.userId ?? null,
        action: "technician.create",
        entityType: "technician",
        entityId: row.id,
        ip: actor.ip ?? null,
        details: { agencyId, fullName: values.full_name },
      });
      return { technicianId: row.id };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new TechnicianError("duplicate");
    throw err;
  }
}

/** The technician, locked, if it belongs to the actor's agency. */
async function ownTechnician(trx: Transaction<Database>, agencyId: number, technicianId: number) {
  const tech = await trx
    .selectFrom("technicians")
    .select(["id", "agency_id", "full_name", "mobile", "active"])
    .where("id", "=", technicianId)
    .where("agency_id", "=", agencyId)
    .forUpdate()
    .executeTakeFirst();
  if (!tech) throw new TechnicianError("not_found");
  return tech;
}

export async function updateTechnician(db: DB, actor: Actor, input: TechnicianInput & { technicianId: number }): Promise<void> {
  const values = clean(input);
  try {
    await db.transaction().execute(async (trx) => {
      const agencyId = await managedAgency(trx, actor, input.agencyId);
      const before = await ownTechnician(trx, agencyId, input.technicianId);
      await trx.updateTable("technicians").set(values).where("id", "=", before.id).execute();
      await writeAudit(trx, {
        actorUserId: actor.userId ?? null,
        action: "technician.update",
        entityType: "technician",
        entityId: before.id,
        ip: actor.ip ?? null,
        details: { agencyId, from: { fullName: before.full_name }, to: { fullName: values.full_name }, mobileChanged: before.mobile !== values.mobile },
      });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new TechnicianError("duplicate");
    throw err;
  }
}

/**
 * Deactivates (no new jobs; past jobs keep their technician) or reactivates a technician. Returns false
 * when it was already so (nothing written).
 */
export async function setTechnicianActive(db: DB, actor: Actor, input: { technicianId: number; active: boolean; agencyId?: number }): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const agencyId = await managedAgency(trx, actor, input.agencyId);
    await lockAgency(trx, agencyId);
    const tech = await ownTechnician(trx, agencyId, input.technicianId);
    if (tech.active === input.active) return false;
    await trx.updateTable("technicians").set({ active: input.active }).where("id", "=", tech.id).execute();
    await recount(trx, agencyId);
    await writeAudit(trx, {
      actorUserId: actor.userId ?? null,
      action: input.active ? "technician.reactivate" : "technician.deactivate",
      entityType: "technician",
      entityId: tech.id,
      ip: actor.ip ?? null,
      details: { agencyId },
    });
    return true;
  });
}
