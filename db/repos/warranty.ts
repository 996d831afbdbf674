import { sql } from "kysely";
import { serialKey } from "../../core/serial";
import type { CardAttemptOutcome, CardChannel, ProductEventKind } from "../../core/warranty-card";
import type { DB } from "../connection";
import type { DataScope } from "./scope";

/** Warranty cards, their attempts and the product history (issue 15 §1; rules in core/warranty-card.ts). */

/** A card found by its code's hash, locked for the attempt, with what its warranty needs. */
export async function cardByHashForUpdate(db: DB, codeHash: string) {
  return db
    .selectFrom("warranty_cards as w")
    .innerJoin("product_models as m", "m.id", "w.model_id")
    .innerJoin("product_categories as c", "c.id", "m.category_id")
    .leftJoin("customer_products as cp", "cp.id", "w.customer_product_id")
    .select([
      "w.id",
      "w.model_id",
      "w.serial_number",
      "w.code_last4",
      "w.activate_by",
      "w.activated_at",
      "w.activated_phone",
      "w.customer_product_id",
      "cp.warranty_expires_on",
      "m.warranty_months as model_months",
      "c.default_warranty_months as category_months",
      "c.warranty_start",
    ])
    .where("w.code_hash", "=", codeHash)
    .forUpdate("w")
    .executeTakeFirst();
}

/** Refused guesses (outcome not_genuine) since the windows' starts, for this number and this address. */
export async function countCardFailures(db: DB, a: { phone: string | null; ip: string | null; phoneSince: Date; ipSince: Date }) {
  const forPhone = a.phone
    ? await db
        .selectFrom("warranty_card_attempts")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("phone", "=", a.phone)
        .where("outcome", "=", "not_genuine")
        .where("at", ">", a.phoneSince)
        .executeTakeFirstOrThrow()
    : { n: 0 };
  const forIp = a.ip
    ? await db
        .selectFrom("warranty_card_attempts")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("ip", "=", a.ip)
        .where("outcome", "=", "not_genuine")
        .where("at", ">", a.ipSince)
        .executeTakeFirstOrThrow()
    : { n: 0 };
  return { forPhone: Number(forPhone.n), forIp: Number(forIp.n) };
}

export async function recordCardAttempt(
  db: DB,
  a: { at: Date; channel: CardChannel; phone: string | null; ip: string | null; codeLast4: string | null; outcome: CardAttemptOutcome; cardId: number | null; smsId: number | null },
): Promise<void> {
  await db
    .insertInto("warranty_card_attempts")
    .values({
      at: a.at,
      channel: a.channel,
      phone: a.phone?.slice(0, 40) ?? null,
      ip: a.ip?.slice(0, 64) ?? null,
      code_last4: a.codeLast4,
      outcome: a.outcome,
      card_id: a.cardId,
      sms_id: a.smsId,
    })
    .execute();
}

/**
 * Serialises the attempts of one number / one address (a transaction-scoped advisory lock on each key), so
 * two guesses sent at once cannot both pass a count that allows only one.
 */
