import type { Kysely } from "kysely";
import { tehranDay } from "../../core/jalali";
import { maskMobile } from "../../core/warranty-card";
import { addMonths, warrantyExpiry } from "../../core/warranty";
import { DEV_WARRANTY_CODE_SECRET, hashCardCode } from "../../platform/warranty-code";
import type { Database } from "../schema";

/*
 * The warranty demo data (issue 15 §1), loaded after the rest of the demo:
 *  - air conditioners' warranty starts at installation by an authorised agency (the other categories: at purchase);
 *  - warranty cards with FIXED codes (listed in the README, so a newcomer can text one from /dev/sms or type it
 *    on /warranty): three not yet activated, on new units; three activated by their owners (the demo customers'
 *    products, by SMS and on the web), with the activation in the product's history; one whose warranty has
 *    ended; one never activated and past its activation deadline;
 *  - two national registry tracking ids on activated products.
 * Deterministic: no randomness, every choice follows the rows' order.
 */

/** The demo's card codes (16 digits): what is printed under the scratch panel. */
export const DEMO_CARD_CODES = {
  /** not activated yet: text one to the service line, or type it on /warranty */
  fresh: ["4817209355613028", "5920331874026651", "7305992144681207"],
  /** activated by their owners */
  activated: ["6142870039152264", "3398105527463390", "8027416693305518"],
  /** activated two and a half years ago: the warranty has ended */
  expired: "2750649918836041",
  /** never activated, past its activation deadline */
  lapsed: "9163580247719932",
} as const;

const DAY_MS = 86_400_000;

export async function seedDemoWarranty(db: Kysely<Database>, now: Date, secret: string = DEV_WARRANTY_CODE_SECRET): Promise<Record<string, number>> {
  const today = tehranDay(now);
  const dayBefore = (days: number) => tehranDay(new Date(now.getTime() - days * DAY_MS));
  await db.updateTable("product_categories").set({ warranty_start: "installation" }).where("code", "=", "air_conditioner").execute();

  const models = await db
    .selectFrom("product_models as m")
    .innerJoin("product_categories as c", "c.id", "m.category_id")
    .select(["m.id", "m.model_code", "m.warranty_months", "c.default_warranty_months", "c.code as category"])
    .where("c.code", "in", ["washing_machine", "refrigerator", "dishwasher", "tv"])
    .orderBy("m.id")
    .execute();
  const card = (code: string) => ({ code_hash: hashCardCode(secret, code), code_last4: code.slice(-4) });
  let cards = 0;

  // three fresh cards on units not sold yet (no customer product)
  for (const [i, code] of DEMO_CARD_CODES.fresh.entries()) {
    const m = models[i % models.length]!;
    await db
      .insertInto("warranty_cards")
      .values({ model_id: m.id, serial_number: `${m.model_code}-C${String(1001 + i)}`, ...card(code), issued_on: dayBefore(90), activate_by: addMonths(today, 12) })
      .execute();
    cards++;
  }

  // activated cards on the demo customers' products (the newest products of three customers, one per model group)
  const products = await db
    .selectFrom("customer_products as cp")
    .innerJoin("customers as cu", "cu.id", "cp.customer_id")
    .innerJoin("product_models as m", "m.id", "cp.model_id")
    .innerJoin("product_categories as c", "c.id", "m.category_id")
    .select(["cp.id", "cp.model_id", "cp.serial_number", "cp.customer_id", "cu.mobile", "m.warranty_months", "c.default_warranty_months"])
    .where("c.warranty_start", "=", "purchase")
    .orderBy("cp.id")
    .limit(4)
    .execute();
  const activations: { code: string; daysAgo: number; via: "sms" | "web" }[] = [
    { code: DEMO_CARD_CODES.activated[0], daysAgo: 200, via: "sms" },
    { code: DEMO_CARD_CODES.activated[1], daysAgo: 75, via: "web" },
    { code: DEMO_CARD_CODES.activated[2], daysAgo: 12, via: "sms" },
    { code: DEMO_CARD_CODES.expired, daysAgo: 920, via: "sms" },
  ];
  for (const [i, a] of activations.entries()) {
    const p = products[i];
    if (!p) break;
    const months = p.warranty_months ?? p.default_warranty_months;
    const at = new Date(now.getTime() - a.daysAgo * DAY_MS);
    const start = tehranDay(at);
    const expiresOn = warrantyExpiry(start, months)!;
    const c = await db
      .insertInto("warranty_cards")
      .values({
        model_id: p.model_id,
        serial_number: p.serial_number,
        ...card(a.code),
        issued_on: tehranDay(new Date(at.getTime() - 30 * DAY_MS)),
        activate_by: null,
        activated_at: at,
        activated_phone: p.mobile,
        activated_via: a.via,
        customer_id: p.customer_id,
        customer_product_id: p.id,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db
      .updateTable("customer_products")
      .set({ purchase_date: start, warranty_months: months, warranty_expires_on: expiresOn, ...(i < 2 ? { warranty_registry_id: `GR-1405-${String(880_100 + i)}` } : {}) })
      .where("id", "=", p.id)
      .execute();
    await db
      .insertInto("customer_product_events")
      .values({
        customer_product_id: p.id,
        at,
        kind: "warranty_activated",
        actor_label: a.via === "sms" ? "مشتری (پیامک)" : "مشتری (وب)",
        data: JSON.stringify({ channel: a.via, card_last4: a.code.slice(-4), phone: maskMobile(p.mobile), starts_on: start, expires_on: expiresOn, rule: "purchase" }),
      })
      .execute();
    await db
      .insertInto("warranty_card_attempts")
      .values({ at, channel: a.via, phone: p.mobile, ip: a.via === "web" ? "203.0.113.40" : null, code_last4: a.code.slice(-4), outcome: "activated", card_id: c.id })
      .execute();
    cards++;
  }

  // a card never activated, past its deadline
  const m = models[0]!;
  await db
    .insertInto("warranty_cards")
    .values({ model_id: m.id, serial_number: `${m.model_code}-C0999`, ...card(DEMO_CARD_CODES.lapsed), issued_on: dayBefore(1100), activate_by: dayBefore(370) })
    .execute();
  cards++;

  // a couple of refused guesses, as the attempts table shows them
  await db
    .insertInto("warranty_card_attempts")
    .values([
      { at: new Date(now.getTime() - 3 * DAY_MS), channel: "web", phone: null, ip: "198.51.100.23", code_last4: "1111", outcome: "not_genuine", card_id: null },
      { at: new Date(now.getTime() - 3 * DAY_MS + 60_000), channel: "web", phone: null, ip: "198.51.100.23", code_last4: "1112", outcome: "not_genuine", card_id: null },
    ])
    .execute();
  return { warranty_cards: cards };
}
