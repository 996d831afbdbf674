/**
 * The agency ledger's business actions (core/ledger.ts): the referral fee accrued when an out-of-warranty job
 * is completed (inside the completion's transaction), a manager's adjustment of a fee, and a statement
 * (agency, Jalali month) settled with its date and reference. Entries are only ever added (the table refuses
 * UPDATE and DELETE); each action writes its audit row in its transaction.
 */
import type { Transaction } from "kysely";
import { jalaliYearMonth, tehranDay } from "../core/jalali";
import { checkAdjustment, isPeriod, MAX_REFERENCE_LENGTH, settlementAmount, type AdjustmentProblem } from "../core/ledger";
import { bearsReferralFee, referralFeeRials } from "../core/referral-fee";
import { can } from "../core/roles";
import type { WarrantyStatus } from "../core/ticket";
import type { DB } from "../db/connection";
import { writeAudit } from "../db/repos/audit";
import { feeOfTicket, feeRateAt, ledgerEntry, statementBalance, ticketDimensions } from "../db/repos/fees";
import { owedClaimsOfStatement } from "../db/repos/claims";
import { appendClaimEvent } from "../db/repos/claim-events";
import type { Database } from "../db/schema";
import { markClaimsPaidInTrx } from "./claims";
import type { Actor } from "./actor";

/** The agency has no contract rate in force on the completion day: the fee cannot be computed. */
export class NoFeeRateError extends Error {
  constructor(
    readonly agencyId: number,
    readonly day: string,
  ) {
    super(`agency ${agencyId} has no referral-fee rate in force on ${day}`);
    this.name = "NoFeeRateError";
  }
}

export type LedgerErrorCode = AdjustmentProblem | "forbidden" | "notFound" | "notAFee" | "period" | "nothingToSettle" | "openPeriod" | "paidOn" | "returnsPending" | "referenceRequired" | "referenceTooLong";

export class LedgerError extends Error {
  constructor(readonly code: LedgerErrorCode) {
    super(`ledger: ${code}`);
    this.name = "LedgerError";
  }
}

/**
 * Writes the ticket's referral fee, once: the agency's rate in force at `at` × the invoice, in the Jalali month
 * of `at`. Nothing for work that bears no fee (core/referral-fee.ts). A ticket that already has its fee (a job
 * reopened and completed again) keeps it: a correction is a manager's adjustment. Returns the entry written, or
 * null.
 */
export async function accrueReferralFeeInTrx(
  trx: Transaction<Database>,
  actor: Actor,
  input: { ticketId: number; agencyId: number; warranty: WarrantyStatus; invoiceRials: number; at: Date },
): Promise<{ id: number; feeRials: number; ratePercent: number; period: string } | null> {
  if (!bearsReferralFee(input.warranty, input.invoiceRials)) return null;
  if (await feeOfTicket(trx, input.ticketId)) return null;
  const rate = await feeRateAt(trx, input.agencyId, input.at);
  if (rate === null) throw new NoFeeRateError(input.agencyId, tehranDay(input.at));
  const dims = await ticketDimensions(trx, input.ticketId);
  const fee = referralFeeRials(input.invoiceRials, rate);
  const period = jalaliYearMonth(input.at);
  const row = await trx
    .insertInto("agency_ledger")
    .values({
      agency_id: input.agencyId,
      kind: "referral_fee",
      period,
      amount_rials: fee,
      at: input.at,
      ticket_id: input.ticketId,
      invoice_amount_rials: input.invoiceRials,
      rate_percent: rate,
      brand_id: dims.brandId,
      category_id: dims.categoryId,
      province: dims.province,
    })
    .onConflict((oc) => oc.column("ticket_id").where("kind", "=", "referral_fee").doNothing())
    .returning("id")
    .executeTakeFirst();
  if (!row) return null;
  await writeAudit(trx, {
    actorUserId: actor.userId ?? null,
    action: "ledger.fee_accrue",
    entityType: "ticket",
    entityId: input.ticketId,
    ip: actor.ip ?? undefined,
    details: { entryId: row.id, agencyId: input.agencyId, period, invoiceAmountRials: input.invoiceRials, ratePercent: rate, feeRials: fee },
  });
  return { id: row.id, feeRials: fee, ratePercent: rate, period };
}

async function requireLedgerManager(trx: Transaction<Database>, actor: Actor): Promise<number> {
  if (actor.userId === undefined) throw new LedgerError("forbidden");
  const user = await trx.selectFrom("users").select(["role", "active"]).where("id", "=", actor.userId).executeTakeFirst();
  if (!user || !user.active || !can(user.role, "ledger:manage")) throw new LedgerError("forbidden");
  return actor.userId;
}

/**
 * A correction of a referral fee: a new entry of `amountRials` (either sign, not 0) with its reason, on the
 * statement of the month it is made in (a month already settled is never reopened).
 */
