/**
 * Warranty claims (issue 15 §3; rules in core/claims.ts): the tariffs an admin keeps, a claim the agency files
 * for a completed in-warranty job (amounts computed HERE from the tariffs and the catalogue and snapshotted on
 * its lines), the manufacturer's decision per line — whose owed amount becomes an agency_ledger entry the
 * manufacturer owes — and the defective serialized parts received back. Each action owns its transaction and
 * writes its audit row and the ticket's history inside it.
 */
import type { Transaction } from "kysely";
import { normalizeSerial } from "../core/serial";
import { planNewFeeRate } from "../core/agency-admin";
import {
  agencyMayEdit,
  assertClaimTransition,
  bandOf,
  bandsOn,
  checkBandStart,
  checkReason,
  checkTariffAmount,
  claimOwedFromLedger,
  claimTotal,
  decideClaim as decideLines,
  distanceKm,
  isServiceType,
  labourTariffOn,
  lineAmount,
  MAX_CLAIM_QUANTITY,
  serialMatches,
  type ClaimLineKind,
  type ClaimStatus,
  type CorrectionProblem,
  type DecisionProblem,
  type ServiceType,
} from "../core/claims";
import { jalaliYearMonth, tehranDay } from "../core/jalali";
import { claimEntryRials } from "../core/ledger";
import { can, type Permission } from "../core/roles";
import type { DB } from "../db/connection";
import { writeAudit } from "../db/repos/audit";
import { appendClaimEvent } from "../db/repos/claim-events";
import { claimBasis, labourTariffs, recordClaimCorrection, travelBands } from "../db/repos/claims";
import { appendTicketEvent } from "../db/repos/ticket-events";
import type { Database } from "../db/schema";
import type { Actor } from "./actor";

export type ClaimErrorCode =
  | DecisionProblem
  | CorrectionProblem
  | "forbidden"
  | "notFound"
  | "notInWarranty"
  | "notCompleted"
  | "alreadyClaimed"
  | "noLabourTariff"
  | "serviceType"
  | "partUnknown"
  | "quantity"
  | "serialRequired"
  | "state"
  | "notReturnable"
  | "alreadyReturned"
  | "serialMismatch"
  | "amountInvalid"
  | "kmInvalid"
  | "dayInvalid"
  | "notAfterLatest";

export class ClaimError extends Error {
  constructor(readonly code: ClaimErrorCode) {
    super(`claim: ${code}`);
    this.name = "ClaimError";
  }
}

