import { sql } from "kysely";
import type { DB } from "../connection";

/** Warranty card batches (issue 15 §1; services/warranty-card-batches.ts issues them). */

/** The latest batches with their cards counted, activated or not (index warranty_cards_batch_idx, index-only). */
export async function recentCardBatches(db: DB, limit = 50) {
  const rows = await db
    .selectFrom("warranty_card_batches as b")
    .innerJoin("product_models as m", "m.id", "b.model_id")
    .leftJoin("users as u", "u.id", "b.issued_by")
    .select([
      "b.id",
      "b.issued_at",
      "b.issued_on",
      "b.activate_by",
      "b.card_count",
      "m.name as model_name",
      "m.model_code",
      "u.display_name as issued_by_name",
      sql<string>`(select count(*) from warranty_cards w where w.batch_id = b.id and w.activated_at is not null)`.as("activated"),
    ])
    .orderBy("b.issued_at", "desc")
    .orderBy("b.id", "desc")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, activated: Number(r.activated), notActivated: r.card_count - Number(r.activated) }));
}

/** The models a batch can be issued for, by brand and name. */
export async function cardModels(db: DB) {
  return db
    .selectFrom("product_models as m")
    .innerJoin("brands as b", "b.id", "m.brand_id")
    .select(["m.id", "m.name", "m.model_code", "b.name_fa as brand_fa", "b.name_en as brand_en"])
    .orderBy("b.name_fa")
    .orderBy("m.name")
    .orderBy("m.id")
    .execute();
}