export async function adjustFee(db: DB, actor: Actor, input: { entryId: number; amountRials: number; reason: string }, now: Date = new Date()) {
  const problem = checkAdjustment(input.amountRials, input.reason);
  if (problem) throw new LedgerError(problem);
  return db.transaction().execute(async (trx) => {
    const userId = await requireLedgerManager(trx, actor);
    const fee = await ledgerEntry(trx, input.entryId);
    if (!fee) throw new LedgerError("notFound");
    // a referral fee is corrected by a fee_adjustment; an owed warranty claim (issue 15 §3) by a claim_adjustment
    if (fee.kind !== "referral_fee" && fee.kind !== "warranty_claim") throw new LedgerError("notAFee");
    const period = jalaliYearMonth(now);
    const row = await trx
      .insertInto("agency_ledger")
      .values({
        agency_id: fee.agency_id,
        kind: fee.kind === "warranty_claim" ? "claim_adjustment" : "fee_adjustment",
        claim_id: fee.claim_id,
        period,
        amount_rials: input.amountRials,
        at: now,
        ticket_id: fee.ticket_id,
        adjusts_entry_id: fee.id,
        reason: input.reason.trim(),
        created_by: userId,
        brand_id: fee.brand_id,
        category_id: fee.category_id,
        province: fee.province,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    // a claim's correction is in its history too, the claim's way round (+: owed to the agency)
    if (fee.claim_id !== null && fee.kind === "warranty_claim") {
      await appendClaimEvent(trx, { claimId: fee.claim_id, at: now, actorUserId: userId, kind: "corrected", amountRials: -input.amountRials, reason: input.reason, ledgerEntryId: row.id });
    }
    await writeAudit(trx, {
      actorUserId: userId,
      action: "ledger.fee_adjust",
      entityType: "agency",
      entityId: fee.agency_id,
      ip: actor.ip ?? undefined,
      details: { entryId: row.id, adjusts: fee.id, ticketId: fee.ticket_id, period, amountRials: input.amountRials, reason: input.reason.trim() },
    });
    return { id: row.id, period, agencyId: fee.agency_id };
  });
}

/**
 * Marks a statement (agency, month) settled: a payment entry of minus its balance, with the date it was paid
 * ('YYYY-MM-DD', Gregorian; the form takes a Jalali date) and its reference. Only a closed month (before the
 * current one) with something owed either way; the agency row is locked so two settlements cannot both pass.
 */
export async function settleStatement(
  db: DB,
  actor: Actor,
  input: { agencyId: number; period: string; paidOn: string; reference: string },
  now: Date = new Date(),
) {
  if (!isPeriod(input.period)) throw new LedgerError("period");
  if (input.period >= jalaliYearMonth(now)) throw new LedgerError("openPeriod");
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.paidOn) || Number.isNaN(Date.parse(`${input.paidOn}T00:00:00Z`)) || input.paidOn > tehranDay(now)) {
    throw new LedgerError("paidOn");
  }
  const reference = input.reference.trim();
  if (!reference) throw new LedgerError("referenceRequired");
  if (reference.length > MAX_REFERENCE_LENGTH) throw new LedgerError("referenceTooLong");
  return db.transaction().execute(async (trx) => {
    const userId = await requireLedgerManager(trx, actor);
    const agency = await trx.selectFrom("agencies").select("id").where("id", "=", input.agencyId).forUpdate().executeTakeFirst();
    if (!agency) throw new LedgerError("notFound");
    const balance = await statementBalance(trx, input.agencyId, input.period);
    const amount = settlementAmount(balance);
    // issue 15 §3: the claims this statement pays are paid only once their defective serialized parts are back
    const claims = await owedClaimsOfStatement(trx, input.agencyId, input.period);
    if (claims.some((c) => c.returns_pending > 0)) throw new LedgerError("returnsPending");
    if (amount === null && claims.length === 0) throw new LedgerError("nothingToSettle");
    await markClaimsPaidInTrx(trx, actor, claims.map((c) => c.id), now);
    if (amount === null) return { id: null, settledRials: 0 };
    const row = await trx
      .insertInto("agency_ledger")
      .values({
        agency_id: input.agencyId,
        kind: "payment",
        period: input.period,
        amount_rials: amount,
        at: now,
        reference,
        paid_on: input.paidOn,
        created_by: userId,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await writeAudit(trx, {
      actorUserId: userId,
      action: "ledger.statement_settle",
      entityType: "agency",
      entityId: input.agencyId,
      ip: actor.ip ?? undefined,
      details: { entryId: row.id, period: input.period, amountRials: -amount, paidOn: input.paidOn, reference },
    });
    return { id: row.id, settledRials: -amount };
  });
}
