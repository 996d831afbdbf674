/**
 * Issue 15 §3 on real PostgreSQL: an agency's draft claim, edited (lines re-priced from the tariffs and the
 * catalogue) and then locked once submitted; a decided claim corrected by a new claim_adjustment ledger entry on
 * the statement of the month the correction is made in (the decision's month untouched); and the claim's
 * structured history (claim_events) written in the same transaction as each change.
 *
 * Fixture (Tehran): agency A at (35.70, 51.40), job J at (35.70, 51.62) ≈ 19.9 km → travel band 10–30 km 300,000;
 * labour (category K, repair) 1,200,000, inspection 500,000; parts CMP 4,500,000 (serialized), THR 350,000.
 *   draft  : repair + CMP (DEF-1)                 = 1,200,000 + 300,000 + 4,500,000 = 6,000,000
 *   edited : inspection + THR × 2                 =   500,000 + 300,000 +   700,000 = 1,500,000
 *   submitted 2026-12-01, partly approved 2026-12-05 (Azar 1405): travel cut to 100,000 → 1,300,000 owed
 *   corrected 2026-12-25 (Dey 1405) by −200,000 ("the thermostat was under the supplier's warranty")
 *     → Azar still −1,300,000; Dey −(−200,000) = +200,000; the claim owes 1,100,000.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { sessionCookie } from "../../app/lib/auth.server";
import { jalaliYearMonth } from "../../core/jalali";
import * as managerClaim from "../../app/routes/manager.claims.$claimId";
import * as agencyClaim from "../../app/routes/agency.claims.$claimId";
import * as editRoute from "../../app/routes/agency.claims.$claimId_.edit";
import type { DB } from "../../db/connection";
import { claimEvents, claimLedgerEntries } from "../../db/repos/claim-events";
import * as claims from "../../db/repos/claims";
import * as fees from "../../db/repos/fees";
import { createSession } from "../../db/repos/sessions";
import { addLabourTariff, addTravelBand, correctClaim, decideClaim, editDraft, fileClaim, submitClaim } from "../../services/claims";
import { adjustFee } from "../../services/fees";
import { formRequest, testContext } from "../support/context";
import { getTestDb, resetDatabase } from "../support/db";

const at = (iso: string) => new Date(iso);
let db: DB;
let agencyA: number;
let categoryK: number;
let userA: number;
let userB: number;
let manager: number;
let jobJ = 0;
let jobR = 0;
const part = { cmp: 0, thr: 0 };
const cookie: Record<string, string> = {};
const agencyActor = (userId: number) => ({ kind: "agency" as const, userId });
const userActor = (userId: number) => ({ kind: "user" as const, userId });

async function call(fn: (args: never) => unknown, request: Request, who: string, params: Record<string, string>) {
  request.headers.set("Cookie", cookie[who]!);
  try {
    return await fn({ request, context: testContext(db), params } as never);
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
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
  const users = await db
    .insertInto("users")
    .values([
      { username: "agencya", display_name: "حسن اکبری", role: "agency_staff", password_hash: "x", agency_id: agencyA },
      { username: "agencyb", display_name: "سارا نوری", role: "agency_admin", password_hash: "x", agency_id: b!.id },
      { username: "boss", display_name: "مدیر خدمات", role: "manager", password_hash: "x" },
      { username: "root", display_name: "مدیر سامانه", role: "admin", password_hash: "x" },
    ])
    .returning(["id", "username"])
    .execute();
  const [ua, ub, m, admin] = users.map((u) => u.id) as [number, number, number, number];
  userA = ua;
  userB = ub;
  manager = m;
  for (const u of users) {
    const s = await createSession(db, { userId: u.id, ip: "127.0.0.1", userAgent: "test" });
    cookie[u.username] = (await sessionCookie(testContext(db)).serialize(s.id)).split(";")[0]!;
  }
  const brand = (await db.insertInto("brands").values({ code: "brand-x", name_fa: "برند ایکس", name_en: "Brand X" }).returning("id").executeTakeFirstOrThrow()).id;
  categoryK = (await db.insertInto("product_categories").values({ code: "fridge", name_fa: "یخچال", name_en: "Refrigerator" }).returning("id").executeTakeFirstOrThrow()).id;
  const model = (await db.insertInto("product_models").values({ brand_id: brand, category_id: categoryK, model_code: "X-1", name: "X one" }).returning("id").executeTakeFirstOrThrow()).id;
  const ps = await db
    .insertInto("spare_parts")
    .values([
      { model_id: model, code: "CMP", name: "کمپرسور", list_price_rials: 4_500_000, serialized: true },
      { model_id: model, code: "THR", name: "ترموستات", list_price_rials: 350_000, serialized: false },
    ])
    .returning("id")
    .execute();
  part.cmp = ps[0]!.id;
  part.thr = ps[1]!.id;
  const customer = (await db.insertInto("customers").values({ full_name: "مریم رضایی", mobile: "+989121112233" }).returning("id").executeTakeFirstOrThrow()).id;
  const product = (await db.insertInto("customer_products").values({ customer_id: customer, model_id: model, serial_number: "SN-X-1", warranty_months: 18 }).returning("id").executeTakeFirstOrThrow()).id;
  await addLabourTariff(db, userActor(admin), { categoryId: categoryK, serviceType: "repair", amountRials: 1_200_000, effectiveFrom: "2026-01-01" });
  await addLabourTariff(db, userActor(admin), { categoryId: categoryK, serviceType: "inspection", amountRials: 500_000, effectiveFrom: "2026-01-01" });
  for (const [fromKm, amountRials] of [[0, 0], [10, 300_000], [30, 600_000]] as const) await addTravelBand(db, userActor(admin), { fromKm, amountRials, effectiveFrom: "2026-01-01" });
  const job = async (lat: number, lng: number) => {
    const id = (
      await db
        .insertInto("tickets")
        .values({ type: "breakdown", channel: "phone", customer_id: customer, customer_product_id: product, warranty_status: "in_warranty", status: "completed", assigned_agency_id: agencyA, province: "تهران", city: "تهران", lat, lng })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
    await db.insertInto("completion_reports").values({ ticket_id: id, agency_id: agencyA, completed_at: at("2026-11-30T10:00:00+03:30"), work_description: "تعویض قطعه", invoice_amount_rials: 0 }).execute();
    return id;
  };
  jobJ = await job(35.7, 51.62);
  jobR = await job(35.7, 51.41);
});

describe("a draft claim", () => {
  let claimId = 0;

  it("is edited by its agency: lines replaced and re-priced, its history and audit written", async () => {
    const draft = await fileClaim(db, agencyActor(userA), { ticketId: jobJ, serviceType: "repair", parts: [{ sparePartId: part.cmp, quantity: 1, defectiveSerial: "DEF-1" }], submit: false }, at("2026-11-30T12:00:00+03:30"));
    claimId = draft.id;
    expect(draft).toMatchObject({ status: "draft", claimedRials: 6_000_000 });
    const edited = await editDraft(db, agencyActor(userA), { claimId, serviceType: "inspection", parts: [{ sparePartId: part.thr, quantity: 2 }], submit: false }, at("2026-11-30T13:00:00+03:30"));
    expect(edited).toEqual({ id: claimId, status: "draft", claimedRials: 1_500_000 });
    const c = (await claims.getClaim(db, { kind: "agency", agencyId: agencyA }, claimId))!;
    expect([c.service_type, c.status, Number(c.claimed_rials), c.submitted_at]).toEqual(["inspection", "draft", 1_500_000, null]);
    expect(c.lines.map((l) => [l.kind, l.part_code, l.quantity, l.amount_rials])).toEqual([
      ["labour", null, 1, 500_000],
      ["travel", null, 1, 300_000],
      ["part", "THR", 2, 700_000],
    ]);
    expect((await claimEvents(db, claimId)).map((e) => [e.kind, e.amount_rials, e.actor_name])).toEqual([
      ["drafted", 6_000_000, "حسن اکبری"],
      ["draft_edited", 1_500_000, "حسن اکبری"],
    ]);
    const audit = await db.selectFrom("audit_log").select("details").where("action", "=", "claim.edit_draft").execute();
    expect(audit.map((r) => r.details)).toEqual([expect.objectContaining({ claimId, claimedBefore: 6_000_000, claimedRials: 1_500_000 })]);
    // a bad part leaves the draft as it was (the transaction rolls back)
    await expect(editDraft(db, agencyActor(userA), { claimId, serviceType: "repair", parts: [{ sparePartId: part.cmp, quantity: 1 }], submit: false })).rejects.toMatchObject({ code: "serialRequired" });
    expect(Number((await claims.getClaim(db, { kind: "all" }, claimId))!.claimed_rials)).toBe(1_500_000);
  });

  it("is another agency's not found, and a manager cannot edit it", async () => {
    await expect(editDraft(db, agencyActor(userB), { claimId, serviceType: "repair", parts: [], submit: true })).rejects.toMatchObject({ code: "notFound" });
    await expect(submitClaim(db, agencyActor(userB), claimId)).rejects.toMatchObject({ code: "notFound" });
    await expect(editDraft(db, userActor(manager), { claimId, serviceType: "repair", parts: [], submit: false })).rejects.toMatchObject({ code: "forbidden" });
    expect((await claimEvents(db, claimId)).map((e) => e.kind)).toEqual(["drafted", "draft_edited"]);
  });

  it("is edited through its page, then submitted from it; once submitted it is read-only to the agency", async () => {
    const params = { claimId: String(claimId) };
    const page = (await call(editRoute.loader, new Request(`http://localhost/agency/claims/${claimId}/edit`), "agencya", params)) as { rows: { sparePartId: number; quantity: number }[]; claim: { serviceType: string } };
    expect(page.claim.serviceType).toBe("inspection");
    expect(page.rows[0]).toMatchObject({ sparePartId: part.thr, quantity: 2 });
    const bad = (await call(editRoute.action, formRequest(`/agency/claims/${claimId}/edit`, { serviceType: "inspection", intent: "draft", part_0: String(part.thr), qty_0: "100" }), "agencya", params)) as Response;
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ ok: false, message: "claims.error.quantity" });
    const sent = (await call(editRoute.action, formRequest(`/agency/claims/${claimId}/edit`, { serviceType: "inspection", intent: "submit", part_0: String(part.thr), qty_0: "2" }), "agencya", params)) as Response;
    expect(sent.status).toBe(302);
    expect(sent.headers.get("Location")).toBe(`/agency/claims/${claimId}?done=submitted`);
    const c = (await claims.getClaim(db, { kind: "all" }, claimId))!;
    expect([c.status, Number(c.claimed_rials)]).toEqual(["submitted", 1_500_000]);
    // the lock: the service refuses, the edit page leads back to the read-only claim, submitting again is refused
    await expect(editDraft(db, agencyActor(userA), { claimId, serviceType: "repair", parts: [], submit: false })).rejects.toMatchObject({ code: "state" });
    await expect(submitClaim(db, agencyActor(userA), claimId)).rejects.toMatchObject({ code: "state" });
    const again = (await call(editRoute.loader, new Request(`http://localhost/agency/claims/${claimId}/edit`), "agencya", params)) as Response;
    expect([again.status, again.headers.get("Location")]).toEqual([302, `/agency/claims/${claimId}`]);
    const post = (await call(editRoute.action, formRequest(`/agency/claims/${claimId}/edit`, { serviceType: "repair", intent: "draft" }), "agencya", params)) as Response;
    expect(post.status).toBe(400);
    expect(await post.json()).toEqual({ ok: false, message: "claims.error.state" });
    const view = (await call(agencyClaim.loader, new Request(`http://localhost/agency/claims/${claimId}?done=submitted`), "agencya", params)) as { notice: string; events: { kind: string }[] };
    expect(view.notice).toBe("claims.submitted");
    expect(view.events.map((e) => e.kind)).toEqual(["drafted", "draft_edited", "draft_edited", "submitted"]);
  });

  it("decided in part, then corrected: a new claim_adjustment entry on the month of the correction, the decision's month untouched", async () => {
    const travel = (await claims.getClaim(db, { kind: "all" }, claimId))!.lines.find((l) => l.kind === "travel")!;
    const d = await decideClaim(db, userActor(manager), { claimId, lines: [{ lineId: travel.id, approvedRials: 100_000, reason: "فاصله کمتر از ثبت‌شده بود" }] }, at("2026-12-05T12:00:00+03:30"));
    expect(d).toMatchObject({ status: "partly_approved", approvedRials: 1_300_000, period: "1405-09" });
    const azarBefore = (await fees.agencyStatements(db, agencyA)).find((m) => m.period === "1405-09");
    expect(azarBefore).toMatchObject({ claims: -1_300_000, balance: -1_300_000 });

    // refusals: an agency user, no reason, a zero amount, more than the claim owes
    await expect(correctClaim(db, agencyActor(userA), { claimId, deltaRials: -1, reason: "x" })).rejects.toMatchObject({ code: "forbidden" });
    await expect(correctClaim(db, userActor(manager), { claimId, deltaRials: -200_000, reason: "  " })).rejects.toMatchObject({ code: "reasonRequired" });
    await expect(correctClaim(db, userActor(manager), { claimId, deltaRials: 0, reason: "x" })).rejects.toMatchObject({ code: "amountInvalid" });
    await expect(correctClaim(db, userActor(manager), { claimId, deltaRials: -1_300_001, reason: "x" })).rejects.toMatchObject({ code: "correctionTooLarge" });

    // through the manager's page: the typed amount in Persian digits with a minus sign
    const r = (await call(
      managerClaim.action,
      formRequest(`/manager/claims/${claimId}`, { intent: "correct", amount: "−۲۰۰٬۰۰۰", reason: "ترموستات گارانتی تأمین‌کننده داشت" }),
      "boss",
      { claimId: String(claimId) },
    )) as { ok: boolean; message: string };
    expect(r).toEqual({ ok: true, message: "claims.corrected" });
    // the page's correction is made now: on the statement of the current month
    const entries = (await claimLedgerEntries(db, claimId)).sort((x, y) => x.id - y.id);
    expect(entries.map((e) => [e.kind, e.period, e.amount_rials, e.reason])).toEqual([
      ["warranty_claim", "1405-09", -1_300_000, "فاصله کمتر از ثبت‌شده بود"],
      ["claim_adjustment", jalaliYearMonth(new Date()), 200_000, "ترموستات گارانتی تأمین‌کننده داشت"],
    ]);
    const adj = await fees.ledgerEntry(db, entries[1]!.id);
    expect(adj).toMatchObject({ claim_id: claimId, adjusts_entry_id: d.entryId, ticket_id: jobJ, created_by: manager });

    // a correction made in Dey 1405 lands on Dey's statement; Azar's (the decision's month) is never reopened
    const azarAfterFirst = (await fees.agencyStatements(db, agencyA)).find((m) => m.period === "1405-09");
    const dey = await correctClaim(db, userActor(manager), { claimId, deltaRials: 50_000, reason: "هزینهٔ ایاب‌وذهاب بازبینی شد" }, at("2026-12-25T10:00:00+03:30"));
    expect(dey).toMatchObject({ period: "1405-10", owedRials: 1_150_000 });
    const deyStatement = (await fees.agencyStatements(db, agencyA)).find((m) => m.period === "1405-10")!;
    expect(deyStatement).toMatchObject({ fees: 0, adjustments: 0, claims: -50_000 });
    expect((await fees.agencyStatements(db, agencyA)).find((m) => m.period === "1405-09")).toEqual(azarAfterFirst);
    if (jalaliYearMonth(new Date()) !== "1405-09") expect(azarAfterFirst).toEqual(azarBefore);
    const deyEntries = await fees.statementEntries(db, agencyA, "1405-10");
    expect(deyEntries.map((e) => [e.kind, e.amount_rials, e.claim_id])).toEqual([["claim_adjustment", -50_000, claimId]]);

    // the history has both corrections, the claim's way round, each linked to its entry; audited
    const events = await claimEvents(db, claimId);
    expect(events.filter((e) => e.kind === "corrected").map((e) => [e.amount_rials, e.ledger_period, e.actor_name])).toEqual([
      [-200_000, entries[1]!.period, "مدیر خدمات"],
      [50_000, "1405-10", "مدیر خدمات"],
    ]);
    expect(events.find((e) => e.kind === "partly_approved")).toMatchObject({ amount_rials: 1_300_000, reason: "فاصله کمتر از ثبت‌شده بود" });
    const audit = await db.selectFrom("audit_log").select("details").where("action", "=", "claim.correct").orderBy("id").execute();
    expect(audit.map((a) => (a.details as { deltaRials: number }).deltaRials)).toEqual([-200_000, 50_000]);

    // the manager's and the agency's pages show the corrections and the timeline
    const mp = (await call(managerClaim.loader, new Request(`http://localhost/manager/claims/${claimId}`), "boss", { claimId: String(claimId) })) as { canCorrect: boolean; entries: unknown[]; events: unknown[] };
    expect(mp.canCorrect).toBe(true);
    expect(mp.entries).toHaveLength(3);
    const ap = (await call(agencyClaim.loader, new Request(`http://localhost/agency/claims/${claimId}`), "agencya", { claimId: String(claimId) })) as { entries: unknown[]; events: { kind: string }[] };
    expect(ap.entries).toHaveLength(3);
    // (the timeline is by time: the page's correction, made today, may sort before the fixture's dated decision)
    expect(ap.events.map((e) => e.kind).sort()).toEqual(["corrected", "corrected", "draft_edited", "draft_edited", "drafted", "partly_approved", "submitted"]);
  });

  it("a correction made from the statement page (adjustFee) is in the claim's history too; entries are never edited", async () => {
    const entry = (await claimLedgerEntries(db, claimId)).find((e) => e.kind === "warranty_claim")!;
    await adjustFee(db, userActor(manager), { entryId: entry.id, amountRials: 10_000, reason: "گرد کردن" }, at("2026-12-26T10:00:00+03:30"));
    const last = (await claimEvents(db, claimId)).at(-1)!;
    expect([last.kind, last.amount_rials, last.reason]).toEqual(["corrected", -10_000, "گرد کردن"]);
    await expect(db.updateTable("claim_events").set({ reason: "x" }).where("claim_id", "=", claimId).execute()).rejects.toThrow();
    await expect(db.deleteFrom("claim_events").where("claim_id", "=", claimId).execute()).rejects.toThrow();
  });

  it("a rejected claim cannot be corrected (nothing is owed): its history names the reason", async () => {
    const c = await fileClaim(db, agencyActor(userA), { ticketId: jobR, serviceType: "repair", parts: [], submit: true }, at("2026-12-06T09:00:00+03:30"));
    await decideClaim(db, userActor(manager), { claimId: c.id, rejectReason: "خرابی ناشی از نوسان برق است" }, at("2026-12-07T09:00:00+03:30"));
    await expect(correctClaim(db, userActor(manager), { claimId: c.id, deltaRials: 100_000, reason: "x" })).rejects.toMatchObject({ code: "state" });
    expect((await claimEvents(db, c.id)).map((e) => [e.kind, e.amount_rials, e.reason])).toEqual([
      ["submitted", 1_200_000, null],
      ["rejected", 0, "خرابی ناشی از نوسان برق است"],
    ]);
    const mp = (await call(managerClaim.loader, new Request(`http://localhost/manager/claims/${c.id}`), "boss", { claimId: String(c.id) })) as { canCorrect: boolean };
    expect(mp.canCorrect).toBe(false);
    const r = (await call(managerClaim.action, formRequest(`/manager/claims/${c.id}`, { intent: "correct", amount: "abc", reason: "x" }), "boss", { claimId: String(c.id) })) as Response;
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({ ok: false, message: "claims.error.amountInvalid" });
  });
});
