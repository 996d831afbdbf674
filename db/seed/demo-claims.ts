import { sql, type Kysely } from "kysely";
import { bandOf, bandsOn, distanceKm, labourTariffOn, lineAmount, SERVICE_TYPES, type ClaimEventKind, type ClaimStatus, type LabourTariff, type TravelBand } from "../../core/claims";
import { jalaliYearMonth, tehranDay } from "../../core/jalali";
import { claimEntryRials } from "../../core/ledger";
import { periodRange } from "../../core/quality";
import { recordClaimCorrection } from "../repos/claims";
import type { Database } from "../schema";

/** The demo's travel-fee bands: 0–10 km free, 10–30 km, 30–60 km, over 60 km. */
export const DEMO_TRAVEL_BANDS: readonly (readonly [number, number])[] = [
  [0, 0],
  [10, 300_000],
  [30, 600_000],
  [60, 1_000_000],
];

/** Labour for a repair by category (rials); installation is 80 % of it, an inspection 40 %. Others: 1,500,000. */
const REPAIR_LABOUR: Record<string, number> = {
  refrigerator: 1_800_000,
  washing_machine: 1_600_000,
  air_conditioner: 2_200_000,
  tv: 1_400_000,
};
const SHARE: Record<(typeof SERVICE_TYPES)[number], number> = { repair: 1, installation: 0.8, inspection: 0.4 };

const DAY = 86_400_000;

/**
 * The warranty claims' demo data (issue 15 §3), called once at the end of DemoBuilder.run():
 *  - the tariffs: labour per category and service type, the travel-fee bands, in force for the past year;
 *  - for THR-001 (agency1), a claim in each state on its completed in-warranty jobs — the oldest one paid with its
 *    month's statement (its defective part returned), then rejected, partly approved (defective part still
 *    awaited), approved, submitted and a draft — each priced as services/claims.ts prices them, with its
 *    ledger entry, its history on the ticket. Written directly (db/ may not call services/);
 *  - a correction of the paid claim in the current month, a month after its decision: the defective part that came
 *    back was found sound on the bench, so its price is taken back — written by db/repos/claims.ts
 *    recordClaimCorrection, the same code the manager's claim page runs (services/claims.ts correctClaim), so this
 *    month's statement of THR-001 shows the claim_adjustment entry and the claim's page its correction.
 */
