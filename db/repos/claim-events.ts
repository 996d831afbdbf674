/**
 * A warranty claim's history as structured events (core/claims.ts CLAIM_EVENT_KINDS; issue 15 §3) and its
 * ledger entries (the decision's and the corrections'). The caller reads a claim in its scope first
 * (db/repos/claims.ts getClaim): these take a claim id the caller may see.
 */
import type { ClaimEventKind } from "../../core/claims";
import type { DB } from "../connection";

export interface NewClaimEvent {
  claimId: number;
  at: Date;
  actorUserId: number | null;
  kind: ClaimEventKind;
  amountRials?: number | null;
  reason?: string | null;
  serial?: string | null;
  ledgerEntryId?: number | null;
}

/** Appends one event to a claim's history (append-only: a trigger refuses changes); the caller owns the transaction. */
export async function appendClaimEvent(db: DB, e: NewClaimEvent): Promise<number> {
  const row = await db
    .insertInto("claim_events")
    .values({
      claim_id: e.claimId,
      at: e.at,
      actor_user_id: e.actorUserId,
      kind: e.kind,
      amount_rials: e.amountRials ?? null,
      reason: e.reason?.trim().slice(0, 500) || null,
      serial: e.serial?.trim().slice(0, 100) || null,
      ledger_entry_id: e.ledgerEntryId ?? null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A claim's history, oldest first, with who did each step (claim_events_claim_idx). */
export async function claimEvents(db: DB, claimId: number) {
  const rows = await db
    .selectFrom("claim_events as e")
    .leftJoin("users as u", "u.id", "e.actor_user_id")
    .leftJoin("agency_ledger as l", "l.id", "e.ledger_entry_id")
    .select(["e.id", "e.at", "e.kind", "e.amount_rials", "e.reason", "e.serial", "e.ledger_entry_id", "l.period as ledger_period", "u.display_name as actor_name"])
    .where("e.claim_id", "=", claimId)
    .orderBy("e.at")
    .orderBy("e.id")
    .execute();
  return rows.map((r) => ({ ...r, amount_rials: r.amount_rials === null ? null : Number(r.amount_rials) }));
}

/** A claim's ledger entries — its own (warranty_claim) and its corrections (claim_adjustment) — oldest first. */
export async function claimLedgerEntries(db: DB, claimId: number) {
  const rows = await db
    .selectFrom("agency_ledger as l")
    .leftJoin("users as u", "u.id", "l.created_by")
    .select(["l.id", "l.kind", "l.period", "l.at", "l.amount_rials", "l.reason", "u.display_name as created_by_name"])
    .where("l.claim_id", "=", claimId)
    .where("l.kind", "in", ["warranty_claim", "claim_adjustment"])
    .orderBy("l.at")
    .orderBy("l.id")
    .execute();
  return rows.map((r) => ({ ...r, amount_rials: Number(r.amount_rials) }));
}
