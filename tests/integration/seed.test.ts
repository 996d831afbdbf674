import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { RecordingStore } from "../../platform/recording-store";
import { readWavInfo } from "../../platform/wav";
import { getTestDb, resetDatabase } from "../support/db";
import { DEMO_RECORDING_MAX_SECONDS, DEMO_USERS, isDatabaseEmpty, seedDemo } from "../../db/seed/demo";
import { seedLarge } from "../../db/seed/large";
import { ROLES } from "../../core/roles";
import { TICKET_STATUSES, canTransition, type TicketStatus } from "../../core/ticket";
import { jalaliYearMonth } from "../../core/jalali";
import { bearsReferralFee, referralFeeRials } from "../../core/referral-fee";
import { slaDueTimes } from "../../core/sla";
import { CLAIM_STATUSES } from "../../core/claims";
import { refreshDelayRollup } from "../../db/repos/delays";

let recordingsDir: string;

describe("demo and large data sets", () => {
  beforeAll(async () => {
    const db = await getTestDb();
    await resetDatabase(db);
    expect(await isDatabaseEmpty(db)).toBe(true);
    recordingsDir = await mkdtemp(path.join(tmpdir(), "seed-recordings-"));
    await seedDemo(db, { now: new Date("2026-11-23T08:00:00Z"), recordingsDir });
  }, 60_000);

  afterAll(async () => {
    if (recordingsDir) await rm(recordingsDir, { recursive: true, force: true });
  });

  it("gives recorded calls real WAV files in the recording store, matching their rows", async () => {
    const db = await getTestDb();
    const rows = await db
      .selectFrom("recordings")
      .innerJoin("calls", "calls.id", "recordings.call_id")
      .select([
        "recordings.call_id", "recordings.storage_key", "recordings.format", "recordings.duration_seconds",
        "recordings.size_bytes", "recordings.checksum_sha256", "calls.started_at", "calls.talk_seconds",
      ])
      .orderBy("recordings.id")
      .execute();
    expect(rows.length).toBeGreaterThan(20);
    const store = new RecordingStore(recordingsDir);
    for (const r of rows) {
      expect(r.storage_key).toBe(RecordingStore.keyForCall(r.call_id, r.started_at));
      expect(r.format).toBe("wav");
      expect(r.duration_seconds).toBe(Math.min(r.talk_seconds!, DEMO_RECORDING_MAX_SECONDS));
      expect(await store.size(r.storage_key)).toBe(r.size_bytes);
    }
    // every file read back whole for a sample: checksum and header match the row
    for (const r of [rows[0]!, rows[Math.floor(rows.length / 2)]!, rows.at(-1)!]) {
      const file = await readFile(store.pathOf(r.storage_key));
      expect(createHash("sha256").update(file).digest("hex")).toBe(r.checksum_sha256);
      const info = readWavInfo(file);
      expect(info?.sampleRate).toBe(8000);
      expect(Math.round(info!.durationSeconds)).toBe(r.duration_seconds);
    }
    // and the calls they belong to are attached to tickets (ticket_calls), so a ticket page plays them
    const attached = await db
      .selectFrom("recordings")
      .innerJoin("ticket_calls", "ticket_calls.call_id", "recordings.call_id")
      .select((eb) => eb.fn.count<string>("recordings.id").distinct().as("n"))
      .executeTakeFirstOrThrow();
    expect(Number(attached.n)).toBe(rows.length);
  });

  it("has agencies, and a user for every role with the documented logins", async () => {
    const db = await getTestDb();
    const agencies = await db.selectFrom("agencies").select(["code", "status", "status_reason"]).execute();
    expect(agencies.length).toBeGreaterThanOrEqual(35);
    for (const a of agencies) expect(a.code).toMatch(/^[A-Z0-9-]{2,20}$/);
    expect(agencies.filter((a) => a.status !== "active").every((a) => a.status_reason)).toBe(true);

    const users = await db
      .selectFrom("users")
      .leftJoin("agencies", "agencies.id", "users.agency_id")
      .select(["users.username", "users.role", "agencies.code"])
      .execute();
    for (const role of ROLES) expect(users.some((u) => u.role === role), role).toBe(true);
    for (const d of DEMO_USERS) {
      const u = users.find((x) => x.username === d.username);
      expect(u, d.username).toBeDefined();
      expect(u!.role).toBe(d.role);
      expect(u!.code ?? null).toBe(d.agencyCode);
    }
    expect(await isDatabaseEmpty(db)).toBe(false);
  });

  it("has tickets in every status, and the agency portal agencies have work", async () => {
    const db = await getTestDb();
    const rows = await db.selectFrom("tickets").select("status").distinct().execute();
    expect(new Set(rows.map((r) => r.status))).toEqual(new Set(TICKET_STATUSES));
    for (const code of ["THR-001", "THR-002"]) {
      const mine = await db
        .selectFrom("tickets")
        .innerJoin("agencies", "agencies.id", "tickets.assigned_agency_id")
        .select("tickets.status")
        .where("agencies.code", "=", code)
        .execute();
      expect(mine.length, code).toBeGreaterThanOrEqual(5);
    }
  });

  it("records a legal history for every ticket", async () => {
    const db = await getTestDb();
    const tickets = await db.selectFrom("tickets").select(["id", "type", "status"]).execute();
    const events = await db
      .selectFrom("ticket_events")
      .select(["ticket_id", "event_type", "from_status", "to_status", "at"])
      .where("event_type", "in", ["created", "status_changed"])
      .orderBy("ticket_id")
      .orderBy("at")
      .orderBy("id")
      .execute();
    const byTicket = new Map<number, typeof events>();
    for (const e of events) byTicket.set(e.ticket_id, [...(byTicket.get(e.ticket_id) ?? []), e]);
    for (const t of tickets) {
      const history = byTicket.get(t.id) ?? [];
      expect(history[0]?.event_type, `ticket ${t.id}`).toBe("created");
      let current: TicketStatus = "new";
      let last = history[0]!.at.getTime();
      for (const e of history.slice(1)) {
        expect(e.event_type).toBe("status_changed");
        expect(e.from_status, `ticket ${t.id}`).toBe(current);
        expect(canTransition(current, e.to_status as TicketStatus, t.type), `ticket ${t.id}: ${current} → ${e.to_status}`).toBe(true);
        expect(e.at.getTime()).toBeGreaterThan(last);
        current = e.to_status as TicketStatus;
        last = e.at.getTime();
      }
      expect(current, `ticket ${t.id}`).toBe(t.status);
    }
  });

  it("charges referral fees at the agency's rate for the Jalali month of completion", async () => {
    const db = await getTestDb();
    const fees = await db
      .selectFrom("agency_ledger")
      .innerJoin("completion_reports", "completion_reports.ticket_id", "agency_ledger.ticket_id")
      .innerJoin("tickets", "tickets.id", "agency_ledger.ticket_id")
      .where("agency_ledger.kind", "=", "referral_fee")
      .select([
        "agency_ledger.invoice_amount_rials", "agency_ledger.rate_percent", "agency_ledger.amount_rials as fee_rials", "agency_ledger.period",
        "completion_reports.completed_at", "completion_reports.invoice_amount_rials as report_invoice",
        "tickets.warranty_status",
      ])
      .execute();
    expect(fees.length).toBeGreaterThan(0);
    for (const f of fees) {
      expect(f.fee_rials).toBe(referralFeeRials(f.invoice_amount_rials!, f.rate_percent!));
      expect(bearsReferralFee(f.warranty_status, f.invoice_amount_rials!)).toBe(true);
      expect(f.invoice_amount_rials).toBe(f.report_invoice);
      expect(f.period).toBe(jalaliYearMonth(f.completed_at));
    }
    // the fee rate in force on the completion day
    const mismatched = await sql<{ n: number }>`
      select count(*)::int as n from agency_ledger f
      join completion_reports r on r.ticket_id = f.ticket_id and f.kind = 'referral_fee'
      join agency_fee_rates fr on fr.agency_id = f.agency_id
        and fr.effective_from <= (r.completed_at at time zone 'Asia/Tehran')::date
        and (fr.effective_to is null or (r.completed_at at time zone 'Asia/Tehran')::date < fr.effective_to)
      where fr.rate_percent <> f.rate_percent`.execute(db);
    expect(mismatched.rows[0]!.n).toBe(0);
  });

  it("has warranty claims in every state with their tariffs, and the ledger roll-up still equals the ledger (issue 15 §3)", async () => {
    const db = await getTestDb();
    const claims = await db.selectFrom("warranty_claims").select(["status", "claimed_rials", "approved_rials", "ledger_entry_id"]).execute();
    expect(new Set(claims.map((c) => c.status))).toEqual(new Set(CLAIM_STATUSES));
    expect(await db.selectFrom("labour_tariffs").select("id").execute()).not.toHaveLength(0);
    expect(await db.selectFrom("travel_fee_bands").select("id").execute()).toHaveLength(4);
    for (const c of claims) {
      const owed = c.status === "approved" || c.status === "partly_approved" || c.status === "paid";
      expect(c.ledger_entry_id !== null, c.status).toBe(owed);
      if (c.status === "partly_approved") expect(Number(c.approved_rials)).toBeLessThan(Number(c.claimed_rials));
    }
    const drift = await sql<{ n: number }>`
      select count(*)::int as n from (
        select agency_id, period, sum(amount_rials) as s from agency_ledger group by 1, 2
      ) l full join (
        select agency_id, period, sum(fee_rials + adjustment_rials + payment_rials + claim_rials) as s from ledger_monthly group by 1, 2
      ) m using (agency_id, period)
      where l.s is distinct from m.s`.execute(db);
    expect(drift.rows[0]!.n).toBe(0);
    // (h5) every demo claim has its structured history: filed first, its decision (if any) with the granted sum
    const history = await db.selectFrom("claim_events as e").innerJoin("warranty_claims as c", "c.id", "e.claim_id").select(["c.id", "c.status", "e.kind", "e.amount_rials"]).orderBy("e.at").orderBy("e.id").execute();
    for (const c of await db.selectFrom("warranty_claims").select(["id", "status", "approved_rials"]).execute()) {
      const kinds = history.filter((h) => h.id === c.id).map((h) => h.kind);
      expect(kinds[0], `claim ${c.id}`).toBe(c.status === "draft" ? "drafted" : "submitted");
      if (c.status === "paid") expect(kinds).toEqual(expect.arrayContaining(["approved", "paid"]));
      else if (c.status !== "draft" && c.status !== "submitted") expect(kinds).toContain(c.status);
    }
    // a decided claim corrected in a later month (the paid one, this month): its claim_adjustment entry is on this
    // month's statement of THR-001, with the claim's history and the audit row the manager's correction writes
    const corrections = await sql<{ code: string; status: string; decided_period: string; period: string; amount_rials: string; delta: string; reason: string }>`
      select a.code, c.status, l.period, l.amount_rials, e.amount_rials as delta, l.reason,
        (select d.period from agency_ledger d where d.id = c.ledger_entry_id) as decided_period
      from agency_ledger l
      join warranty_claims c on c.id = l.claim_id
      join agencies a on a.id = l.agency_id
      join claim_events e on e.ledger_entry_id = l.id and e.kind = 'corrected'
      where l.kind = 'claim_adjustment'`.execute(db);
    expect(corrections.rows).toHaveLength(1);
    const fix = corrections.rows[0]!;
    expect(fix).toMatchObject({ code: "THR-001", status: "paid", period: jalaliYearMonth(new Date("2026-11-23T08:00:00Z")) });
    expect(fix.period > fix.decided_period).toBe(true);
    // taken back from what the claim owes: the agency owes it on this month's statement
    expect(Number(fix.delta)).toBeLessThan(0);
    expect(Number(fix.amount_rials)).toBe(-Number(fix.delta));
    expect(fix.reason).toContain("کسر شد");
    expect(await db.selectFrom("audit_log").select("id").where("action", "=", "claim.correct").execute()).toHaveLength(1);
  });

  it("fills the scorecard's claim decisions from the demo claims (issue 15 §5: THR-001's rejections and partial approvals)", async () => {
    const db = await getTestDb();
    const card = await sql<{ code: string; decided: number; rejected: number; partly: number }>`
      select a.code, sum(s.claims_decided)::int as decided, sum(s.claims_rejected)::int as rejected, sum(s.claims_partly)::int as partly
      from agency_scorecards s join agencies a on a.id = s.agency_id group by a.code having sum(s.claims_decided) > 0`.execute(db);
    const claims = await sql<{ code: string; decided: number; rejected: number; partly: number }>`
      select a.code, count(*)::int as decided, (count(*) filter (where c.status = 'rejected'))::int as rejected,
        -- as the claim stands now (core/quality.ts claimScorecardOutcome): the demo's corrected paid claim counts in part
        (count(*) filter (where c.status <> 'rejected'
          and c.approved_rials + coalesce((select sum(e.amount_rials) from claim_events e where e.claim_id = c.id and e.kind = 'corrected'), 0) < c.claimed_rials))::int as partly
      from warranty_claims c join agencies a on a.id = c.agency_id where c.decided_at is not null group by a.code`.execute(db);
    expect(card.rows.length).toBeGreaterThan(0);
    expect(card.rows.find((r) => r.code === "THR-001")?.decided).toBeGreaterThan(0);
    expect(card.rows.find((r) => r.code === "THR-001")?.rejected).toBeGreaterThan(0);
    expect(card.rows.sort((a, b) => a.code.localeCompare(b.code))).toEqual(claims.rows.sort((a, b) => a.code.localeCompare(b.code)));
  });

  it("sets every ticket's SLA due times by the core rule", async () => {
    const db = await getTestDb();
    const rows = await db
      .selectFrom("tickets")
      .select(["created_at", "priority", "type", "sla_accept_due_at", "sla_visit_due_at", "sla_resolve_due_at"])
      .execute();
    for (const r of rows) {
      const due = slaDueTimes(r.created_at, r.priority, r.type);
      expect(r.sla_accept_due_at?.getTime() ?? null).toBe(due.acceptDueAt?.getTime() ?? null);
      expect(r.sla_visit_due_at?.getTime() ?? null).toBe(due.visitDueAt?.getTime() ?? null);
      expect(r.sla_resolve_due_at?.getTime()).toBe(due.resolveDueAt.getTime());
    }
  });

  it("has only historical SMS: each outbound one with its provider id and a final status, and no send job", async () => {
    const db = await getTestDb();
    const rows = await db.selectFrom("sms_messages").select(["direction", "status", "provider_message_id", "provider_status"]).execute();
    const outbound = rows.filter((r) => r.direction === "outbound");
    expect(outbound.length).toBeGreaterThan(5);
    for (const r of outbound) {
      expect(["delivered", "undelivered", "failed", "blocked", "cancelled"]).toContain(r.status);
      expect(r.provider_message_id).toMatch(/^\d+$/);
      expect(r.provider_status).not.toBeNull();
    }
    expect(outbound.some((r) => r.status === "blocked")).toBe(true); // the ticket page's advice has an example
    const jobs = await sql<{ n: number }>`select count(*)::int as n from graphile_worker._private_jobs`.execute(db);
    expect(jobs.rows[0]!.n).toBe(0);
  });

  it("refuses to load the demo data twice", async () => {
    const db = await getTestDb();
    await expect(seedDemo(db)).rejects.toThrow(/already has users/);
  });

  it("adds synthetic tickets in bulk with legal histories", async () => {
    const db = await getTestDb();
    const count = async () => Number((await db.selectFrom("tickets").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow()).n);
    const before = await count();
    const maxId = Number((await db.selectFrom("tickets").select((eb) => eb.fn.max("id").as("m")).executeTakeFirstOrThrow()).m);
    const result = await seedLarge(db, { tickets: 2000, batchSize: 1000 });
    expect(result.tickets).toBe(2000);
    expect(await count()).toBe(before + 2000);

    const broken = await sql<{ n: number }>`
      with chain as (
        select t.id, t.status, t.type, e.from_status, e.to_status, e.event_type,
          lag(e.to_status) over (partition by t.id order by e.at, e.id) as prev,
          last_value(e.to_status) over (partition by t.id order by e.at, e.id rows between unbounded preceding and unbounded following) as final
        from tickets t join ticket_events e on e.ticket_id = t.id
        where t.id > ${maxId} and e.event_type in ('created', 'status_changed')
      )
      select count(*)::int as n from chain
      where (event_type = 'status_changed' and from_status is distinct from prev) or final <> status`.execute(db);
    expect(broken.rows[0]!.n).toBe(0);

    const pairs = await sql<{ type: "breakdown" | "follow_up" | "complaint"; from_status: TicketStatus; to_status: TicketStatus }>`
      select distinct t.type, e.from_status, e.to_status from ticket_events e join tickets t on t.id = e.ticket_id
      where t.id > ${maxId} and e.event_type = 'status_changed'`.execute(db);
    for (const p of pairs.rows) expect(canTransition(p.from_status, p.to_status, p.type), `${p.type} ${p.from_status} → ${p.to_status}`).toBe(true);

    const slaOff = await db
      .selectFrom("tickets")
      .select(["created_at", "priority", "type", "sla_accept_due_at", "sla_visit_due_at", "sla_resolve_due_at"])
      .where("id", ">", maxId)
      .execute();
    for (const r of slaOff) {
      const due = slaDueTimes(r.created_at, r.priority, r.type);
      expect(r.sla_accept_due_at?.getTime() ?? null).toBe(due.acceptDueAt?.getTime() ?? null);
      expect(r.sla_resolve_due_at?.getTime()).toBe(due.resolveDueAt.getTime());
    }

    const dupMobiles = await sql<{ n: number }>`select (count(*) - count(distinct mobile))::int as n from customers`.execute(db);
    expect(dupMobiles.rows[0]!.n).toBe(0);

    // the call centre's other calls (db/seed/large-calls.ts): about 1.5 inbound calls per ticket, every answer rung
    const calls = await sql<{ tickets: number; calls: number; unrung: number }>`
      select (select count(*) from tickets where id > ${maxId})::int as tickets,
        (select count(*) from calls where channel_id like 'bench.%')::int as calls,
        (select count(*) from calls c where c.channel_id like 'bench.c%' and c.disposition = 'answered'
          and not exists (select 1 from call_attempts a where a.call_id = c.id and a.operator_user_id = c.operator_user_id and a.outcome = 'answered'))::int as unrung`.execute(db);
    const k = calls.rows[0]!;
    expect(k.calls / k.tickets).toBeGreaterThan(1.2);
    expect(k.unrung).toBe(0);

    // the call centre's roll-ups count the generated calls too (rebuilt at the end: they ended before the
    // demo seed's refresh watermark, which the workers' incremental refresh starts from)
    const rolled = await sql<{ hourly: number; daily: number; offered: number }>`
      select (select coalesce(sum(offered), 0) from call_stats_hourly)::int as hourly,
        (select coalesce(sum(offered), 0) from call_stats_daily)::int as daily,
        (select count(*) from calls where direction = 'inbound' and state = 'ended' and queue is not null
          and wait_seconds is not null and disposition in ('answered', 'abandoned', 'missed'))::int as offered`.execute(db);
    expect(rolled.rows[0]!.offered).toBeGreaterThan(k.calls / 2);
    expect(rolled.rows[0]!.hourly).toBe(rolled.rows[0]!.offered);
    expect(rolled.rows[0]!.daily).toBe(rolled.rows[0]!.offered);

    // and the delay audit's roll-up is made, past every milestone the seed wrote
    expect((await db.selectFrom("delay_daily").select("agency_id").limit(1).execute()).length).toBe(1);
    const delayState = await sql<{ covered: boolean }>`
      select (select changed_before from delay_daily_state) >= (select max(refreshed_at) from ticket_milestones) as covered`.execute(db);
    expect(delayState.rows[0]!.covered).toBe(true);
    expect(await refreshDelayRollup(db)).toMatchObject({ full: false });
  }, 120_000);
});
