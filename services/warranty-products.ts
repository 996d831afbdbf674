/**
 * Operators' changes to a customer's product (issue 15 §1): the national warranty registry's tracking id —
 * stored and searchable, never sent anywhere. Each change is written to the product's history
 * (customer_product_events) with who made it, in the same transaction.
 */
import { sql } from "kysely";
import type { DB } from "../db/connection";
import { appendProductEvent } from "../db/repos/warranty";
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
    return { changed: true };
  });
}