export async function lockCardAttemptKeys(db: DB, keys: (string | null)[]): Promise<void> {
  for (const key of keys.filter((k): k is string => k !== null).sort()) {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`warranty-card:${key}`}, 0))`.execute(db);
  }
}

export async function appendProductEvent(
  db: DB,
  e: {
    productId: number;
    at: Date;
    kind: ProductEventKind;
    ticketId?: number | null;
    actorUserId?: number | null;
    actorLabel?: string | null;
    reason?: string | null;
    data?: Record<string, unknown>;
  },
): Promise<void> {
  await db
    .insertInto("customer_product_events")
    .values({
      customer_product_id: e.productId,
      at: e.at,
      kind: e.kind,
      ticket_id: e.ticketId ?? null,
      actor_user_id: e.actorUserId ?? null,
      actor_label: e.actorLabel ?? null,
      reason: e.reason ?? null,
      data: JSON.stringify(e.data ?? {}),
    })
    .execute();
}

/** One customer product as the operator's product page shows it (call-centre scope only). */
export async function productPage(db: DB, scope: DataScope, productId: number) {
  if (scope.kind !== "all") return undefined;
  const product = await db
    .selectFrom("customer_products as cp")
    .innerJoin("customers as cu", "cu.id", "cp.customer_id")
    .innerJoin("product_models as m", "m.id", "cp.model_id")
    .innerJoin("brands as b", "b.id", "m.brand_id")
    .innerJoin("product_categories as c", "c.id", "m.category_id")
    .leftJoin("warranty_cards as w", "w.customer_product_id", "cp.id")
    .select([
      "cp.id",
      "cp.serial_number",
      "cp.purchase_date",
      "cp.installed_on",
      "cp.warranty_months",
      "cp.warranty_expires_on",
      "cp.warranty_registry_id",
      "cp.customer_id",
      "cu.full_name as customer_name",
      "cu.mobile as customer_mobile",
      "m.name as model_name",
      "m.model_code",
      "b.name_fa as brand_fa",
      "b.name_en as brand_en",
      "c.name_fa as category_fa",
      "c.name_en as category_en",
      "c.warranty_start",
      "w.id as card_id",
      "w.code_last4 as card_last4",
      "w.activated_at as card_activated_at",
      "w.activated_phone as card_activated_phone",
      "w.activated_via as card_activated_via",
    ])
    .where("cp.id", "=", productId)
    .executeTakeFirst();
  if (!product) return undefined;
  const history = await db
    .selectFrom("customer_product_events as e")
    .leftJoin("users as u", "u.id", "e.actor_user_id")
    .leftJoin("tickets as t", "t.id", "e.ticket_id")
    .select(["e.id", "e.at", "e.kind", "e.reason", "e.data", "e.actor_label", "u.display_name as actor_name", "e.ticket_id", "t.number as ticket_number"])
    .where("e.customer_product_id", "=", productId)
    .orderBy("e.at", "desc")
    .orderBy("e.id", "desc")
    .limit(100)
    .execute();
  const tickets = await db
    .selectFrom("tickets")
    .select(["id", "number", "type", "status", "created_at"])
    .where("customer_product_id", "=", productId)
    .orderBy("created_at", "desc")
    .limit(50)
    .execute();
  return { product, history, tickets };
}

/**
 * Products for the operator's product search: by serial, by the national registry's tracking id (both
 * case-insensitive, on their indexes) or by the owner's mobile.
 */
export async function searchProducts(db: DB, scope: DataScope, q: { key?: string; mobile?: string }) {
  if (scope.kind !== "all" || (!q.key && !q.mobile)) return [];
  const ids = new Set<number>();
  if (q.key) {
    // the serial by its key (core/serial.ts serialKey: case, spaces and dashes ignored; customer_products_serial_key_idx)
    for (const r of await db.selectFrom("customer_products").select("id").where(sql<string>`serial_key(serial_number)`, "=", serialKey(q.key)).limit(50).execute()) ids.add(r.id);
    for (const r of await db
      .selectFrom("customer_products")
      .select("id")
      .where(sql<string>`lower(warranty_registry_id)`, "=", q.key)
      .where("warranty_registry_id", "is not", null)
      .limit(50)
      .execute())
      ids.add(r.id);
  }
  if (q.mobile) {
    for (const r of await db
      .selectFrom("customer_products as cp")
      .innerJoin("customers as cu", "cu.id", "cp.customer_id")
      .select("cp.id")
      .where("cu.mobile", "=", q.mobile)
      .limit(50)
      .execute())
      ids.add(r.id);
  }
  if (ids.size === 0) return [];
  return db
    .selectFrom("customer_products as cp")
    .innerJoin("customers as cu", "cu.id", "cp.customer_id")
    .innerJoin("product_models as m", "m.id", "cp.model_id")
    .leftJoin("warranty_cards as w", "w.customer_product_id", "cp.id")
    .select([
      "cp.id",
      "cp.serial_number",
      "cp.warranty_expires_on",
      "cp.warranty_registry_id",
      "cu.full_name as customer_name",
      "cu.mobile as customer_mobile",
      "m.name as model_name",
      "w.activated_at as card_activated_at",
    ])
    .where("cp.id", "in", [...ids])
    .orderBy("cp.id", "desc")
    .limit(50)
    .execute();
}
