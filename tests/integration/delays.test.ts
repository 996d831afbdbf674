/**
 * The delay audit on real PostgreSQL (issue 14 §1), against a small hand-computed fixture:
 *  - intake gives due times from the configured SLA rules (a category and a province override);
 *  - ticket_milestones, kept by the triggers on ticket_events, gives each stage's start/end, and agrees with
 *    core/delays.ts (milestonesOf, delayCauses) on the same histories — history inserted out of order too;
 *  - the ranking (median/mean per stage, breaches and their rate), the summary (breaches per check, causes)
 *    and the drill-down ticket lists give the hand-computed numbers; an agency's scope sees only itself;
 *  - the SLA rule service audits every change and refuses bad rules in words;
 *  - the SLA sweep looks far enough ahead for a configured target longer than every default.
 */
import { nextWorkingStart, workingMinutesBetween } from "../../core/working-time";
import { workingCalendars } from "../../services/working-calendar";
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import {
  delayCauses,
  HIST_MEDIAN_RELATIVE_ERROR,
  histogramMedian,
  histogramOf,
  milestonesOf,
  stageDurations,
  WAITING_PARTS_PATTERN,
  CUSTOMER_UNAVAILABLE_PATTERN,
  type HistoryEvent,
} from "../../core/delays";
import type { TicketEventType, TicketStatus } from "../../core/ticket";
import type { DB } from "../../db/connection";
import { agencyDelayRanking, delaySummary, delayTickets, slaWatchList } from "../../db/repos/delays";
import type { Actor } from "../../services/actor";
import { registerFromCall } from "../../services/intake";
import { sweepSla } from "../../services/sla";
import { deleteSlaTarget, saveSlaTarget, SlaTargetError } from "../../services/sla-targets";
import { getTestDb, resetDatabase } from "../support/db";

let db: DB;
let manager: Actor;
let managerId: number;
let fridge: number;
let washer: number;
let fridgeModel: number;
let washerModel: number;
let agencyA: number;
let agencyB: number;
let customerId: number;

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = new Date("2026-11-10T06:00:00Z");
const at = (min: number) => new Date(T0.getTime() + min * MIN);
const NOW = new Date(T0.getTime() + 10 * 24 * HOUR);
const RANGE = { from: new Date("2026-11-01T00:00:00Z"), toExclusive: new Date("2026-12-01T00:00:00Z"), now: NOW };

type Ev = [minutes: number, type: TicketEventType, from: TicketStatus | null, to: TicketStatus | null, data?: Record<string, unknown>];

