/**
 * core/serial.ts serialKey and its SQL twin serial_key() agree on tricky spellings, and every place that finds a
 * product or a card by serial finds it however the serial is spelt: the desk's serial lookup, the product search,
 * the ticket search (on customer_products_serial_key_idx), and a card batch refusing a serial of the model that
 * already has a card.
 */
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { serialKey } from "../../core/serial";
import type { DB } from "../../db/connection";
import { productsBySerial } from "../../db/repos/desk";
import { listTickets } from "../../db/repos/tickets";
import { searchProducts } from "../../db/repos/warranty";
import { CardBatchRowsError, issueWarrantyCardBatch } from "../../services/warranty-card-batches";
import { getTestDb, resetDatabase } from "../support/db";

let db: DB;
let modelId: number;
let productId: number;
let managerId: number;
const all = { kind: "all" } as const;

const TRICKY = [
  "RF-9001",
  "rf 9001",
  "RF-۹۰۰۱",
  "rf\u00a09001",
  "r\u200cf-9001\u200f",
  "٤٥٦ab\tc\r\n",
  "SN/12.a_b",
  "ÄÖü-ß ok",
  "سریال ۱۲",
  "---",
];

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  const brand = await db.insertInto("brands").values({ code: "snowa", name_fa: "اسنوا", name_en: "Snowa" }).returning("id").executeTakeFirstOrThrow();
  const cat = await db.insertInto("product_categories").values({ code: "fridge", name_fa: "یخچال", name_en: "Fridge" }).returning("id").executeTakeFirstOrThrow();
  modelId = (await db.insertInto("product_models").values({ brand_id: brand.id, category_id: cat.id, model_code: "RF-1", name: "یخچال" }).returning("id").executeTakeFirstOrThrow()).id;
  const customer = await db.insertInto("customers").values({ full_name: "سارا احمدی", mobile: "+989121234599" }).returning("id").executeTakeFirstOrThrow();
  // stored as an operator once typed it
  productId = (await db.insertInto("customer_products").values({ customer_id: customer.id, model_id: modelId, serial_number: "rf 9001", warranty_months: 18 }).returning("id").executeTakeFirstOrThrow()).id;
  await db.insertInto("tickets").values({ type: "breakdown", channel: "phone", customer_id: customer.id, customer_product_id: productId, warranty_status: "in_warranty", status: "new" }).execute();
  await db.insertInto("warranty_cards").values({ model_id: modelId, serial_number: "RF-9002", code_hash: "a".repeat(64), code_last4: "1234", issued_on: "2026-01-01" }).execute();
  managerId = (await db.insertInto("users").values({ username: "mgr", display_name: "مدیر", role: "manager", password_hash: "x" }).returning("id").executeTakeFirstOrThrow()).id;
});

describe("serial_key() in PostgreSQL is core/serial.ts serialKey", () => {
  it("on tricky spellings", async () => {
    const { rows } = await sql<{ input: string; key: string }>`select input, serial_key(input) as key from unnest(${TRICKY}::text[]) as input`.execute(db);
    expect(rows.map((r) => r.key)).toEqual(rows.map((r) => serialKey(r.input)));
  });
});

describe("finding by serial, however it is spelt", () => {
  it("the desk's lookup, the product search and the ticket search", async () => {
    for (const typed of ["RF-9001", "rf9001", "RF-۹۰۰۱"]) {
      expect((await productsBySerial(db, all, typed)).map((p) => p.id)).toEqual([productId]);
      expect((await searchProducts(db, all, { key: typed.toLowerCase().replace(/\s/g, "") })).map((p) => p.id)).toContain(productId);
      expect((await listTickets(db, all, { q: typed })).rows).toHaveLength(1);
    }
    expect(await productsBySerial(db, all, "RF-9003")).toEqual([]);
  });

  it("a card batch refuses a serial of the model that has a card in another spelling", async () => {
    const error = await issueWarrantyCardBatch(db, "s".repeat(32), { kind: "user", userId: managerId }, { modelId, serialsText: "rf 9002\nRF-9004", activateWithinMonths: 12 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CardBatchRowsError);
    expect((error as CardBatchRowsError).rows.map((r) => r.problem)).toEqual(["exists", null]);
  });
});
