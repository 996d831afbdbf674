import { sql, type Kysely } from "kysely";
import type { Database } from "../schema";

/*
 * The card batches of the demo (issue 15 §1, h6), loaded after db/seed/demo-warranty.ts: the demo's cards were
 * printed in batches issued by the demo manager — one batch per model and issue day — so the manager's page
 * /manager/warranty-cards lists them with their cards activated and not yet activated. Deterministic: grouped
 * in the cards' order. (The codes themselves are the README's; a batch never stores codes.)
 */
export async function seedDemoWarrantyBatches(db: Kysely<Database>): Promise<Record<string, number>> {
  const manager = await db.selectFrom("users").select("id").where("username", "=", "manager").executeTakeFirst();
  const groups = await db
    .selectFrom("warranty_cards")
    .select(["model_id", "issued_on", (eb) => eb.fn.max("activate_by").as("activate_by"), (eb) => eb.fn.countAll<string>().as("n")])
    .where("batch_id", "is", null)
    .groupBy(["model_id", "issued_on"])
    .orderBy("issued_on")
    .orderBy("model_id")
    .execute();
  for (const g of groups) {
    const batch = await db
      .insertInto("warranty_card_batches")
      .values({
        model_id: g.model_id,
        issued_by: manager?.id ?? null,
        // 10:00 Tehran on the issue day
        issued_at: sql<Date>`(${g.issued_on}::date + time '10:00') at time zone 'Asia/Tehran'`,
        issued_on: g.issued_on,
        activate_by: g.activate_by,
        card_count: Number(g.n),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db.updateTable("warranty_cards").set({ batch_id: batch.id }).where("model_id", "=", g.model_id).where("issued_on", "=", g.issued_on).where("batch_id", "is", null).execute();
  }
  return { warranty_card_batches: groups.length };
}
