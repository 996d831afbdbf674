/**
 * Spare parts (issue 15 §4), one function per business action, each in one transaction with its history and
 * audit rows:
 *  - the catalogue, edited by an admin (add a part, change its name/price, deactivate or reactivate it);
 *  - parts requested for a job, by its technician (from the job link: services/technician-links.ts calls
 *    `requestPartsInTrx` with its press) or by its agency (portal): the job goes on hold "waiting for parts"
 *    with the expected date (core/ticket.ts TICKET_HOLD_REASONS);
 *  - a request filled from the agency's own stock (decremented in the same transaction, never below zero) or
 *    from central stock by the parts desk (ordered → shipped → received, each dated; core/parts.ts);
 *  - when the last open request of a job waiting for parts is received, the job resumes by itself
 *    (`on_hold → in_progress`, history row with the requests) and its technician gets the `parts_arrived` SMS.
 */
import type { Transaction } from "kysely";
import {
  applyPartStep,
  checkPartLines,
  checkStockAdjustment,
  IllegalPartStepError,
  PART_STEP_BY,
  PART_STEP_STAMP,
  partsAllowResume,
  type PartLine,
  type PartRequestStep,
  type StockAdjustProblem,
} from "../core/parts";
import { can } from "../core/roles";
import type { TicketStatus } from "../core/ticket";
import type { DB } from "../db/connection";
import { writeAudit } from "../db/repos/audit";
import { appendTicketEvent } from "../db/repos/ticket-events";
import type { Database } from "../db/schema";
import type { PublicLinks } from "../platform/links";
import type { Actor } from "./actor";
import { enqueueTemplatedSms } from "./sms-templates";
import { changeTicketStatusInTrx } from "./tickets";

export { IllegalPartStepError };

export type PartRequestProblem =
  | "none"
  | "tooMany"
  | "quantity"
  | "duplicate"
  | "unknownPart"
  | "noProduct"
  | "notYourJob"
  | "notAllowed"
  | "notFound"
  | "noStock"
  | "serialInvalid"
  | "notYourAgency";

/** A request or a step refused, with the reason a form can show (`parts.error.<problem>`). */
export class PartRequestError extends Error {
  constructor(readonly problem: PartRequestProblem) {
    super(`part request refused: ${problem}`);
  }
}

export type CatalogueProblem = "code" | "name" | "price" | "duplicate" | "notFound" | "model";

export class CatalogueError extends Error {
  constructor(readonly problem: CatalogueProblem) {
    super(`catalogue edit refused: ${problem}`);
  }
}

/** The statuses a job may ask for parts in: being worked on (or about to be), or already waiting for parts. */
const REQUESTABLE: readonly TicketStatus[] = ["scheduled", "in_progress", "on_hold"];
export const MAX_PART_NOTE_LENGTH = 200;
export const MAX_PART_SERIAL_LENGTH = 60;
/** A list price above this is a typing mistake (10 billion rials). */
export const MAX_LIST_PRICE_RIALS = 10_000_000_000;

// ---------------------------------------------------------------------------------------------------------
// the catalogue

export interface CatalogueInput {
  code: string;
  name: string;
  listPriceRials: number;
  serialized: boolean;
}

function checkCatalogue(input: CatalogueInput) {
  const code = input.code.trim();
  const name = input.name.trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9._/-]{0,39}$/.test(code)) throw new CatalogueError("code");
  if (name.length < 1 || name.length > 200) throw new CatalogueError("name");
  if (!Number.isSafeInteger(input.listPriceRials) || input.listPriceRials < 0 || input.listPriceRials > MAX_LIST_PRICE_RIALS) throw new CatalogueError("price");
  return { code, name };
}

