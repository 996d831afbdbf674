/**
 * The technician's job link (/j/<token>, issue 13 section 4): issued with each assignment
 * (services/assignments.ts), opened without a login, and each press on it (on the way, arrived, done,
 * needs parts, cannot repair) applied to the ticket in one transaction with its history row and audit row.
 *
 * The token is 32 random bytes in base64url (256 bits): nothing in it names the job, so links cannot be
 * guessed or made from another; only its SHA-256 is stored (technician_links.token_hash), so the database
 * alone opens no job page. Unknown and malformed tokens get the same answer; a genuine token past its
 * time or revoked may say so. Every refused token counts against its address (core/job-link.ts rate limit).
 */
import { createHash, randomBytes } from "node:crypto";
import type { Transaction } from "kysely";
import {
  JOB_ACTION_FROM,
  JOB_ACTION_TO,
  JOB_LINK_MAX_DAYS,
  jobLinkState,
  jobLinkThrottled,
  jobLinkWindowStart,
  type JobAction,
  type JobLinkState,
} from "../core/job-link";
import type { SurveyConfig } from "../core/satisfaction";
import { notifySupervisors } from "./alerts";
import type { TicketStatus } from "../core/ticket";
import type { DB } from "../db/connection";
import { writeAudit } from "../db/repos/audit";
import { appendTicketEvent } from "../db/repos/ticket-events";
import { countRecentLinkFailures, jobPresses, jobView, linkByHash, recordLinkFailure, revokeJobLinks } from "../db/repos/technician-links";
import type { Database } from "../db/schema";
import type { PublicLinks } from "../platform/links";
import type { PhotoStore } from "../platform/photo-store";
import type { Actor } from "./actor";
import { completeJobInTrx, withStoredPhotos, type JobReportInput, type PhotoUpload } from "./job-completion";
import { changeTicketStatusInTrx } from "./tickets";
import { requestPartsInTrx } from "./parts";
import type { PartLine } from "../core/parts";

const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

export function newJobToken(): string {
  return randomBytes(32).toString("base64url");
}

export function hashJobToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function jobUrl(links: PublicLinks, token: string): string {
  return `${links.baseUrl}/j/${token}`;
}

// revoking a ticket's live links is a plain write other services share (services/tickets.ts: a job handed back
// to dispatch): it lives with the links' reads, re-exported here
export { revokeJobLinks };

