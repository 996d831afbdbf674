import { sql, type Transaction } from "kysely";
import { toPersianDigits } from "../core/digits";
import { tehranDay } from "../core/jalali";
import { slaDueTimes } from "../core/sla";
import { nameSearchKey } from "../core/text";
import type { Priority, TicketChannel, TicketType } from "../core/ticket";
import { warrantyExpiry, warrantyStatusOn } from "../core/warranty";
import type { DB } from "../db/connection";
import type { Database } from "../db/schema";
import { writeAudit } from "../db/repos/audit";
import type { Actor } from "./actor";

/*
 * Registering what a caller asks for, from the operator desk: a breakdown report, a complaint, or a
 * follow-up of an existing ticket. One transaction per submission, guarded by the form's idempotency key.
 */

export const INTAKE_ACTION = "desk.register";

/** What the edge (the desk's zod schema) hands over: already parsed and normalised. */
export interface IntakeInput {
  /** the form's random key (uuid): a second submission with it returns the first one's result */
  idempotencyKey: string;
  kind: TicketType;
  /** the call this is registered from (its recording follows the ticket) */
  callId?: number | null;
  /** without a call; with one it is always `phone` */
  channel?: TicketChannel;
  /** breakdown and complaint: who the ticket is for. An id picks a known customer; otherwise found by mobile and name, or created. */
  customer?: { id?: number | null; fullName: string; mobile: string; nationalCode?: string | null } | null;
  /** by serial: a registered product, or a new one when the model is given */
  product?: { serial: string; modelId?: number | null; purchaseDate?: string | null } | null;
  problemCategoryId?: number | null;
  description?: string;
  address?: { province: string; city: string; text: string; lat?: number | null; lng?: number | null } | null;
  priority?: Priority;
  /** follow-up: the ticket followed (required); complaint: the ticket complained about (optional) */
  relatedTicketNumber?: number | null;
  /** follow-up: what the caller said, kept in the ticket's history */
  note?: string | null;
  /** for tests: the registration instant */
  now?: Date;
}

export interface IntakeResult {
  ticketId: number;
  ticketNumber: number;
  kind: TicketType;
  /** a new ticket (breakdown, complaint) or an existing one followed up */
  created: boolean;
  /** this submission repeated an earlier one with the same key: nothing new was written */
  replayed: boolean;
}

export type IntakeErrorCode =
  | "customer_required"
  | "customer_not_found"
  | "call_not_found"
  | "model_not_found"
  | "serial_unknown"
  | "ticket_not_found"
  | "note_required"
  | "key_reused";

/** A submission that cannot be registered as it stands; `field` names the form field to fix. */
export class IntakeError extends Error {
  constructor(
    readonly code: IntakeErrorCode,
    readonly field: string,
  ) {
    super(`intake refused: ${code} (${field})`);
  }
}

type Trx = Transaction<Database>;

/** The SMS text a customer receives when their request is registered (Persian digits). */
export function registeredSmsText(ticketNumber: number, kind: TicketType): string {
  const code = toPersianDigits(ticketNumber);
  return kind === "complaint"
    ? `مشتری گرامی، شکایت یا پیشنهاد شما با کد رهگیری ${code} ثبت شد و بررسی می‌شود. خدمات پس از فروش`
    : `مشتری گرامی، درخواست خدمت شما با کد رهگیری ${code} ثبت شد. برای پیگیری، این کد را نگه دارید. خدمات پس از فروش`;
}

/**
 * Registers a breakdown or a complaint (a new ticket), or attaches a follow-up call to an existing
 * ticket, in one transaction: the customer found or created, their address and product, the ticket with
 * its tracking number, SLA due times and warranty status, its history ('created', 'call_attached'), the
 * call linked (ticket_calls; calls.ticket_id/customer_id filled when empty), the customer's SMS queued,
 * the audit row, and the idempotency key with the result. A second submission with the same key (a
 * double click, a resent form, a concurrent request) waits for the first and returns its result.
 */
