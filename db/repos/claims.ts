/**
 * Warranty claims and the tariffs they are priced from (core/claims.ts; issue 15 §3). Every read of a claim
 * takes the caller's scope: an agency sees only its own claims and tickets.
 */
import { sql } from "kysely";
import {
  checkClaimCorrection,
  claimOwedFromLedger,
  correctable,
  correctionEntryRials,
  type ClaimStatus,
  type CorrectionProblem,
  type LabourTariff,
  type TravelBand,
} from "../../core/claims";
import { jalaliMonthOfDay, jalaliYearMonth } from "../../core/jalali";
import type { DB } from "../connection";
import { writeAudit } from "./audit";
import { appendClaimEvent } from "./claim-events";
import type { DataScope } from "./scope";
import { appendTicketEvent, type EventActor } from "./ticket-events";

// ---------- tariffs ----------

export async function labourTariffs(db: DB): Promise<LabourTariff[]> {
  const rows = await db
    .selectFrom("labour_tariffs")
    .select(["id", "category_id", "service_type", "amount_rials", "effective_from", "effective_to"])
    .orderBy("category_id")
    .orderBy("service_type")
    .orderBy("effective_from", "desc")
    .execute();
  return rows.map((r) => ({
    id: r.id,
    categoryId: r.category_id,
    serviceType: r.service_type,
    amountRials: Number(r.amount_rials),
    effectiveFrom: r.effective_from,
    effectiveTo: r.effective_to,
  }));
}

export async function travelBands(db: DB): Promise<TravelBand[]> {
  const rows = await db
    .selectFrom("travel_fee_bands")
    .select(["id", "from_km", "amount_rials", "effective_from", "effective_to"])
    .orderBy("from_km")
    .orderBy("effective_from", "desc")
    .execute();
  return rows.map((r) => ({ id: r.id, fromKm: r.from_km, amountRials: Number(r.amount_rials), effectiveFrom: r.effective_from, effectiveTo: r.effective_to }));
}

export async function categories(db: DB) {
  return db.selectFrom("product_categories").select(["id", "code", "name_fa", "name_en"]).orderBy("code").execute();
}

// ---------- what a claim is made from ----------

/**
 * The agency's completed in-warranty jobs without a live claim (none, or only rejected ones), latest first:
 * the jobs it may claim for.
 */
export async function claimableTickets(db: DB, agencyId: number, limit = 100) {
  return db
    .selectFrom("tickets")
    .innerJoin("completion_reports as cr", (j) => j.onRef("cr.ticket_id", "=", "tickets.id").on("cr.agency_id", "=", agencyId))
    .leftJoin("customer_products as cp", "cp.id", "tickets.customer_product_id")
    .leftJoin("product_models as pm", "pm.id", "cp.model_id")
    .select(["tickets.id", "tickets.number", "tickets.city", "cr.completed_at", "pm.name as model_name", "cp.serial_number"])
    .where("tickets.assigned_agency_id", "=", agencyId)
    .where("tickets.status", "in", ["completed", "closed"])
    .where("tickets.warranty_status", "=", "in_warranty")
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom("warranty_claims as c").select("c.id").whereRef("c.ticket_id", "=", "tickets.id").where("c.status", "<>", "rejected"))),
    )
    .orderBy("cr.completed_at", "desc")
    .limit(limit)
    .execute();
}

/**
 * What a claim on one ticket is computed from: the job (its warranty, status, point, the completion day, the
 * product's model and category), the agency's location, the parts of the completion report and the model's
 * catalogue. Null when the ticket is not the agency's.
 */
