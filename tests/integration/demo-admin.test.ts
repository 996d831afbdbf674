/**
 * The demo's administration history (db/seed/demo-admin.ts): on a freshly seeded demo, the audit log's latest
 * rows (what /admin/audit shows) hold the admin's and the manager's actions of the last days, each naming a
 * user, agency, technician or rule that exists as the log says.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recentAudit } from "../../db/repos/audit";
import { seedDemo } from "../../db/seed/demo";
import { getTestDb, resetDatabase } from "../support/db";

let recordingsDir: string;
const NOW = new Date("2026-11-23T08:00:00Z");

beforeAll(async () => {
  const db = await getTestDb();
  await resetDatabase(db);
  recordingsDir = await mkdtemp(path.join(tmpdir(), "demo-admin-"));
  await seedDemo(db, { now: NOW, recordingsDir });
}, 120_000);

afterAll(async () => {
  if (recordingsDir) await rm(recordingsDir, { recursive: true, force: true });
});

describe("the demo's administration in the audit log", () => {
  it("shows recent admin and manager actions among the latest rows, naming what exists", async () => {
    const db = await getTestDb();
    const rows = await recentAudit(db, 100);
    const admin = rows.filter((r) =>
      ["user.update", "user.deactivate", "user.activate", "user.password_reset", "agency.update", "agency.authorizations_update", "technician.create", "sla_target.create"].includes(r.action),
    );
    expect(new Set(admin.map((r) => r.action))).toEqual(
      new Set(["user.update", "user.deactivate", "user.activate", "user.password_reset", "agency.update", "agency.authorizations_update", "technician.create", "sla_target.create"]),
    );
    for (const r of admin) {
      expect(r.at.getTime()).toBeLessThan(NOW.getTime());
      expect(r.at.getTime()).toBeGreaterThan(NOW.getTime() - 30 * 86_400_000);
      expect(r.actor_name).toBeTruthy();
    }
    const reset = admin.find((r) => r.action === "user.password_reset")!;
    expect(reset).toMatchObject({ entity_username: "agency1staff" });
    expect(admin.find((r) => r.action === "agency.update")).toMatchObject({ entity_agency_code: "THR-002" });
    expect(admin.find((r) => r.action === "technician.create")?.entity_technician_name).toBeTruthy();
    // the accounts the log says were paused and restored are active
    const users = await db.selectFrom("users").select(["username", "active", "role"]).where("username", "in", ["operator2", "supervisor", "agency1staff"]).execute();
    expect(users.every((u) => u.active)).toBe(true);
    expect(users.find((u) => u.username === "supervisor")?.role).toBe("supervisor");
  });
});