export async function registerFromCall(db: DB, actor: Actor, input: IntakeInput): Promise<IntakeResult> {
  if (actor.userId === undefined) throw new Error("registerFromCall needs a signed-in user as actor");
  const userId = actor.userId;
  return db.transaction().execute(async (trx) => {
    // Claim the key first: a concurrent submission with the same key waits here until this one ends.
    const claimed = await trx
      .insertInto("idempotency_keys")
      .values({ key: input.idempotencyKey, user_id: userId, action: INTAKE_ACTION, result: "{}" })
      .onConflict((oc) => oc.column("key").doNothing())
      .returning("key")
      .executeTakeFirst();
    if (!claimed) {
      const first = await trx
        .selectFrom("idempotency_keys")
        .select(["user_id", "action", "result"])
        .where("key", "=", input.idempotencyKey)
        .executeTakeFirstOrThrow();
      if (first.user_id !== userId || first.action !== INTAKE_ACTION) throw new IntakeError("key_reused", "idempotencyKey");
      return { ...(first.result as unknown as Omit<IntakeResult, "replayed">), replayed: true };
    }

    const now = input.now ?? new Date();
    const call = input.callId ? await findCall(trx, input.callId) : null;
    const result =
      input.kind === "follow_up" ? await followUp(trx, actor, userId, input, call, now) : await newTicket(trx, actor, userId, input, call, now);

    await trx
      .updateTable("idempotency_keys")
      .set({ result: JSON.stringify(result) })
      .where("key", "=", input.idempotencyKey)
      .execute();
    return { ...result, replayed: false };
  });
}

async function findCall(trx: Trx, callId: number) {
  const call = await trx.selectFrom("calls").select(["id", "direction"]).where("id", "=", callId).executeTakeFirst();
  if (!call) throw new IntakeError("call_not_found", "callId");
  return call;
}

async function linkCall(trx: Trx, call: { id: number }, ticketId: number, customerId: number, userId: number, now: Date) {
  await trx
    .insertInto("ticket_calls")
    .values({ ticket_id: ticketId, call_id: call.id, linked_at: now, linked_by: userId })
    .onConflict((oc) => oc.columns(["ticket_id", "call_id"]).doNothing())
    .execute();
  await trx
    .updateTable("calls")
    .set({
      ticket_id: sql<number>`coalesce(ticket_id, ${ticketId})`,
      customer_id: sql<number>`coalesce(customer_id, ${customerId})`,
    })
    .where("id", "=", call.id)
    .execute();
}

async function findOrCreateCustomer(trx: Trx, c: NonNullable<IntakeInput["customer"]>, now: Date) {
  if (c.id) {
    const found = await trx.selectFrom("customers").select(["id", "mobile", "national_code"]).where("id", "=", c.id).executeTakeFirst();
    if (!found) throw new IntakeError("customer_not_found", "customerId");
    if (c.nationalCode && !found.national_code) {
      await trx.updateTable("customers").set({ national_code: c.nationalCode, updated_at: now }).where("id", "=", found.id).execute();
    }
    return { id: found.id, mobile: found.mobile, created: false };
  }
  // The same person calling again: their mobile and their name (however it is spaced or spelled with ي/ك).
  const same = await trx
    .selectFrom("customers")
    .select(["id", "mobile"])
    .where("mobile", "=", c.mobile)
    .where("name_search", "=", nameSearchKey(c.fullName))
    .orderBy("id")
    .limit(1)
    .executeTakeFirst();
  if (same) return { id: same.id, mobile: same.mobile, created: false };
  const created = await trx
    .insertInto("customers")
    .values({ full_name: c.fullName, mobile: c.mobile, national_code: c.nationalCode ?? null, created_at: now, updated_at: now })
    .returning(["id", "mobile"])
    .executeTakeFirstOrThrow();
  return { ...created, created: true };
}

