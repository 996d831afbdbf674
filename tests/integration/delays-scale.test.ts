/**
 * The delay reports at scale (issue 14 §1): on 300,000 tickets over 110 days (the density of a million over a
 * year) with their ticket_milestones rows and 60 agencies, the default range (30 whole Tehran days) reads the
 * closed requests from the daily roll-up (delay_daily, two primary-key probes per agency) and the open ones by
 * their partial index, the drill-down lists through the registration-date indexes — never a scan of the
 * milestones or the tickets — and the watch list reads the open tickets only. (Timings are printed, not asserted: bench/ and the seeded large database measure them.)
 */
import { sql, type RawBuilder } from "kysely";
import { beforeAll, describe, expect, it } from "vitest";
import { tehranDay, tehranDayStart } from "../../core/jalali";
import type { DB } from "../../db/connection";
import {
  agencyDelayRanking,
  delayClockCorrectionQuery,
  delayLiveFiguresQuery,
  delayRollupRangeQuery,
  delaySummary,
  refreshDelayRollup,
  delayTickets,
  delayTicketsQuery,
  slaWatchList,
  slaWatchQuery,
} from "../../db/repos/delays";
import { isSlaStageOpen, SLA_STAGES, slaLevel, type SlaStage } from "../../core/sla";
import type { TicketStatus } from "../../core/ticket";
import { SLA_STAGE_INDEXES } from "../../services/sla";
import { getTestDb, resetDatabase } from "../support/db";

let db: DB;
const NOW = new Date("2026-11-30T08:00:00Z");
// the default range: 30 whole Tehran days up to today's end
const TO = tehranDayStart(tehranDay(new Date(NOW.getTime() + 86_400_000)));
const RANGE = { from: new Date(TO.getTime() - 30 * 86_400_000), toExclusive: TO, now: NOW };

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

function walk(n: PlanNode, out: PlanNode[] = []): PlanNode[] {
  out.push(n);
  for (const c of n.Plans ?? []) walk(c, out);
  return out;
}

async function planOf(query: RawBuilder<unknown>): Promise<{ indexes: string[]; seqScanned: string[] }> {
  const { rows } = await sql<{ "QUERY PLAN": [{ Plan: PlanNode }] }>`explain (format json) ${query}`.execute(db);
  const nodes = walk(rows[0]!["QUERY PLAN"][0].Plan);
  return {
    indexes: nodes.map((n) => n["Index Name"]).filter((x): x is string => !!x),
    seqScanned: nodes.filter((n) => n["Node Type"] === "Seq Scan").map((n) => n["Relation Name"]!),
  };
}

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  const customer = (await db.insertInto("customers").values({ full_name: "کاوه نادری", mobile: "+989121234501" }).returning("id").executeTakeFirstOrThrow()).id;
  await sql`insert into agencies (code, name, province, city, working_hours)
    select 'AG-' || g, 'نمایندگی ' || g, 'تهران', 'تهران', '{}' from generate_series(1, 60) g`.execute(db);
  // 300,000 tickets over 110 days: 97 % closed; the history's roll-up written directly (the triggers' output)
  await sql`
    insert into tickets (type, channel, customer_id, warranty_status, priority, status, created_at, assigned_agency_id,
                         sla_accept_due_at, sla_visit_due_at, sla_resolve_due_at)
    select 'breakdown', 'phone', ${customer}, 'in_warranty', 'normal',
           case when g % 100 < 97 then 'closed' else (array['new','dispatching','assigned','scheduled','in_progress','on_hold'])[1 + g % 6] end,
           c, 1 + g % 60, c + interval '4 hours', c + interval '48 hours', c + interval '7 days'
    from generate_series(1, 300000) g, lateral (select ${NOW}::timestamptz - (g * interval '31.68 seconds') as c) x`.execute(db);
  await sql`
    insert into ticket_milestones (ticket_id, type, priority, category_id, province, agency_id, registered_at, offered_at, accepted_at,
      visited_at, done_at, closed_at, accept_due_at, visit_due_at, resolve_due_at, rejections, waiting_parts, reassignments)
    select t.id, t.type, t.priority, null, 'تهران', t.assigned_agency_id, t.created_at,
      t.created_at + make_interval(mins => (5 + t.id % 20)::int), t.created_at + make_interval(mins => (30 + t.id % 300)::int),
      t.created_at + make_interval(hours => (5 + t.id % 60)::int), t.created_at + make_interval(hours => (30 + t.id % 100)::int),
      case when t.status = 'closed' then t.created_at + make_interval(hours => 150) end,
      t.sla_accept_due_at, t.sla_visit_due_at, t.sla_resolve_due_at, (t.id % 7 = 0)::int, (t.id % 11 = 0)::int, (t.id % 13 = 0)::int
    from tickets t`.execute(db);
  await sql`update ticket_milestones set refreshed_at = now() - interval '1 day'`.execute(db);
  await sql`analyze tickets, ticket_milestones, agencies`.execute(db);
  const t0 = performance.now();
  const full = await refreshDelayRollup(db);
  const t1 = performance.now();
  await sql`update ticket_milestones set refreshed_at = now() where ticket_id in (select id from tickets order by id desc limit 500)`.execute(db);
  const t2 = performance.now();
  const inc = await refreshDelayRollup(db);
  console.log(`[delays-scale] roll-up: full ${Math.round(t1 - t0)} ms (${full.days} days, ${full.rows} rows); incremental ${Math.round(performance.now() - t2)} ms (${inc.days} days, ${inc.rows} rows)`);
  expect(full.full && !inc.full).toBe(true);
  await sql`analyze delay_daily`.execute(db);
}, 300_000);

