/**
 * The completion report (issue 13, section 3): what was done, the parts used with their serials, the invoice
 * amount for out-of-warranty work. One function for both ways in — the agency's job page (completeJob, an
 * agency user) and the technician's job link (pressJobAction → completeJobInTrx) — writing, in one
 * transaction: the report (completion_reports, one per ticket: a job reopened and finished again replaces
 * it) and its parts (completion_parts), the ticket → `completed` through the life cycle (a job still
 * `scheduled` or `on_hold` passes through `in_progress`, each step in the history), which queues the
 * customer's completion SMS and the satisfaction follow-up (services/tickets.ts), the history row
 * `job_report`, and the audit row; and what the completion does to the product's warranty (an installation
 * starts it, a slow in-warranty repair extends it: services/warranty-products.ts).
 *
 * Photos (optional, core/photos.ts: JPEG/PNG/WebP by their magic bytes, MAX_PHOTOS of at most MAX_PHOTO_BYTES
 * each) go to the photo store (platform/photo-store.ts) and get a completion_photos row each, written in the
 * report's transaction. The files are written BEFORE the transaction commits (each to a temporary name,
 * synced, renamed to its random key: withStoredPhotos) and removed again if the transaction fails. The choice:
 * a row then never names a missing file — a crash between the write and the commit leaves at worst a file
 * no row names (harmless, and findable by listing keys without a row), whereas renaming after the commit
 * could leave committed rows without their files.
 */
import type { Transaction } from "kysely";
import { checkPhotos, sniffPhotoType, type PhotoContentType, type PhotoProblem } from "../core/photos";
import type { SurveyConfig } from "../core/satisfaction";
import type { TicketStatus } from "../core/ticket";
import type { DB } from "../db/connection";
import { writeAudit } from "../db/repos/audit";
import { appendTicketEvent } from "../db/repos/ticket-events";
import type { Database } from "../db/schema";
import type { PublicLinks } from "../platform/links";
import { PhotoStore } from "../platform/photo-store";
import type { Actor } from "./actor";
import { accrueReferralFeeInTrx } from "./fees";
import { changeTicketStatusInTrx, IllegalTransitionError, TicketNotFoundError } from "./tickets";
import { warrantyOnCompletionInTrx } from "./warranty-products";

export const MAX_WORK_DONE_LENGTH = 2000;
export const MAX_PARTS = 20;
export const MAX_PART_NAME_LENGTH = 200;
export const MAX_SERIAL_LENGTH = 100;
/** A sanity bound on one job's invoice: 10 billion rials. */
export const MAX_INVOICE_RIALS = 10_000_000_000;

export interface JobPart {
  name: string;
  serial?: string | null;
  quantity?: number;
}

export interface JobReportInput {
  workDone: string;
  parts: JobPart[];
  /** rials; required when the product is out of warranty */
  invoiceAmountRials?: number | null;
}

/** The report breaks a rule the forms also check. */
export class JobReportInputError extends Error {
  constructor(
    readonly problem: "workDoneRequired" | "workDoneTooLong" | "tooManyParts" | "partInvalid" | "invoiceRequired" | "invoiceInvalid" | PhotoProblem,
  ) {
    super(`job report: ${problem}`);
  }
}

/** The ticket is not this agency's job (any more), or has no technician for a link's report. */
export class NotYourJobError extends Error {
  constructor(readonly ticketId: number) {
    super(`ticket ${ticketId} is not assigned to this agency`);
  }
}

/** Statuses from which a job may be reported done (through in_progress where needed). */
const COMPLETABLE: readonly TicketStatus[] = ["scheduled", "on_hold", "in_progress"];

