/**
 * "A repeat of an earlier job" (core/repeat-job.ts) and its three SQL twins on real PostgreSQL: on the same rows —
 * tickets of four appliances, of every type, with and without a problem category, completed (a completion report),
 * open or cancelled, some exactly at a window's edge and some a second past it — the scorecard's rework roll-up
 * (db/repos/quality.ts refreshReworks) names exactly the earlier job core's repeatedJob names under reworkRuleOf,
 * and the replacement sweep (services/supervisor-tasks.ts sweepServiceTasks) exactly the one it names under
 * repeatFaultRuleOf, with the admin's windows (quality_settings, service_rule_settings) changed from the defaults,
 * and the voice-of-customer report's repeat breakdowns (db/repos/voice.ts refreshRepeatBreakdowns) exactly the one
 * it names under core/feedback.ts repeatBreakdownRuleOf (90 days).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { REPEAT_WINDOW_DAYS, repeatBreakdownRuleOf } from "../../core/feedback";
import { reworkRuleOf } from "../../core/quality";
import { repeatedJob, type JobFacts } from "../../core/repeat-job";
import { repeatFaultRuleOf, serviceRulesOf } from "../../core/service-rules";
import { isUnresolved, type TicketStatus, type TicketType } from "../../core/ticket";
import type { DB } from "../../db/connection";
import { refreshReworks } from "../../db/repos/quality";
import { refreshRepeatBreakdowns } from "../../db/repos/voice";
import { sweepServiceTasks } from "../../services/supervisor-tasks";
import { getTestDb, resetDatabase } from "../support/db";

let db: DB;
const DAY = 86_400_000;
const HOUR = 3_600_000;
const BASE = new Date("2026-03-01T08:00:00Z").getTime();
// the admin's windows, not the defaults (30 / 30), so the queries must take them from the settings
const REWORK_DAYS = 21;
const REPEAT_DAYS = 17;
// the voice-of-customer report's window: fixed, not a setting
const REPEAT_BREAKDOWN_DAYS = REPEAT_WINDOW_DAYS;
const VOICE_FIRST = 76; // the index of the first row of the voice report's edge cases (6 + 70 before it)

interface Row extends JobFacts {
  status: TicketStatus;
}
const rows: Row[] = [];

/** A small deterministic generator (the same rows on every run). */
function random(seed: number) {
  // mulberry32
  let s = seed >>> 0;
  return (n: number) => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * n);
  };
}

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  await db.insertInto("quality_settings").values({ id: true, rework_window_days: REWORK_DAYS }).onConflict((oc) => oc.column("id").doUpdateSet({ rework_window_days: REWORK_DAYS })).execute();
  await db.insertInto("service_rule_settings").values({ key: "repeat_fault_days", value: REPEAT_DAYS }).execute();
  const brand = await db.insertInto("brands").values({ code: "snowa", name_fa: "اسنوا", name_en: "Snowa" }).returning("id").executeTakeFirstOrThrow();
  const cats = await db
    .insertInto("product_categories")
    .values([{ code: "washer", name_fa: "لباسشویی", name_en: "Washer" }, { code: "fridge", name_fa: "یخچال", name_en: "Fridge" }])
    .returning("id")
    .execute();
  const model = await db.insertInto("product_models").values({ brand_id: brand.id, category_id: cats[0]!.id, model_code: "WM-7", name: "لباسشویی" }).returning("id").executeTakeFirstOrThrow();
  const customer = await db.insertInto("customers").values({ full_name: "مینا کریمی", mobile: "+989121110000" }).returning("id").executeTakeFirstOrThrow();
  const agency = await db.insertInto("agencies").values({ code: "THR-001", name: "نمایندگی الف", province: "تهران", city: "تهران" }).returning("id").executeTakeFirstOrThrow();
  const products = await db
    .insertInto("customer_products")
    .values([1, 2].map((n) => ({ customer_id: customer.id, model_id: model.id, serial_number: `WM-RP-${n}`, warranty_months: 18 })))
    .returning("id")
    .execute();

  const add = async (o: { product: number; type: TicketType; problem: number | null; registeredAt: number; completedAt: number | null; status: TicketStatus }) => {
    const t = await db
      .insertInto("tickets")
      .values({
        type: o.type, channel: "phone", customer_id: customer.id, customer_product_id: o.product, problem_category_id: o.problem,
        warranty_status: "in_warranty", status: o.status, assigned_agency_id: agency.id, created_at: new Date(o.registeredAt),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    if (o.completedAt !== null) {
      await db.insertInto("completion_reports").values({ ticket_id: t.id, agency_id: agency.id, completed_at: new Date(o.completedAt), work_description: "تعمیر" }).execute();
    }
    rows.push({
      id: t.id, type: o.type, customerProductId: o.product, problemCategoryId: o.problem, registeredAt: new Date(o.registeredAt),
      completedAt: o.completedAt === null ? null : new Date(o.completedAt), cancelled: o.status === "cancelled", status: o.status,
    });
    return o;
  };

  const [p1, p2] = products.map((p) => p.id) as [number, number];
  const [c1, c2] = cats.map((c) => c.id) as [number, number];
  // the windows' edges, exactly and a second past, from a completion and from a registration
  const done = await add({ product: p1, type: "installation", problem: null, registeredAt: BASE, completedAt: BASE + 5 * HOUR, status: "completed" });
  await add({ product: p1, type: "breakdown", problem: c1, registeredAt: done.completedAt! + REWORK_DAYS * DAY, completedAt: null, status: "new" });
  await add({ product: p1, type: "breakdown", problem: c1, registeredAt: done.completedAt! + REWORK_DAYS * DAY + 1000, completedAt: null, status: "in_progress" });
  const first = await add({ product: p2, type: "breakdown", problem: c2, registeredAt: BASE + 40 * DAY, completedAt: null, status: "cancelled" });
  await add({ product: p2, type: "breakdown", problem: c2, registeredAt: first.registeredAt + REPEAT_DAYS * DAY, completedAt: null, status: "assigned" });
  await add({ product: p2, type: "breakdown", problem: c2, registeredAt: first.registeredAt + REPEAT_DAYS * DAY + 1000, completedAt: null, status: "scheduled" });

  // and many at random: two appliances, every type, two problems or none, completed / open / cancelled
  const r = random(20261206);
  const types: TicketType[] = ["breakdown", "breakdown", "breakdown", "installation", "complaint"];
  const open: TicketStatus[] = ["new", "dispatching", "assigned", "scheduled", "in_progress", "on_hold"];
  for (let i = 0; i < 70; i++) {
    const registeredAt = BASE + 80 * DAY + r(50) * DAY + r(24) * HOUR;
    const kind = r(4);
    const completedAt = kind <= 1 ? registeredAt + (1 + r(72)) * HOUR : null;
    const status: TicketStatus = kind <= 1 ? "completed" : kind === 2 ? open[r(open.length)]! : "cancelled";
    await add({ product: r(2) === 0 ? p1 : p2, type: types[r(types.length)]!, problem: [c1, c2, null][r(3)]!, registeredAt, completedAt, status });
  }

  // the voice report's 90-day window (core/feedback.ts REPEAT_WINDOW_DAYS) at its edges, on two more appliances
  const [p3, p4] = (
    await db
      .insertInto("customer_products")
      .values([3, 4].map((n) => ({ customer_id: customer.id, model_id: model.id, serial_number: `WM-RP-${n}`, warranty_months: 18 })))
      .returning("id")
      .execute()
  ).map((p) => p.id) as [number, number];
  const T = BASE + 200 * DAY;
  await add({ product: p3, type: "breakdown", problem: c1, registeredAt: T, completedAt: T + 3 * HOUR, status: "completed" });
  await add({ product: p3, type: "breakdown", problem: c2, registeredAt: T + REPEAT_BREAKDOWN_DAYS * DAY, completedAt: null, status: "new" }); // exactly at the edge
  await add({ product: p3, type: "breakdown", problem: c1, registeredAt: T + 100 * DAY, completedAt: null, status: "cancelled" });
  await add({ product: p3, type: "breakdown", problem: null, registeredAt: T + 101 * DAY, completedAt: null, status: "new" }); // repeats the edge one, not the cancelled
  await add({ product: p4, type: "breakdown", problem: c1, registeredAt: T, completedAt: null, status: "new" });
  await add({ product: p4, type: "breakdown", problem: c1, registeredAt: T + REPEAT_BREAKDOWN_DAYS * DAY + 1000, completedAt: null, status: "new" }); // a second past
  // two registered at the same instant: neither repeats the other
  await add({ product: p4, type: "breakdown", problem: c1, registeredAt: T + 300 * DAY, completedAt: null, status: "new" });
  await add({ product: p4, type: "breakdown", problem: c2, registeredAt: T + 300 * DAY, completedAt: null, status: "new" });
});