/** A breakdown ticket registered at T0 + `created` minutes with the given due times (minutes after registration) and history. */
async function fixtureTicket(o: {
  created: number;
  agencyId: number | null;
  status: TicketStatus;
  categoryId?: number | null;
  province?: string;
  due: [accept: number, visit: number, resolve: number];
  events: Ev[];
}) {
  const created = at(o.created);
  const t = await db
    .insertInto("tickets")
    .values({
      type: "breakdown", channel: "phone", customer_id: customerId, warranty_status: "in_warranty", priority: "normal",
      status: o.status, assigned_agency_id: o.agencyId, problem_category_id: o.categoryId ?? null, province: o.province ?? "تهران",
      created_at: created, updated_at: created,
      sla_accept_due_at: new Date(created.getTime() + o.due[0] * MIN),
      sla_visit_due_at: new Date(created.getTime() + o.due[1] * MIN),
      sla_resolve_due_at: new Date(created.getTime() + o.due[2] * MIN),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  // one statement, newest first: the roll-up must not depend on the order rows arrive in
  const rows = [[0, "created", null, "new", {}] as Ev, ...o.events].reverse().map(([m, type, from, to, data]) => ({
    ticket_id: t.id, at: new Date(created.getTime() + m * MIN), actor_kind: "system" as const, actor_label: "آزمون",
    event_type: type, from_status: from, to_status: to, data: JSON.stringify(data ?? {}),
  }));
  await db.insertInto("ticket_events").values(rows).execute();
  return t.id;
}

let A1: number, A2: number, B1: number, A3: number;

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  managerId = (await db.insertInto("users").values({ username: "mgr", display_name: "مدیر", role: "manager", password_hash: "x" }).returning("id").executeTakeFirstOrThrow()).id;
  manager = { kind: "user", userId: managerId, ip: "10.0.0.9" };
  const brand = await db.insertInto("brands").values({ code: "snowa", name_fa: "اسنوا", name_en: "Snowa" }).returning("id").executeTakeFirstOrThrow();
  const cats = await db
    .insertInto("product_categories")
    .values([
      { code: "fridge", name_fa: "یخچال", name_en: "Refrigerator" },
      { code: "washer", name_fa: "لباسشویی", name_en: "Washing machine" },
    ])
    .returning("id")
    .execute();
  fridge = cats[0]!.id;
  washer = cats[1]!.id;
  const models = await db
    .insertInto("product_models")
    .values([
      { brand_id: brand.id, category_id: fridge, model_code: "RF-1", name: "یخچال", warranty_months: 24 },
      { brand_id: brand.id, category_id: washer, model_code: "WM-1", name: "لباسشویی", warranty_months: 24 },
    ])
    .returning("id")
    .execute();
  fridgeModel = models[0]!.id;
  washerModel = models[1]!.id;
  const agencies = await db
    .insertInto("agencies")
    .values([
      { code: "THR-101", name: "نمایندگی الف", province: "تهران", city: "تهران", working_hours: "{}" },
      { code: "THR-102", name: "نمایندگی ب", province: "تهران", city: "تهران", working_hours: "{}" },
    ])
    .returning("id")
    .execute();
  agencyA = agencies[0]!.id;
  agencyB = agencies[1]!.id;
  customerId = (await db.insertInto("customers").values({ full_name: "کاوه نادری", mobile: "+989121234501" }).returning("id").executeTakeFirstOrThrow()).id;

  // A1 (agency A): one rejection; visit at 50 h against a 48 h target → visit breached
  A1 = await fixtureTicket({
    created: 0, agencyId: agencyA, status: "closed", due: [240, 2880, 10080],
    events: [
      [10, "status_changed", "new", "dispatching"],
      [10, "offer_sent", null, null],
      [20, "offer_rejected", null, null, { reason: "ظرفیت تکنسین‌ها تکمیل است" }],
      [25, "offer_sent", null, null],
      [70, "status_changed", "dispatching", "assigned"],
      [80, "status_changed", "assigned", "scheduled"],
      [3000, "status_changed", "scheduled", "in_progress"],
      [3120, "status_changed", "in_progress", "completed"],
      [3600, "status_changed", "completed", "closed"],
    ],
  });
  // A2 (agency A): on hold waiting for a part; on time everywhere
  A2 = await fixtureTicket({
    created: 60, agencyId: agencyA, status: "completed", due: [240, 2880, 10080],
    events: [
      [5, "status_changed", "new", "dispatching"],
      [35, "status_changed", "dispatching", "assigned"],
      [40, "status_changed", "assigned", "scheduled"],
      [300, "status_changed", "scheduled", "in_progress"],
      [360, "status_changed", "in_progress", "on_hold", { reason: "در انتظار رسیدن قطعه از انبار مرکزی" }],
      [1800, "status_changed", "on_hold", "in_progress", { reason: "قطعه رسید و کار ادامه یافت" }],
      [1920, "status_changed", "in_progress", "completed"],
    ],
  });
  // B1 (agency B, a fridge: accept target 30 min): deadline missed, accepted at 50 min, handed back (customer
  // away), accepted again at 3 h → accept breached (3 h > 30 min)
  B1 = await fixtureTicket({
    created: 0, agencyId: agencyB, status: "completed", categoryId: fridge, due: [30, 2880, 10080],
    events: [
      [5, "status_changed", "new", "dispatching"],
      [5, "offer_sent", null, null],
      [20, "offer_expired", null, null],
      [50, "status_changed", "dispatching", "assigned"],
      [120, "status_changed", "assigned", "dispatching", { reason: "مشتری در زمان هماهنگ‌شده در دسترس نبود و نمایندگی پرونده را برگرداند" }],
      [180, "status_changed", "dispatching", "assigned"],
      [240, "status_changed", "assigned", "in_progress"],
      [300, "status_changed", "in_progress", "completed"],
    ],
  });
  // A3: registered in October, outside the range
  A3 = await fixtureTicket({
    created: -20 * 24 * 60, agencyId: agencyA, status: "assigned", due: [240, 2880, 10080],
    events: [[5, "status_changed", "new", "dispatching"], [600, "status_changed", "dispatching", "assigned"]],
  });
});