function cleanReport(input: JobReportInput, warranty: string) {
  const workDone = input.workDone.trim();
  if (!workDone) throw new JobReportInputError("workDoneRequired");
  if (workDone.length > MAX_WORK_DONE_LENGTH) throw new JobReportInputError("workDoneTooLong");
  const parts = input.parts
    .map((p) => ({ name: p.name.trim(), serial: p.serial?.trim() || null, quantity: p.quantity ?? 1 }))
    .filter((p) => p.name !== "" || p.serial !== null);
  if (parts.length > MAX_PARTS) throw new JobReportInputError("tooManyParts");
  for (const p of parts) {
    if (!p.name || p.name.length > MAX_PART_NAME_LENGTH || (p.serial?.length ?? 0) > MAX_SERIAL_LENGTH) throw new JobReportInputError("partInvalid");
    if (!Number.isInteger(p.quantity) || p.quantity < 1 || p.quantity > 1000) throw new JobReportInputError("partInvalid");
  }
  const amount = input.invoiceAmountRials ?? null;
  if (amount !== null && (!Number.isSafeInteger(amount) || amount < 0 || amount > MAX_INVOICE_RIALS)) throw new JobReportInputError("invoiceInvalid");
  if (amount === null && warranty === "out_of_warranty") throw new JobReportInputError("invoiceRequired");
  return { workDone, parts, amount: amount ?? 0 };
}

export interface CompleteInTrxInput {
  ticketId: number;
  agencyId: number;
  technicianId: number | null;
  report: JobReportInput;
  source: "portal" | "link";
  /** the photos, already in the store (withStoredPhotos) */
  photos?: readonly StoredPhoto[];
  /** the technician link the report came through (source 'link') */
  linkId?: number | null;
}

/** A photo as uploaded: its bytes (the declared type is not trusted: the bytes say what it is). */
export interface PhotoUpload {
  bytes: Uint8Array;
}

export interface StoredPhoto {
  key: string;
  contentType: PhotoContentType;
  sizeBytes: number;
  sha256: string;
}

/**
 * Checks the photos (count, size, type by magic bytes: JobReportInputError), writes them to the store, runs
 * `work` (the report's transaction) and, if it fails, removes the files again. See the file comment.
 */
export async function withStoredPhotos<T>(
  store: PhotoStore | null | undefined,
  ticketId: number,
  uploads: readonly PhotoUpload[],
  work: (photos: StoredPhoto[]) => Promise<T>,
  now: Date = new Date(),
): Promise<T> {
  if (uploads.length === 0) return work([]);
  const problem = checkPhotos(uploads.map((u) => u.bytes));
  if (problem) throw new JobReportInputError(problem);
  if (!store) throw new Error("photos were sent but no photo store was given");
  const stored: StoredPhoto[] = [];
  try {
    for (const u of uploads) {
      const contentType = sniffPhotoType(u.bytes) as PhotoContentType;
      const saved = await store.save(PhotoStore.newKey(ticketId, contentType, now), u.bytes);
      stored.push({ ...saved, contentType });
    }
    return await work(stored);
  } catch (error) {
    await store.remove(stored.map((p) => p.key));
    throw error;
  }
}