export async function claimBasis(db: DB, agencyId: number, ticketId: number) {
  const ticket = await db
    .selectFrom("tickets")
    .leftJoin("customer_products as cp", "cp.id", "tickets.customer_product_id")
    .leftJoin("product_models as pm", "pm.id", "cp.model_id")
    .innerJoin("agencies as a", "a.id", "tickets.assigned_agency_id")
    .select([
      "tickets.id", "tickets.number", "tickets.status", "tickets.warranty_status", "tickets.type", "tickets.lat", "tickets.lng",
      "tickets.province", "pm.id as model_id", "pm.name as model_name", "pm.category_id", "pm.brand_id", "cp.serial_number",
      "a.lat as agency_lat", "a.lng as agency_lng",
    ])
    .where("tickets.id", "=", ticketId)
    .where("tickets.assigned_agency_id", "=", agencyId)
    .executeTakeFirst();
  if (!ticket) return null;
  const report = await db
    .selectFrom("completion_reports")
    .select(["id", "completed_at"])
    .where("ticket_id", "=", ticketId)
    .where("agency_id", "=", agencyId)
    .orderBy("completed_at", "desc")
    .executeTakeFirst();
  const parts = report
    ? await db
        .selectFrom("completion_parts")
        .select(["id", "part_code", "name", "serial_number", "quantity"])
        .where("report_id", "=", report.id)
        .orderBy("id")
        .execute()
    : [];
  const catalogue =
    ticket.model_id === null
      ? []
      : await db
          .selectFrom("spare_parts")
          .select(["id", "code", "name", "list_price_rials", "serialized"])
          .where("model_id", "=", ticket.model_id)
          .where("active", "=", true)
          .orderBy("code")
          .execute();
  return {
    ticket,
    completedAt: report?.completed_at ?? null,
    parts,
    catalogue: catalogue.map((p) => ({ ...p, list_price_rials: Number(p.list_price_rials) })),
  };
}

// ---------- claims ----------

export interface ClaimFilter {
  status?: ClaimStatus | null;
  agencyId?: number | null;
}

/** Claims, newest first, in the caller's scope (an agency: its own only). */
export async function listClaims(db: DB, scope: DataScope, f: ClaimFilter = {}, limit = 200) {
  let q = db
    .selectFrom("warranty_claims as c")
    .innerJoin("tickets as t", "t.id", "c.ticket_id")
    .innerJoin("agencies as a", "a.id", "c.agency_id")
    .select([
      "c.id", "c.ticket_id", "t.number as ticket_number", "c.agency_id", "a.code as agency_code", "a.name as agency_name",
      "c.service_type", "c.status", "c.claimed_rials", "c.approved_rials", "c.created_at", "c.submitted_at", "c.decided_at",
      sql<number>`(select count(*) from warranty_claim_lines l
        where l.claim_id = c.id and l.kind = 'part' and l.serialized and coalesce(l.approved_rials, 0) > 0
          and not exists (select 1 from defective_part_returns r where r.claim_line_id = l.id))::int`.as("returns_pending"),
    ]);
  if (scope.kind === "agency") q = q.where("c.agency_id", "=", scope.agencyId);
  if (f.agencyId != null) q = q.where("c.agency_id", "=", f.agencyId);
  if (f.status) q = q.where("c.status", "=", f.status);
  return q.orderBy("c.created_at", "desc").orderBy("c.id", "desc").limit(limit).execute();
}

/** One claim with its lines and their returns, in the caller's scope; null when outside it. */
export async function getClaim(db: DB, scope: DataScope, claimId: number) {
  let q = db
    .selectFrom("warranty_claims as c")
    .innerJoin("tickets as t", "t.id", "c.ticket_id")
    .innerJoin("agencies as a", "a.id", "c.agency_id")
    .leftJoin("users as cu", "cu.id", "c.created_by")
    .leftJoin("users as du", "du.id", "c.decided_by")
    .select([
      "c.id", "c.ticket_id", "t.number as ticket_number", "c.agency_id", "a.code as agency_code", "a.name as agency_name",
      "c.service_type", "c.status", "c.distance_km", "c.claimed_rials", "c.approved_rials", "c.decision_reason",
      "c.created_at", "c.submitted_at", "c.decided_at", "c.paid_at", "c.ledger_entry_id",
      "cu.display_name as created_by_name", "du.display_name as decided_by_name",
    ])
    .where("c.id", "=", claimId);
  if (scope.kind === "agency") q = q.where("c.agency_id", "=", scope.agencyId);
  const claim = await q.executeTakeFirst();
  if (!claim) return null;
  const lines = await claimLines(db, claimId);
  return { ...claim, distance_km: claim.distance_km === null ? null : Number(claim.distance_km), lines };
}