async function historyOf(ticketId: number): Promise<HistoryEvent[]> {
  const rows = await db.selectFrom("ticket_events").select(["at", "event_type", "from_status", "to_status", "data"]).where("ticket_id", "=", ticketId).execute();
  return rows.map((r) => ({ at: r.at, type: r.event_type, from: r.from_status, to: r.to_status, data: r.data }));
}

async function rollup(ticketId: number) {
  return db.selectFrom("ticket_milestones").selectAll().where("ticket_id", "=", ticketId).executeTakeFirstOrThrow();
}

describe("ticket_milestones (kept by the triggers) against the hand-computed fixture and core/delays.ts", () => {
  it("has each stage's start and end", async () => {
    expect(await rollup(A1)).toMatchObject({
      agency_id: agencyA, registered_at: at(0), offered_at: at(10), accepted_at: at(70), visited_at: at(3000), done_at: at(3120), closed_at: at(3600),
      rejections: 1, deadlines_missed: 0, waiting_parts: 0, customer_unavailable: 0, reassignments: 0,
    });
    expect(await rollup(B1)).toMatchObject({
      agency_id: agencyB, category_id: fridge, offered_at: at(5), accepted_at: at(180), visited_at: at(240), done_at: at(300), closed_at: null,
      rejections: 0, deadlines_missed: 1, waiting_parts: 0, customer_unavailable: 1, reassignments: 1,
    });
    expect(await rollup(A2)).toMatchObject({ waiting_parts: 1, customer_unavailable: 0, done_at: at(60 + 1920) });
  });

  it("agrees with core/delays.ts milestonesOf and delayCauses", async () => {
    for (const id of [A1, A2, B1, A3]) {
      const r = await rollup(id);
      const events = await historyOf(id);
      const m = milestonesOf(r.registered_at, events);
      expect({ offered: r.offered_at, accepted: r.accepted_at, visited: r.visited_at, done: r.done_at, closed: r.closed_at, cancelled: r.cancelled }).toEqual({
        offered: m.offered, accepted: m.accepted, visited: m.visited, done: m.done, closed: m.closed, cancelled: m.cancelled,
      });
      const c = delayCauses(events);
      expect([r.rejections, r.deadlines_missed, r.waiting_parts, r.customer_unavailable, r.reassignments]).toEqual([
        c.rejection, c.deadline_missed, c.waiting_parts, c.customer_unavailable, c.reassignment,
      ]);
    }
    expect(stageDurations(milestonesOf(at(0), await historyOf(A1)))).toEqual({ offer: 600, accept: 3600, visit: 2930 * 60, repair: 7200, close: 480 * 60 });
  });

  it("keeps the migration's phrase patterns the same as core's", async () => {
    const { rows } = await sql<{ src: string }>`select prosrc as src from pg_proc where proname = 'ticket_milestones_refresh'`.execute(db);
    expect(rows[0]!.src).toContain(`~* '${WAITING_PARTS_PATTERN}'`);
    expect(rows[0]!.src).toContain(`~* '${CUSTOMER_UNAVAILABLE_PATTERN}'`);
  });

  it("follows a later event and a change of agency at once", async () => {
    const id = await fixtureTicket({ created: 100, agencyId: null, status: "dispatching", due: [240, 2880, 10080], events: [[5, "status_changed", "new", "dispatching"]] });
    expect((await rollup(id)).accepted_at).toBeNull();
    await db.transaction().execute(async (trx) => {
      await trx.updateTable("tickets").set({ status: "assigned", assigned_agency_id: agencyB }).where("id", "=", id).execute();
      await trx.insertInto("ticket_events").values({ ticket_id: id, at: at(130), actor_kind: "agency", event_type: "status_changed", from_status: "dispatching", to_status: "assigned", data: "{}" }).execute();
    });
    expect(await rollup(id)).toMatchObject({ agency_id: agencyB, accepted_at: at(130) });
    await sql`truncate table ticket_milestones`.execute(db);
    // the backfill function rebuilds what the triggers built
    await sql`select ticket_milestones_refresh(array(select id from tickets))`.execute(db);
    expect(await rollup(B1)).toMatchObject({ accepted_at: at(180), reassignments: 1 });
    // put the extra ticket out of the way of the report tests below (a cancelled job of another month)
    await db.updateTable("tickets").set({ created_at: new Date("2026-10-01T00:00:00Z") }).where("id", "=", id).execute();
    expect((await rollup(id)).registered_at).toEqual(new Date("2026-10-01T00:00:00Z"));
  });
});