export async function addSparePart(db: DB, actor: Actor, input: CatalogueInput & { modelId: number }) {
  const { code, name } = checkCatalogue(input);
  return db.transaction().execute(async (trx) => {
    const model = await trx.selectFrom("product_models").select("id").where("id", "=", input.modelId).executeTakeFirst();
    if (!model) throw new CatalogueError("model");
    const row = await trx
      .insertInto("spare_parts")
      .values({ model_id: model.id, code, name, list_price_rials: input.listPriceRials, serialized: input.serialized })
      .onConflict((oc) => oc.columns(["model_id", "code"]).doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!row) throw new CatalogueError("duplicate");
    await writeAudit(trx, {
      actorUserId: actor.userId ?? null,
      action: "spare_part.create",
      entityType: "spare_part",
      entityId: row.id,
      ip: actor.ip ?? undefined,
      details: { modelId: model.id, code, name, listPriceRials: input.listPriceRials, serialized: input.serialized },
    });
    return { partId: row.id };
  });
}

/** Changes a part's name, list price, serialized flag and whether it may still be requested (requests keep the price they were made at). */
export async function updateSparePart(db: DB, actor: Actor, input: Omit<CatalogueInput, "code"> & { partId: number; active: boolean }) {
  const { name } = checkCatalogue({ ...input, code: "X" });
  return db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom("spare_parts")
      .select(["id", "name", "list_price_rials", "serialized", "active"])
      .where("id", "=", input.partId)
      .forUpdate()
      .executeTakeFirst();
    if (!before) throw new CatalogueError("notFound");
    await trx
      .updateTable("spare_parts")
      .set({ name, list_price_rials: input.listPriceRials, serialized: input.serialized, active: input.active, updated_at: new Date() })
      .where("id", "=", before.id)
      .execute();
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    if (before.name !== name) changes.name = { from: before.name, to: name };
    if (before.list_price_rials !== input.listPriceRials) changes.listPriceRials = { from: before.list_price_rials, to: input.listPriceRials };
    if (before.serialized !== input.serialized) changes.serialized = { from: before.serialized, to: input.serialized };
    if (before.active !== input.active) changes.active = { from: before.active, to: input.active };
    await writeAudit(trx, {
      actorUserId: actor.userId ?? null,
      action: "spare_part.update",
      entityType: "spare_part",
      entityId: before.id,
      ip: actor.ip ?? undefined,
      details: { changes },
    });
    return { partId: before.id, changed: Object.keys(changes) };
  });
}

// ---------------------------------------------------------------------------------------------------------
// requesting parts for a job

export interface PartRequestInput {
  lines: readonly PartLine[];
  /** the day the parts are expected ('YYYY-MM-DD', Tehran), parsed at the edge */
  expectedDate: string;
  note?: string;
}

interface RequestTicket {
  id: number;
  status: TicketStatus;
  hold_reason: string | null;
  hold_expected_date: string | null;
  assigned_agency_id: number | null;
  technician_id: number | null;
}

/**
 * Inserts the requested lines of a locked ticket (its product's model's active catalogue parts, at their list
 * price) and puts the job on hold "waiting for parts" — or, when it already waits for parts, keeps it there
 * with the later expected date (a history note names the added parts). In the caller's transaction.
 */
