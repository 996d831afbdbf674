import { sql } from "kysely";
import { tehranDay } from "../../core/jalali";
import { cardLast4 } from "../../core/warranty-card";
import { hashCardCode, newCardCode } from "../../platform/warranty-code";
import type { DB } from "../connection";
import { writeAudit } from "./audit";

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

export interface IssuedCardBatch {
  batchId: number;
  modelId: number;
  issuedOn: string;
  activateBy: string | null;
  /** shown once: the codes are not stored */
  cards: { id: number; serial: string; code: string }[];
}

export interface NewCardBatch {
  modelId: number;
  /** when it is issued (its Tehran day is the cards' issue day); default: the database's now */
  issuedAt?: Date;
  /** the last day its cards may be activated; null: no deadline */
  activateBy: string | null;
  /** one card per serial (checked by the caller); `code`: a given code (the demo's printed ones), else a new random one */
  cards: readonly { serial: string; code?: string }[];
}

const INSERT_CHUNK = 500;


/**
 * The one path that creates warranty cards (issue 15 §1): a batch of one model, inside the caller's
 * transaction (or its own) — the batch row (who, when, model, count), one card per serial (its code's keyed
 * hash and last four digits only) and the audit row 'warranty_card.batch_issue'. Returns the cards with their
 * codes, once. Used by services/warranty-card-batches.ts issueWarrantyCardBatch (the manager's page, which
 * checks the serials first: core/serial.ts, duplicates, cards that exist), the demo seed and the tests.
 */
export async function insertCardBatch(db: DB, secret: string, issuedBy: number | null, input: NewCardBatch, ip: string | null = null): Promise<IssuedCardBatch> {
  // its own transaction unless the caller's is given: a batch is whole or not at all
  if (!db.isTransaction) return db.transaction().execute((trx) => insertCardBatch(trx, secret, issuedBy, input, ip));
  const model = await db.selectFrom("product_models").select(["id", "name", "model_code"]).where("id", "=", input.modelId).executeTakeFirst();
  if (!model) throw new Error(`insertCardBatch: no model ${input.modelId}`);
  if (input.cards.length === 0) throw new Error("insertCardBatch: no cards");
  const issuedAt = input.issuedAt ?? (await sql<{ now: Date }>`select now() as now`.execute(db)).rows[0]!.now;
  const issuedOn = tehranDay(issuedAt);
  const batch = await db
    .insertInto("warranty_card_batches")
    .values({ model_id: model.id, issued_by: issuedBy, issued_at: issuedAt, issued_on: issuedOn, activate_by: input.activateBy, card_count: input.cards.length })
    .returning("id")
    .executeTakeFirstOrThrow();
  const hashes = new Set<string>();
  const codes = input.cards.map((c) => {
    let code = c.code ?? newCardCode();
    while (!c.code && hashes.has(hashCardCode(secret, code))) code = newCardCode();
    hashes.add(hashCardCode(secret, code));
    return { serial: c.serial, code };
  });
  const cards: IssuedCardBatch["cards"] = [];
  for (let i = 0; i < codes.length; i += INSERT_CHUNK) {
    const chunk = codes.slice(i, i + INSERT_CHUNK);
    const ids = await db
      .insertInto("warranty_cards")
      .values(
        chunk.map((c) => ({
          model_id: model.id,
          serial_number: c.serial,
          code_hash: hashCardCode(secret, c.code),
          code_last4: cardLast4(c.code),
          issued_on: issuedOn,
          activate_by: input.activateBy,
          batch_id: batch.id,
        })),
      )
      .returning(["id", "code_hash"])
      .execute();
    const idOf = new Map(ids.map((r) => [r.code_hash, r.id]));
    for (const c of chunk) cards.push({ id: idOf.get(hashCardCode(secret, c.code))!, serial: c.serial, code: c.code });
  }
  await writeAudit(db, {
    actorUserId: issuedBy,
    at: issuedAt,
    action: "warranty_card.batch_issue",
    entityType: "warranty_card_batch",
    entityId: batch.id,
    ip,
    // never the codes: the audit log is read by more people than the printer
    details: { model_id: model.id, model: `${model.name} (${model.model_code})`, count: cards.length, activate_by: input.activateBy },
  });
  return { batchId: batch.id, modelId: model.id, issuedOn, activateBy: input.activateBy, cards };
}