describe("reports over the fixture", () => {
  it("ranks agencies by breach rate with median and mean per stage", async () => {
    const r = await agencyDelayRanking(db, { kind: "all" }, RANGE);
    expect(r.map((x) => [x.agencyName, x.tickets, x.breaches, x.breachRate])).toEqual([
      ["نمایندگی ب", 1, 1, 100],
      ["نمایندگی الف", 2, 1, 50],
    ]);
    const a = r[1]!;
    // A1: offer 600 s, accept 3600, visit 175800 (50 h − 70 min), repair 7200, close 28800; A2: 300, 1800, 15900, 97200, —
    // means exact; medians from the duration buckets (core/delays.ts histogramMedian), within its bound of the exact ones
    const exact = { offer: 450, accept: 2700, visit: (175800 + 15900) / 2, repair: (7200 + 97200) / 2, close: 28800 };
    expect(a.mean).toEqual(exact);
    const bucketed = (xs: number[]) => Math.round(histogramMedian(histogramOf(xs))!);
    expect(a.median).toEqual({ offer: bucketed([600, 300]), accept: bucketed([3600, 1800]), visit: bucketed([175800, 15900]), repair: bucketed([7200, 97200]), close: bucketed([28800]) });
    for (const [s, v] of Object.entries(exact)) expect(Math.abs(a.median[s as keyof typeof exact]! - v)).toBeLessThanOrEqual(v * HIST_MEDIAN_RELATIVE_ERROR + 0.5);
    expect(r[0]!.median).toEqual({ offer: bucketed([300]), accept: bucketed([10500]), visit: bucketed([3600]), repair: bucketed([3600]), close: null });
    expect(r[0]!.mean).toEqual({ offer: 300, accept: 10500, visit: 3600, repair: 3600, close: null });
  });

  it("counts breaches per check and the causes", async () => {
    const s = await delaySummary(db, { kind: "all" }, RANGE);
    expect(s.tickets).toBe(3);
    expect(s.breached).toEqual({ accept: 1, visit: 1, resolve: 0 });
    expect(s.causes).toEqual({
      rejection: { tickets: 1, occurrences: 1 },
      deadline_missed: { tickets: 1, occurrences: 1 },
      waiting_parts: { tickets: 1, occurrences: 1 },
      customer_unavailable: { tickets: 1, occurrences: 1 },
      reassignment: { tickets: 1, occurrences: 1 },
    });
  });

  it("lists the tickets behind each figure, within the caller's scope", async () => {
    const ids = async (f: Partial<Parameters<typeof delayTickets>[2]>, scope: Parameters<typeof delayTickets>[1] = { kind: "all" }) =>
      (await delayTickets(db, scope, { ...RANGE, ...f })).map((t) => t.ticketId).sort();
    expect(await ids({ agencyId: agencyA })).toEqual([A1, A2].sort());
    expect(await ids({ agencyId: agencyA, breach: "any" })).toEqual([A1]);
    expect(await ids({ breach: "accept" })).toEqual([B1]);
    expect(await ids({ cause: "waiting_parts" })).toEqual([A2]);
    expect(await ids({ cause: "reassignment" })).toEqual([B1]);
    expect(await ids({ stage: "close" })).toEqual([A1]);
    expect(await ids({}, { kind: "agency", agencyId: agencyB })).toEqual([B1]);
    const [b1] = await delayTickets(db, { kind: "all" }, { ...RANGE, agencyId: agencyB });
    expect(b1).toMatchObject({ seconds: { offer: 300, accept: 10500, visit: 3600, repair: 3600, close: null }, breached: { accept: true, visit: false, resolve: false } });
    expect((await agencyDelayRanking(db, { kind: "agency", agencyId: agencyB }, RANGE)).map((x) => x.agencyId)).toEqual([agencyB]);
    // pages by keyset: one at a time, each after the last row of the one before, give the whole list in order
    const all = await delayTickets(db, { kind: "all" }, RANGE);
    const paged: number[] = [];
    let before: { at: Date; id: number } | null = null;
    for (;;) {
      const page = await delayTickets(db, { kind: "all" }, RANGE, 1, before);
      if (!page.length) break;
      paged.push(page[0]!.ticketId);
      before = { at: page[0]!.registeredAt, id: page[0]!.ticketId };
    }
    expect(paged).toEqual(all.map((t) => t.ticketId));
  });
});

