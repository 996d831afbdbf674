/**
 * The SLA sweep on real PostgreSQL: marks each open stage at risk and then breached once, with history
 * rows, supervisor alerts and a NOTIFY; two sweeps at once write each mark once; the SQL agrees with
 * core/sla.ts slaLevel on random tickets; the crontab's task runs through graphile-worker; and each
 * stage's query reads its partial index (with sequential scans off, as tests/integration/query-plans.test.ts
 * checks the hot reads, and on a few hundred thousand tickets with the planner free).
 */
import { runOnce } from "graphile-worker";
import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { isSlaStageOpen, SLA_STAGES, slaDueTimes, slaLevel, SUPERVISOR_ALERTS_CHANNEL, type SlaStage } from "../../core/sla";
import { complaintAtRisk, SERVICE_RULE_DEFAULTS } from "../../core/service-rules";
import { DEFAULT_OFFICE_HOURS, makeWorkingCalendar } from "../../core/working-time";
import { PRIORITIES, TICKET_STATUSES, type Priority, type TicketStatus, type TicketType } from "../../core/ticket";
import type { DB } from "../../db/connection";
import { allHolidayDays } from "../../db/repos/holidays";
import { quietGraphileLogger } from "../../db/job-queue";
import { loadEnv } from "../../platform/env";
import { SLA_STAGE_INDEXES, slaCandidatesQuery, sweepSla } from "../../services/sla";
import { taskList } from "../../workers";
import { getTestDb, getTestDbUrl, resetDatabase } from "../support/db";

let db: DB;
let customerId: number;
const HOUR = 3_600_000;
const T0 = new Date("2026-11-30T08:00:00Z");
const at = (hours: number) => new Date(T0.getTime() + hours * HOUR);

async function ticket(o: { created: Date; priority?: Priority; type?: TicketType; status?: TicketStatus }) {
  const due = slaDueTimes(o.created, o.priority ?? "normal", o.type ?? "breakdown");
  return (
    await db
      .insertInto("tickets")
      .values({
        type: o.type ?? "breakdown", channel: "phone", customer_id: customerId, warranty_status: "in_warranty",
        priority: o.priority ?? "normal", status: o.status ?? "new", created_at: o.created,
        sla_accept_due_at: due.acceptDueAt, sla_visit_due_at: due.visitDueAt, sla_resolve_due_at: due.resolveDueAt,
      })
      .returning("id")
      .executeTakeFirstOrThrow()
  ).id;
}

async function marks(ticketId?: number) {
  let q = db.selectFrom("sla_marks").select(["ticket_id", "stage", "level"]).orderBy("ticket_id").orderBy("stage").orderBy("level");
  if (ticketId !== undefined) q = q.where("ticket_id", "=", ticketId);
  return q.execute();
}

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  customerId = (await db.insertInto("customers").values({ full_name: "کاوه نادری", mobile: "+989121234501" }).returning("id").executeTakeFirstOrThrow()).id;
});

beforeEach(async () => {
  // (TRUNCATE fires no row trigger: the append-only history can be emptied between tests)
  await sql`truncate sla_marks, supervisor_alerts, audit_log, ticket_events`.execute(db);
});

