import { sql } from "kysely";
import { serialKey } from "../../core/serial";
import { UNRESOLVED_STATUSES } from "../../core/ticket";
import type { DB } from "../connection";
import type { DataScope } from "./scope";
import { inScope } from "./tickets";

/*
 * The operator desk's reads: the screen-pop (who is calling, what they own, what they asked before) and
 * the registration form's lookups. Explicit columns; ticket reads take the caller's scope, and the call
 * centre's own records (calls, customers by phone) are for call-centre scope only.
 */

const POP_CUSTOMERS = 5;
const RECENT_TICKETS = 8;
const RECENT_CALLS = 6;

/** The call the pop-up is about (call-centre scope only). */
export async function callForPop(db: DB, scope: DataScope, callId: number) {
  if (scope.kind !== "all") return undefined;
  return db
    .selectFrom("calls")
    .select([
      "calls.id",
      "calls.direction",
      "calls.caller_number",
      "calls.called_number",
      "calls.state",
      "calls.ivr_choice",
      "calls.keyed_ticket_number",
      "calls.started_at",
      "calls.answered_at",
      "calls.operator_user_id",
      "calls.customer_id",
      "calls.ticket_id",
    ])
    .where("calls.id", "=", callId)
    .executeTakeFirst();
}

/** Customers with this mobile (+989…): several people may share one phone. */
export async function customersByMobile(db: DB, scope: DataScope, mobile: string) {
  if (scope.kind !== "all") return [];
  return db
    .selectFrom("customers")
    .select(["customers.id", "customers.full_name", "customers.mobile", "customers.national_code"])
    .where("customers.mobile", "=", mobile)
    .orderBy("customers.id")
    .limit(POP_CUSTOMERS)
    .execute();
}

export async function customerById(db: DB, scope: DataScope, customerId: number) {
  if (scope.kind !== "all") return undefined;
  return db
    .selectFrom("customers")
    .select(["customers.id", "customers.full_name", "customers.mobile", "customers.national_code"])
    .where("customers.id", "=", customerId)
    .executeTakeFirst();
}

const productColumns = [
  "customer_products.id",
  "customer_products.customer_id",
  "customer_products.serial_number",
  "customer_products.purchase_date",
  "customer_products.warranty_months",
  "customer_products.warranty_expires_on",
  "product_models.id as model_id",
  "product_models.name as model_name",
  "product_models.model_code",
  "product_models.category_id",
  "brands.name_fa as brand_fa",
  "brands.name_en as brand_en",
  "product_categories.name_fa as category_fa",
  "product_categories.name_en as category_en",
] as const;

function productsQuery(db: DB) {
  return db
    .selectFrom("customer_products")
    .innerJoin("product_models", "product_models.id", "customer_products.model_id")
    .innerJoin("brands", "brands.id", "product_models.brand_id")
    .innerJoin("product_categories", "product_categories.id", "product_models.category_id")
    .select(productColumns);
}

/** The products of these customers, newest first. */
export async function productsOf(db: DB, scope: DataScope, customerIds: readonly number[]) {
  if (scope.kind !== "all" || customerIds.length === 0) return [];
  return productsQuery(db)
    .where("customer_products.customer_id", "in", customerIds)
    .orderBy("customer_products.id", "desc")
    .limit(20)
    .execute();
}

/**
 * Products registered with this serial number, however it was spelt (core/serial.ts serialKey: case, spaces and
 * dashes ignored; customer_products_serial_key_idx). A serial is unique per model, not across models.
 */
export async function productsBySerial(db: DB, scope: DataScope, serial: string) {
  if (scope.kind !== "all") return [];
  return productsQuery(db)
    .where(sql<string>`serial_key(customer_products.serial_number)`, "=", serialKey(serial))
    .orderBy("customer_products.id")
    .limit(10)
    .execute();
}

const ticketColumns = [
  "tickets.id",
  "tickets.number",
  "tickets.type",
  "tickets.status",
  "tickets.priority",
  "tickets.customer_id",
  "tickets.problem_description",
  "tickets.created_at",
  "tickets.sla_resolve_due_at",
] as const;

/** These customers' unresolved tickets (all of them, up to a page) and their latest others. */
export async function ticketsOfCustomers(db: DB, scope: DataScope, customerIds: readonly number[]) {
  if (customerIds.length === 0) return { open: [], recent: [] };
  const base = () => db.selectFrom("tickets").select(ticketColumns).where("tickets.customer_id", "in", customerIds).where(inScope(scope));
  const [open, recent] = await Promise.all([
    base().where("tickets.status", "in", UNRESOLVED_STATUSES).orderBy("tickets.created_at", "desc").limit(20).execute(),
    base().where("tickets.status", "not in", UNRESOLVED_STATUSES).orderBy("tickets.created_at", "desc").limit(RECENT_TICKETS).execute(),
  ]);
  return { open, recent };
}

