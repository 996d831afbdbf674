/**
 * Issue 15 §3 on real PostgreSQL, against a hand-computed fixture: an agency's warranty claim priced by the
 * server from the tariffs and the catalogue, partly approved per line with a reason, its ledger entry netted
 * against a referral fee in the month's statement (entries, roll-up and statement agreeing), the defective
 * serialized part returned by serial before the statement (and the claim) is paid.
 *
 * Fixture (Azar 1405 = 2026-11-22 … 2026-12-21, Tehran):
 *   agency A at (35.7000, 51.4000); job J1's point (35.7000, 51.6200): ≈ 19.9 km → band 10–30 km: 300,000
 *   labour tariff (category K, repair): 1,000,000 until 2026-11-01, 1,200,000 from 2026-11-01
 *   catalogue of model X: CMP compressor 4,500,000 (serialized), THR thermostat 350,000
 *   J1 (A, in warranty, completed 2026-11-30 with parts CMP ×1, THR ×2): claim
 *       labour 1,200,000 + travel 300,000 + CMP 4,500,000 (defective serial DEF-77) + THR 2 × 350,000 = 6,700,000
 *     decided 2026-12-05: THR line granted 350,000 ("one thermostat was enough"), the rest in full → 6,350,000
 *   J2 (A, out of warranty, completed 2026-11-24, invoice 1,250,000 at 10 %) → referral fee 125,000
 *   A's Azar: fees 125,000, claims −6,350,000, due −6,225,000 → the manufacturer owes 6,225,000;
 *     settled on 2026-12-23 (once DEF-77 is back) by a payment of +6,225,000 → balance 0, the claim paid.
 *   J3 (A, in warranty): claim rejected ("not a warranty fault"), filed again afterwards.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { sessionCookie } from "../../app/lib/auth.server";
import { loader as agencyExportLoader } from "../../app/routes/agency.statement_.$period.export";
import type { DB } from "../../db/connection";
import * as claims from "../../db/repos/claims";
import * as fees from "../../db/repos/fees";
import { createSession } from "../../db/repos/sessions";
import { addLabourTariff, addTravelBand, decideClaim, fileClaim, priceClaim, recordPartReturn, submitClaim } from "../../services/claims";
import { adjustFee, settleStatement } from "../../services/fees";
import { testContext } from "../support/context";
import { getTestDb, resetDatabase } from "../support/db";

const at = (iso: string) => new Date(iso);
let db: DB;
let agencyA: number;
let agencyB: number;
let categoryK: number;
let modelX: number;
let userA: number;
let userB: number;
let manager: number;
let admin: number;
const jobs = { j1: 0, j2: 0, j3: 0 };
const part = { cmp: 0, thr: 0 };
let cookieA = "";
const agencyActor = (userId: number) => ({ kind: "agency" as const, userId });
const userActor = (userId: number) => ({ kind: "user" as const, userId });

async function job(warranty: "in_warranty" | "out_of_warranty", productId: number, point: { lat: number; lng: number }) {
  const customer = (await db.selectFrom("customer_products").select("customer_id").where("id", "=", productId).executeTakeFirstOrThrow()).customer_id;
  return (
    await db
      .insertInto("tickets")
      .values({
        type: "breakdown", channel: "phone", customer_id: customer, customer_product_id: productId, warranty_status: warranty,
        status: "completed", assigned_agency_id: agencyA, province: "تهران", city: "تهران", lat: point.lat, lng: point.lng,
      })
      .returning("id")
      .executeTakeFirstOrThrow()
  ).id;
}

async function completion(ticketId: number, completedAt: string, invoice: number, parts: { code: string; name: string; serial: string | null; qty: number }[]) {
  const r = await db
    .insertInto("completion_reports")
    .values({ ticket_id: ticketId, agency_id: agencyA, completed_at: at(completedAt), work_description: "تعویض قطعه", invoice_amount_rials: invoice })
    .returning("id")
    .executeTakeFirstOrThrow();
  if (parts.length) {
    await db
      .insertInto("completion_parts")
      .values(parts.map((p) => ({ report_id: r.id, part_code: p.code, name: p.name, serial_number: p.serial, quantity: p.qty })))
      .execute();
  }
}

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  const [a, b] = await db
    .insertInto("agencies")
    .values([
      { code: "THR-001", name: "نمایندگی مرکزی تهران", province: "تهران", city: "تهران", lat: 35.7, lng: 51.4 },
      { code: "THR-002", name: "نمایندگی غرب تهران", province: "تهران", city: "تهران", lat: 35.7, lng: 51.3 },
    ])
    .returning("id")
    .execute();
  agencyA = a!.id;
  agencyB = b!.id;
  const users = await db
    .insertInto("users")
    .values([
      { username: "agencya", display_name: "حسن اکبری", role: "agency_admin", password_hash: "x", agency_id: agencyA },
      { username: "agencyb", display_name: "سارا نوری", role: "agency_admin", password_hash: "x", agency_id: agencyB },
      { username: "boss", display_name: "مدیر خدمات", role: "manager", password_hash: "x" },
      { username: "root", display_name: "مدیر سامانه", role: "admin", password_hash: "x" },
    ])
    .returning(["id", "username"])
    .execute();
  [userA, userB, manager, admin] = users.map((u) => u.id) as [number, number, number, number];
  const s = await createSession(db, { userId: userA, ip: "127.0.0.1", userAgent: "test" });
  cookieA = (await sessionCookie(testContext(db)).serialize(s.id)).split(";")[0]!;
  await db.insertInto("agency_fee_rates").values({ agency_id: agencyA, rate_percent: 10, effective_from: "2026-01-01" }).execute();
  const brand = (await db.insertInto("brands").values({ code: "brand-x", name_fa: "برند ایکس", name_en: "Brand X" }).returning("id").executeTakeFirstOrThrow()).id;
  categoryK = (await db.insertInto("product_categories").values({ code: "fridge", name_fa: "یخچال", name_en: "Refrigerator" }).returning("id").executeTakeFirstOrThrow()).id;
  modelX = (await db.insertInto("product_models").values({ brand_id: brand, category_id: categoryK, model_code: "X-1", name: "X one" }).returning("id").executeTakeFirstOrThrow()).id;
  const ps = await db
    .insertInto("spare_parts")
    .values([
      { model_id: modelX, code: "CMP", name: "کمپرسور", list_price_rials: 4_500_000, serialized: true },
      { model_id: modelX, code: "THR", name: "ترموستات", list_price_rials: 350_000, serialized: false },
    ])
    .returning("id")
    .execute();
  part.cmp = ps[0]!.id;
  part.thr = ps[1]!.id;
  const customer = (await db.insertInto("customers").values({ full_name: "مریم رضایی", mobile: "+989121112233" }).returning("id").executeTakeFirstOrThrow()).id;
  const product = (await db.insertInto("customer_products").values({ customer_id: customer, model_id: modelX, serial_number: "SN-X-1", warranty_months: 18 }).returning("id").executeTakeFirstOrThrow()).id;

  // the tariffs, through the admin's service (audited; the second labour tariff closes the first)
  await addLabourTariff(db, userActor(admin), { categoryId: categoryK, serviceType: "repair", amountRials: 1_000_000, effectiveFrom: "2026-01-01" });
  await addLabourTariff(db, userActor(admin), { categoryId: categoryK, serviceType: "repair", amountRials: 1_200_000, effectiveFrom: "2026-11-01" });
  for (const [fromKm, amountRials] of [[0, 0], [10, 300_000], [30, 600_000], [60, 1_000_000]] as const) {
    await addTravelBand(db, userActor(admin), { fromKm, amountRials, effectiveFrom: "2026-01-01" });
  }

  jobs.j1 = await job("in_warranty", product, { lat: 35.7, lng: 51.62 });
  jobs.j2 = await job("out_of_warranty", product, { lat: 35.7, lng: 51.41 });
  jobs.j3 = await job("in_warranty", product, { lat: 35.7, lng: 51.41 });
  await completion(jobs.j1, "2026-11-30T10:00:00+03:30", 0, [
    { code: "CMP", name: "کمپرسور", serial: "NEW-1", qty: 1 },
    { code: "THR", name: "ترموستات", serial: null, qty: 2 },
  ]);
  await completion(jobs.j2, "2026-11-24T10:00:00+03:30", 1_250_000, []);
  await completion(jobs.j3, "2026-11-30T11:00:00+03:30", 0, []);
  // J2's referral fee as completion writes it: 10 % of 1,250,000, in Azar
  await db
    .insertInto("agency_ledger")
    .values({ agency_id: agencyA, kind: "referral_fee", period: "1405-09", amount_rials: 125_000, at: at("2026-11-24T10:00:00+03:30"), ticket_id: jobs.j2, invoice_amount_rials: 1_250_000, rate_percent: 10 })
    .execute();
});

describe("tariffs", () => {
  it("a new labour tariff closes the previous one on its start day; an earlier start is refused", async () => {
    const rows = await claims.labourTariffs(db);
    expect(rows.map((r) => [r.amountRials, r.effectiveFrom, r.effectiveTo])).toEqual([
      [1_200_000, "2026-11-01", null],
      [1_000_000, "2026-01-01", "2026-11-01"],
    ]);
    await expect(addLabourTariff(db, userActor(admin), { categoryId: categoryK, serviceType: "repair", amountRials: 1, effectiveFrom: "2026-10-01" })).rejects.toMatchObject({ code: "notAfterLatest" });
    await expect(addTravelBand(db, userActor(manager), { fromKm: 5, amountRials: 1, effectiveFrom: "2027-01-01" })).rejects.toMatchObject({ code: "forbidden" });
    const audit = await db.selectFrom("audit_log").select("action").where("action", "in", ["tariff.labour_add", "tariff.band_add"]).execute();
    expect(audit).toHaveLength(6);
  });
});

describe("a claim, filed, partly approved, netted and paid", () => {
  let claimId = 0;

  it("is priced by the server: tariff on the completion day, travel band of the distance, parts at list price", async () => {
    const priced = await priceClaim(db, agencyA, {
      ticketId: jobs.j1,
      serviceType: "repair",
      parts: [{ sparePartId: part.cmp, quantity: 1, defectiveSerial: "DEF-77" }, { sparePartId: part.thr, quantity: 2 }],
    });
    expect(priced.distanceKm).toBeCloseTo(19.9, 0);
    expect(priced.lines.map((l) => [l.kind, l.quantity, l.unitRials, l.amountRials])).toEqual([
      ["labour", 1, 1_200_000, 1_200_000],
      ["travel", 1, 300_000, 300_000],
      ["part", 1, 4_500_000, 4_500_000],
      ["part", 2, 350_000, 700_000],
    ]);
    expect(priced.totalRials).toBe(6_700_000);
    // a serialized part needs the defective one's serial; a part of another model is not in the catalogue
    await expect(priceClaim(db, agencyA, { ticketId: jobs.j1, serviceType: "repair", parts: [{ sparePartId: part.cmp, quantity: 1 }] })).rejects.toMatchObject({ code: "serialRequired" });
    await expect(priceClaim(db, agencyA, { ticketId: jobs.j2, serviceType: "repair", parts: [] })).rejects.toMatchObject({ code: "notInWarranty" });
    await expect(priceClaim(db, agencyA, { ticketId: jobs.j1, serviceType: "inspection", parts: [] })).rejects.toMatchObject({ code: "noLabourTariff" });
  });

  it("the agency files it (draft, then submitted), once per job; another agency neither files nor sees it", async () => {
    expect((await claims.claimableTickets(db, agencyA)).map((t) => t.id).sort()).toEqual([jobs.j1, jobs.j3].sort());
    const draft = await fileClaim(
      db,
      agencyActor(userA),
      { ticketId: jobs.j1, serviceType: "repair", parts: [{ sparePartId: part.cmp, quantity: 1, defectiveSerial: "DEF-77" }, { sparePartId: part.thr, quantity: 2 }], submit: false },
      at("2026-12-01T09:00:00+03:30"),
    );
    claimId = draft.id;
    expect(draft).toMatchObject({ status: "draft", claimedRials: 6_700_000 });
    await expect(fileClaim(db, agencyActor(userA), { ticketId: jobs.j1, serviceType: "repair", parts: [], submit: true })).rejects.toMatchObject({ code: "alreadyClaimed" });
    await expect(fileClaim(db, agencyActor(userB), { ticketId: jobs.j1, serviceType: "repair", parts: [], submit: true })).rejects.toMatchObject({ code: "notFound" });
    await expect(decideClaim(db, userActor(manager), { claimId }, at("2026-12-02T09:00:00+03:30"))).rejects.toMatchObject({ code: "state" });
    await submitClaim(db, agencyActor(userA), claimId, at("2026-12-01T09:05:00+03:30"));
    expect(await claims.getClaim(db, { kind: "agency", agencyId: agencyB }, claimId)).toBeNull();
    expect(await claims.claimableTickets(db, agencyA)).toHaveLength(1);
  });

  it("the manufacturer grants it in part, per line with a reason; the ledger owes the agency the granted sum", async () => {
    const c = await claims.getClaim(db, { kind: "all" }, claimId);
    const thr = c!.lines.find((l) => l.part_code === "THR")!;
    await expect(decideClaim(db, agencyActor(userA), { claimId, lines: [] })).rejects.toMatchObject({ code: "forbidden" });
    await expect(decideClaim(db, userActor(manager), { claimId, lines: [{ lineId: thr.id, approvedRials: 350_000, reason: " " }] })).rejects.toMatchObject({ code: "reasonRequired" });
    const d = await decideClaim(db, userActor(manager), { claimId, lines: [{ lineId: thr.id, approvedRials: 350_000, reason: "یک ترموستات کافی بود" }] }, at("2026-12-05T12:00:00+03:30"));
    expect(d).toMatchObject({ status: "partly_approved", approvedRials: 6_350_000, period: "1405-09" });
    const entry = await fees.ledgerEntry(db, d.entryId!);
    expect(entry).toMatchObject({ kind: "warranty_claim", amount_rials: -6_350_000, period: "1405-09", ticket_id: jobs.j1, agency_id: agencyA });
    const after = await claims.getClaim(db, { kind: "agency", agencyId: agencyA }, claimId);
    expect(after!.lines.map((l) => [l.kind, l.approved_rials, l.decision_reason])).toEqual([
      ["labour", 1_200_000, null],
      ["travel", 300_000, null],
      ["part", 4_500_000, null],
      ["part", 350_000, "یک ترموستات کافی بود"],
    ]);
    // the ticket's history tells the story
    const notes = await db.selectFrom("ticket_events").select("data").where("ticket_id", "=", jobs.j1).orderBy("id").execute();
    expect(notes.map((n) => (n.data as { claimStatus?: string }).claimStatus)).toEqual(["draft", "submitted", "partly_approved"]);
  });

  it("the month's statement nets the claim against the referral fee; entries, roll-up and statement agree", async () => {
    const [azar] = await fees.agencyStatements(db, agencyA);
    expect(azar).toEqual({ period: "1405-09", jobs: 1, invoices: 1_250_000, fees: 125_000, adjustments: 0, claims: -6_350_000, payments: 0, due: -6_225_000, paid: 0, balance: -6_225_000 });
    expect(await fees.statementBalance(db, agencyA, "1405-09")).toBe(-6_225_000);
    expect((await fees.unpaidBalances(db)).find((u) => u.agency_id === agencyA)?.balance).toBe(-6_225_000);
    const entries = await fees.statementEntries(db, agencyA, "1405-09");
    expect(entries.map((e) => [e.kind, e.amount_rials, e.claim_id])).toEqual([["referral_fee", 125_000, null], ["warranty_claim", -6_350_000, claimId]]);
    // the agency downloads it
    const res = (await agencyExportLoader({
      request: new Request("http://localhost/agency/statement/1405-09/export?format=csv", { headers: { Cookie: cookieA } }),
      context: testContext(db),
      params: { period: "1405-09" },
    } as never)) as Response;
    expect(res.status).toBe(200);
    const csv = await res.text();
    expect(csv).toContain("ادعای گارانتی");
    expect(csv).toMatch(/-6,?350,?000|−6,?350,?000|-6350000/);
  });

  it("is paid only once its defective serialized part is back, by the serial on the claim", async () => {
    const settle = { agencyId: agencyA, period: "1405-09", paidOn: "2026-12-23", reference: "BANK-900" };
    await expect(settleStatement(db, userActor(manager), settle, at("2026-12-23T10:00:00+03:30"))).rejects.toMatchObject({ code: "returnsPending" });
    expect((await claims.listClaims(db, { kind: "all" }))[0]).toMatchObject({ id: claimId, returns_pending: 1 });
    const cmp = (await claims.getClaim(db, { kind: "all" }, claimId))!.lines.find((l) => l.part_code === "CMP")!;
    const thr = (await claims.getClaim(db, { kind: "all" }, claimId))!.lines.find((l) => l.part_code === "THR")!;
    await expect(recordPartReturn(db, userActor(manager), { lineId: cmp.id, serial: "DEF-78" })).rejects.toMatchObject({ code: "serialMismatch" });
    await expect(recordPartReturn(db, userActor(manager), { lineId: thr.id, serial: "x" })).rejects.toMatchObject({ code: "notReturnable" });
    await recordPartReturn(db, userActor(manager), { lineId: cmp.id, serial: "def 77" }, at("2026-12-20T10:00:00+03:30"));
    await expect(recordPartReturn(db, userActor(manager), { lineId: cmp.id, serial: "DEF-77" })).rejects.toMatchObject({ code: "alreadyReturned" });
    const r = await settleStatement(db, userActor(manager), settle, at("2026-12-23T10:00:00+03:30"));
    expect(r.settledRials).toBe(-6_225_000);
    const payment = await fees.ledgerEntry(db, r.id!);
    expect(payment).toMatchObject({ kind: "payment", amount_rials: 6_225_000 });
    const [azar] = await fees.agencyStatements(db, agencyA);
    expect(azar).toMatchObject({ claims: -6_350_000, due: -6_225_000, paid: -6_225_000, balance: 0 });
    expect((await claims.getClaim(db, { kind: "all" }, claimId))!.status).toBe("paid");
  });
});

describe("a rejected claim", () => {
  it("needs its reason, owes nothing, counts as a rejection for the scorecard, and the job may be claimed again", async () => {
    const c = await fileClaim(db, agencyActor(userA), { ticketId: jobs.j3, serviceType: "repair", parts: [], submit: true }, at("2026-12-06T09:00:00+03:30"));
    expect(c.claimedRials).toBe(1_200_000); // labour only: J3 is 0.9 km away, band 0–10 km costs 0
    await expect(decideClaim(db, userActor(manager), { claimId: c.id, rejectReason: "" })).rejects.toMatchObject({ code: "reasonRequired" });
    const d = await decideClaim(db, userActor(manager), { claimId: c.id, rejectReason: "خرابی ناشی از نوسان برق است، نه عیب کالا" }, at("2026-12-07T09:00:00+03:30"));
    expect(d).toMatchObject({ status: "rejected", approvedRials: 0, entryId: null });
    expect(await db.selectFrom("agency_ledger").select("id").where("claim_id", "=", c.id).execute()).toEqual([]);
    expect(await claims.claimDecisionsByAgencyMonth(db, at("2026-11-01T00:00:00Z"), at("2027-01-01T00:00:00Z"))).toEqual([
      { agencyId: agencyA, period: "1405-09", decided: 2, rejected: 1, partlyApproved: 1 },
    ]);
    const again = await fileClaim(db, agencyActor(userA), { ticketId: jobs.j3, serviceType: "repair", parts: [], submit: false });
    expect(again.status).toBe("draft");
  });

  it("a correction of an owed claim is a new claim_adjustment entry on the month it is made, netted like the rest", async () => {
    const entry = await db.selectFrom("agency_ledger").select(["id", "claim_id"]).where("kind", "=", "warranty_claim").executeTakeFirstOrThrow();
    const r = await adjustFee(db, userActor(manager), { entryId: entry.id, amountRials: 50_000, reason: "قیمت قطعه اشتباه وارد شده بود" }, at("2026-12-25T10:00:00+03:30"));
    expect(r.period).toBe("1405-10");
    expect(await fees.ledgerEntry(db, r.id)).toMatchObject({ kind: "claim_adjustment", amount_rials: 50_000, claim_id: entry.claim_id, adjusts_entry_id: entry.id });
    const dey = (await fees.agencyStatements(db, agencyA)).find((m) => m.period === "1405-10");
    expect(dey).toMatchObject({ fees: 0, claims: 50_000, due: 50_000, balance: 50_000 });
  });

  it("the ledger refuses edits: the claim's entry is never changed", async () => {
    await expect(db.updateTable("agency_ledger").set({ amount_rials: 0 }).where("kind", "=", "warranty_claim").execute()).rejects.toThrow();
  });

  it("the roll-up equals the ledger for every agency and month", async () => {
    const fromLedger = await db
      .selectFrom("agency_ledger")
      .select((eb) => ["agency_id", "period", eb.fn.sum<number>("amount_rials").as("s")])
      .groupBy(["agency_id", "period"])
      .orderBy("agency_id")
      .orderBy("period")
      .execute();
    const fromRollup = await db
      .selectFrom("ledger_monthly")
      .select((eb) => ["agency_id", "period", eb.fn.sum<number>(eb.parens(eb(eb(eb("fee_rials", "+", eb.ref("adjustment_rials")), "+", eb.ref("payment_rials")), "+", eb.ref("claim_rials")))).as("s")])
      .groupBy(["agency_id", "period"])
      .orderBy("agency_id")
      .orderBy("period")
      .execute();
    expect(fromRollup.map((r) => [r.agency_id, r.period, Number(r.s)])).toEqual(fromLedger.map((r) => [r.agency_id, r.period, Number(r.s)]));
  });
});

