/**
 * A customer's product and its warranty (issue 15 §1):
 *  - operators set the national warranty registry's tracking id — stored and searchable, never sent anywhere;
 *  - a completed installation (an agency's job, services/job-completion.ts) records the installation day and,
 *    for a category whose warranty starts at installation (core/warranty.ts), starts the warranty;
 *  - a completed in-warranty repair that stayed open too long extends the warranty (core/warranty.ts
 *    repairExtensionMonths), with its reason.
 * Each change is written to the product's history (customer_product_events) in the same transaction.
 */
import { sql, type Transaction } from "kysely";
import { toPersianDigits } from "../core/digits";
import { tehranDay } from "../core/jalali";
import { extensionRuleOf } from "../core/service-rules";
import { extendWarranty, repairExtensionMonths, repairOpenDays, warrantyExpiry, warrantyStartDay } from "../core/warranty";
import type { DB } from "../db/connection";
import { serviceRulesInForce } from "../db/repos/service-rules";
import { writeAudit } from "../db/repos/audit";
import { appendProductEvent } from "../db/repos/warranty";
import type { Database } from "../db/schema";
import type { Actor } from "./actor";

/** 4–40 Latin letters, digits and dashes, starting with a letter or digit (the column's CHECK). */
export const REGISTRY_ID_RE = /^[A-Za-z0-9][A-Za-z0-9-]{3,39}$/;

export class ProductNotFoundError extends Error {
  constructor(readonly productId: number) {
    super(`customer product ${productId} not found`);
  }
}

export class RegistryIdTakenError extends Error {
  constructor() {
    super("this registry tracking id is already on another product");
  }
}

/** Sets (or, with null, removes) a product's registry tracking id; unchanged: nothing is written. */
export async function setWarrantyRegistryId(db: DB, actor: Actor, input: { productId: number; registryId: string | null }): Promise<{ changed: boolean }> {
  if (input.registryId !== null && !REGISTRY_ID_RE.test(input.registryId)) throw new Error("invalid registry id");
  return db.transaction().execute(async (trx) => {
    const p = await trx.selectFrom("customer_products").select(["id", "warranty_registry_id"]).where("id", "=", input.productId).forUpdate().executeTakeFirst();
    if (!p) throw new ProductNotFoundError(input.productId);
    if ((p.warranty_registry_id ?? null) === input.registryId) return { changed: false };
    if (input.registryId !== null) {
      const other = await trx
        .selectFrom("customer_products")
        .select("id")
        .where(sql<string>`lower(warranty_registry_id)`, "=", input.registryId.toLowerCase())
        .where("warranty_registry_id", "is not", null)
        .where("id", "<>", p.id)
        .executeTakeFirst();
      if (other) throw new RegistryIdTakenError();
    }
    const { rows } = await sql<{ now: Date }>`select now() as now`.execute(trx);
    await trx.updateTable("customer_products").set({ warranty_registry_id: input.registryId }).where("id", "=", p.id).execute();
    await appendProductEvent(trx, {
      productId: p.id,
      at: rows[0]!.now,
      kind: "registry_id_changed",
      actorUserId: actor.userId ?? null,
      actorLabel: actor.userId ? null : actor.label,
      data: { from: p.warranty_registry_id, to: input.registryId },
    });
    // (h6) the audit log says it in words too (audit.sentence.customer_product.registry_id_change)
    await writeAudit(trx, {
      actorUserId: actor.userId ?? null,
      action: "customer_product.registry_id_change",
      entityType: "customer_product",
      entityId: p.id,
      ip: actor.ip ?? null,
      details: { from: p.warranty_registry_id, to: input.registryId },
    });
    return { changed: true };
  });
}

/**
 * What completing a job does to its product's warranty, in the completion's transaction: an installation
 * records the day (the first completion's) and starts an installation-rule warranty; an in-warranty
 * breakdown open longer than the grace days extends the warranty — by what this ticket has not yet been
 * granted, so a job reopened and completed again is not extended twice. Null: nothing changed.
 */