export async function requestPartsInTrx(
  trx: Transaction<Database>,
  actor: Actor,
  ticket: RequestTicket,
  input: PartRequestInput & { by: { kind: "technician"; technicianId: number } | { kind: "agency" | "user"; userId: number } },
  now: Date,
  extraEventData: Record<string, unknown> = {},
) {
  const problem = checkPartLines(input.lines);
  if (problem) throw new PartRequestError(problem);
  if (ticket.assigned_agency_id === null) throw new PartRequestError("notYourJob");
  if (!REQUESTABLE.includes(ticket.status) || (ticket.status === "on_hold" && ticket.hold_reason !== "waiting_for_parts")) {
    throw new PartRequestError("notAllowed");
  }
  const model = await trx
    .selectFrom("tickets")
    .innerJoin("customer_products", "customer_products.id", "tickets.customer_product_id")
    .select("customer_products.model_id")
    .where("tickets.id", "=", ticket.id)
    .executeTakeFirst();
  if (!model) throw new PartRequestError("noProduct");
  const parts = await trx
    .selectFrom("spare_parts")
    .select(["id", "code", "list_price_rials"])
    .where("id", "in", input.lines.map((l) => l.partId))
    .where("model_id", "=", model.model_id)
    .where("active", "=", true)
    .execute();
  if (parts.length !== input.lines.length) throw new PartRequestError("unknownPart");
  const byId = new Map(parts.map((p) => [p.id, p]));
  const note = input.note?.trim().slice(0, MAX_PART_NOTE_LENGTH) || null;
  const rows = await trx
    .insertInto("part_requests")
    .values(
      input.lines.map((l) => ({
        ticket_id: ticket.id,
        part_id: l.partId,
        agency_id: ticket.assigned_agency_id!,
        quantity: l.quantity,
        unit_price_rials: byId.get(l.partId)!.list_price_rials,
        expected_date: input.expectedDate,
        note,
        requested_by_kind: input.by.kind,
        requested_by_user_id: input.by.kind === "technician" ? null : input.by.userId,
        technician_id: input.by.kind === "technician" ? input.by.technicianId : ticket.technician_id,
        requested_at: now,
      })),
    )
    .returning(["id", "part_id", "quantity"])
    .execute();
  const requested = rows.map((r) => ({ request_id: r.id, part_id: r.part_id, code: byId.get(r.part_id)!.code, quantity: r.quantity }));
  const data = { ...extraEventData, parts: requested, ...(note ? { note } : {}) };
  if (ticket.status === "on_hold") {
    const later = ticket.hold_expected_date && ticket.hold_expected_date > input.expectedDate ? ticket.hold_expected_date : input.expectedDate;
    await trx.updateTable("tickets").set({ hold_expected_date: later, updated_at: now }).where("id", "=", ticket.id).execute();
    await appendTicketEvent(trx, {
      ticketId: ticket.id,
      at: now,
      actor,
      type: "note",
      data: { ...data, hold_reason: "waiting_for_parts", expected_date: later, text: requested.map((r) => `${r.code} × ${r.quantity}`).join("، ") },
    });
  } else {
    await changeTicketStatusInTrx(trx, actor, {
      ticketId: ticket.id,
      to: "on_hold",
      data,
      hold: { reason: "waiting_for_parts", expectedDate: input.expectedDate },
    });
  }
  await writeAudit(trx, {
    actorUserId: actor.userId ?? null,
    action: "part_request.create",
    entityType: "ticket",
    entityId: ticket.id,
    ip: actor.ip ?? undefined,
    details: { parts: requested, expectedDate: input.expectedDate, by: input.by.kind },
  });
  return { requestIds: rows.map((r) => r.id) };
}

async function lockTicket(trx: Transaction<Database>, ticketId: number): Promise<RequestTicket | undefined> {
  return trx
    .selectFrom("tickets")
    .select(["id", "status", "hold_reason", "hold_expected_date", "assigned_agency_id", "technician_id"])
    .where("id", "=", ticketId)
    .forUpdate()
    .executeTakeFirst();
}

/** The agency asks for parts for its job (portal). */
export async function requestPartsByAgency(db: DB, actor: Actor & { kind: "agency" }, input: PartRequestInput & { ticketId: number; agencyId: number }) {
  return db.transaction().execute(async (trx) => {
    const ticket = await lockTicket(trx, input.ticketId);
    if (!ticket || ticket.assigned_agency_id !== input.agencyId) throw new PartRequestError("notYourJob");
    return requestPartsInTrx(trx, actor, ticket, { ...input, by: { kind: "agency", userId: actor.userId } }, new Date());
  });
}

// ---------------------------------------------------------------------------------------------------------
// filling a request

export interface StepInput {
  requestId: number;
  step: PartRequestStep;
  /** fill_from_stock: the agency taking it from its shelf (it must be the request's agency) */
  agencyId?: number;
  /** receive / fill_from_stock: the serial of the unit, when known */
  serial?: string;
  /** order / ship: a new expected date, when the desk knows better */
  expectedDate?: string;
  /** cancel: why */
  reason?: string;
}

/**
 * One step of a request (core/parts.ts), with its date stamped, in one transaction with the ticket locked
 * first (the same order as every other writer of the ticket, so two steps of one job serialise). Filling from
 * stock decrements the agency's stock (refused when it has too few). A step that leaves the job's requests all
 * settled resumes the job (see `resumeIfPartsArrivedInTrx`).
 */