async function requireUser(trx: Transaction<Database>, actor: Actor, permission: Permission) {
  if (actor.userId === undefined) throw new ClaimError("forbidden");
  const user = await trx.selectFrom("users").select(["id", "role", "active", "agency_id", "display_name"]).where("id", "=", actor.userId).executeTakeFirst();
  if (!user || !user.active || !can(user.role, permission)) throw new ClaimError("forbidden");
  return user;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

// ---------- tariffs (admin) ----------

/**
 * A labour tariff of a category and service type from a day on: it must start after the latest one's start
 * and closes the open one on that day (core/agency-admin.ts planNewFeeRate, the rates' rule). Claims keep the
 * amounts they were made at. Audit `tariff.labour_add`.
 */
export async function addLabourTariff(
  db: DB,
  actor: Actor,
  input: { categoryId: number; serviceType: string; amountRials: number; effectiveFrom: string },
) {
  if (!isServiceType(input.serviceType)) throw new ClaimError("serviceType");
  const serviceType: ServiceType = input.serviceType;
  const problem = checkTariffAmount(input.amountRials);
  if (problem) throw new ClaimError(problem);
  if (!DAY.test(input.effectiveFrom)) throw new ClaimError("dayInvalid");
  return db.transaction().execute(async (trx) => {
    const user = await requireUser(trx, actor, "tariffs:manage");
    const category = await trx.selectFrom("product_categories").select("id").where("id", "=", input.categoryId).executeTakeFirst();
    if (!category) throw new ClaimError("notFound");
    await trx.selectFrom("product_categories").select("id").where("id", "=", input.categoryId).forUpdate().execute();
    const existing = await trx
      .selectFrom("labour_tariffs")
      .select(["id", "effective_from", "effective_to"])
      .where("category_id", "=", input.categoryId)
      .where("service_type", "=", serviceType)
      .execute();
    const plan = planNewFeeRate(existing.map((r) => ({ id: r.id, effectiveFrom: r.effective_from, effectiveTo: r.effective_to })), input.effectiveFrom);
    if (!plan.ok) throw new ClaimError("notAfterLatest");
    if (plan.close) await trx.updateTable("labour_tariffs").set({ effective_to: plan.close.effectiveTo }).where("id", "=", plan.close.id).execute();
    const row = await trx
      .insertInto("labour_tariffs")
      .values({ category_id: input.categoryId, service_type: serviceType, amount_rials: input.amountRials, effective_from: input.effectiveFrom, created_by: user.id })
      .returning("id")
      .executeTakeFirstOrThrow();
    await writeAudit(trx, {
      actorUserId: user.id,
      action: "tariff.labour_add",
      ip: actor.ip ?? undefined,
      details: { tariffId: row.id, categoryId: input.categoryId, serviceType, amountRials: input.amountRials, effectiveFrom: input.effectiveFrom, closed: plan.close?.id ?? null },
    });
    return { id: row.id, closedId: plan.close?.id ?? null };
  });
}

/** A travel-fee band starting at `fromKm` from a day on (same dating rule per band start). Audit `tariff.band_add`. */
export async function addTravelBand(db: DB, actor: Actor, input: { fromKm: number; amountRials: number; effectiveFrom: string }) {
  const problem = checkBandStart(input.fromKm) ?? checkTariffAmount(input.amountRials);
  if (problem) throw new ClaimError(problem);
  if (!DAY.test(input.effectiveFrom)) throw new ClaimError("dayInvalid");
  return db.transaction().execute(async (trx) => {
    const user = await requireUser(trx, actor, "tariffs:manage");
    await trx.selectFrom("users").select("id").where("id", "=", user.id).forUpdate().execute();
    const existing = await trx.selectFrom("travel_fee_bands").select(["id", "effective_from", "effective_to"]).where("from_km", "=", input.fromKm).execute();
    const plan = planNewFeeRate(existing.map((r) => ({ id: r.id, effectiveFrom: r.effective_from, effectiveTo: r.effective_to })), input.effectiveFrom);
    if (!plan.ok) throw new ClaimError("notAfterLatest");
    if (plan.close) await trx.updateTable("travel_fee_bands").set({ effective_to: plan.close.effectiveTo }).where("id", "=", plan.close.id).execute();
    const row = await trx
      .insertInto("travel_fee_bands")
      .values({ from_km: input.fromKm, amount_rials: input.amountRials, effective_from: input.effectiveFrom, created_by: user.id })
      .returning("id")
      .executeTakeFirstOrThrow();
    await writeAudit(trx, {
      actorUserId: user.id,
      action: "tariff.band_add",
      ip: actor.ip ?? undefined,
      details: { bandId: row.id, fromKm: input.fromKm, amountRials: input.amountRials, effectiveFrom: input.effectiveFrom, closed: plan.close?.id ?? null },
    });
    return { id: row.id, closedId: plan.close?.id ?? null };
  });
}

// ---------- the claim ----------

export interface ClaimPartInput {
  sparePartId: number;
  quantity: number;
  /** the defective part's serial (required for a serialized part) */
  defectiveSerial?: string | null;
}

export interface PricedLine {
  kind: ClaimLineKind;
  sparePartId: number | null;
  labourTariffId: number | null;
  travelBandId: number | null;
  description: string;
  quantity: number;
  unitRials: number;
  amountRials: number;
  serialized: boolean;
  defectiveSerial: string | null;
}

/**
 * Prices a claim from the server's own data: the labour tariff of the product's category and the service type
 * on the completion day, the travel band of the distance agency → job, each part at its catalogue list price.
 */
export async function priceClaim(
  db: DB,
  agencyId: number,
  input: { ticketId: number; serviceType: string; parts: readonly ClaimPartInput[] },
): Promise<{ lines: PricedLine[]; distanceKm: number | null; totalRials: number; day: string }> {
  if (!isServiceType(input.serviceType)) throw new ClaimError("serviceType");
  const basis = await claimBasis(db, agencyId, input.ticketId);
  if (!basis) throw new ClaimError("notFound");
  const t = basis.ticket;
  if (t.warranty_status !== "in_warranty") throw new ClaimError("notInWarranty");
  if ((t.status !== "completed" && t.status !== "closed") || !basis.completedAt) throw new ClaimError("notCompleted");
  const day = tehranDay(basis.completedAt);
  const lines: PricedLine[] = [];
  const tariff = t.category_id === null ? null : labourTariffOn(await labourTariffs(db), t.category_id, input.serviceType, day);
  if (!tariff) throw new ClaimError("noLabourTariff");
  lines.push({
    kind: "labour", sparePartId: null, labourTariffId: tariff.id, travelBandId: null, description: input.serviceType,
    quantity: 1, unitRials: tariff.amountRials, amountRials: tariff.amountRials, serialized: false, defectiveSerial: null,
  });
  const distance =
    t.lat !== null && t.lng !== null && t.agency_lat !== null && t.agency_lng !== null
      ? distanceKm({ lat: t.agency_lat, lng: t.agency_lng }, { lat: t.lat, lng: t.lng })
      : null;
  const bands = bandsOn(await travelBands(db), day);
  const band = bandOf(distance, bands);
  if (band) {
    lines.push({
      kind: "travel", sparePartId: null, labourTariffId: null, travelBandId: band.id, description: `${band.fromKm}`,
      quantity: 1, unitRials: band.amountRials, amountRials: band.amountRials, serialized: false, defectiveSerial: null,
    });
  }
  for (const p of input.parts) {
    const part = basis.catalogue.find((c) => c.id === p.sparePartId);
    if (!part) throw new ClaimError("partUnknown");
    if (!Number.isSafeInteger(p.quantity) || p.quantity < 1 || p.quantity > MAX_CLAIM_QUANTITY) throw new ClaimError("quantity");
    const serial = normalizeSerial(p.defectiveSerial ?? "").slice(0, 100) || null;
    if (part.serialized && !serial) throw new ClaimError("serialRequired");
    const amount = lineAmount({ kind: "part", quantity: p.quantity, unitRials: part.list_price_rials });
    lines.push({
      kind: "part", sparePartId: part.id, labourTariffId: null, travelBandId: null, description: part.name.slice(0, 200),
      quantity: p.quantity, unitRials: part.list_price_rials, amountRials: amount, serialized: part.serialized,
      defectiveSerial: part.serialized ? serial : null,
    });
  }
  return { lines, distanceKm: distance, totalRials: claimTotal(lines), day };
}

async function insertLines(trx: Transaction<Database>, claimId: number, lines: readonly PricedLine[]) {
  await trx
    .insertInto("warranty_claim_lines")
    .values(
      lines.map((l) => ({
        claim_id: claimId,
        kind: l.kind,
        spare_part_id: l.sparePartId,
        labour_tariff_id: l.labourTariffId,
        travel_band_id: l.travelBandId,
        description: l.description,
        quantity: l.quantity,
        unit_rials: l.unitRials,
        amount_rials: l.amountRials,
        serialized: l.serialized,
        defective_serial: l.defectiveSerial,
      })),
    )
    .execute();
}

function claimNote(text: string, claimId: number, extra: Record<string, unknown> = {}) {
  return { text, claimId, ...extra };
}

/**
 * The agency files a claim for one of its completed in-warranty jobs: a draft, or submitted at once. One live
 * claim per job (a rejected one may be filed again). Audit `claim.create`; the ticket's history says so.
 */
export async function fileClaim(
  db: DB,
  actor: Actor,
  input: { ticketId: number; serviceType: string; parts: readonly ClaimPartInput[]; submit: boolean },
  now: Date = new Date(),
): Promise<{ id: number; status: ClaimStatus; claimedRials: number }> {
  return db.transaction().execute(async (trx) => {
    const user = await requireUser(trx, actor, "claims:file");
    if (user.agency_id === null) throw new ClaimError("forbidden");
    const agencyId = user.agency_id;
    // one claim at a time per job: lock the ticket, then look for a live claim
    const locked = await trx.selectFrom("tickets").select("id").where("id", "=", input.ticketId).where("assigned_agency_id", "=", agencyId).forUpdate().executeTakeFirst();
    if (!locked) throw new ClaimError("notFound");
    const live = await trx.selectFrom("warranty_claims").select("id").where("ticket_id", "=", input.ticketId).where("status", "<>", "rejected").executeTakeFirst();
    if (live) throw new ClaimError("alreadyClaimed");
    const priced = await priceClaim(trx, agencyId, input);
    const status: ClaimStatus = input.submit ? "submitted" : "draft";
    const claim = await trx
      .insertInto("warranty_claims")
      .values({
        ticket_id: input.ticketId,
        agency_id: agencyId,
        service_type: input.serviceType as ServiceType,
        status,
        distance_km: priced.distanceKm,
        claimed_rials: priced.totalRials,
        created_by: user.id,
        created_at: now,
        submitted_at: input.submit ? now : null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await insertLines(trx, claim.id, priced.lines);
    await appendTicketEvent(trx, {
      ticketId: input.ticketId,
      at: now,
      actor,
      type: "note",
      data: claimNote(input.submit ? `ادعای گارانتی شمارهٔ ${claim.id} ثبت و ارسال شد.` : `پیش‌نویس ادعای گارانتی شمارهٔ ${claim.id} ثبت شد.`, claim.id, { claimStatus: status }),
    });
    await appendClaimEvent(trx, { claimId: claim.id, at: now, actorUserId: user.id, kind: input.submit ? "submitted" : "drafted", amountRials: priced.totalRials });
    await writeAudit(trx, {
      actorUserId: user.id,
      action: "claim.create",
      entityType: "ticket",
      entityId: input.ticketId,
      ip: actor.ip ?? undefined,
      details: { claimId: claim.id, agencyId, status, serviceType: input.serviceType, claimedRials: priced.totalRials, distanceKm: priced.distanceKm },
    });
    return { id: claim.id, status, claimedRials: priced.totalRials };
  });
}

async function lockClaim(trx: Transaction<Database>, claimId: number) {
  const c = await trx
    .selectFrom("warranty_claims")
    .select(["id", "ticket_id", "agency_id", "status", "claimed_rials", "approved_rials"])
    .where("id", "=", claimId)
    .forUpdate()
    .executeTakeFirst();
  if (!c) throw new ClaimError("notFound");
  return c;
}

function transition(from: ClaimStatus, to: ClaimStatus) {
  try {
    assertClaimTransition(from, to);
  } catch {
    throw new ClaimError("state");
  }
}

/** The agency sends its draft to the manufacturer. Audit `claim.submit`. */
export async function submitClaim(db: DB, actor: Actor, claimId: number, now: Date = new Date()) {
  return db.transaction().execute(async (trx) => {
    const user = await requireUser(trx, actor, "claims:file");
    const c = await lockClaim(trx, claimId);
    if (c.agency_id !== user.agency_id) throw new ClaimError("notFound");
    transition(c.status, "submitted");
    await trx.updateTable("warranty_claims").set({ status: "submitted", submitted_at: now }).where("id", "=", claimId).execute();
    await appendTicketEvent(trx, { ticketId: c.ticket_id, at: now, actor, type: "note", data: claimNote(`ادعای گارانتی شمارهٔ ${claimId} ارسال شد.`, claimId, { claimStatus: "submitted" }) });
    await appendClaimEvent(trx, { claimId, at: now, actorUserId: user.id, kind: "submitted", amountRials: Number(c.claimed_rials) });
    await writeAudit(trx, { actorUserId: user.id, action: "claim.submit", entityType: "ticket", entityId: c.ticket_id, ip: actor.ip ?? undefined, details: { claimId } });
    return { id: claimId, status: "submitted" as const };
  });
}

/**
 * The manufacturer's decision on a submitted claim: per line what it grants (0 … claimed, a reason for each
 * cut), or the whole claim rejected with one reason (`rejectReason`). The outcome (approved, partly approved,
 * rejected) follows from the lines (core/claims.ts decideClaim). An owed claim writes its ledger entry — minus
 * what was granted, on the statement of the decision's Jalali month. Audit `claim.decide`.
 */
export async function decideClaim(
  db: DB,
  actor: Actor,
  input: { claimId: number; lines?: readonly { lineId: number; approvedRials: number; reason?: string | null }[]; rejectReason?: string | null },
  now: Date = new Date(),
) {
  return db.transaction().execute(async (trx) => {
    const user = await requireUser(trx, actor, "claims:review");
    const c = await lockClaim(trx, input.claimId);
    if (c.status !== "submitted") throw new ClaimError("state");
    const lines = await trx.selectFrom("warranty_claim_lines").select(["id", "amount_rials"]).where("claim_id", "=", c.id).orderBy("id").execute();
    const rejectAll = input.rejectReason != null;
    let decisions: { lineId: number; claimedRials: number; approvedRials: number; reason: string | null }[];
    let claimReason: string | null = null;
    if (rejectAll) {
      const p = checkReason(input.rejectReason ?? "");
      if (p) throw new ClaimError(p);
      claimReason = (input.rejectReason ?? "").trim();
      decisions = lines.map((l) => ({ lineId: l.id, claimedRials: Number(l.amount_rials), approvedRials: 0, reason: claimReason }));
    } else {
      const given = new Map((input.lines ?? []).map((l) => [l.lineId, l]));
      decisions = lines.map((l) => {
        const g = given.get(l.id);
        // a line not mentioned is granted in full
        return { lineId: l.id, claimedRials: Number(l.amount_rials), approvedRials: g ? g.approvedRials : Number(l.amount_rials), reason: g?.reason?.trim() || null };
      });
      if ([...given.keys()].some((id) => !lines.some((l) => l.id === id))) throw new ClaimError("notFound");
    }
    const outcome = decideLines(decisions);
    if ("problem" in outcome) throw new ClaimError(outcome.problem);
    transition(c.status, outcome.status);
    if (outcome.status === "rejected" && !claimReason) {
      claimReason = decisions.map((d) => d.reason).find((r) => r) ?? null;
      if (!claimReason) throw new ClaimError("reasonRequired");
    }
    if (outcome.status === "partly_approved" && !claimReason) claimReason = decisions.map((d) => d.reason).find((r) => r) ?? null;
    for (const d of decisions) {
      await trx
        .updateTable("warranty_claim_lines")
        .set({ approved_rials: d.approvedRials, decision_reason: d.approvedRials < d.claimedRials ? d.reason : null })
        .where("id", "=", d.lineId)
        .execute();
    }
    let entryId: number | null = null;
    const period = jalaliYearMonth(now);
    if (outcome.status !== "rejected") {
      const dims = await trx
        .selectFrom("tickets")
        .leftJoin("customer_products as cp", "cp.id", "tickets.customer_product_id")
        .leftJoin("product_models as pm", "pm.id", "cp.model_id")
        .select(["tickets.province", "pm.brand_id", "pm.category_id"])
        .where("tickets.id", "=", c.ticket_id)
        .executeTakeFirstOrThrow();
      const entry = await trx
        .insertInto("agency_ledger")
        .values({
          agency_id: c.agency_id,
          kind: "warranty_claim",
          period,
          amount_rials: claimEntryRials(outcome.approvedRials),
          at: now,
          ticket_id: c.ticket_id,
          claim_id: c.id,
          reason: claimReason,
          created_by: user.id,
          brand_id: dims.brand_id,
          category_id: dims.category_id,
          province: dims.province,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      entryId = entry.id;
    }
    await trx
      .updateTable("warranty_claims")
      .set({ status: outcome.status, approved_rials: outcome.approvedRials, decision_reason: claimReason, decided_at: now, decided_by: user.id, ledger_entry_id: entryId })
      .where("id", "=", c.id)
      .execute();
    await appendClaimEvent(trx, { claimId: c.id, at: now, actorUserId: user.id, kind: outcome.status, amountRials: outcome.approvedRials, reason: claimReason, ledgerEntryId: entryId });
    const words = { approved: "تأیید شد", partly_approved: "بخشی از آن تأیید شد", rejected: "رد شد" }[outcome.status];
    await appendTicketEvent(trx, {
      ticketId: c.ticket_id,
      at: now,
      actor,
      type: "note",
      data: claimNote(`ادعای گارانتی شمارهٔ ${c.id} ${words}.`, c.id, { claimStatus: outcome.status, ...(claimReason ? { reason: claimReason } : {}) }),
    });
    await writeAudit(trx, {
      actorUserId: user.id,
      action: "claim.decide",
      entityType: "ticket",
      entityId: c.ticket_id,
      ip: actor.ip ?? undefined,
      details: { claimId: c.id, agencyId: c.agency_id, status: outcome.status, claimedRials: Number(c.claimed_rials), approvedRials: outcome.approvedRials, reason: claimReason, entryId, period },
    });
    return { id: c.id, status: outcome.status, approvedRials: outcome.approvedRials, entryId, period };
  });
}

/**
 * The manufacturer received a replaced defective part back: the serial read off it must be the one the claim's
 * line names. One return per line. Audit `claim.part_return`.
 */
export async function recordPartReturn(db: DB, actor: Actor, input: { lineId: number; serial: string }, now: Date = new Date()) {
  return db.transaction().execute(async (trx) => {
    const user = await requireUser(trx, actor, "claims:review");
    const line = await trx
      .selectFrom("warranty_claim_lines")
      .select(["id", "claim_id", "kind", "serialized", "defective_serial", "approved_rials"])
      .where("id", "=", input.lineId)
      .executeTakeFirst();
    if (!line) throw new ClaimError("notFound");
    const c = await lockClaim(trx, line.claim_id);
    if (line.kind !== "part" || !line.serialized || !line.defective_serial) throw new ClaimError("notReturnable");
    if (c.status === "draft" || c.status === "rejected") throw new ClaimError("state");
    const serial = normalizeSerial(input.serial);
    if (!serial) throw new ClaimError("serialRequired");
    if (!serialMatches(line.defective_serial, serial)) throw new ClaimError("serialMismatch");
    const row = await trx
      .insertInto("defective_part_returns")
      .values({ claim_line_id: line.id, serial: serial.slice(0, 100), received_at: now, received_by: user.id })
      .onConflict((oc) => oc.column("claim_line_id").doNothing())
      .returning("id")
      .executeTakeFirst();
    if (!row) throw new ClaimError("alreadyReturned");
    await appendTicketEvent(trx, {
      ticketId: c.ticket_id,
      at: now,
      actor,
      type: "note",
      data: claimNote(`قطعهٔ معیوب با سریال ${serial} از ادعای گارانتی شمارهٔ ${c.id} تحویل گرفته شد.`, c.id, { lineId: line.id }),
    });
    await appendClaimEvent(trx, { claimId: c.id, at: now, actorUserId: user.id, kind: "part_returned", serial });
    await writeAudit(trx, {
      actorUserId: user.id,
      action: "claim.part_return",
      entityType: "ticket",
      entityId: c.ticket_id,
      ip: actor.ip ?? undefined,
      details: { claimId: c.id, lineId: line.id, serial },
    });
    return { id: row.id, claimId: c.id };
  });
}

/**
 * Inside a statement's settlement (services/fees.ts settleStatement): the owed claims of that statement become
 * paid. The caller has checked that each one's defective parts are back.
 */
export async function markClaimsPaidInTrx(trx: Transaction<Database>, actor: Actor, claimIds: readonly number[], now: Date) {
  for (const id of claimIds) {
    const c = await lockClaim(trx, id);
    transition(c.status, "paid");
    await trx.updateTable("warranty_claims").set({ status: "paid", paid_at: now }).where("id", "=", id).execute();
    await appendTicketEvent(trx, { ticketId: c.ticket_id, at: now, actor, type: "note", data: claimNote(`ادعای گارانتی شمارهٔ ${id} پرداخت شد.`, id, { claimStatus: "paid" }) });
    const owed = await trx.selectFrom("agency_ledger").select("amount_rials").where("claim_id", "=", id).where("kind", "in", ["warranty_claim", "claim_adjustment"]).execute();
    await appendClaimEvent(trx, { claimId: id, at: now, actorUserId: actor.userId ?? null, kind: "paid", amountRials: claimOwedFromLedger(owed.map((e) => Number(e.amount_rials))) });
    await writeAudit(trx, { actorUserId: actor.userId ?? null, action: "claim.paid", entityType: "ticket", entityId: c.ticket_id, ip: actor.ip ?? undefined, details: { claimId: id } });
  }
}

/**
 * The agency edits its draft: the service type and the parts (labour and travel re-priced from the tariffs in
 * force on the completion day, parts at list price), the lines replaced; with `submit`, sent to the manufacturer
 * in the same transaction. Once submitted a claim is read-only to the agency (state). Another agency's claim is
 * not found. Audit `claim.edit_draft` (and `claim.submit`); the claim's history records both.
 */
export async function editDraft(
  db: DB,
  actor: Actor,
  input: { claimId: number; serviceType: string; parts: readonly ClaimPartInput[]; submit: boolean },
  now: Date = new Date(),
): Promise<{ id: number; status: ClaimStatus; claimedRials: number }> {
  return db.transaction().execute(async (trx) => {
    const user = await requireUser(trx, actor, "claims:file");
    const c = await lockClaim(trx, input.claimId);
    if (user.agency_id === null || c.agency_id !== user.agency_id) throw new ClaimError("notFound");
    if (!agencyMayEdit(c.status)) throw new ClaimError("state");
    const priced = await priceClaim(trx, c.agency_id, { ticketId: c.ticket_id, serviceType: input.serviceType, parts: input.parts });
    await trx.deleteFrom("warranty_claim_lines").where("claim_id", "=", c.id).execute();
    await insertLines(trx, c.id, priced.lines);
    const status: ClaimStatus = input.submit ? "submitted" : "draft";
    if (input.submit) transition(c.status, "submitted");
    await trx
      .updateTable("warranty_claims")
      .set({ service_type: input.serviceType as ServiceType, distance_km: priced.distanceKm, claimed_rials: priced.totalRials, status, submitted_at: input.submit ? now : null })
      .where("id", "=", c.id)
      .execute();
    await appendClaimEvent(trx, { claimId: c.id, at: now, actorUserId: user.id, kind: "draft_edited", amountRials: priced.totalRials });
    await writeAudit(trx, {
      actorUserId: user.id,
      action: "claim.edit_draft",
      entityType: "ticket",
      entityId: c.ticket_id,
      ip: actor.ip ?? undefined,
      details: { claimId: c.id, serviceType: input.serviceType, claimedBefore: Number(c.claimed_rials), claimedRials: priced.totalRials, lines: priced.lines.length },
    });
    if (input.submit) {
      await appendTicketEvent(trx, { ticketId: c.ticket_id, at: now, actor, type: "note", data: claimNote(`ادعای گارانتی شمارهٔ ${c.id} ارسال شد.`, c.id, { claimStatus: "submitted" }) });
      await appendClaimEvent(trx, { claimId: c.id, at: now, actorUserId: user.id, kind: "submitted", amountRials: priced.totalRials });
      await writeAudit(trx, { actorUserId: user.id, action: "claim.submit", entityType: "ticket", entityId: c.ticket_id, ip: actor.ip ?? undefined, details: { claimId: c.id } });
    }
    return { id: c.id, status, claimedRials: priced.totalRials };
  });
}

/**
 * A correction of a decided, owed claim (approved, partly approved or paid): entries are never edited, so it is
 * a new `claim_adjustment` ledger entry linked to the claim and to the claim's entry, with its reason, on the
 * statement of the Jalali month it is made in (core/claims.ts correctionEntryRials). `deltaRials` is in the
 * claim's terms: + the manufacturer owes the agency more, − less (what the claim owes never goes below 0).
 * The manager's — claims:review and ledger:manage. The writes are db/repos/claims.ts recordClaimCorrection (the
 * demo seed's correction uses the same): audit `claim.correct`, the claim's history and the ticket's note.
 */
export async function correctClaim(db: DB, actor: Actor, input: { claimId: number; deltaRials: number; reason: string }, now: Date = new Date()) {
  return db.transaction().execute(async (trx) => {
    const user = await requireUser(trx, actor, "claims:review");
    if (!can(user.role, "ledger:manage")) throw new ClaimError("forbidden");
    const r = await recordClaimCorrection(trx, { ...input, userId: user.id, actor, ip: actor.ip ?? null, now });
    if (!r.ok) throw new ClaimError(r.problem);
    return { id: r.id, entryId: r.entryId, period: r.period, owedRials: r.owedRials };
  });
}