describe("sweepSla", () => {
  it("marks a normal breakdown's accept stage at risk at 80 % of 4 h, then breached, once each, with history and alerts", async () => {
    const t = await ticket({ created: T0 });
    expect(await sweepSla(db, { now: at(3) })).toEqual({ accept: { atRisk: 0, breached: 0 }, visit: { atRisk: 0, breached: 0 }, resolve: { atRisk: 0, breached: 0 } });
    expect((await sweepSla(db, { now: at(3.2) })).accept).toEqual({ atRisk: 1, breached: 0 });
    expect((await sweepSla(db, { now: at(3.5) })).accept).toEqual({ atRisk: 0, breached: 0 }); // once
    expect((await sweepSla(db, { now: at(4.5) })).accept).toEqual({ atRisk: 0, breached: 1 });
    expect((await sweepSla(db, { now: at(5) })).accept).toEqual({ atRisk: 0, breached: 0 });
    expect(await marks(t)).toEqual([
      { ticket_id: t, stage: "accept", level: "at_risk" },
      { ticket_id: t, stage: "accept", level: "breached" },
    ]);
    const events = await db
      .selectFrom("ticket_events")
      .select(["event_type", "actor_kind", "data", "at"])
      .where("ticket_id", "=", t)
      .where("event_type", "in", ["sla_at_risk", "sla_breached"])
      .orderBy("id")
      .execute();
    expect(events.map((e) => [e.event_type, e.actor_kind, (e.data as { stage: string }).stage])).toEqual([
      ["sla_at_risk", "system", "accept"],
      ["sla_breached", "system", "accept"],
    ]);
    expect(events[0]!.at).toEqual(at(3.2));
    const alerts = await db.selectFrom("supervisor_alerts").select(["kind", "ticket_id", "stage", "due_at", "acknowledged_at"]).orderBy("id").execute();
    expect(alerts).toEqual([
      { kind: "sla_at_risk", ticket_id: t, stage: "accept", due_at: at(4), acknowledged_at: null },
      { kind: "sla_breached", ticket_id: t, stage: "accept", due_at: at(4), acknowledged_at: null },
    ]);
    expect(await db.selectFrom("audit_log").select("action").execute()).toEqual([{ action: "sla.sweep" }, { action: "sla.sweep" }]);
  });

  it("a stage met (agency accepted) is not marked; a ticket first seen already late is marked breached only", async () => {
    await sql`truncate tickets cascade`.execute(db);
    const accepted = await ticket({ created: T0, status: "assigned" });
    const late = await ticket({ created: T0 });
    const r = await sweepSla(db, { now: at(30) });
    expect(r.accept).toEqual({ atRisk: 0, breached: 1 });
    expect(await marks(accepted)).toEqual([]);
    expect(await marks(late)).toEqual([{ ticket_id: late, stage: "accept", level: "breached" }]);
    // visit: 48 h for normal; 80 % is 38.4 h: not yet at 30 h
    expect(r.visit).toEqual({ atRisk: 0, breached: 0 });
    expect((await sweepSla(db, { now: at(39) })).visit).toEqual({ atRisk: 2, breached: 0 });
  });

  it("takes the configured share, and ignores due times older than the lookback", async () => {
    await sql`truncate tickets cascade`.execute(db);
    const t = await ticket({ created: T0 });
    expect((await sweepSla(db, { now: at(2.1), share: 0.5 })).accept).toEqual({ atRisk: 1, breached: 0 });
    const old = await ticket({ created: at(-100) });
    expect((await sweepSla(db, { now: at(2.2), lookbackHours: 48 })).accept).toEqual({ atRisk: 0, breached: 0 });
    expect(await marks(old)).toEqual([]);
    expect((await sweepSla(db, { now: at(2.2), lookbackHours: 200 })).accept).toEqual({ atRisk: 0, breached: 1 });
    void t;
  });

  it("two sweeps at once write each mark, history row and alert once", async () => {
    await sql`truncate tickets cascade`.execute(db);
    for (let i = 0; i < 40; i++) await ticket({ created: at(-i * 0.1), priority: PRIORITIES[i % 4]! });
    const [a, b] = await Promise.all([sweepSla(db, { now: at(6) }), sweepSla(db, { now: at(6) })]);
    const total = (c: typeof a) => SLA_STAGES.reduce((n, s) => n + c[s].atRisk + c[s].breached, 0);
    const rows = await marks();
    expect(rows.length).toBeGreaterThan(0);
    expect(total(a) + total(b)).toBe(rows.length);
    const { rows: alerts } = await sql<{ n: number }>`select count(*)::int as n from supervisor_alerts`.execute(db);
    expect(alerts[0]!.n).toBe(rows.length);
    const { rows: events } = await sql<{ n: number }>`select count(*)::int as n from ticket_events where event_type like 'sla_%'`.execute(db);
    expect(events[0]!.n).toBe(rows.length);
  });

  it("agrees with core/sla.ts slaLevel on random tickets, statuses and moments", async () => {
    await sql`truncate tickets cascade`.execute(db);
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const made: { id: number; created: Date; priority: Priority; type: TicketType; status: TicketStatus }[] = [];
    for (let i = 0; i < 150; i++) {
      const o = {
        created: at(-rand() * 200),
        priority: PRIORITIES[Math.floor(rand() * 4)]!,
        type: (["breakdown", "breakdown", "complaint", "follow_up"] as const)[Math.floor(rand() * 4)]!,
        status: TICKET_STATUSES[Math.floor(rand() * TICKET_STATUSES.length)]!,
      };
      made.push({ id: await ticket(o), ...o });
    }
    const now = at(0);
    const office = makeWorkingCalendar(DEFAULT_OFFICE_HOURS, await allHolidayDays(db));
    await sweepSla(db, { now, share: 0.75, lookbackHours: 24 * 365 });
    const got = new Set((await marks()).map((m) => `${m.ticket_id}:${m.stage}:${m.level}`));
    const want = new Set<string>();
    for (const t of made) {
      const due = slaDueTimes(t.created, t.priority, t.type);
      const byStage: Record<SlaStage, Date | null> = { accept: due.acceptDueAt, visit: due.visitDueAt, resolve: due.resolveDueAt };
      for (const stage of SLA_STAGES) {
        if (!isSlaStageOpen(stage, t.status)) continue;
        // a complaint's resolution is at risk once at most the admin's lead of working hours is left (core/service-rules.ts)
        const level =
          stage === "resolve" && t.type === "complaint"
            ? now > due.resolveDueAt ? "breached" : complaintAtRisk(now, due.resolveDueAt, SERVICE_RULE_DEFAULTS.complaint_warn_hours, office) ? "at_risk" : null
            : slaLevel(t.created, byStage[stage], now, 0.75);
        if (level) want.add(`${t.id}:${stage}:${level}`);
      }
    }
    expect(want.size).toBeGreaterThan(20);
    expect([...got].sort()).toEqual([...want].sort());
  });

  it("tells supervisors on the supervisor_alerts channel when it raised alerts", async () => {
    await sql`truncate tickets cascade`.execute(db);
    await ticket({ created: T0 });
    const client = new pg.Client({ connectionString: await getTestDbUrl() });
    await client.connect();
    try {
      const got: string[] = [];
      client.on("notification", (n) => got.push(n.payload ?? ""));
      await client.query(`listen ${SUPERVISOR_ALERTS_CHANNEL}`);
      await sweepSla(db, { now: at(3.3) });
      await sweepSla(db, { now: at(3.4) }); // nothing new: no notification
      await client.query("select 1"); // notifications arrive before this answer
      expect(got.map((p) => JSON.parse(p))).toEqual([{ type: "sla_alerts", stage: "accept", atRisk: 1, breached: 0, at: at(3.3).toISOString() }]);
    } finally {
      await client.end();
    }
  });

  it("runs as the crontab's sla__sweep task through graphile-worker", async () => {
    await sql`truncate tickets cascade`.execute(db);
    const t = await ticket({ created: new Date(Date.now() - 3.5 * HOUR) }); // normal: accept due in 30 min, at risk now
    await sql`select graphile_worker.add_job('sla__sweep')`.execute(db);
    const env = loadEnv({ NODE_ENV: "test", SESSION_SECRET: "test-secret-test-secret", DATA_DIR: ".data/test-env" });
    await runOnce({ connectionString: await getTestDbUrl(), taskList: taskList({ db, env }), logger: quietGraphileLogger() });
    expect(await marks(t)).toEqual([{ ticket_id: t, stage: "accept", level: "at_risk" }]);
  });
});