export async function stepPartRequest(db: DB, actor: Actor, input: StepInput, options: { links?: PublicLinks } = {}) {
  const serial = input.serial?.trim() || null;
  if (serial !== null && (serial.length > MAX_PART_SERIAL_LENGTH || !/^[\p{L}\p{N}._/-]+$/u.test(serial))) throw new PartRequestError("serialInvalid");
  return db.transaction().execute(async (trx) => {
    const head = await trx.selectFrom("part_requests").select(["ticket_id"]).where("id", "=", input.requestId).executeTakeFirst();
    if (!head) throw new PartRequestError("notFound");
    await lockTicket(trx, head.ticket_id);
    const req = await trx
      .selectFrom("part_requests")
      .select(["id", "ticket_id", "part_id", "agency_id", "quantity", "status"])
      .where("id", "=", input.requestId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const by = PART_STEP_BY[input.step];
    if (by === "agency" && (actor.kind !== "agency" || input.agencyId !== req.agency_id)) throw new PartRequestError("notYourAgency");
    const to = applyPartStep(req.status, input.step);
    const now = new Date();
    if (input.step === "fill_from_stock") {
      const taken = await trx
        .updateTable("agency_part_stock")
        .set((eb) => ({ quantity: eb("quantity", "-", req.quantity), updated_at: now }))
        .where("agency_id", "=", req.agency_id)
        .where("part_id", "=", req.part_id)
        .where("quantity", ">=", req.quantity)
        .returning("quantity")
        .executeTakeFirst();
      if (!taken) throw new PartRequestError("noStock");
    }
    const source = input.step === "fill_from_stock" ? ("agency_stock" as const) : input.step === "order" ? ("central" as const) : undefined;
    await trx
      .updateTable("part_requests")
      .set({
        status: to,
        [PART_STEP_STAMP[input.step]]: now,
        ...(source ? { source } : {}),
        ...(serial && (input.step === "receive" || input.step === "fill_from_stock") ? { serial_number: serial } : {}),
        ...(input.expectedDate && (input.step === "order" || input.step === "ship") ? { expected_date: input.expectedDate } : {}),
        ...(input.step === "cancel" ? { cancel_reason: input.reason?.trim().slice(0, 200) || null } : {}),
      })
      .where("id", "=", req.id)
      .execute();
    if (input.expectedDate && (input.step === "order" || input.step === "ship")) {
      await trx
        .updateTable("tickets")
        .set({ hold_expected_date: input.expectedDate })
        .where("id", "=", req.ticket_id)
        .where("status", "=", "on_hold")
        .where("hold_reason", "=", "waiting_for_parts")
        .execute();
    }
    await writeAudit(trx, {
      actorUserId: actor.userId ?? null,
      action: "part_request.step",
      entityType: "ticket",
      entityId: req.ticket_id,
      ip: actor.ip ?? undefined,
      details: { requestId: req.id, step: input.step, from: req.status, to, ...(serial ? { serial } : {}), ...(input.expectedDate ? { expectedDate: input.expectedDate } : {}) },
    });
    const resumed = to === "received" || to === "cancelled" ? await resumeIfPartsArrivedInTrx(trx, actor, req.ticket_id, now, options) : false;
    return { requestId: req.id, from: req.status, to, resumed };
  });
}

/**
 * A job on hold waiting for parts resumes when none of its requests is open and at least one arrived
 * (core/parts.ts partsAllowResume): `on_hold → in_progress` with the requests in the history row, and the
 * technician's `parts_arrived` SMS. The ticket must be locked by the caller. Returns whether it resumed.
 */
export async function resumeIfPartsArrivedInTrx(trx: Transaction<Database>, actor: Actor, ticketId: number, now: Date, _options: { links?: PublicLinks } = {}) {
  const ticket = await trx
    .selectFrom("tickets")
    .leftJoin("technicians", "technicians.id", "tickets.technician_id")
    .leftJoin("agencies", "agencies.id", "tickets.assigned_agency_id")
    .select([
      "tickets.id",
      "tickets.number",
      "tickets.status",
      "tickets.hold_reason",
      "tickets.city",
      "tickets.assigned_agency_id",
      "technicians.id as technician_id",
      "technicians.full_name as technician_name",
      "technicians.mobile as technician_mobile",
      "agencies.name as agency_name",
    ])
    .where("tickets.id", "=", ticketId)
    .executeTakeFirst();
  if (!ticket || ticket.status !== "on_hold" || ticket.hold_reason !== "waiting_for_parts") return false;
  const requests = await trx.selectFrom("part_requests").select(["id", "status"]).where("ticket_id", "=", ticketId).execute();
  if (!partsAllowResume(requests.map((r) => r.status))) return false;
  await changeTicketStatusInTrx(trx, actor, {
    ticketId,
    to: "in_progress",
    data: { resumed: "parts_received", part_requests: requests.filter((r) => r.status === "received").map((r) => r.id) },
  });
  if (ticket.technician_id !== null && ticket.technician_mobile) {
    await enqueueTemplatedSms(
      trx,
      "parts_arrived",
      { technician_name: ticket.technician_name ?? "", ticket_number: ticket.number, agency_name: ticket.agency_name ?? "", city: ticket.city ?? "" },
      { receptor: ticket.technician_mobile, ticketId, agencyId: ticket.assigned_agency_id ?? undefined, technicianId: ticket.technician_id, now },
    );
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------------
// the agency's own stock (issue 15 §4, its portal's parts page)

export type StockProblem = StockAdjustProblem | "forbidden" | "notFound";

/** A stock adjustment refused, with the reason the form shows (`agencyParts.error.<problem>`). */
export class StockAdjustError extends Error {
  constructor(readonly problem: StockProblem) {
    super(`stock adjustment refused: ${problem}`);
  }
}

/**
 * An agency admin sets the counted quantity of one catalogue part on the agency's shelf (a stock count, a
 * delivery, a write-off), with a reason; the row is locked, so a request filled from the shelf at the same moment
 * (stepPartRequest's conditional decrement) either comes before it or sees the new quantity. The actor must be
 * an active user of that agency holding agency_portal:parts_stock (its staff only see the stock). Audited with
 * the quantity before and after.
 */
export async function adjustAgencyStock(db: DB, actor: Actor, input: { agencyId: number; partId: number; quantity: number; reason: string }) {
  return db.transaction().execute(async (trx) => {
    if (actor.userId === undefined) throw new StockAdjustError("forbidden");
    const user = await trx.selectFrom("users").select(["role", "agency_id", "active"]).where("id", "=", actor.userId).executeTakeFirst();
    if (!user || !user.active || user.agency_id !== input.agencyId || !can(user.role, "agency_portal:parts_stock")) throw new StockAdjustError("forbidden");
    const part = await trx.selectFrom("spare_parts").select(["id", "code"]).where("id", "=", input.partId).executeTakeFirst();
    if (!part) throw new StockAdjustError("notFound");
    // make sure the row exists, then lock it: the quantity read is the one replaced
    await trx
      .insertInto("agency_part_stock")
      .values({ agency_id: input.agencyId, part_id: part.id, quantity: 0 })
      .onConflict((oc) => oc.columns(["agency_id", "part_id"]).doNothing())
      .execute();
    const row = await trx
      .selectFrom("agency_part_stock")
      .select("quantity")
      .where("agency_id", "=", input.agencyId)
      .where("part_id", "=", part.id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const problem = checkStockAdjustment(row.quantity, input.quantity, input.reason);
    if (problem) throw new StockAdjustError(problem);
    const reason = input.reason.trim();
    await trx
      .updateTable("agency_part_stock")
      .set({ quantity: input.quantity, updated_at: new Date() })
      .where("agency_id", "=", input.agencyId)
      .where("part_id", "=", part.id)
      .execute();
    await writeAudit(trx, {
      actorUserId: actor.userId,
      action: "agency_stock.adjust",
      entityType: "agency",
      entityId: input.agencyId,
      ip: actor.ip ?? undefined,
      details: { partId: part.id, code: part.code, from: row.quantity, to: input.quantity, reason },
    });
    return { partId: part.id, from: row.quantity, to: input.quantity };
  });
}