async function findOrRegisterProduct(trx: Trx, customerId: number, p: NonNullable<IntakeInput["product"]>, now: Date) {
  let q = trx
    .selectFrom("customer_products")
    .innerJoin("product_models", "product_models.id", "customer_products.model_id")
    .select(["customer_products.id", "customer_products.customer_id", "customer_products.warranty_expires_on", "product_models.category_id"])
    .where("customer_products.serial_number", "=", p.serial);
  if (p.modelId) q = q.where("customer_products.model_id", "=", p.modelId);
  const found = await q.orderBy(sql`customer_products.customer_id = ${customerId}`, "desc").orderBy("customer_products.id").limit(1).executeTakeFirst();
  if (found) return { id: found.id, expiresOn: found.warranty_expires_on, categoryId: found.category_id, created: false };
  if (!p.modelId) throw new IntakeError("serial_unknown", "modelId");
  const model = await trx
    .selectFrom("product_models")
    .innerJoin("product_categories", "product_categories.id", "product_models.category_id")
    .select(["product_models.id", "product_models.category_id", "product_models.warranty_months", "product_categories.default_warranty_months"])
    .where("product_models.id", "=", p.modelId)
    .executeTakeFirst();
  if (!model) throw new IntakeError("model_not_found", "modelId");
  const months = model.warranty_months ?? model.default_warranty_months;
  const purchaseDate = p.purchaseDate ?? null;
  const expiresOn = warrantyExpiry(purchaseDate, months);
  const created = await trx
    .insertInto("customer_products")
    .values({
      customer_id: customerId,
      model_id: model.id,
      serial_number: p.serial,
      purchase_date: purchaseDate,
      warranty_months: months,
      warranty_expires_on: expiresOn,
      created_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { id: created.id, expiresOn, categoryId: model.category_id, created: true };
}

async function addressFor(trx: Trx, customerId: number, a: NonNullable<IntakeInput["address"]>) {
  const lat = a.lat ?? null;
  const lng = lat === null ? null : (a.lng ?? null);
  const same = await trx
    .selectFrom("customer_addresses")
    .select("id")
    .where("customer_id", "=", customerId)
    .where("province", "=", a.province)
    .where("city", "=", a.city)
    .where("address_text", "=", a.text)
    .limit(1)
    .executeTakeFirst();
  if (same) {
    if (lat !== null && lng !== null) await trx.updateTable("customer_addresses").set({ lat, lng }).where("id", "=", same.id).execute();
    return same.id;
  }
  const hasDefault = await trx
    .selectFrom("customer_addresses")
    .select("id")
    .where("customer_id", "=", customerId)
    .where("is_default", "=", true)
    .executeTakeFirst();
  const row = await trx
    .insertInto("customer_addresses")
    .values({ customer_id: customerId, province: a.province, city: a.city, address_text: a.text, lat, lng: lat === null ? null : lng, is_default: !hasDefault })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

async function ticketByNumber(trx: Trx, number: number) {
  const t = await trx
    .selectFrom("tickets")
    .select(["id", "number", "customer_id"])
    .where("number", "=", number)
    .forUpdate()
    .executeTakeFirst();
  if (!t) throw new IntakeError("ticket_not_found", "relatedTicketNumber");
  return t;
}

async function newTicket(
  trx: Trx,
  actor: Actor,
  userId: number,
  input: IntakeInput,
  call: { id: number; direction: string } | null,
  now: Date,
): Promise<Omit<IntakeResult, "replayed">> {
  if (!input.customer) throw new IntakeError("customer_required", "fullName");
  const type = input.kind;
  const related = input.relatedTicketNumber ? await ticketByNumber(trx, input.relatedTicketNumber) : null;
  const customer = await findOrCreateCustomer(trx, input.customer, now);
  const product = input.product ? await findOrRegisterProduct(trx, customer.id, input.product, now) : null;
  const addressId = input.address ? await addressFor(trx, customer.id, input.address) : null;
  const priority = input.priority ?? "normal";
  const due = slaDueTimes(now, priority, type);
  const warranty = product ? warrantyStatusOn(product.expiresOn, tehranDay(now)) : "unknown";
  const channel: TicketChannel = call ? "phone" : (input.channel ?? "phone");
  const lat = input.address?.lat ?? null;
  const lng = lat === null ? null : (input.address?.lng ?? null);
  const ticket = await trx
    .insertInto("tickets")
    .values({
      type,
      channel,
      customer_id: customer.id,
      customer_product_id: product?.id ?? null,
      problem_category_id: input.problemCategoryId ?? product?.categoryId ?? null,
      problem_description: input.description ?? "",
      warranty_status: warranty,
      priority,
      address_id: addressId,
      province: input.address?.province ?? null,
      city: input.address?.city ?? null,
      address_text: input.address?.text ?? null,
      lat,
      lng: lat === null ? null : lng,
      related_ticket_id: related?.id ?? null,
      created_by: userId,
      sla_accept_due_at: due.acceptDueAt,
      sla_visit_due_at: due.visitDueAt,
      sla_resolve_due_at: due.resolveDueAt,
      created_at: now,
      updated_at: now,
    })
    .returning(["id", "number"])
    .executeTakeFirstOrThrow();

  const actorCols = { actor_kind: actor.kind, actor_user_id: userId, actor_label: actor.label ?? null };
  await trx
    .insertInto("ticket_events")
    .values({
      ticket_id: ticket.id,
      at: now,
      ...actorCols,
      event_type: "created",
      from_status: null,
      to_status: "new",
      data: JSON.stringify({ type, channel, ...(call ? { callId: call.id } : {}), ...(related ? { relatedTicketId: related.id } : {}) }),
    })
    .execute();
  if (call) {
    await trx
      .insertInto("ticket_events")
      .values({
        ticket_id: ticket.id,
        at: now,
        ...actorCols,
        event_type: "call_attached",
        data: JSON.stringify({ callId: call.id, direction: call.direction, reason: "registered" }),
      })
      .execute();
    await linkCall(trx, call, ticket.id, customer.id, userId, now);
  }
  await trx
    .insertInto("sms_messages")
    .values({
      direction: "outbound",
      receptor: customer.mobile,
      body: registeredSmsText(ticket.number, type),
      purpose: "ticket_registered",
      status: "queued",
      ticket_id: ticket.id,
      created_at: now,
    })
    .execute();
  await writeAudit(trx, {
    actorUserId: userId,
    action: "ticket.register",
    entityType: "ticket",
    entityId: ticket.id,
    ip: actor.ip ?? undefined,
    details: {
      number: ticket.number,
      type,
      channel,
      ...(call ? { callId: call.id } : {}),
      customerId: customer.id,
      customerCreated: customer.created,
      ...(product ? { productId: product.id, productCreated: product.created } : {}),
    },
  });
  return { ticketId: ticket.id, ticketNumber: ticket.number, kind: type, created: true };
}

async function followUp(
  trx: Trx,
  actor: Actor,
  userId: number,
  input: IntakeInput,
  call: { id: number; direction: string } | null,
  now: Date,
): Promise<Omit<IntakeResult, "replayed">> {
  if (!input.relatedTicketNumber) throw new IntakeError("ticket_not_found", "relatedTicketNumber");
  const note = input.note?.trim() || null;
  if (!call && !note) throw new IntakeError("note_required", "note");
  const ticket = await ticketByNumber(trx, input.relatedTicketNumber);
  const actorCols = { actor_kind: actor.kind, actor_user_id: userId, actor_label: actor.label ?? null };
  await trx
    .insertInto("ticket_events")
    .values(
      call
        ? {
            ticket_id: ticket.id,
            at: now,
            ...actorCols,
            event_type: "call_attached",
            data: JSON.stringify({ callId: call.id, direction: call.direction, reason: "follow_up", ...(note ? { note } : {}) }),
          }
        : { ticket_id: ticket.id, at: now, ...actorCols, event_type: "note", data: JSON.stringify({ text: note, reason: "follow_up" }) },
    )
    .execute();
  if (call) await linkCall(trx, call, ticket.id, ticket.customer_id, userId, now);
  await trx.updateTable("tickets").set({ updated_at: now }).where("id", "=", ticket.id).execute();
  await writeAudit(trx, {
    actorUserId: userId,
    action: "ticket.call_attached",
    entityType: "ticket",
    entityId: ticket.id,
    ip: actor.ip ?? undefined,
    details: { number: ticket.number, reason: "follow_up", ...(call ? { callId: call.id } : {}) },
  });
  return { ticketId: ticket.id, ticketNumber: ticket.number, kind: "follow_up", created: false };
}