/** A new link for the ticket's technician (any earlier link of the ticket revoked), in the caller's transaction. */
export async function issueJobLink(
  trx: Transaction<Database>,
  input: { ticketId: number; technicianId: number; agencyId: number; now: Date },
): Promise<{ token: string; linkId: number }> {
  await revokeJobLinks(trx, input.ticketId, "reissued", input.now);
  const token = newJobToken();
  const row = await trx
    .insertInto("technician_links")
    .values({
      ticket_id: input.ticketId,
      technician_id: input.technicianId,
      agency_id: input.agencyId,
      token_hash: hashJobToken(token),
      issued_at: input.now,
      expires_at: new Date(input.now.getTime() + JOB_LINK_MAX_DAYS * 86_400_000),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { token, linkId: row.id };
}

export interface LinkContext {
  ip: string;
  /** JOB_LINK_DAYS_AFTER_CLOSE */
  daysAfterClose: number;
  now?: Date;
}

export type OpenedLink =
  | { kind: "throttled" }
  | { kind: "unknown" }
  | { kind: Exclude<JobLinkState, "valid"> }
  | { kind: "valid"; linkId: number; job: NonNullable<Awaited<ReturnType<typeof jobView>>>; presses: Awaited<ReturnType<typeof jobPresses>> };

async function checkLink(db: DB, token: string, ctx: LinkContext) {
  const now = ctx.now ?? new Date();
  if (jobLinkThrottled(await countRecentLinkFailures(db, ctx.ip, jobLinkWindowStart(now)))) return { kind: "throttled" as const };
  const link = TOKEN_RE.test(token) ? await linkByHash(db, hashJobToken(token)) : undefined;
  const state = link
    ? jobLinkState(
        {
          revokedAt: link.revoked_at,
          expiresAt: link.expires_at,
          technicianId: link.technician_id,
          agencyId: link.agency_id,
          ticketTechnicianId: link.ticket_technician_id,
          ticketAgencyId: link.ticket_agency_id,
          ticketClosedAt: link.ticket_closed_at,
        },
        now,
        ctx.daysAfterClose,
      )
    : ("unknown" as const);
  if (!link || state !== "valid") {
    await recordLinkFailure(db, ctx.ip, now);
    return { kind: state === "valid" ? ("unknown" as const) : state };
  }
  return { kind: "valid" as const, link };
}

/** What the job page shows for a token; a refused token is counted against the address. */
export async function openJobLink(db: DB, token: string, ctx: LinkContext): Promise<OpenedLink> {
  const checked = await checkLink(db, token, ctx);
  if (checked.kind !== "valid") return checked;
  const [job, presses] = await Promise.all([jobView(db, checked.link), jobPresses(db, checked.link.ticket_id)]);
  if (!job) return { kind: "reassigned" };
  return { kind: "valid", linkId: checked.link.id, job, presses };
}

export class JobLinkRefusedError extends Error {
  constructor(readonly state: Exclude<OpenedLink["kind"], "valid">) {
    super(`job link refused: ${state}`);
  }
}

/** The press is not offered in the job's current status (pressed twice, or the job moved on meanwhile). */
export class JobActionNotAllowedError extends Error {
  constructor(
    readonly action: JobAction,
    readonly status: TicketStatus,
  ) {
    super(`${action} is not allowed while the job is ${status}`);
  }
}

export type JobPress =
  | { action: "on_the_way" }
  | { action: "arrived" }
  | { action: "needs_parts"; expectedDate: string; note?: string; parts?: readonly PartLine[] }
  | { action: "cannot_repair"; reason: string }
  | ({ action: "done"; photos?: readonly PhotoUpload[] } & JobReportInput);

/**
 * Applies one press on a job link, in one transaction: the link is checked again with the ticket locked
 * (a reassignment meanwhile refuses it), the press must be offered in the job's status (core/job-link.ts),
 * the status moves through the life cycle (changeTicketStatusInTrx; `done` through the completion report,
 * which queues the completion SMS and the follow-up), and the history gets `technician_update` with the
 * action, source 'link' and the time — with the audit row. `done` may carry photos (stored as the agency's
 * are: services/job-completion.ts withStoredPhotos, the link recorded so its page shows them). `cannot
 * repair` also raises a supervisor alert ('cannot_repair', with the agency and the reason) and tells the
 * supervisors' pages (NOTIFY supervisor_alerts), in the same transaction.
 */
export async function pressJobAction(
  db: DB,
  token: string,
  press: JobPress,
  ctx: LinkContext & { links?: PublicLinks; followUp?: SurveyConfig; photoStore?: PhotoStore },
) {
  const checked = await checkLink(db, token, ctx);
  if (checked.kind !== "valid") throw new JobLinkRefusedError(checked.kind);
  const link = checked.link;
  const uploads = press.action === "done" ? (press.photos ?? []) : [];
  return withStoredPhotos(ctx.photoStore, link.ticket_id, uploads, (photos) => applyPress(db, link, press, photos, ctx));
}

async function applyPress(
  db: DB,
  link: { id: number; ticket_id: number; technician_id: number; agency_id: number },
  press: JobPress,
  photos: Parameters<typeof completeJobInTrx>[2]["photos"],
  ctx: LinkContext & { links?: PublicLinks; followUp?: SurveyConfig },
) {
  return db.transaction().execute(async (trx) => {
    const ticket = await trx
      .selectFrom("tickets")
      .innerJoin("technicians", "technicians.id", "tickets.technician_id")
      .select([
        "tickets.id",
        "tickets.status",
        "tickets.technician_id",
        "tickets.assigned_agency_id",
        "tickets.sla_resolve_due_at",
        "tickets.hold_reason",
        "tickets.hold_expected_date",
        "technicians.full_name as technician_name",
      ])
      .where("tickets.id", "=", link.ticket_id)
      .forUpdate("tickets")
      .executeTakeFirst();
    if (!ticket || ticket.technician_id !== link.technician_id || ticket.assigned_agency_id !== link.agency_id) {
      throw new JobLinkRefusedError("reassigned");
    }
    if (!JOB_ACTION_FROM[press.action].includes(ticket.status)) throw new JobActionNotAllowedError(press.action, ticket.status);
    const now = new Date();
    const actor: Actor = { kind: "technician", label: ticket.technician_name, ip: ctx.ip };
    const details: Record<string, unknown> = {};
    if (press.action === "needs_parts") {
      details.expected_date = press.expectedDate;
      if (press.note) details.note = press.note;
    }
    if (press.action === "cannot_repair") details.reason = press.reason;
    if (press.action === "done") {
      await completeJobInTrx(
        trx,
        actor,
        { ticketId: ticket.id, agencyId: link.agency_id, technicianId: link.technician_id, report: press, source: "link", photos, linkId: link.id },
        ctx,
      );
    } else if (press.action === "needs_parts" && press.parts && press.parts.length > 0) {
      // catalogue parts of the job's model (issue 15 §4): the request rows, and the job on hold waiting for them
      const made = await requestPartsInTrx(
        trx,
        actor,
        { ...ticket, assigned_agency_id: link.agency_id },
        { lines: press.parts, expectedDate: press.expectedDate, note: press.note, by: { kind: "technician", technicianId: link.technician_id } },
        now,
        { source: "link", action: press.action },
      );
      details.part_requests = made.requestIds;
    } else {
      const to = JOB_ACTION_TO[press.action];
      if (to !== null && to !== ticket.status) {
        await changeTicketStatusInTrx(
          trx,
          actor,
          {
            ticketId: ticket.id,
            to,
            reason: press.action === "cannot_repair" ? press.reason : undefined,
            data: { source: "link", action: press.action, ...details },
            ...(to === "on_hold"
              ? { hold: press.action === "needs_parts" ? { reason: "waiting_for_parts" as const, expectedDate: press.expectedDate } : { reason: "cannot_repair" as const } }
              : {}),
          },
          { links: ctx.links },
        );
      }
    }
    if (press.action === "cannot_repair") {
      // the job stays on hold with its agency until a supervisor decides: tell them, with who and why
      const alert = await trx
        .insertInto("supervisor_alerts")
        .values({
          created_at: now,
          kind: "cannot_repair",
          ticket_id: ticket.id,
          stage: "resolve",
          due_at: ticket.sla_resolve_due_at ?? now,
          agency_id: link.agency_id,
          note: press.reason.slice(0, 500),
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      details.alert_id = alert.id;
      await notifySupervisors(trx, [{ type: "cannot_repair", ticketId: ticket.id, agencyId: link.agency_id, at: now.toISOString() }]);
    }
    const eventId = await appendTicketEvent(trx, {
      ticketId: ticket.id,
      at: now,
      actor,
      type: "technician_update",
      data: { action: press.action, source: "link", link_id: link.id, technician_id: link.technician_id, ...details },
    });
    await writeAudit(trx, {
      actorUserId: null,
      action: "ticket.technician_update",
      entityType: "ticket",
      entityId: ticket.id,
      ip: ctx.ip,
      details: { action: press.action, source: "link", linkId: link.id, technicianId: link.technician_id, ...details },
    });
    return { ticketId: ticket.id, eventId, action: press.action, at: now };
  });
}
