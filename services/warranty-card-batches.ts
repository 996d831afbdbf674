/**
 * Issuing warranty cards (issue 15 §1): the manufacturer prints a card for each unit of a batch of one model.
 * `issueWarrantyCardBatch` reads the serials (core/warranty-card.ts readCardSerials: pasted or a CSV's first
 * column, Persian digits accepted), refuses the whole batch when any row is wrong — not a serial, a duplicate of
 * a row above, or a serial of this model that already has a card — naming each row, and otherwise, in one
 * transaction, writes the batch (who, when, model, count), one card per serial with a new crypto-random code
 * (platform/warranty-code.ts; only its keyed hash and last four digits are stored) and the audit row. The codes
 * are returned once, for the printer's file; nothing can give them again.
 *
 * The writing itself is db/repos/warranty-batches.ts `insertCardBatch`, the one path that creates cards: this
 * service, the demo seed (db/seed/demo-warranty.ts: its cards with the README's fixed codes; db/ may not import
 * services/) and the tests all issue through it, so every card has its batch, its keyed hash and last four
 * digits, and its audit row.
 */
import { sql } from "kysely";
import { tehranDay } from "../core/jalali";
import { serialKey } from "../core/serial";
import { addMonths } from "../core/warranty";
import { MAX_CARDS_PER_BATCH, MAX_ACTIVATE_WITHIN_MONTHS, readCardSerials, type CardSerialRow } from "../core/warranty-card";
import type { DB } from "../db/connection";
import { insertCardBatch, type IssuedCardBatch } from "../db/repos/warranty-batches";
import type { Actor } from "./actor";

export type CardBatchInputCode = "empty" | "tooMany" | "unknownModel" | "badMonths";

export class CardBatchInputError extends Error {
  constructor(readonly code: CardBatchInputCode) {
    super(`card batch refused: ${code}`);
  }
}

/** Some rows are wrong: nothing was issued; `rows` are every row read, each with its problem or null. */
export class CardBatchRowsError extends Error {
  constructor(readonly rows: CardSerialRow[]) {
    super(`card batch refused: ${rows.filter((r) => r.problem).length} rows`);
  }
}

const INSERT_CHUNK = 500;

export type { IssuedCardBatch };

export async function issueWarrantyCardBatch(
  db: DB,
  secret: string,
  actor: Actor,
  input: { modelId: number; serialsText: string; activateWithinMonths: number },
): Promise<IssuedCardBatch> {
  if (!Number.isInteger(input.activateWithinMonths) || input.activateWithinMonths < 1 || input.activateWithinMonths > MAX_ACTIVATE_WITHIN_MONTHS) {
    throw new CardBatchInputError("badMonths");
  }
  const rows = readCardSerials(input.serialsText);
  if (rows.length === 0) throw new CardBatchInputError("empty");
  if (rows.length > MAX_CARDS_PER_BATCH) throw new CardBatchInputError("tooMany");
  return db.transaction().execute(async (trx) => {
    const model = await trx.selectFrom("product_models").select(["id", "name", "model_code"]).where("id", "=", input.modelId).executeTakeFirst();
    if (!model) throw new CardBatchInputError("unknownModel");
    // one batch of a model at a time: two batches sent at once cannot both pass the check below with one serial
    await sql`select pg_advisory_xact_lock(hashtextextended(${`warranty-card-batch:${model.id}`}, 0))`.execute(trx);
    const candidates = rows.filter((r) => r.problem === null);
    // by the serial's key (core/serial.ts serialKey; warranty_cards_serial_key_idx over serial_key(serial_number))
    const existing = new Set<string>();
    for (let i = 0; i < candidates.length; i += INSERT_CHUNK) {
      const keys = candidates.slice(i, i + INSERT_CHUNK).map((r) => serialKey(r.serial));
      const found = await trx
        .selectFrom("warranty_cards")
        .select(sql<string>`serial_key(serial_number)`.as("key"))
        .where("model_id", "=", model.id)
        .where(sql<string>`serial_key(serial_number)`, "in", keys)
        .execute();
      for (const f of found) existing.add(f.key);
    }
    const checked = rows.map((r) => (r.problem === null && existing.has(serialKey(r.serial)) ? { ...r, problem: "exists" as const } : r));
    if (checked.some((r) => r.problem !== null)) throw new CardBatchRowsError(checked);

    const { rows: nowRows } = await sql<{ now: Date }>`select now() as now`.execute(trx);
    const now = nowRows[0]!.now;
    const activateBy = addMonths(tehranDay(now), input.activateWithinMonths);
    return insertCardBatch(trx, secret, actor.userId ?? null, { modelId: model.id, issuedAt: now, activateBy, cards: checked }, actor.ip ?? null);
  });
}