export async function claimLines(db: DB, claimId: number) {
  const rows = await db
    .selectFrom("warranty_claim_lines as l")
    .leftJoin("spare_parts as p", "p.id", "l.spare_part_id")
    .leftJoin("defective_part_returns as r", "r.claim_line_id", "l.id")
    .leftJoin("users as ru", "ru.id", "r.received_by")
    .select([
      "l.id", "l.kind", "l.spare_part_id", "p.code as part_code", "l.description", "l.quantity", "l.unit_rials", "l.amount_rials",
      "l.serialized", "l.defective_serial", "l.approved_rials", "l.decision_reason",
      "r.serial as returned_serial", "r.received_at as returned_at", "ru.display_name as returned_by_name",
    ])
    .where("l.claim_id", "=", claimId)
    .orderBy("l.id")
    .execute();
  return rows.map((r) => ({
    ...r,
    unit_rials: Number(r.unit_rials),
    amount_rials: Number(r.amount_rials),
    approved_rials: r.approved_rials === null ? null : Number(r.approved_rials),
  }));
}

/** The claims of a ticket (its history panel), oldest first. */
export async function claimsOfTicket(db: DB, ticketId: number) {
  return db
    .selectFrom("warranty_claims")
    .select(["id", "status", "claimed_rials", "approved_rials", "created_at", "decided_at"])
    .where("ticket_id", "=", ticketId)
    .orderBy("id")
    .execute();
}

/**
 * The claims an agency's statement of a month settles: the owed (approved or partly approved) claims whose
 * ledger entry falls in that month, each with the number of serialized defective parts not yet returned.
 */
export async function owedClaimsOfStatement(db: DB, agencyId: number, period: string) {
  return db
    .selectFrom("agency_ledger as l")
    .innerJoin("warranty_claims as c", "c.id", "l.claim_id")
    .select([
      "c.id", "c.status",
      sql<number>`(select count(*) from warranty_claim_lines cl
        where cl.claim_id = c.id and cl.kind = 'part' and cl.serialized and coalesce(cl.approved_rials, 0) > 0
          and not exists (select 1 from defective_part_returns r where r.claim_line_id = cl.id))::int`.as("returns_pending"),
    ])
    .where("l.agency_id", "=", agencyId)
    .where("l.period", "=", period)
    .where("l.kind", "=", "warranty_claim")
    .where("c.status", "in", ["approved", "partly_approved"])
    .execute();
}

/**
 * For the agency scorecard (issue 15 §5): per agency and Jalali month of the decision ('1405-09'), the claims
 * decided, and of them rejected and approved in part, over decisions in [from, toExclusive). A claim counts
 * once, in the month it was decided (a partly approved claim later paid still counts as partly approved: its
 * lines keep the cuts), as it stands now: a later correction counts in the decision's month. Reads warranty_claims_decided_idx; summed per Tehran day in SQL, per month here.
 */
export async function claimDecisionsByAgencyMonth(db: DB, from: Date, toExclusive: Date) {
  // core/quality.ts claimScorecardOutcome: approved in part when what it owes now (granted + its corrections,
  // claim_events by claim_events_claim_idx) is below what was claimed
  const rows = await sql<{ agency_id: number; day: string; decided: number; rejected: number; partly: number }>`
    select c.agency_id,
      to_char(c.decided_at at time zone 'Asia/Tehran', 'YYYY-MM-DD') as day,
      count(*)::int as decided,
      (count(*) filter (where c.status = 'rejected'))::int as rejected,
      (count(*) filter (where c.status <> 'rejected' and coalesce(c.approved_rials, 0) + coalesce(k.corrected, 0) < c.claimed_rials))::int as partly
    from warranty_claims c
    left join lateral (
      select sum(e.amount_rials) as corrected from claim_events e where e.claim_id = c.id and e.kind = 'corrected') k on true
    where c.decided_at is not null and c.decided_at >= ${from} and c.decided_at < ${toExclusive}
    group by 1, 2`.execute(db);
  const out = new Map<string, { agencyId: number; period: string; decided: number; rejected: number; partlyApproved: number }>();
  for (const r of rows.rows) {
    const period = jalaliMonthOfDay(r.day);
    const key = `${r.agency_id}:${period}`;
    const cur = out.get(key) ?? { agencyId: Number(r.agency_id), period, decided: 0, rejected: 0, partlyApproved: 0 };
    cur.decided += r.decided;
    cur.rejected += r.rejected;
    cur.partlyApproved += r.partly;
    out.set(key, cur);
  }
  return [...out.values()].sort((a, b) => a.agencyId - b.agencyId || a.period.localeCompare(b.period));
}