export async function warrantyOnCompletionInTrx(
  trx: Transaction<Database>,
  actor: Actor,
  input: { ticketId: number; now: Date },
): Promise<{ kind: "started" | "extended"; expiresOn: string | null; months?: number } | null> {
  const t = await trx
    .selectFrom("tickets as t")
    .innerJoin("customer_products as cp", "cp.id", "t.customer_product_id")
    .innerJoin("product_models as m", "m.id", "cp.model_id")
    .innerJoin("product_categories as c", "c.id", "m.category_id")
    .select([
      "t.id",
      "t.number",
      "t.type",
      "t.created_at",
      "t.warranty_status",
      "cp.id as product_id",
      "cp.purchase_date",
      "cp.installed_on",
      "cp.warranty_months",
      "cp.warranty_expires_on",
      "c.warranty_start",
    ])
    .where("t.id", "=", input.ticketId)
    .forUpdate("cp")
    .executeTakeFirst();
  if (!t) return null;
  const actorFields = { actorUserId: actor.userId ?? null, actorLabel: actor.userId ? null : actor.label };
  const number = toPersianDigits(t.number);

  if (t.type === "installation") {
    if (t.installed_on !== null) return null;
    const installedOn = tehranDay(input.now);
    const starts = t.warranty_start === "installation";
    const expiresOn = starts ? warrantyExpiry(warrantyStartDay("installation", { purchaseDate: t.purchase_date, installedOn }), t.warranty_months) : t.warranty_expires_on;
    await trx.updateTable("customer_products").set({ installed_on: installedOn, warranty_expires_on: expiresOn }).where("id", "=", t.product_id).execute();
    await appendProductEvent(trx, {
      productId: t.product_id,
      at: input.now,
      kind: "warranty_started",
      ticketId: t.id,
      ...actorFields,
      reason: starts
        ? `نصب و راه‌اندازی به دست نمایندگی مجاز (درخواست ${number}); گارانتی از روز نصب آغاز شد.`
        : `نصب و راه‌اندازی به دست نمایندگی مجاز (درخواست ${number}); گارانتی این گروه کالا از تاریخ خرید است.`,
      data: { installed_on: installedOn, expires_on: expiresOn, rule: t.warranty_start },
    });
    return { kind: "started", expiresOn };
  }

  if (t.type !== "breakdown" || t.warranty_status !== "in_warranty" || t.warranty_expires_on === null) return null;
  const days = repairOpenDays(t.created_at, input.now);
  // the extension rule in force (the admin's values, /admin/service-rules)
  const rule = extensionRuleOf(await serviceRulesInForce(trx));
  const owed = repairExtensionMonths(days, rule);
  if (owed === 0) return null;
  const granted = await trx
    .selectFrom("customer_product_events")
    .select(sql<number>`coalesce(sum((data->>'months')::int), 0)`.as("months"))
    .where("customer_product_id", "=", t.product_id)
    .where("ticket_id", "=", t.id)
    .where("kind", "=", "warranty_extended")
    .executeTakeFirstOrThrow();
  const months = owed - Number(granted.months);
  if (months <= 0) return null;
  const expiresOn = extendWarranty(t.warranty_expires_on, months);
  await trx.updateTable("customer_products").set({ warranty_expires_on: expiresOn }).where("id", "=", t.product_id).execute();
  await appendProductEvent(trx, {
    productId: t.product_id,
    at: input.now,
    kind: "warranty_extended",
    ticketId: t.id,
    ...actorFields,
    reason: `تعمیر (درخواست ${number}) ${toPersianDigits(days)} روز باز ماند، بیش از ${toPersianDigits(rule.graceDays)} روز: گارانتی ${toPersianDigits(months)} ماه تمدید شد.`,
    data: { days, months, from: t.warranty_expires_on, to: expiresOn },
  });
  return { kind: "extended", expiresOn, months };
}
