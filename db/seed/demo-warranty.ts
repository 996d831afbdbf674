import type { Kysely } from "kysely";
import { tehranDay } from "../../core/jalali";
import { slaDueTimes } from "../../core/sla";
import { maskMobile } from "../../core/warranty-card";
import { addMonths, warrantyExpiry } from "../../core/warranty";
import { DEV_WARRANTY_CODE_SECRET } from "../../platform/warranty-code";
import { insertCardBatch } from "../repos/warranty-batches";
import type { Database } from "../schema";

/*
 * The warranty demo data (issue 15 §1), loaded after the rest of the demo:
 *  - air conditioners' warranty starts at installation by an authorised agency (the other categories: at purchase);
 *  - warranty cards with FIXED codes (listed in the README, so a newcomer can text one from /dev/sms or type it
 *    on /warranty): three not yet activated, on new units; three activated by their owners (the demo customers'
 *    products, by SMS and on the web), with the activation in the product's history; one whose warranty has
 *    ended; one never activated and past its activation deadline;
 *  - two national registry tracking ids on activated products;
 *  - installation tickets (نصب و راه‌اندازی) of air conditioners at THR-001 (authorised for them): one installed
 *    last week (the warranty started that day, in the product's history), one scheduled, one just registered.
 * Every card is issued through db/repos/warranty-batches.ts insertCardBatch — the manager's page's own path —
 * by the demo manager, one batch per model and issue day (so /manager/warranty-cards lists them), with the fixed
 * codes; an activation then writes what the activation service would have (the card's owner, the product's
 * warranty and history, the attempt).
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
  const manager = await db.selectFrom("users").select("id").where("username", "=", "manager").executeTakeFirst();
  // 10:00 Tehran on the issue day
  const issuedAtOn = (isoDay: string) => new Date(`${isoDay}T10:00:00+03:30`);
  let cards = 0;
  let batches = 0;
  const issue = async (modelId: number, issuedOn: string, activateBy: string | null, list: { serial: string; code: string }[]) => {
    batches++;
    cards += list.length;
    const issuedAt = issuedAtOn(issuedOn);
    // the batch and its audit row as of that day in the demo's past
    return (await insertCardBatch(db, secret, manager?.id ?? null, { modelId, issuedAt, activateBy, cards: list })).cards;
  };

  // three fresh cards on units not sold yet (no customer product), issued 90 days ago: one batch per model
  const fresh = new Map<number, { serial: string; code: string }[]>();
  for (const [i, code] of DEMO_CARD_CODES.fresh.entries()) {
    const m = models[i % models.length]!;
    fresh.set(m.id, [...(fresh.get(m.id) ?? []), { serial: `${m.model_code}-C${String(1001 + i)}`, code }]);
  }
  for (const [modelId, list] of fresh) await issue(modelId, dayBefore(90), addMonths(today, 12), list);

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
    const [c] = await issue(p.model_id, tehranDay(new Date(at.getTime() - 30 * DAY_MS)), null, [{ serial: p.serial_number, code: a.code }]);
    await db
      .updateTable("warranty_cards")
      .set({ activated_at: at, activated_phone: p.mobile, activated_via: a.via, customer_id: p.customer_id, customer_product_id: p.id })
      .where("id", "=", c!.id)
      .execute();
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
      .values({ at, channel: a.via, phone: p.mobile, ip: a.via === "web" ? "203.0.113.40" : null, code_last4: a.code.slice(-4), outcome: "activated", card_id: c!.id })
      .execute();
  }

  // a card never activated, past its deadline
  const m = models[0]!;
  await issue(m.id, dayBefore(1100), dayBefore(370), [{ serial: `${m.model_code}-C0999`, code: DEMO_CARD_CODES.lapsed }]);

  // a couple of refused guesses, as the attempts table shows them
  await db
    .insertInto("warranty_card_attempts")
    .values([
      { at: new Date(now.getTime() - 3 * DAY_MS), channel: "web", phone: null, ip: "198.51.100.23", code_last4: "1111", outcome: "not_genuine", card_id: null },
      { at: new Date(now.getTime() - 3 * DAY_MS + 60_000), channel: "web", phone: null, ip: "198.51.100.23", code_last4: "1112", outcome: "not_genuine", card_id: null },
    ])
    .execute();
  const installations = await seedInstallations(db, now);
  return { warranty_cards: cards, warranty_card_batches: batches, installation_tickets: installations };
}

/** Installation tickets at the first agency authorised for air conditioners, with legal histories. */
async function seedInstallations(db: Kysely<Database>, now: Date): Promise<number> {
  const target = await db
    .selectFrom("agency_authorizations as aa")
    .innerJoin("agencies as a", "a.id", "aa.agency_id")
    .innerJoin("product_categories as c", "c.id", "aa.category_id")
    .innerJoin("product_models as m", (j) => j.onRef("m.brand_id", "=", "aa.brand_id").onRef("m.category_id", "=", "aa.category_id"))
    .select(["a.id as agency_id", "a.province", "a.city", "m.id as model_id", "m.model_code", "m.warranty_months", "c.default_warranty_months", "c.id as category_id"])
    .where("c.code", "=", "air_conditioner")
    .where("a.status", "=", "active")
    .orderBy("a.code")
    .orderBy("m.id")
    .executeTakeFirst();
  const operator = await db.selectFrom("users").select("id").where("username", "=", "operator").executeTakeFirst();
  const customers = await db
    .selectFrom("customers as cu")
    .innerJoin("customer_addresses as ad", "ad.customer_id", "cu.id")
    .select(["cu.id", "ad.id as address_id", "ad.province", "ad.city", "ad.address_text", "ad.lat", "ad.lng"])
    .where("ad.is_default", "=", true)
    .orderBy("cu.id", "desc")
    .limit(3)
    .execute();
  if (!target || customers.length < 3) return 0;
  const months = target.warranty_months ?? target.default_warranty_months;
  const plans: { daysAgo: number; path: ("dispatching" | "assigned" | "scheduled" | "in_progress" | "completed")[] }[] = [
    { daysAgo: 9, path: ["dispatching", "assigned", "scheduled", "in_progress", "completed"] },
    { daysAgo: 2, path: ["dispatching", "assigned", "scheduled"] },
    { daysAgo: 0.02, path: [] },
  ];
  for (const [i, plan] of plans.entries()) {
    const c = customers[i]!;
    const created = new Date(now.getTime() - plan.daysAgo * DAY_MS);
    const purchase = tehranDay(new Date(created.getTime() - 2 * DAY_MS));
    const product = await db
      .insertInto("customer_products")
      .values({ customer_id: c.id, model_id: target.model_id, serial_number: `${target.model_code}-INST-${String(501 + i)}`, purchase_date: purchase, warranty_months: months, warranty_expires_on: null, created_at: created })
      .returning("id")
      .executeTakeFirstOrThrow();
    const status = plan.path.at(-1) ?? "new";
    const due = slaDueTimes(created, "normal", "installation");
    const assigned = plan.path.includes("assigned");
    const ticket = await db
      .insertInto("tickets")
      .values({
        type: "installation",
        channel: "phone",
        customer_id: c.id,
        customer_product_id: product.id,
        problem_category_id: target.category_id,
        problem_description: "نصب و راه‌اندازی کولر گازی تازه خریداری‌شده",
        warranty_status: "unknown",
        address_id: c.address_id,
        province: c.province,
        city: c.city,
        address_text: c.address_text,
        lat: c.lat,
        lng: c.lng,
        status,
        assigned_agency_id: assigned ? target.agency_id : null,
        created_by: operator?.id ?? null,
        sla_accept_due_at: due.acceptDueAt,
        sla_visit_due_at: due.visitDueAt,
        sla_resolve_due_at: due.resolveDueAt,
        created_at: created,
        updated_at: created,
        priority: "normal",
        closed_at: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const events: { at: Date; from: string | null; to: string | null; type: "created" | "status_changed" }[] = [{ at: created, from: null, to: "new", type: "created" }];
    let from = "new";
    for (const [k, to] of plan.path.entries()) {
      events.push({ at: new Date(created.getTime() + (k + 1) * 3 * 3_600_000), from, to, type: "status_changed" });
      from = to;
    }
    await db
      .insertInto("ticket_events")
      .values(
        events.map((e) => ({
          ticket_id: ticket.id,
          at: e.at,
          actor_kind: e.type === "created" ? ("user" as const) : ("system" as const),
          actor_user_id: e.type === "created" ? (operator?.id ?? null) : null,
          actor_label: e.type === "created" ? null : "داده نمونه",
          event_type: e.type,
          from_status: e.from as never,
          to_status: e.to as never,
          data: JSON.stringify({}),
        })),
      )
      .execute();
    if (status === "completed") {
      const doneAt = events.at(-1)!.at;
      const installedOn = tehranDay(doneAt);
      const expiresOn = warrantyExpiry(installedOn, months);
      await db.updateTable("customer_products").set({ installed_on: installedOn, warranty_expires_on: expiresOn }).where("id", "=", product.id).execute();
      await db
        .insertInto("customer_product_events")
        .values({
          customer_product_id: product.id,
          at: doneAt,
          kind: "warranty_started",
          ticket_id: ticket.id,
          actor_label: "داده نمونه",
          reason: "نصب و راه‌اندازی به دست نمایندگی مجاز؛ گارانتی از روز نصب آغاز شد.",
          data: JSON.stringify({ installed_on: installedOn, expires_on: expiresOn, rule: "installation" }),
        })
        .execute();
    }
  }
  return plans.length;
}