// ---------- a correction of a decided claim ----------

export type ClaimCorrectionRefusal = "notFound" | "state" | CorrectionProblem;

/**
 * The writes of a correction of a decided, owed claim (approved, partly approved or paid), inside the caller's
 * transaction — services/claims.ts correctClaim (the manager's claim page) after its permission check, and the demo
 * seed (db/seed/demo-claims.ts), so both write exactly the same rows. Entries are never edited: a new
 * `claim_adjustment` ledger entry linked to the claim and to the claim's own entry, with its reason, on the statement
 * of the Jalali month of `now` (core/claims.ts correctionEntryRials); `deltaRials` in the claim's terms (+ the
 * manufacturer owes the agency more, − less; what the claim owes never goes below 0, core/claims.ts
 * checkClaimCorrection). The claim's history (claim_events `corrected`), the ticket's note and the audit row
 * `claim.correct` are written with it. The claim row is locked first.
 */
export async function recordClaimCorrection(
  trx: DB,
  input: { claimId: number; deltaRials: number; reason: string; userId: number; actor: EventActor; ip?: string | null; now: Date },
): Promise<{ ok: true; id: number; entryId: number; period: string; owedRials: number } | { ok: false; problem: ClaimCorrectionRefusal }> {
  const c = await trx
    .selectFrom("warranty_claims")
    .select(["id", "ticket_id", "agency_id", "status", "ledger_entry_id"])
    .where("id", "=", input.claimId)
    .forUpdate()
    .executeTakeFirst();
  if (!c) return { ok: false, problem: "notFound" };
  if (!correctable(c.status) || c.ledger_entry_id === null) return { ok: false, problem: "state" };
  const entries = await trx.selectFrom("agency_ledger").select("amount_rials").where("claim_id", "=", c.id).where("kind", "in", ["warranty_claim", "claim_adjustment"]).execute();
  const owed = claimOwedFromLedger(entries.map((e) => Number(e.amount_rials)));
  const problem = checkClaimCorrection(owed, input.deltaRials, input.reason);
  if (problem) return { ok: false, problem };
  const reason = input.reason.trim();
  const base = await trx
    .selectFrom("agency_ledger")
    .select(["id", "ticket_id", "brand_id", "category_id", "province"])
    .where("id", "=", c.ledger_entry_id)
    .executeTakeFirstOrThrow();
  const period = jalaliYearMonth(input.now);
  const amount = correctionEntryRials(input.deltaRials);
  const entry = await trx
    .insertInto("agency_ledger")
    .values({
      agency_id: c.agency_id,
      kind: "claim_adjustment",
      claim_id: c.id,
      period,
      amount_rials: amount,
      at: input.now,
      ticket_id: base.ticket_id,
      adjusts_entry_id: base.id,
      reason,
      created_by: input.userId,
      brand_id: base.brand_id,
      category_id: base.category_id,
      province: base.province,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await appendClaimEvent(trx, { claimId: c.id, at: input.now, actorUserId: input.userId, kind: "corrected", amountRials: input.deltaRials, reason, ledgerEntryId: entry.id });
  await appendTicketEvent(trx, {
    ticketId: c.ticket_id,
    at: input.now,
    actor: input.actor,
    type: "note",
    data: { text: `ادعای گارانتی شمارهٔ ${c.id} اصلاح شد.`, claimId: c.id, correctionRials: input.deltaRials, reason },
  });
  await writeAudit(trx, {
    actorUserId: input.userId,
    action: "claim.correct",
    entityType: "ticket",
    entityId: c.ticket_id,
    ip: input.ip ?? undefined,
    details: { claimId: c.id, agencyId: c.agency_id, entryId: entry.id, adjusts: base.id, period, deltaRials: input.deltaRials, amountRials: amount, owedBefore: owed, reason },
  });
  return { ok: true, id: c.id, entryId: entry.id, period, owedRials: owed + input.deltaRials };
}