export async function seedDemoClaims(db: Kysely<Database>, now: Date): Promise<Record<string, number>> {
  const users = await db.selectFrom("users").select(["id", "username"]).where("username", "in", ["admin", "manager", "agency1"]).execute();
  const userId = (u: string) => users.find((x) => x.username === u)?.id ?? null;
  const since = tehranDay(new Date(now.getTime() - 400 * DAY));

  const categories = await db.selectFrom("product_categories").select(["id", "code"]).execute();
  const labourRows = categories.flatMap((c) =>
    SERVICE_TYPES.map((s) => ({
      category_id: c.id,
      service_type: s,
      amount_rials: Math.round(((REPAIR_LABOUR[c.code] ?? 1_500_000) * SHARE[s]) / 10_000) * 10_000,
      effective_from: since,
      created_by: userId("admin"),
    })),
  );
  const labour = labourRows.length ? await db.insertInto("labour_tariffs").values(labourRows).returning(["id", "category_id", "service_type", "amount_rials", "effective_from", "effective_to"]).execute() : [];
  const bandRows = await db
    .insertInto("travel_fee_bands")
    .values(DEMO_TRAVEL_BANDS.map(([fromKm, amount]) => ({ from_km: fromKm, amount_rials: amount, effective_from: since, created_by: userId("admin") })))
    .returning(["id", "from_km", "amount_rials", "effective_from", "effective_to"])
    .execute();
  const tariffs: LabourTariff[] = labour.map((r) => ({ id: r.id, categoryId: r.category_id, serviceType: r.service_type, amountRials: Number(r.amount_rials), effectiveFrom: r.effective_from, effectiveTo: r.effective_to }));
  const bands: TravelBand[] = bandRows.map((r) => ({ id: r.id, fromKm: r.from_km, amountRials: Number(r.amount_rials), effectiveFrom: r.effective_from, effectiveTo: r.effective_to }));

  const agency = await db.selectFrom("agencies").select(["id", "lat", "lng"]).where("code", "=", "THR-001").executeTakeFirst();
  const agencyUser = userId("agency1");
  const manager = userId("manager");
  if (!agency || !agencyUser || !manager) return { labour_tariffs: labour.length, travel_fee_bands: bandRows.length, warranty_claims: 0 };

  // its completed in-warranty jobs with a product, oldest first
  const jobs = await db
    .selectFrom("tickets as t")
    .innerJoin("completion_reports as cr", (j) => j.onRef("cr.ticket_id", "=", "t.id").on("cr.agency_id", "=", agency.id))
    .innerJoin("customer_products as cp", "cp.id", "t.customer_product_id")
    .innerJoin("product_models as pm", "pm.id", "cp.model_id")
    .select(["t.id", "t.lat", "t.lng", "t.province", "cr.id as report_id", "cr.completed_at", "pm.id as model_id", "pm.category_id", "pm.brand_id"])
    .where("t.assigned_agency_id", "=", agency.id)
    .where("t.status", "in", ["completed", "closed"])
    .where("t.warranty_status", "=", "in_warranty")
    .orderBy("cr.completed_at")
    .limit(40)
    .execute();
  // the oldest is paid (a closed month), the rest take the other states, latest last
  const states: ClaimStatus[] = ["paid", "rejected", "partly_approved", "approved", "submitted", "draft"];
  const picked = jobs.length >= states.length ? [jobs[0]!, ...jobs.slice(-(states.length - 1))] : jobs;
  let claims = 0;
  let paid: { claimId: number; partRials: number; approvedRials: number } | null = null;
  for (const [i, job] of picked.entries()) {
    let status = states[i]!;
    const completedAt = new Date(job.completed_at);
    const filedAt = new Date(Math.min(completedAt.getTime() + DAY, now.getTime() - 3 * 3_600_000));
    let decidedAt = new Date(Math.min(filedAt.getTime() + 2 * DAY, now.getTime() - 2 * 3_600_000));
    if (status === "paid" && jalaliYearMonth(decidedAt) >= jalaliYearMonth(now)) status = "approved";
    const day = tehranDay(completedAt);
    const tariff = labourTariffOn(tariffs, job.category_id, "repair", day);
    if (!tariff) continue;
    const distance = job.lat !== null && job.lng !== null && agency.lat !== null && agency.lng !== null ? distanceKm({ lat: agency.lat, lng: agency.lng }, { lat: job.lat, lng: job.lng }) : null;
    const band = bandOf(distance, bandsOn(bands, day));
    const parts = await db
      .selectFrom("completion_parts as p")
      .innerJoin("spare_parts as sp", (j) => j.onRef("sp.code", "=", "p.part_code").on("sp.model_id", "=", job.model_id))
      .select(["sp.id", "sp.name", "sp.list_price_rials", "sp.serialized", "p.quantity", "p.serial_number"])
      .where("p.report_id", "=", job.report_id)
      .execute();
    // a job without parts in its report still claims a part when its state needs a return to show
    if (parts.length === 0 && (status === "paid" || status === "partly_approved")) {
      const sp = await db.selectFrom("spare_parts").select(["id", "name", "list_price_rials", "serialized"]).where("model_id", "=", job.model_id).where("serialized", "=", true).executeTakeFirst();
      if (sp) parts.push({ ...sp, quantity: 1, serial_number: null });
    }
    const lines = [
      { kind: "labour" as const, spare_part_id: null, labour_tariff_id: tariff.id, travel_band_id: null, description: "repair", quantity: 1, unit_rials: tariff.amountRials, serialized: false, defective_serial: null },
      ...(band ? [{ kind: "travel" as const, spare_part_id: null, labour_tariff_id: null, travel_band_id: band.id, description: String(band.fromKm), quantity: 1, unit_rials: band.amountRials, serialized: false, defective_serial: null }] : []),
      ...parts.map((p, k) => ({
        kind: "part" as const, spare_part_id: p.id, labour_tariff_id: null, travel_band_id: null, description: p.name.slice(0, 200),
        quantity: Math.min(Math.max(p.quantity, 1), 99), unit_rials: Number(p.list_price_rials), serialized: p.serialized,
        defective_serial: p.serialized ? `DEF-${job.id}-${k + 1}` : null,
      })),
    ].map((l) => ({ ...l, amount_rials: lineAmount({ kind: l.kind, quantity: l.quantity, unitRials: l.unit_rials }) }));
    const claimed = lines.reduce((s, l) => s + l.amount_rials, 0);
    // the decision per line: approved and paid in full; partly approved cuts the travel fee (or the last line) by half
    const cutIndex = lines.findIndex((l) => l.kind === "travel" && l.amount_rials > 0) >= 0 ? lines.findIndex((l) => l.kind === "travel" && l.amount_rials > 0) : lines.length - 1;
    const decided = status !== "draft" && status !== "submitted";
    const grants = lines.map((l, k) => {
      if (!decided) return { approved: null as number | null, reason: null as string | null };
      if (status === "rejected") return { approved: 0, reason: "خرابی ناشی از نوسان برق است و مشمول گارانتی نیست." };
      if (status === "partly_approved" && k === cutIndex) return { approved: Math.floor(l.amount_rials / 2), reason: "فاصله با مختصات ثبت‌شده نمی‌خواند؛ نیمی از هزینه پذیرفته شد." };
      return { approved: l.amount_rials, reason: null };
    });
    const approved = decided ? grants.reduce((s, g) => s + (g.approved ?? 0), 0) : null;
    if (status === "partly_approved" && approved === claimed) status = "approved";
    if (!decided) decidedAt = filedAt;
    const claimReason = status === "rejected" ? grants[0]!.reason : status === "partly_approved" ? grants[cutIndex]!.reason : null;
    const claim = await db
      .insertInto("warranty_claims")
      .values({
        ticket_id: job.id, agency_id: agency.id, service_type: "repair", status: status === "paid" ? "approved" : status, distance_km: distance,
        claimed_rials: claimed, approved_rials: approved, decision_reason: claimReason, created_by: agencyUser, created_at: filedAt,
        submitted_at: status === "draft" ? null : filedAt, decided_at: decided ? decidedAt : null, decided_by: decided ? manager : null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const lineIds = await db
      .insertInto("warranty_claim_lines")
      .values(lines.map((l, k) => ({ ...l, claim_id: claim.id, approved_rials: grants[k]!.approved, decision_reason: grants[k]!.approved !== null && grants[k]!.approved! < l.amount_rials ? grants[k]!.reason : null })))
      .returning("id")
      .execute();
    const events: { at: Date; actor_kind: "agency" | "user"; actor_user_id: number; text: string; data: Record<string, unknown> }[] = [
      { at: filedAt, actor_kind: "agency", actor_user_id: agencyUser, text: status === "draft" ? `پیش‌نویس ادعای گارانتی شمارهٔ ${claim.id} ثبت شد.` : `ادعای گارانتی شمارهٔ ${claim.id} ثبت و ارسال شد.`, data: { claimStatus: status === "draft" ? "draft" : "submitted" } },
    ];
    // the claim's own history (claim_events), as services/claims.ts writes it
    const history: { claim_id: number; at: Date; actor_user_id: number; kind: ClaimEventKind; amount_rials: number | null; reason: string | null; serial: string | null; ledger_entry_id: number | null }[] = [
      { claim_id: claim.id, at: filedAt, actor_user_id: agencyUser, kind: status === "draft" ? "drafted" : "submitted", amount_rials: claimed, reason: null, serial: null, ledger_entry_id: null },
    ];
    if (decided && approved !== null) {
      const outcome = status === "paid" ? "approved" : status;
      const words = { approved: "تأیید شد", partly_approved: "بخشی از آن تأیید شد", rejected: "رد شد" }[outcome as "approved" | "partly_approved" | "rejected"];
      events.push({ at: decidedAt, actor_kind: "user", actor_user_id: manager, text: `ادعای گارانتی شمارهٔ ${claim.id} ${words}.`, data: { claimStatus: outcome, ...(claimReason ? { reason: claimReason } : {}) } });
      const decision = { claim_id: claim.id, at: decidedAt, actor_user_id: manager, kind: outcome as ClaimEventKind, amount_rials: approved, reason: claimReason, serial: null, ledger_entry_id: null as number | null };
      history.push(decision);
      if (approved > 0) {
        const period = jalaliYearMonth(decidedAt);
        const entry = await db
          .insertInto("agency_ledger")
          .values({
            agency_id: agency.id, kind: "warranty_claim", period, amount_rials: claimEntryRials(approved), at: decidedAt, ticket_id: job.id, claim_id: claim.id,
            reason: claimReason, created_by: manager, brand_id: job.brand_id, category_id: job.category_id, province: job.province,
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        await db.updateTable("warranty_claims").set({ ledger_entry_id: entry.id }).where("id", "=", claim.id).execute();
        decision.ledger_entry_id = entry.id;
        if (status === "paid") {
          // its defective parts came back, then its month's statement was settled (the manufacturer paying what it owes, net)
          const receivedAt = new Date(decidedAt.getTime() + DAY);
          const back = lines.flatMap((l, k) => (l.serialized && l.defective_serial ? [{ claim_line_id: lineIds[k]!.id, serial: l.defective_serial, received_at: receivedAt, received_by: manager }] : []));
          if (back.length) await db.insertInto("defective_part_returns").values(back).execute();
          for (const b of back) history.push({ claim_id: claim.id, at: receivedAt, actor_user_id: manager, kind: "part_returned", amount_rials: null, reason: null, serial: b.serial, ledger_entry_id: null });
          const settledAt = new Date(Math.min(decidedAt.getTime() + 5 * DAY, now.getTime() - 3_600_000));
          const balance = await sql<{ b: string }>`select coalesce(sum(amount_rials), 0)::text as b from agency_ledger where agency_id = ${agency.id} and period = ${period}`.execute(db);
          const owed = Number(balance.rows[0]!.b);
          if (owed !== 0) {
            await db
              .insertInto("agency_ledger")
              .values({ agency_id: agency.id, kind: "payment", period, amount_rials: -owed, at: settledAt, reference: `CLM-${period}-THR-001`, paid_on: tehranDay(settledAt), created_by: manager })
              .execute();
          }
          await db.updateTable("warranty_claims").set({ status: "paid", paid_at: settledAt }).where("id", "=", claim.id).execute();
          paid = { claimId: claim.id, partRials: lines.find((l) => l.kind === "part")?.amount_rials ?? 0, approvedRials: approved };
          events.push({ at: settledAt, actor_kind: "user", actor_user_id: manager, text: `ادعای گارانتی شمارهٔ ${claim.id} پرداخت شد.`, data: { claimStatus: "paid" } });
          history.push({ claim_id: claim.id, at: settledAt, actor_user_id: manager, kind: "paid", amount_rials: approved, reason: null, serial: null, ledger_entry_id: null });
        }
      }
    }
    await db
      .insertInto("ticket_events")
      .values(events.map((e) => ({ ticket_id: job.id, at: e.at, actor_kind: e.actor_kind, actor_user_id: e.actor_user_id, event_type: "note" as const, data: JSON.stringify({ text: e.text, claimId: claim.id, ...e.data }) })))
      .execute();
    await db.insertInto("claim_events").values(history).execute();
    claims++;
  }
  let corrections = 0;
  if (paid) {
    // this month (its decision's month is an earlier one: a paid claim's month was settled), after the settlement
    const at = new Date(Math.max(now.getTime() - 90 * 60_000, periodRange(jalaliYearMonth(now)).from.getTime()));
    const deltaRials = -(paid.partRials > 0 ? paid.partRials : Math.round(paid.approvedRials / 10));
    const reason =
      paid.partRials > 0
        ? "قطعهٔ داغی در آزمایش کارخانه سالم بود؛ بهای آن از ادعا کسر شد."
        : "هزینهٔ ایاب‌وذهاب دوبار حساب شده بود؛ ده درصد از مبلغ تأییدشده کسر شد.";
    const r = await recordClaimCorrection(db, { claimId: paid.claimId, deltaRials, reason, userId: manager, actor: { kind: "user", userId: manager }, now: at });
    if (!r.ok) throw new Error(`demo claim correction refused: ${r.problem}`);
    corrections++;
  }
  return { labour_tariffs: labour.length, travel_fee_bands: bandRows.length, warranty_claims: claims, claim_corrections: corrections };
}