describe("SLA target rules", () => {
  it("gives intake's due times from the most specific rule (category and province overrides) and audits each change", async () => {
    // the base rules were emptied with the database: the defaults of core/sla.ts apply until rules exist
    await db.insertInto("sla_targets").values({ priority: "normal", accept_minutes: 240, visit_minutes: 2880, resolve_minutes: 10080 }).execute();
    const cat = await saveSlaTarget(db, manager, null, { priority: null, categoryId: fridge, province: null, acceptMinutes: 30, visitMinutes: 600, resolveMinutes: 2880 });
    await saveSlaTarget(db, manager, null, { priority: null, categoryId: null, province: "فارس", acceptMinutes: 60, visitMinutes: 720, resolveMinutes: 4320 });
    await expect(saveSlaTarget(db, manager, null, { priority: null, categoryId: fridge, province: null, acceptMinutes: 30, visitMinutes: 600, resolveMinutes: 2880 })).rejects.toMatchObject({ code: "duplicate" });
    await expect(saveSlaTarget(db, manager, null, { priority: "low", categoryId: null, province: null, acceptMinutes: 90, visitMinutes: 60, resolveMinutes: 2880 })).rejects.toBeInstanceOf(SlaTargetError);
    const base = await db.selectFrom("sla_targets").select("id").where("priority", "=", "normal").where("province", "is", null).where("category_id", "is", null).executeTakeFirstOrThrow();
    await expect(deleteSlaTarget(db, manager, base.id)).rejects.toMatchObject({ code: "base_rule" });

    const register = async (modelId: number, province: string) => {
      const now = new Date();
      const r = await registerFromCall(db, { kind: "user", userId: managerId }, {
        idempotencyKey: randomUUID(), kind: "breakdown", customer: { fullName: "مریم رضایی", mobile: "+989121234567", nationalCode: null },
        product: { serial: `SN-${randomUUID().slice(0, 8)}`, modelId, purchaseDate: null }, description: "کار نمی‌کند",
        address: { province, city: province === "فارس" ? "شیراز" : "تهران", text: "خیابان اول، پلاک ۲" }, priority: "normal", now,
      });
      const t = await db.selectFrom("tickets").select(["sla_accept_due_at", "sla_visit_due_at", "sla_resolve_due_at", "created_at"]).where("id", "=", r.ticketId).executeTakeFirstOrThrow();
      // targets are working minutes on the call centre's clock (issue 15 §2)
      const office = (await workingCalendars(db)).office;
      const mins = (d: Date | null) => workingMinutesBetween(nextWorkingStart(t.created_at, office), d!, office);
      return [mins(t.sla_accept_due_at), mins(t.sla_visit_due_at), mins(t.sla_resolve_due_at)];
    };
    expect(await register(fridgeModel, "فارس")).toEqual([30, 600, 2880]); // category beats province
    expect(await register(washerModel, "فارس")).toEqual([60, 720, 4320]);
    expect(await register(washerModel, "تهران")).toEqual([240, 2880, 10080]);

    await saveSlaTarget(db, manager, cat.id, { priority: null, categoryId: fridge, province: null, acceptMinutes: 45, visitMinutes: 600, resolveMinutes: 2880 });
    expect(await register(fridgeModel, "تهران")).toEqual([45, 600, 2880]);
    await deleteSlaTarget(db, manager, cat.id);
    expect(await register(fridgeModel, "تهران")).toEqual([240, 2880, 10080]);
    const audit = await db.selectFrom("audit_log").select(["action", "entity_type", "details"]).where("action", "like", "sla_target.%").orderBy("id").execute();
    expect(audit.map((a) => a.action)).toEqual(["sla_target.create", "sla_target.create", "sla_target.update", "sla_target.delete"]);
    expect(audit[2]!.details).toMatchObject({ before: { acceptMinutes: 30 }, after: { acceptMinutes: 45, categoryId: fridge } });
  });

  it("the sweep looks ahead far enough for a configured target longer than every default", async () => {
    await saveSlaTarget(db, manager, null, { priority: null, categoryId: washer, province: "کرمان", acceptMinutes: 20 * 60, visitMinutes: 100 * 60, resolveMinutes: 20 * 24 * 60 });
    const created = new Date(Date.now() - 17 * HOUR);
    const id = await fixtureTicket({ created: (created.getTime() - T0.getTime()) / MIN, agencyId: null, status: "dispatching", categoryId: washer, province: "کرمان", due: [20 * 60, 100 * 60, 20 * 24 * 60], events: [[1, "status_changed", "new", "dispatching"]] });
    // at 17 h of a 20 h clock (85 %): at risk — beyond the 1.6 h look-ahead the 8 h default would allow
    const sweptAt = new Date(created.getTime() + 17 * HOUR);
    const before = await slaWatchList(db, { kind: "all" }, sweptAt);
    expect(before.rows.find((w) => w.ticketId === id)).toMatchObject({ stage: "accept", level: "at_risk", markedAt: null });
    const counts = await sweepSla(db, { now: sweptAt });
    expect(counts.accept.atRisk).toBeGreaterThanOrEqual(1);
    const watch = await slaWatchList(db, { kind: "all" }, sweptAt);
    expect(watch.rows.find((w) => w.ticketId === id)).toMatchObject({ stage: "accept", level: "at_risk", markedAt: sweptAt });
    // 16 h: not yet at risk (80 % of 20 h); 21 h: breached
    expect((await slaWatchList(db, { kind: "all" }, new Date(created.getTime() + 15.9 * HOUR))).rows.find((w) => w.ticketId === id && w.stage === "accept")).toBeUndefined();
    const late = await slaWatchList(db, { kind: "all" }, new Date(created.getTime() + 21 * HOUR));
    expect(late.rows.find((w) => w.ticketId === id && w.stage === "accept")).toMatchObject({ level: "breached" });
    expect(late.breached).toBeGreaterThanOrEqual(1);
    expect((await slaWatchList(db, { kind: "agency", agencyId: agencyA }, sweptAt)).rows.find((w) => w.ticketId === id)).toBeUndefined();
  });

  it("the landing page's list narrows to one level, its counts staying those of both, limited, breached first then soonest due", async () => {
    const created = new Date(Date.now() - 30 * HOUR);
    const late = await fixtureTicket({ created: (created.getTime() - T0.getTime()) / MIN, agencyId: null, status: "dispatching", due: [60, 600, 2880], events: [[1, "status_changed", "new", "dispatching"]] });
    const risky = await fixtureTicket({ created: (created.getTime() - T0.getTime()) / MIN, agencyId: null, status: "dispatching", due: [31 * 60, 40 * 60, 2880], events: [[1, "status_changed", "new", "dispatching"]] });
    const at = new Date(created.getTime() + 30 * HOUR);
    const all = await slaWatchList(db, { kind: "all" }, at, undefined, 1000);
    expect(all.rows.find((w) => w.ticketId === late && w.stage === "accept")).toMatchObject({ level: "breached" });
    expect(all.rows.find((w) => w.ticketId === risky && w.stage === "accept")).toMatchObject({ level: "at_risk" });
    const levels = all.rows.map((w) => w.level);
    expect(levels.lastIndexOf("breached")).toBeLessThan(Math.max(levels.indexOf("at_risk"), levels.length));
    const breached = await slaWatchList(db, { kind: "all" }, at, undefined, 1000, "breached");
    const atRisk = await slaWatchList(db, { kind: "all" }, at, undefined, 1000, "at_risk");
    expect(breached.rows.every((w) => w.level === "breached")).toBe(true);
    expect(atRisk.rows.every((w) => w.level === "at_risk")).toBe(true);
    expect([breached.rows.length, atRisk.rows.length]).toEqual([all.breached, all.atRisk]);
    expect([breached.atRisk, breached.breached, atRisk.atRisk, atRisk.breached]).toEqual([all.atRisk, all.breached, all.atRisk, all.breached]);
    expect(atRisk.rows.some((w) => w.ticketId === risky)).toBe(true);
    const dues = atRisk.rows.map((w) => new Date(w.dueAt).getTime());
    expect(dues).toEqual([...dues].sort((a, b) => a - b));
    const one = await slaWatchList(db, { kind: "all" }, at, undefined, 1, "at_risk");
    expect(one.rows).toHaveLength(1);
    expect(one.atRisk).toBe(all.atRisk);
    // a level with nothing in it still gives the counts
    const none = await slaWatchList(db, { kind: "agency", agencyId: agencyA }, new Date(0), undefined, 10, "breached");
    expect(none).toEqual({ rows: [], atRisk: 0, breached: 0 });
  });
});
