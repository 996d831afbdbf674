/**
 * Agencies imported from a CSV (issue 14 §5). `requestAgencyImport` stores the upload and queues the
 * `agency__import` job in one transaction; `runAgencyImport` (the job) validates EVERY row first
 * (core/agency-admin.ts validateAgencyCsv, plus the codes already in the database) and then imports all the
 * rows in one transaction, or none: a file with any bad row imports nothing and leaves the per-row report.
 * Progress is written to the agency_imports row in short statements of their own (outside the import's
 * transaction), so the page's progress bar moves while the import runs; the row says 'done' only in the
 * import's own transaction, with the audit row `agency.import`. Each step is also NOTIFYed on
 * AGENCY_IMPORT_CHANNEL (core/agency-import-events.ts; the 'done' one with the import's commit), so the page
 * is pushed its progress instead of asking for it.
 */
import { sql } from "kysely";
import { AGENCY_CSV_COLUMNS, MAX_IMPORT_BYTES, validateAgencyCsv, type AgencyImportRow, type CsvRowError } from "../core/agency-admin";
import { AGENCY_IMPORT_CHANNEL, agencyImportPayload, type AgencyImportStatus } from "../core/agency-import-events";
import type { DB } from "../db/connection";
import { addJob } from "../db/job-queue";
import { writeAudit } from "../db/repos/audit";
import type { Actor } from "./actor";

export const AGENCY_IMPORT_TASK = "agency__import";
/** progress is written every this many rows */
const PROGRESS_EVERY = 25;

export class AgencyImportInputError extends Error {
  constructor(readonly code: "empty" | "tooLarge" | "encoding") {
    super(`agency import refused: ${code}`);
  }
}

/** The upload, stored and queued; returns the import's id (the page follows it). */
export async function requestAgencyImport(db: DB, actor: Actor, input: { filename: string; bytes: Uint8Array }): Promise<{ importId: number }> {
  if (!input.bytes.length) throw new AgencyImportInputError("empty");
  if (input.bytes.length > MAX_IMPORT_BYTES) throw new AgencyImportInputError("tooLarge");
  let content: string;
  try {
    content = new TextDecoder("utf-8", { fatal: true }).decode(input.bytes);
  } catch {
    throw new AgencyImportInputError("encoding");
  }
  if (content.includes("\u0000")) throw new AgencyImportInputError("encoding");
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto("agency_imports")
      .values({ created_by: actor.userId ?? null, filename: input.filename.slice(0, 200) || "agencies.csv", content })
      .returning("id")
      .executeTakeFirstOrThrow();
    await addJob(trx, AGENCY_IMPORT_TASK, { importId: row.id }, { jobKey: `agency_import:${row.id}`, maxAttempts: 3 });
    return { importId: row.id };
  });
}

/** NOTIFY the import's progress (inside a transaction: delivered at its commit). */
async function notifyProgress(db: DB, importId: number, status: AgencyImportStatus, processed: number, total: number | null) {
  await sql`select pg_notify(${AGENCY_IMPORT_CHANNEL}, ${agencyImportPayload({ importId, status, processed, total })})`.execute(db);
}

async function fail(db: DB, importId: number, errors: CsvRowError[], processed: number, total: number | null) {
  await db
    .updateTable("agency_imports")
    .set({ status: "failed", errors: JSON.stringify(errors), processed_rows: processed, finished_at: new Date() })
    .where("id", "=", importId)
    .execute();
  await notifyProgress(db, importId, "failed", processed, total);
}