describe("the SQL twins of core/repeat-job.ts", () => {
  it("refreshReworks names exactly the job repeatedJob names under reworkRuleOf (the admin's window)", async () => {
    const rule = reworkRuleOf({ reworkWindowDays: REWORK_DAYS });
    const expected = new Map<number, number>();
    for (const later of rows) {
      const j = repeatedJob(rows, later, rule);
      if (j) expected.set(later.id, j.id);
    }
    await refreshReworks(db, { settleSeconds: 0 });
    const got = await db.selectFrom("reworks").select(["ticket_id", "completed_ticket_id", "window_days"]).execute();
    expect(new Map(got.map((g) => [g.ticket_id, g.completed_ticket_id]))).toEqual(expected);
    expect(got.every((g) => g.window_days === REWORK_DAYS)).toBe(true);
    // not vacuous: the edge case is in, a second past it is out, and random ones too
    expect(expected.size).toBeGreaterThan(3);
    expect(expected.get(rows[1]!.id)).toBe(rows[0]!.id);
    expect(expected.has(rows[2]!.id)).toBe(false);
  });

  it("the replacement sweep names exactly the job repeatedJob names under repeatFaultRuleOf (the admin's window), for every open breakdown", async () => {
    const rules = serviceRulesOf([{ key: "repeat_fault_days", value: REPEAT_DAYS }]);
    const rule = repeatFaultRuleOf(rules);
    const expected = new Map<number, number>();
    for (const later of rows) {
      // the sweep raises tasks for breakdowns still unresolved
      if (!isUnresolved(later.status)) continue;
      const j = repeatedJob(rows, later, rule);
      if (j) expected.set(later.id, j.id);
    }
    await sweepServiceTasks(db, { now: new Date(BASE + 400 * DAY) });
    const tasks = await db.selectFrom("supervisor_tasks").select(["ticket_id", "evidence"]).where("reason", "=", "repeat_fault").execute();
    const got = new Map(
      tasks.map((t) => {
        const ev = t.evidence as { tickets: { id: number; role: string }[]; withinDays: number };
        expect(ev.withinDays).toBe(REPEAT_DAYS);
        return [t.ticket_id, ev.tickets.find((x) => x.role === "earlier")!.id] as const;
      }),
    );
    expect(got).toEqual(expected);
    expect(expected.size).toBeGreaterThan(3);
    // the edge: exactly REPEAT_DAYS after a cancelled first report is a repeat of it; a second past, of the second
    // report (the latest within the window), no longer of the first
    expect(expected.get(rows[4]!.id)).toBe(rows[3]!.id);
    expect(expected.get(rows[5]!.id)).toBe(rows[4]!.id);
  });
  it("the voice report's repeat breakdowns name exactly the job repeatedJob names under repeatBreakdownRuleOf (90 days from the registration)", async () => {
    const rule = repeatBreakdownRuleOf();
    expect(rule.windowDays).toBe(REPEAT_BREAKDOWN_DAYS);
    const expected = new Map<number, number>();
    for (const later of rows) {
      const j = repeatedJob(rows, later, rule);
      if (j) expected.set(later.id, j.id);
    }
    await refreshRepeatBreakdowns(db, { settleSeconds: 0 });
    const got = await db.selectFrom("repeat_breakdowns").select(["ticket_id", "previous_ticket_id"]).execute();
    expect(new Map(got.map((g) => [g.ticket_id, g.previous_ticket_id]))).toEqual(expected);
    expect(expected.size).toBeGreaterThan(3);
    const v = rows.slice(VOICE_FIRST).map((x) => x.id);
    // exactly 90 days after is in, with another problem; past a cancelled one to the latest within; a second past
    // the window is out; the same instant is no repeat
    expect(expected.get(v[1]!)).toBe(v[0]);
    expect(expected.get(v[3]!)).toBe(v[1]);
    expect(expected.has(v[2]!)).toBe(false);
    expect(expected.has(v[5]!)).toBe(false);
    expect(expected.has(v[6]!) || expected.has(v[7]!)).toBe(false);
  });
});