describe("the delay reports on 300,000 tickets", () => {
  it("read the default 30-day range through the roll-up's indexes", async () => {
    const all = { kind: "all" } as const;
    for (const [name, q, f] of [
      ["ranking: registered since the refresh", delayLiveFiguresQuery(all, RANGE, new Date(NOW.getTime() - 60_000)), (d: DB) => agencyDelayRanking(d, all, RANGE)],
      ["summary: breaches the clock made", delayClockCorrectionQuery(all, RANGE, new Date(NOW.getTime() - 60_000)), (d: DB) => delaySummary(d, all, RANGE)],
      ["tickets", delayTicketsQuery(all, { ...RANGE, breach: "any" }, 500), (d: DB) => delayTickets(d, all, { ...RANGE, breach: "any" }, 500)],
      ["agency tickets", delayTicketsQuery(all, { ...RANGE, agencyId: 7 }, 500), (d: DB) => delayTickets(d, all, { ...RANGE, agencyId: 7 }, 500)],
    ] as const) {
      const p = await planOf(q);
      expect({ name, seq: p.seqScanned }).toEqual({ name, seq: expect.not.arrayContaining(["ticket_milestones", "tickets"]) });
      expect({ name, idx: p.indexes }).toEqual({ name, idx: expect.arrayContaining([expect.stringMatching(/^ticket_milestones_/)]) });
      const ms: number[] = [];
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        await f(db);
        ms.push(Math.round(performance.now() - t0));
      }
      console.log(`[delays-scale] ${name}: ${ms.join(" / ")} ms`);
    }
  }, 120_000);

  it("reads the closed requests of a range from the roll-up by its primary key", async () => {
    const days = { fromDay: tehranDay(RANGE.from), toDayExclusive: tehranDay(RANGE.toExclusive) };
    const p = await planOf(delayRollupRangeQuery({ kind: "all" }, days));
    expect(p.seqScanned).not.toContain("delay_daily");
    expect(p.indexes).toContain("delay_daily_pkey");
    expect((await planOf(delayClockCorrectionQuery({ kind: "all" }, RANGE, new Date(NOW.getTime() - 60_000)))).indexes).toEqual(
      expect.arrayContaining(["ticket_milestones_accept_due_open_idx", "ticket_milestones_visit_due_open_idx", "ticket_milestones_resolve_due_open_idx"]),
    );
    // a whole year of days costs the same two probes per agency
    const year = { from: new Date(TO.getTime() - 365 * 86_400_000), toExclusive: TO, now: NOW };
    const t0 = performance.now();
    const r = await agencyDelayRanking(db, { kind: "all" }, year);
    console.log(`[delays-scale] ranking over a year: ${Math.round(performance.now() - t0)} ms, ${r.length} agencies`);
    expect(r.reduce((n, a) => n + a.tickets, 0)).toBe(300000);
  });

  it("the watch list never scans the tickets", async () => {
    const p = await planOf(slaWatchQuery({ kind: "all" }, NOW, 0.8, 200));
    expect(p.seqScanned).not.toContain("tickets");
    const t0 = performance.now();
    const w = await slaWatchList(db, { kind: "all" }, NOW);
    console.log(`[delays-scale] watch list: ${Math.round(performance.now() - t0)} ms, ${w.atRisk + w.breached} rows`);
    expect(w.breached).toBeGreaterThan(0);
  });

  it("the watch list's counts and rows are the sweep's rule over every open ticket, counted from the indexes alone", async () => {
    const { rows: open } = await sql<{
      id: number; status: TicketStatus; created_at: Date; assigned_agency_id: number | null;
      sla_accept_due_at: Date | null; sla_visit_due_at: Date | null; sla_resolve_due_at: Date | null;
    }>`select id, status, created_at, assigned_agency_id, sla_accept_due_at, sla_visit_due_at, sla_resolve_due_at
       from tickets where status not in ('closed', 'cancelled')`.execute(db);
    expect(open.length).toBeGreaterThan(8000);
    const due = { accept: "sla_accept_due_at", visit: "sla_visit_due_at", resolve: "sla_resolve_due_at" } as const;
    // now, for one agency, and five days on (the accept and visit stages all breached, resolve stages at risk)
    const seen = { atRisk: 0, breached: 0 };
    for (const [scope, now] of [
      [{ kind: "all" }, NOW],
      [{ kind: "agency", agencyId: 7 }, NOW],
      [{ kind: "all" }, new Date(NOW.getTime() + 5 * 86_400_000)],
    ] as const) {
      const expected: { ticketId: number; stage: SlaStage; level: "at_risk" | "breached"; dueAt: number }[] = [];
      for (const t of open) {
        if (scope.kind === "agency" && t.assigned_agency_id !== scope.agencyId) continue;
        for (const stage of SLA_STAGES) {
          if (!isSlaStageOpen(stage, t.status)) continue;
          const d = t[due[stage]];
          const level = slaLevel(t.created_at, d, now, 0.8);
          if (level) expected.push({ ticketId: t.id, stage, level, dueAt: d!.getTime() });
        }
      }
      expected.sort(
        (a, b) =>
          Number(b.level === "breached") - Number(a.level === "breached") || a.dueAt - b.dueAt || a.ticketId - b.ticketId || (a.stage < b.stage ? -1 : a.stage > b.stage ? 1 : 0),
      );
      const risk = expected.filter((e) => e.level === "at_risk");
      seen.atRisk += risk.length;
      seen.breached += expected.length - risk.length;
      for (const level of [null, "breached", "at_risk"] as const) {
        const w = await slaWatchList(db, scope, now, 0.8, 150, level);
        expect({ atRisk: w.atRisk, breached: w.breached }).toEqual({ atRisk: risk.length, breached: expected.length - risk.length });
        const want = expected.filter((e) => level === null || e.level === level).slice(0, 150);
        expect(w.rows.map((r) => ({ ticketId: r.ticketId, stage: r.stage, level: r.level, dueAt: r.dueAt.getTime() }))).toEqual(want);
      }
    }
    expect(seen.atRisk).toBeGreaterThan(0);
    expect(seen.breached).toBeGreaterThan(seen.atRisk);
    await sql`vacuum (analyze) tickets`.execute(db);
    // the counts are index-only scans of the three partial indexes; the table is read by key for the listed rows only
    const { rows } = await sql<{ "QUERY PLAN": [{ Plan: PlanNode }] }>`explain (format json) ${slaWatchQuery({ kind: "all" }, NOW, 0.8, 100)}`.execute(db);
    const nodes = walk(rows[0]!["QUERY PLAN"][0].Plan);
    const onTickets = nodes.filter((n) => n["Relation Name"] === "tickets");
    expect(onTickets.filter((n) => n["Node Type"] !== "Index Only Scan").map((n) => n["Index Name"])).toEqual(["tickets_pkey"]);
    expect(new Set(onTickets.filter((n) => n["Node Type"] === "Index Only Scan").map((n) => n["Index Name"]))).toEqual(new Set(Object.values(SLA_STAGE_INDEXES)));
  });
});
