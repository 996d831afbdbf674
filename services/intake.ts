import { sql, type Transaction } from "kysely";
import { tehranDay } from "../core/jalali";
import { dueTimesFor, slaTargetFor, slaTargetKeyOf } from "../core/delays";
import { normalizeSerial, serialKey } from "../core/serial";
import { nameSearchKey } from "../core/text";
import type { Priority, TicketChannel, TicketType } from "../core/ticket";
import { isDispatchedType } from "../core/ticket";
import { warrantyExpiry, warrantyStartDay, warrantyStatusOn, type WarrantyStartRule } from "../core/warranty";
import type { DB } from "../db/connection";
import type { Database } from "../db/schema";
import { auditInsert, writeAudit } from "../db/repos/audit";
import { appendTicketEvent } from "../db/repos/ticket-events";
import { slaTargetRulesWithTier } from "../db/repos/sla-rules";
import { workingCalendars } from "./working-calendar";
import { processLinks, trackingUrl, type PublicLinks } from "../platform/links";
import type { Actor } from "./actor";
import { DISPATCH_JOB_KEY_PREFIX, TICKET_DISPATCH_TASK } from "./dispatch";
import { smsOutboxCtes } from "./outbox";
import { renderSms } from "./sms-templates";

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

export interface IntakeOptions {
  /** where the SMS's tracking link points; default: this process's configuration (PUBLIC_BASE_URL, TRACKING_SECRET) */
  links?: PublicLinks;
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

/**
 * Registers a breakdown or a complaint (a new ticket), or attaches a follow-up call to an existing
 * ticket, in one transaction: the customer found or created, their address and product, the ticket with
 * its tracking number, SLA due times and warranty status, its history ('created', 'call_attached'), the
 * call linked (ticket_calls; calls.ticket_id/customer_id filled when empty), the customer's SMS queued,
 * the audit row, and the idempotency key with the result. A second submission with the same key (a
 * double click, a resent form, a concurrent request) waits for the first and returns its result.
 */
export async function registerFromCall(db: DB, actor: Actor, input: IntakeInput, options: IntakeOptions = {}): Promise<IntakeResult> {
  const links = options.links ?? processLinks();
  if (actor.userId === undefined) throw new Error("registerFromCall needs a signed-in user as actor");
  const userId = actor.userId;
  return db.transaction().execute(async (trx) => {
    // Claim the key first: a concurrent submission with the same key waits here until this one ends.
    // A new ticket's tracking number is drawn with the claim (one round trip less; drawn only when claimed).
    const claimed = await trx
      .insertInto("idempotency_keys")
      .values({ key: input.idempotencyKey, user_id: userId, action: INTAKE_ACTION, result: "{}" })
      .onConflict((oc) => oc.column("key").doNothing())
      .returning(["key", sql<string | null>`case when ${input.kind !== "follow_up"} then nextval('ticket_number_seq') end`.as("number")])
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
    // each path stores its result under the key (a new ticket's in the statement that writes it)
    const result =
      input.kind === "follow_up"
        ? await followUp(trx, actor, userId, input, call, now)
        : await newTicket(trx, actor, userId, input, call, now, Number(claimed.number), links);
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

/*
 * Each step below is one statement (a lookup and its insert folded together with a CTE): a registration
 * is about ten round trips to PostgreSQL, not twenty, which is what bounds its rate (bench/intake.ts).
 */

async function findOrCreateCustomer(trx: Trx, c: NonNullable<IntakeInput["customer"]>, now: Date) {
  if (c.id) {
    // a known customer; a national code given now is kept when none was on file
    const found = await sql<{ id: number; mobile: string; full_name: string }>`
      with c as (select id, mobile, full_name, national_code from customers where id = ${c.id}),
      upd as (
        update customers set national_code = ${c.nationalCode ?? null}, updated_at = ${now}
        where id = ${c.id} and ${c.nationalCode ?? null}::text is not null and (select national_code from c) is null
      )
      select id, mobile, full_name from c`.execute(trx);
    const row = found.rows[0];
    if (!row) throw new IntakeError("customer_not_found", "customerId");
    return { id: row.id, mobile: row.mobile, fullName: row.full_name, created: false };
  }
  // The same person calling again: their mobile and their name (however it is spaced or spelled with ي/ك).
  const r = await sql<{ id: number; mobile: string; full_name: string; created: boolean }>`
    with same as (
      select id, mobile, full_name from customers where mobile = ${c.mobile} and name_search = ${nameSearchKey(c.fullName)} order by id limit 1
    ), ins as (
      insert into customers (full_name, mobile, national_code, created_at, updated_at)
      select ${c.fullName}, ${c.mobile}, ${c.nationalCode ?? null}, ${now}, ${now} where not exists (select 1 from same)
      returning id, mobile, full_name
    )
    select id, mobile, full_name, false as created from same union all select id, mobile, full_name, true as created from ins`.execute(trx);
  const row = r.rows[0]!;
  return { id: row.id, mobile: row.mobile, fullName: row.full_name, created: row.created };
}

async function findOrRegisterProduct(trx: Trx, customerId: number, p: NonNullable<IntakeInput["product"]>, now: Date) {
  // the product registered with this serial (this customer's first), and the model a new one would have
  const r = await sql<{
    id: number | null;
    warranty_expires_on: string | null;
    category_id: number | null;
    model_id: number | null;
    model_category_id: number | null;
    months: number | null;
    warranty_start: WarrantyStartRule | null;
  }>`
    select f.id, f.warranty_expires_on, f.category_id, m.id as model_id, m.category_id as model_category_id, m.months, m.warranty_start
    from (select 1) one
    left join lateral (
      select cp.id, cp.warranty_expires_on, pm.category_id
      from customer_products cp join product_models pm on pm.id = cp.model_id
      where serial_key(cp.serial_number) = ${serialKey(p.serial)} and (${p.modelId ?? null}::bigint is null or cp.model_id = ${p.modelId ?? null})
      order by (cp.customer_id = ${customerId}) desc, cp.id limit 1
    ) f on true
    left join lateral (
      select pm.id, pm.category_id, coalesce(pm.warranty_months, pc.default_warranty_months) as months, pc.warranty_start
      from product_models pm join product_categories pc on pc.id = pm.category_id
      where pm.id = ${p.modelId ?? null}
    ) m on true`.execute(trx);
  const row = r.rows[0]!;
  if (row.id !== null) return { id: row.id, expiresOn: row.warranty_expires_on, categoryId: row.category_id!, created: false };
  if (!p.modelId) throw new IntakeError("serial_unknown", "modelId");
  if (row.model_id === null) throw new IntakeError("model_not_found", "modelId");
  const months = row.months!;
  const purchaseDate = p.purchaseDate ?? null;
  // a category whose warranty starts at installation has none until an agency installs it (issue 15 §1)
  const expiresOn = warrantyExpiry(warrantyStartDay(row.warranty_start ?? "purchase", { purchaseDate, installedOn: null }), months);
  const created = await trx
    .insertInto("customer_products")
    .values({
      customer_id: customerId,
      model_id: row.model_id,
      serial_number: normalizeSerial(p.serial),
      purchase_date: purchaseDate,
      warranty_months: months,
      warranty_expires_on: expiresOn,
      created_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { id: created.id, expiresOn, categoryId: row.model_category_id!, created: true };
}

async function addressFor(trx: Trx, customerId: number, a: NonNullable<IntakeInput["address"]>) {
  const lat = a.lat ?? null;
  const lng = lat === null ? null : (a.lng ?? null);
  // the same address again (its pin updated when one is given), or a new one: the default if none is
  const r = await sql<{ id: number }>`
    with same as (
      select id from customer_addresses
      where customer_id = ${customerId} and province = ${a.province} and city = ${a.city} and address_text = ${a.text}
      order by id limit 1
    ), pin as (
      update customer_addresses set lat = ${lat}, lng = ${lng}
      where id = (select id from same) and ${lat}::double precision is not null
    ), ins as (
      insert into customer_addresses (customer_id, province, city, address_text, lat, lng, is_default)
      select ${customerId}, ${a.province}, ${a.city}, ${a.text}, ${lat}, ${lng},
             not exists (select 1 from customer_addresses d where d.customer_id = ${customerId} and d.is_default)
      where not exists (select 1 from same)
      returning id
    )
    select id from same union all select id from ins`.execute(trx);
  return r.rows[0]!.id;
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
  /** the tracking number drawn with the key's claim */
  number: number,
  links: PublicLinks,
): Promise<Omit<IntakeResult, "replayed">> {
  if (!input.customer) throw new IntakeError("customer_required", "fullName");
  const type = input.kind;
  const related = input.relatedTicketNumber ? await ticketByNumber(trx, input.relatedTicketNumber) : null;
  const customer = await findOrCreateCustomer(trx, input.customer, now);
  const product = input.product ? await findOrRegisterProduct(trx, customer.id, input.product, now) : null;
  const addressId = input.address ? await addressFor(trx, customer.id, input.address) : null;
  const priority = input.priority ?? "normal";
  const categoryId = input.problemCategoryId ?? product?.categoryId ?? null;
  // the SLA target rules in force now (core/delays.ts slaTargetFor: the most specific of priority, category, province,
  // region tier), counted on the working-day clock of the call centre (no agency yet; issue 15 §2)
  const [rules, clock] = await Promise.all([slaTargetRulesWithTier(trx), workingCalendars(trx)]);
  const slaTarget = slaTargetFor(rules, slaTargetKeyOf({ priority, categoryId, province: input.address?.province ?? null, city: input.address?.city ?? null }));
  const due = dueTimesFor(slaTarget, now, type, clock.dueClock(null));
  // the target itself is kept on the ticket: later recomputes (the agency's clock at acceptance, a take-back)
  // count these minutes, whatever the rules say by then (services/agency-due-times.ts)
  const target = isDispatchedType(type) ? slaTarget : null;
  const warranty = product ? warrantyStatusOn(product.expiresOn, tehranDay(now)) : "unknown";
  const channel: TicketChannel = call ? "phone" : (input.channel ?? "phone");
  const lat = input.address?.lat ?? null;
  const lng = lat === null ? null : (input.address?.lng ?? null);
  const createdData = { type, channel, ...(call ? { callId: call.id } : {}), ...(related ? { relatedTicketId: related.id } : {}) };
  const result = { ticketNumber: number, kind: type, created: true };
  // The ticket, its history, the call's link, the key's result, the SMS with its send job (the outbox) and
  // the audit row: one statement.
  // The customer's SMS: the admin's text or the default, with the tracking link (core/sms-templates.ts).
  const smsBody = await renderSms(trx, type === "complaint" ? "complaint_registered" : "ticket_registered", {
    ticket_number: number,
    tracking_link: trackingUrl(links, number),
    customer_name: customer.fullName,
  });
  const sms = smsOutboxCtes(
    { receptor: customer.mobile, body: smsBody, purpose: "ticket_registered", now },
    { ticketIdOf: "t" },
  );
  const audit = auditInsert(
    {
      actorUserId: userId,
      action: "ticket.register",
      entityType: "ticket",
      ip: actor.ip ?? undefined,
      details: {
        number,
        type,
        channel,
        ...(call ? { callId: call.id } : {}),
        customerId: customer.id,
        customerCreated: customer.created,
        ...(product ? { productId: product.id, productCreated: product.created } : {}),
      },
    },
    { entityIdOf: "t" },
  );
  const { rows } = await sql<{ id: number }>`
    with t as (
      insert into tickets (
        number, type, channel, customer_id, customer_product_id, problem_category_id, problem_description,
        warranty_status, priority, address_id, province, city, address_text, lat, lng, related_ticket_id, created_by,
        sla_accept_due_at, sla_visit_due_at, sla_resolve_due_at, sla_accept_minutes, sla_visit_minutes, sla_resolve_minutes,
        created_at, updated_at
      ) values (
        ${number}, ${type}, ${channel}, ${customer.id}, ${product?.id ?? null}, ${categoryId},
        ${input.description ?? ""}, ${warranty}, ${priority}, ${addressId}, ${input.address?.province ?? null}, ${input.address?.city ?? null},
        ${input.address?.text ?? null}, ${lat}, ${lat === null ? null : lng}, ${related?.id ?? null}, ${userId},
        ${due.acceptDueAt}, ${due.visitDueAt}, ${due.resolveDueAt},
        ${target?.acceptMinutes ?? null}::int, ${target?.visitMinutes ?? null}::int, ${target?.resolveMinutes ?? null}::int, ${now}, ${now}
      )
      returning id
    ), events as (
      insert into ticket_events (ticket_id, at, actor_kind, actor_user_id, actor_label, event_type, from_status, to_status, data)
      select t.id, ${now}::timestamptz, ${actor.kind}, ${userId}::bigint, ${actor.label ?? null}, 'created', null, 'new', ${JSON.stringify(createdData)}::jsonb from t
      ${
        call
          ? sql`union all
      select t.id, ${now}::timestamptz, ${actor.kind}, ${userId}::bigint, ${actor.label ?? null}, 'call_attached', null, null,
             ${JSON.stringify({ callId: call.id, direction: call.direction, reason: "registered" })}::jsonb from t`
          : sql``
      }
    ), idem as (
      update idempotency_keys set result = jsonb_build_object('ticketId', t.id) || ${JSON.stringify(result)}::jsonb
      from t where idempotency_keys.key = ${input.idempotencyKey}::uuid
    )
    ${
      call
        ? sql`, link as (
      insert into ticket_calls (ticket_id, call_id, linked_at, linked_by) select t.id, ${call.id}, ${now}, ${userId} from t
      on conflict (ticket_id, call_id) do nothing
    ), call_row as (
      update calls set ticket_id = coalesce(calls.ticket_id, t.id), customer_id = coalesce(calls.customer_id, ${customer.id}::bigint)
      from t where calls.id = ${call.id}
    )`
        : sql``
    }, ${sms}, audit as (${audit})${
      // a breakdown is dispatched by the workers right after the registration commits (services/dispatch.ts):
      // the job, not the ranking, is in this transaction
      isDispatchedType(type)
        ? sql`, dispatch_job as (
      select graphile_worker.add_job(${TICKET_DISPATCH_TASK}, json_build_object('ticketId', t.id),
        job_key := ${DISPATCH_JOB_KEY_PREFIX} || t.id, max_attempts := 10) from t
    )`
        : sql``
    }
    select id, (select count(*) from sms_job) as jobs${isDispatchedType(type) ? sql`, (select count(*) from dispatch_job) as dispatch_jobs` : sql``} from t`.execute(trx);
  const ticket = { id: rows[0]!.id, number };
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
  const by = { kind: actor.kind, userId, label: actor.label ?? null };
  await appendTicketEvent(
    trx,
    call
      ? {
          ticketId: ticket.id,
          at: now,
          actor: by,
          type: "call_attached",
          data: { callId: call.id, direction: call.direction, reason: "follow_up", ...(note ? { note } : {}) },
        }
      : { ticketId: ticket.id, at: now, actor: by, type: "note", data: { text: note, reason: "follow_up" } },
  );
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
  const result = { ticketId: ticket.id, ticketNumber: ticket.number, kind: "follow_up" as const, created: false };
  await trx.updateTable("idempotency_keys").set({ result: JSON.stringify(result) }).where("key", "=", input.idempotencyKey).execute();
  return result;
}