/** completeJob's work in the caller's transaction (the job link's `done` press uses it). */
export async function completeJobInTrx(
  trx: Transaction<Database>,
  actor: Actor,
  input: CompleteInTrxInput,
  options: { links?: PublicLinks; followUp?: SurveyConfig; now?: Date } = {},
) {
  const ticket = await trx
    .selectFrom("tickets")
    .select(["id", "status", "warranty_status", "assigned_agency_id", "technician_id"])
    .where("id", "=", input.ticketId)
    .forUpdate()
    .executeTakeFirst();
  if (!ticket) throw new TicketNotFoundError(input.ticketId);
  if (ticket.assigned_agency_id !== input.agencyId) throw new NotYourJobError(ticket.id);
  const report = cleanReport(input.report, ticket.warranty_status);
  if (!COMPLETABLE.includes(ticket.status)) throw new IllegalTransitionError(ticket.status, "completed");
  const now = options.now ?? new Date();
  if (ticket.status !== "in_progress") {
    await changeTicketStatusInTrx(trx, actor, { ticketId: ticket.id, to: "in_progress", data: { source: input.source } }, { links: options.links });
  }
  const technicianId = input.technicianId ?? ticket.technician_id;
  const row = await trx
    .insertInto("completion_reports")
    .values({
      ticket_id: ticket.id,
      agency_id: input.agencyId,
      technician_id: technicianId,
      completed_at: now,
      work_description: report.workDone,
      invoice_amount_rials: report.amount,
    })
    .onConflict((oc) =>
      oc.column("ticket_id").doUpdateSet({
        agency_id: input.agencyId,
        technician_id: technicianId,
        completed_at: now,
        work_description: report.workDone,
        invoice_amount_rials: report.amount,
      }),
    )
    .returning("id")
    .executeTakeFirstOrThrow();
  await trx.deleteFrom("completion_parts").where("report_id", "=", row.id).execute();
  if (report.parts.length > 0) {
    await trx
      .insertInto("completion_parts")
      .values(report.parts.map((p) => ({ report_id: row.id, name: p.name, serial_number: p.serial, quantity: p.quantity })))
      .execute();
  }
  const photos = input.photos ?? [];
  const photoIds: number[] = [];
  if (photos.length > 0) {
    const rows = await trx
      .insertInto("completion_photos")
      .values(
        photos.map((p) => ({
          report_id: row.id,
          ticket_id: ticket.id,
          storage_key: p.key,
          content_type: p.contentType,
          size_bytes: p.sizeBytes,
          sha256: p.sha256,
          uploaded_at: now,
          source: input.source,
          link_id: input.source === "link" ? (input.linkId ?? null) : null,
        })),
      )
      .returning("id")
      .execute();
    photoIds.push(...rows.map((r) => r.id));
  }
  // the referral fee of out-of-warranty work, once per ticket, in this transaction (services/fees.ts)
  const fee = await accrueReferralFeeInTrx(trx, actor, {
    ticketId: ticket.id,
    agencyId: input.agencyId,
    warranty: ticket.warranty_status,
    invoiceRials: report.amount,
    at: now,
  });
  await appendTicketEvent(trx, {
    ticketId: ticket.id,
    at: now,
    actor,
    type: "job_report",
    data: {
      report_id: row.id,
      source: input.source,
      work_done: report.workDone,
      parts: report.parts,
      invoice_amount_rials: report.amount,
      ...(photoIds.length > 0 ? { photo_ids: photoIds } : {}),
    },
  });
  await changeTicketStatusInTrx(
    trx,
    actor,
    { ticketId: ticket.id, to: "completed", data: { source: input.source, report_id: row.id }, followUp: options.followUp },
    { links: options.links },
  );
  // the product's warranty: an installation starts it, a slow in-warranty repair extends it (issue 15 §1)
  await warrantyOnCompletionInTrx(trx, actor, { ticketId: ticket.id, now });
  await writeAudit(trx, {
    actorUserId: actor.userId ?? null,
    action: "ticket.job_report",
    entityType: "ticket",
    entityId: ticket.id,
    ip: actor.ip ?? undefined,
    details: { reportId: row.id, source: input.source, parts: report.parts.length, invoiceAmountRials: report.amount, photos: photoIds.length },
  });
  return { ticketId: ticket.id, reportId: row.id, at: now, feeEntryId: fee?.id ?? null };
}

/**
 * The agency completes its job from its job page: the agency user's own agency must be the ticket's; the
 * technician on the ticket is recorded as the one who did the work.
 */
export async function completeJob(
  db: DB,
  actor: Extract<Actor, { userId: number }>,
  input: { ticketId: number; agencyId: number; photos?: readonly PhotoUpload[] } & JobReportInput,
  options: { links?: PublicLinks; followUp?: SurveyConfig; photoStore?: PhotoStore } = {},
) {
  return withStoredPhotos(options.photoStore, input.ticketId, input.photos ?? [], (photos) =>
    db.transaction().execute((trx) =>
      completeJobInTrx(
        trx,
        actor,
        {
          ticketId: input.ticketId,
          agencyId: input.agencyId,
          technicianId: null,
          report: { workDone: input.workDone, parts: input.parts, invoiceAmountRials: input.invoiceAmountRials },
          source: "portal",
          photos,
        },
        options,
      ),
    ),
  );
}