/** A ticket by its tracking number, within the caller's scope. */
export async function ticketByNumber(db: DB, scope: DataScope, number: number) {
  return db
    .selectFrom("tickets")
    .innerJoin("customers", "customers.id", "tickets.customer_id")
    .select([...ticketColumns, "customers.full_name as customer_name"])
    .where("tickets.number", "=", number)
    .where(inScope(scope))
    .executeTakeFirst();
}

/** The latest calls from this number or of these customers (call-centre scope only). */
export async function recentCalls(db: DB, scope: DataScope, o: { number: string | null; customerIds: readonly number[]; exceptCallId?: number }) {
  if (scope.kind !== "all" || (!o.number && o.customerIds.length === 0)) return [];
  return db
    .selectFrom("calls")
    .leftJoin("users", "users.id", "calls.operator_user_id")
    .leftJoin("tickets", "tickets.id", "calls.ticket_id")
    .select([
      "calls.id",
      "calls.direction",
      "calls.caller_number",
      "calls.started_at",
      "calls.disposition",
      "calls.talk_seconds",
      "calls.ticket_id",
      "tickets.number as ticket_number",
      "users.display_name as operator_name",
    ])
    .where((eb) =>
      eb.or([
        ...(o.number ? [eb("calls.caller_number", "=", o.number)] : []),
        ...(o.customerIds.length ? [eb("calls.customer_id", "in", o.customerIds)] : []),
      ]),
    )
    .$if(o.exceptCallId !== undefined, (q) => q.where("calls.id", "<>", o.exceptCallId!))
    .orderBy("calls.started_at", "desc")
    .limit(RECENT_CALLS)
    .execute();
}

/** What the registration form offers to choose from. */
export async function catalogue(db: DB) {
  const [models, categories] = await Promise.all([
    db
      .selectFrom("product_models")
      .innerJoin("brands", "brands.id", "product_models.brand_id")
      .select([
        "product_models.id",
        "product_models.name",
        "product_models.model_code",
        "product_models.category_id",
        "brands.name_fa as brand_fa",
        "brands.name_en as brand_en",
      ])
      .orderBy("brands.name_en")
      .orderBy("product_models.name")
      .execute(),
    db
      .selectFrom("product_categories")
      .select(["product_categories.id", "product_categories.name_fa", "product_categories.name_en"])
      .orderBy("product_categories.id")
      .execute(),
  ]);
  return { models, categories };
}

/** The desk user's operator row (phone extension and availability), if they have one. */
export async function operatorOf(db: DB, userId: number) {
  return db
    .selectFrom("operators")
    .select(["operators.user_id", "operators.extension", "operators.presence", "operators.presence_since"])
    .where("operators.user_id", "=", userId)
    .executeTakeFirst();
}

/** A customer to prefill a simulated call with: the newest with an open ticket, else any. */
export async function demoCallerMobile(db: DB): Promise<string | null> {
  const row = await db
    .selectFrom("customers")
    .select("customers.mobile")
    .where(sql<boolean>`exists (select 1 from customer_products p where p.customer_id = customers.id)`)
    .orderBy("customers.id")
    .limit(1)
    .executeTakeFirst();
  return row?.mobile ?? null;
}

/** A customer's default address (else their newest), to prefill the registration form. */
export async function defaultAddressOf(db: DB, scope: DataScope, customerId: number) {
  if (scope.kind !== "all") return undefined;
  return db
    .selectFrom("customer_addresses")
    .select([
      "customer_addresses.id",
      "customer_addresses.province",
      "customer_addresses.city",
      "customer_addresses.address_text",
      "customer_addresses.lat",
      "customer_addresses.lng",
    ])
    .where("customer_addresses.customer_id", "=", customerId)
    .orderBy("customer_addresses.is_default", "desc")
    .orderBy("customer_addresses.id", "desc")
    .limit(1)
    .executeTakeFirst();
}

/** A call-back given to an operator (call-centre scope only): the number being dialled and whose it is. */
export async function callbackForDesk(db: DB, scope: DataScope, callbackId: number) {
  if (scope.kind !== "all") return undefined;
  return db
    .selectFrom("call_callbacks as cb")
    .leftJoin("calls", "calls.id", "cb.call_id")
    .leftJoin("customers", "customers.id", "calls.customer_id")
    .select(["cb.id", "cb.number", "cb.status", "customers.full_name as customer_name"])
    .where("cb.id", "=", callbackId)
    .executeTakeFirst();
}