/** The job: validate all, then import all in one transaction, or nothing. Idempotent: a finished import is left alone. */
export async function runAgencyImport(db: DB, importId: number): Promise<{ status: "done" | "failed" | "skipped"; imported: number; errors: CsvRowError[] }> {
  const job = await db.selectFrom("agency_imports").select(["id", "status", "content", "created_by"]).where("id", "=", importId).executeTakeFirst();
  if (!job || job.status === "done" || job.status === "failed") return { status: "skipped", imported: 0, errors: [] };
  await db.updateTable("agency_imports").set({ status: "validating", processed_rows: 0 }).where("id", "=", importId).execute();
  await notifyProgress(db, importId, "validating", 0, null);

  const first = validateAgencyCsv(job.content);
  const codes = [...new Set(first.rows.map((r) => r.code).concat(codesOf(job.content)))];
  const existing = codes.length
    ? new Set((await db.selectFrom("agencies").select("code").where("code", "in", codes).execute()).map((r) => r.code))
    : new Set<string>();
  const { rows, errors } = existing.size ? validateAgencyCsv(job.content, existing) : first;
  const total = rows.length || countDataRows(job.content);
  await db.updateTable("agency_imports").set({ total_rows: total }).where("id", "=", importId).execute();
  if (errors.length) {
    await fail(db, importId, errors, 0, total);
    return { status: "failed", imported: 0, errors };
  }

  await db.updateTable("agency_imports").set({ status: "importing" }).where("id", "=", importId).execute();
  await notifyProgress(db, importId, "importing", 0, total);
  try {
    await db.transaction().execute(async (trx) => {
      for (const [i, r] of rows.entries()) {
        await insertAgency(trx, r);
        if ((i + 1) % PROGRESS_EVERY === 0) {
          // outside the transaction: the page sees it now
          await db.updateTable("agency_imports").set({ processed_rows: i + 1 }).where("id", "=", importId).execute();
          await notifyProgress(db, importId, "importing", i + 1, total);
        }
      }
      await trx
        .updateTable("agency_imports")
        .set({ status: "done", processed_rows: rows.length, imported_rows: rows.length, finished_at: new Date() })
        .where("id", "=", importId)
        .execute();
      await notifyProgress(trx, importId, "done", rows.length, total);
      await writeAudit(trx, {
        actorUserId: job.created_by,
        action: "agency.import",
        entityType: "agency_import",
        entityId: importId,
        details: { imported: rows.length, codes: rows.slice(0, 50).map((r) => r.code) },
      });
    });
  } catch (err) {
    // a code taken meanwhile (unique violation) or a row the database refused: nothing was imported
    const code = (err as { code?: string }).code;
    const detail = String((err as { detail?: string }).detail ?? "");
    const row = code === "23505" ? rows.findIndex((r) => detail.includes(`(${r.code})`)) + 1 : 0;
    const errs: CsvRowError[] = [{ row, column: code === "23505" ? "code" : null, code: code === "23505" ? "codeExists" : "columns" }];
    await fail(db, importId, errs, 0, total);
    if (code !== "23505" && !code?.startsWith("23")) throw err;
    return { status: "failed", imported: 0, errors: errs };
  }
  return { status: "done", imported: rows.length, errors: [] };
}

function codesOf(content: string): string[] {
  // the codes as typed (upper-cased), so the database check covers rows that failed other checks too
  const lines = content.replace(/^\ufeff/, "").split(/\r?\n/);
  const header = (lines[0] ?? "").split(",").map((h) => h.trim().toLowerCase());
  const i = header.indexOf(AGENCY_CSV_COLUMNS[0]);
  if (i < 0) return [];
  return lines
    .slice(1)
    .map((l) => (l.split(",")[i] ?? "").trim().toUpperCase())
    .filter((c) => /^[A-Z0-9-]{2,20}$/.test(c));
}

function countDataRows(content: string): number {
  return content
    .replace(/^\ufeff/, "")
    .split(/\r?\n/)
    .slice(1)
    .filter((l) => l.trim()).length;
}

async function insertAgency(trx: DB, r: AgencyImportRow) {
  const row = await trx
    .insertInto("agencies")
    .values({
      code: r.code,
      name: r.name,
      manager_name: r.managerName,
      mobile: r.mobile,
      phones: r.phones,
      province: r.province,
      city: r.city,
      address_text: r.address,
      lat: r.lat,
      lng: r.lng,
      service_radius_km: r.serviceRadiusKm,
      daily_job_capacity: r.dailyJobCapacity,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const areas = new Map(r.serviceAreas.map((a) => [`${a.province}/${a.city ?? ""}`, a]));
  if (areas.size) {
    await trx
      .insertInto("agency_service_areas")
      .values([...areas.values()].map((a) => ({ agency_id: row.id, province: a.province, city: a.city })))
      .execute();
  }
}