describe("the sweep's query plans", () => {
  let pool: pg.Pool;
  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: await getTestDbUrl(), max: 1 });
  });
  afterAll(async () => {
    await pool?.end();
  });

  async function plan(stage: SlaStage, settings: string[] = []) {
    const compiled = slaCandidatesQuery(stage, { now: at(0), share: 0.8, lookbackHours: 48, batch: 1000, complaintWarnBy: at(9) }).compile(db);
    const client = await pool.connect();
    try {
      for (const s of settings) await client.query(s);
      const r = await client.query(`explain (format json) ${compiled.sql}`, compiled.parameters as unknown[]);
      const names: string[] = [];
      const types: string[] = [];
      const seqScanned: string[] = [];
      const walk = (node: Record<string, unknown>) => {
        types.push(String(node["Node Type"]));
        if (node["Node Type"] === "Seq Scan") seqScanned.push(String(node["Relation Name"]));
        if (typeof node["Index Name"] === "string") names.push(node["Index Name"]);
        for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
      };
      walk((r.rows[0]["QUERY PLAN"] as { Plan: Record<string, unknown> }[])[0]!.Plan);
      return { names, types, seqScanned };
    } finally {
      await client.query("reset all");
      client.release();
    }
  }

  it.each(SLA_STAGES.map((s) => [s] as const))("%s: can read its partial index", async (stage) => {
    const { names } = await plan(stage, ["set enable_seqscan = off"]);
    expect(names).toContain(SLA_STAGE_INDEXES[stage]);
  });

  it("on 300,000 tickets, mostly closed, each stage reads its index and never scans the tickets", async () => {
    await sql`truncate tickets cascade`.execute(db);
    // 300,000 tickets over a year: 97 % closed, the rest spread over the open statuses
    await sql`
      insert into tickets (type, channel, customer_id, warranty_status, priority, status, created_at,
                           sla_accept_due_at, sla_visit_due_at, sla_resolve_due_at)
      select 'breakdown', 'phone', ${customerId}, 'in_warranty', 'normal',
             case when g % 100 < 97 then 'closed' else (array['new','dispatching','assigned','scheduled','in_progress','on_hold'])[1 + g % 6] end,
             c, c + interval '4 hours', c + interval '48 hours', c + interval '7 days'
      from generate_series(1, 300000) g, lateral (select ${at(0)}::timestamptz - (g * interval '105 seconds') as c) x`.execute(db);
    await sql`analyze tickets`.execute(db);
    for (const stage of SLA_STAGES) {
      const { names, seqScanned } = await plan(stage);
      expect({ stage, names }).toEqual({ stage, names: expect.arrayContaining([SLA_STAGE_INDEXES[stage]]) });
      // the small tables (sla_marks: empty here) may be read whole; the tickets never
      expect({ stage, seqScanned }).toEqual({ stage, seqScanned: expect.not.arrayContaining(["tickets"]) });
    }
  }, 120_000);
});
