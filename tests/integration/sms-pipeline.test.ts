/**
 * The outbound SMS pipeline beyond one send: every provider answer class, the delivery-status poller, the
 * circuit breaker in front of Kavenegar (opened and closed against the simulator told to fail through its
 * control API), and the sender line per kind of message.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SMS_STATUS_POLL_INTERVAL_MS } from "../../core/sms";
import type { DB } from "../../db/connection";
import { WORKER_LOCK_NAMESPACE } from "../../db/repos/jobs";
import { CircuitBreaker } from "../../platform/circuit-breaker";
import { KAVENEGAR_SIMULATOR_API_KEY, loadEnv } from "../../platform/env";
import { createKavenegarClient, type KavenegarClient } from "../../platform/kavenegar";
import { logger } from "../../platform/logger";
import { enqueueSms } from "../../services/outbox";
import { startWorkers } from "../../workers";
import { startKavenegarSimulator, type KavenegarSimulator } from "../../workers/kavenegar-simulator/index";
import { pollSmsStatus } from "../../workers/tasks/sms__poll_status";
import { sendQueuedSms } from "../../workers/tasks/sms__send";
import { getTestDb, getTestDbUrl, resetDatabase } from "../support/db";
import { loadTicketPage } from "../../app/lib/ticket-page.server";
import { registerFromCall } from "../../services/intake";

let db: DB;
let sim: KavenegarSimulator;
const NOW = new Date("2026-12-01T08:00:00Z");

beforeAll(async () => {
  db = await getTestDb();
  sim = await startKavenegarSimulator({
    port: 0,
    apiKey: KAVENEGAR_SIMULATOR_API_KEY,
    deliveryMs: 3_600_000,
    blockedNumbers: ["09350000001"],
    senders: ["2000660110", "10004346", "30001570"],
  });
});

afterAll(async () => {
  await sim?.close();
});

beforeEach(async () => {
  sim.reset();
  await resetDatabase(db);
});

function client(o: { timeoutMs?: number; breaker?: CircuitBreaker } = {}): KavenegarClient {
  return createKavenegarClient({ apiKey: KAVENEGAR_SIMULATOR_API_KEY, baseUrl: `${sim.url}/v1`, timeoutMs: o.timeoutMs ?? 5000, breaker: o.breaker });
}

async function queued(receptor = "09121234567", purpose = "test") {
  return (await db.transaction().execute((trx) => enqueueSms(trx, { receptor, body: "سلام", purpose, now: NOW }))).smsId;
}

const row = (id: number) => db.selectFrom("sms_messages").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
const sentTo = (id: number) => sim.messages().filter((m) => m.localid === String(id));

async function control(path: string, body: unknown) {
  const res = await fetch(`${sim.url}/sim/${path}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  expect(res.ok).toBe(true);
}
async function simFaults() {
  return ((await (await fetch(`${sim.url}/sim/health`)).json()) as { faults: { failCount: number } }).faults;
}

describe("test isolation", () => {
  it("resetDatabase empties graphile-worker's jobs too, so no test leaks jobs into the next", async () => {
    await queued();
    await resetDatabase(db);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from graphile_worker._private_jobs`.execute(db);
    expect(rows[0]!.n).toBe(0);
  });
});

describe("every provider answer class", () => {
  it.each([403, 411, 412, 413, 418, 424])("Kavenegar %i is permanent: the message fails with the reason, sent to nobody, its job ends", async (code) => {
    const id = await queued();
    sim.failNext(code);
    expect(await sendQueuedSms({ db, client: client() }, id)).toEqual({ result: "failed" });
    const r = await row(id);
    expect(r).toMatchObject({ status: "failed", attempts: 1, provider_message_id: null });
    expect(r.last_error).toContain(String(code));
    expect(await sendQueuedSms({ db, client: client() }, id)).toEqual({ result: "already_sent" });
    expect(sentTo(id)).toHaveLength(0);
  });

  it.each([
    ["Kavenegar 409 (busy)", () => sim.failNext(409), { failure: "provider", code: 409 }],
    ["a gateway's 502 page", () => sim.failNext(502), { failure: "http", code: 502 }],
    ["a gateway's 503 page", () => sim.failNext(503), { failure: "http", code: 503 }],
    ["a dropped connection", () => sim.dropConnections(true), { failure: "network" }],
    ["no answer in time", () => sim.setLatencyMs(800), { failure: "timeout" }],
  ] as const)("%s is retried: the row goes back to 'queued', the job throws, the retry sends it once", async (_, fault, expected) => {
    const id = await queued();
    fault();
    await expect(sendQueuedSms({ db, client: client({ timeoutMs: 300 }) }, id)).rejects.toMatchObject({ outcome: "retry", ...expected });
    const r = await row(id);
    expect(r).toMatchObject({ status: "queued", attempts: 1, provider_message_id: null });
    expect(r.last_error).toBeTruthy();
    sim.reset(); // the timeout's message did reach the simulator (the answer was late); reset forgets it, so:
    const again = await sendQueuedSms({ db, client: client() }, id);
    expect(again.result === "sent" || again.result === "recovered").toBe(true);
    expect(await row(id)).toMatchObject({ status: "sent", attempts: 2, last_error: null });
    expect(sentTo(id)).toHaveLength(1);
  });

  it("a number on the opt-out list: accepted, then blocked (14) as the poller learns", async () => {
    const id = await queued("09350000001");
    expect(await sendQueuedSms({ db, client: client() }, id)).toEqual({ result: "sent" });
    sim.setDelivery({ localid: String(id) }, 14);
    await pollSmsStatus({ db, client: client() }, () => new Date(Date.now() + SMS_STATUS_POLL_INTERVAL_MS));
    expect(await row(id)).toMatchObject({ status: "blocked", provider_status: 14 });
  });
});

describe("sms__poll_status", () => {
  it("records each delivery status and leaves the rest 'sent'; a message is not asked again before its interval", async () => {
    const ids = await Promise.all(["09121000001", "09121000002", "09121000003", "09121000004", "09121000005", "09121000006"].map((n) => queued(n)));
    for (const id of ids) await sendQueuedSms({ db, client: client() }, id);
    const [delivered, undelivered, failed, cancelled, blocked, onItsWay] = ids as [number, number, number, number, number, number];
    sim.setDelivery({ localid: String(delivered) }, 10);
    sim.setDelivery({ localid: String(undelivered) }, 11);
    sim.setDelivery({ localid: String(failed) }, 6);
    sim.setDelivery({ localid: String(cancelled) }, 13);
    sim.setDelivery({ localid: String(blocked) }, 14);
    sim.setDelivery({ localid: String(onItsWay) }, 5);
    const first = await pollSmsStatus({ db, client: client() });
    expect(first).toMatchObject({ asked: 6, changed: 5, stoppedBy: null });
    expect(await row(delivered)).toMatchObject({ status: "delivered", provider_status: 10 });
    expect((await row(delivered)).delivered_at).not.toBeNull();
    expect(await row(undelivered)).toMatchObject({ status: "undelivered", provider_status: 11 });
    expect(await row(failed)).toMatchObject({ status: "failed", provider_status: 6 });
    expect(await row(cancelled)).toMatchObject({ status: "cancelled", provider_status: 13 });
    expect(await row(blocked)).toMatchObject({ status: "blocked", provider_status: 14 });
    expect(await row(onItsWay)).toMatchObject({ status: "sent", provider_status: 5 });
    expect((await row(onItsWay)).status_checked_at).not.toBeNull();

    expect(await pollSmsStatus({ db, client: client() })).toMatchObject({ asked: 0 }); // asked a moment ago
    sim.setDelivery({ localid: String(onItsWay) }, 10);
    const later = await pollSmsStatus({ db, client: client() }, () => new Date(Date.now() + SMS_STATUS_POLL_INTERVAL_MS + 1000));
    expect(later).toMatchObject({ asked: 1, changed: 1 });
    expect(await row(onItsWay)).toMatchObject({ status: "delivered" });
    // a final status is never asked about again, nor overwritten
    sim.setDelivery({ localid: String(delivered) }, 11);
    expect(await pollSmsStatus({ db, client: client() }, () => new Date(Date.now() + 10 * SMS_STATUS_POLL_INTERVAL_MS))).toMatchObject({ asked: 0 });
    expect(await row(delivered)).toMatchObject({ status: "delivered" });
  });

  it("asks in batches of at most 500 ids, and two runs at once never ask about the same message", async () => {
    // 1,100 messages Kavenegar accepted (ids it does not know answer 100: they stay 'sent')
    await sql`
      insert into sms_messages (direction, receptor, body, purpose, status, provider_message_id, sent_at, created_at)
      select 'outbound', '09121234567', 'x', 'test', 'sent', (900000000 + g)::text, now(), now() from generate_series(1, 1100) g`.execute(db);
    const calls: number[] = [];
    const real = client();
    const counting: KavenegarClient = { ...real, status: (ids) => (calls.push(ids.length), real.status(ids)) };
    const [a, b] = await Promise.all([pollSmsStatus({ db, client: counting }), pollSmsStatus({ db, client: counting })]);
    expect(a.asked + b.asked).toBe(1100);
    expect(Math.max(...calls)).toBeLessThanOrEqual(500);
    expect(calls.reduce((x, y) => x + y, 0)).toBe(1100);
    const r = await sql<{ n: number; p: number }>`
      select count(*)::int as n, count(*) filter (where provider_status = 100)::int as p from sms_messages where status = 'sent'`.execute(db);
    expect(r.rows[0]).toEqual({ n: 1100, p: 1100 });
  });

  it("a provider that fails ends the run quietly; the messages are asked again next time", async () => {
    const id = await queued();
    await sendQueuedSms({ db, client: client() }, id);
    sim.failNext(503);
    const r = await pollSmsStatus({ db, client: client() });
    expect(r.asked).toBe(0);
    expect(r.stoppedBy).toMatchObject({ outcome: "retry", code: 503 });
    sim.setDelivery({ localid: String(id) }, 10);
    await pollSmsStatus({ db, client: client() }, () => new Date(Date.now() + SMS_STATUS_POLL_INTERVAL_MS + 1000));
    expect(await row(id)).toMatchObject({ status: "delivered" });
  });
});

describe("the circuit breaker in front of Kavenegar", () => {
  it("opens after consecutive failures, refuses without calling the provider (the message waits, queued), closes on a good probe", async () => {
    let clock = 0;
    const breaker = new CircuitBreaker({ failureThreshold: 2, coolDownMs: 10_000 }, () => clock);
    const c = client({ breaker });
    const id = await queued();
    await control("fail", { code: 503, count: 100 });
    await expect(sendQueuedSms({ db, client: c }, id)).rejects.toMatchObject({ code: 503 });
    await expect(sendQueuedSms({ db, client: c }, id)).rejects.toMatchObject({ code: 503 });
    expect(breaker.state.kind).toBe("open");
    expect((await simFaults()).failCount).toBe(98);
    const deferred = await sendQueuedSms({ db, client: c }, id);
    expect(deferred).toEqual({ result: "deferred", retryInMs: 10_000 });
    expect((await simFaults()).failCount).toBe(98); // the provider was not called
    expect(await row(id)).toMatchObject({ status: "queued", attempts: 2 }); // the refused attempt is not counted
    // the poller is refused too
    await sql`insert into sms_messages (direction, receptor, body, status, provider_message_id, sent_at)
      values ('outbound', '09121234567', 'x', 'sent', '123', now())`.execute(db);
    expect((await pollSmsStatus({ db, client: c })).stoppedBy).toMatchObject({ failure: "circuit_open" });

    await control("reset", {}); // the provider is back (nothing was sent while it failed)
    clock += 10_000; // after the cool-down one probe goes through
    expect(await sendQueuedSms({ db, client: c }, id)).toEqual({ result: "sent" });
    expect(breaker.state.kind).toBe("closed");
    expect(sentTo(id)).toHaveLength(1);
  });

  it("with the workers running: a provider down opens the circuit, messages wait queued, and all go out once when it is back", async () => {
    // The breaker's clock is the test's: the circuit stays open until the test moves it past the cool-down, however
    // slowly the machine runs; every wait below is on the database's state, never on a delay.
    let clock = 0;
    const port = new URL(sim.url).port;
    const env = loadEnv({
      NODE_ENV: "test",
      SESSION_SECRET: "test-secret-test-secret",
      DATA_DIR: ".data/test-env",
      KAVENEGAR_SIM_PORT: port,
      WORKER_CONCURRENCY: "2",
      KAVENEGAR_BREAKER_FAILURES: "2",
      KAVENEGAR_BREAKER_COOLDOWN_MS: "60000",
    });
    await control("fail", { code: 502, count: 1000 });
    const ids: number[] = [];
    for (let i = 0; i < 6; i++) ids.push(await queued(`0912100010${i}`));
    // each message's job — its own (sms:<id>) or, once a batch took it, its carrier's (sms:<batch_of>) — when it waits
    // for a later time, not running
    const waitingJobs = async () =>
      (
        await sql<{ id: string; sms: number }>`
          select j.id::text as id, m.id::int as sms from sms_messages m
          join graphile_worker._private_jobs j on j.key = 'sms:' || coalesce(m.batch_of, m.id)
          where m.id = any(${ids}::bigint[]) and m.status = 'queued' and j.run_at > now() and j.locked_at is null`.execute(db)
      ).rows;
    const workers = await startWorkers({ db, env, log: logger("workers-test"), databaseUrl: await getTestDbUrl(), breakerClock: () => clock });
    try {
      // every job has run at least once: some failed against the provider, the rest were refused by the open circuit
      await waitFor(async () => new Set((await waitingJobs()).map((j) => j.sms)).size === ids.length, 120_000);
      const reached = 1000 - (await simFaults()).failCount;
      expect(reached).toBeLessThanOrEqual(2 + 2); // the threshold, plus calls already under way (concurrency)
      const rows = await db.selectFrom("sms_messages").select(["status"]).where("id", "in", ids).execute();
      expect(rows.every((r) => r.status === "queued")).toBe(true);

      await control("reset", {}); // the provider is back (nothing was sent while it failed)
      clock += 60_000; // the cool-down is over: the next call is the probe
      // the waiting jobs are brought forward (instead of waiting for their run_at) until every message is sent;
      // one refused while the probe was out is deferred again and brought forward again
      await waitFor(async () => {
        const waiting = await waitingJobs();
        if (waiting.length > 0) {
          await sql`select graphile_worker.reschedule_jobs(${waiting.map((j) => j.id)}::bigint[], run_at := now())`.execute(db);
          await sql`select pg_notify('jobs:insert', '')`.execute(db);
        }
        const rs = await db.selectFrom("sms_messages").select("status").where("id", "in", ids).execute();
        return rs.every((r) => r.status === "sent");
      }, 120_000);
    } catch (e) {
      const msgs = await sql`select id, status, attempts, batch_of, last_error from sms_messages where id = any(${ids}::bigint[]) order by id`.execute(db);
      const jobs = await sql`select id, key, attempts, max_attempts, run_at, locked_at, last_error from graphile_worker._private_jobs order by id`.execute(db);
      console.error("DIAG", new Date().toISOString(), JSON.stringify({ msgs: msgs.rows, jobs: jobs.rows, faults: await simFaults() }, null, 1));
      throw e;
    } finally {
      await workers.stop();
    }
    for (const id of ids) expect(sentTo(id)).toHaveLength(1);
  }, 300_000);
});

describe("the workers' liveness locks", () => {
  it("each worker id's lock is held while the process lives, and taken again when its connection is lost", async () => {
    const env = loadEnv({ NODE_ENV: "test", SESSION_SECRET: "test-secret-test-secret", DATA_DIR: ".data/test-env", WORKER_CONCURRENCY: "3" });
    const held = async () =>
      (await sql<{ n: number }>`select count(*)::int as n from pg_locks where locktype = 'advisory' and classid = ${WORKER_LOCK_NAMESPACE} and granted`.execute(db)).rows[0]!.n;
    const workers = await startWorkers({ db, env, log: logger("workers-test"), databaseUrl: await getTestDbUrl() });
    try {
      await waitFor(async () => (await held()) === 3, 10_000);
      const holder = async () =>
        (await sql<{ pid: number }>`select distinct pid from pg_locks where locktype = 'advisory' and classid = ${WORKER_LOCK_NAMESPACE} and granted`.execute(db)).rows.map((r) => r.pid);
      const [before] = await holder();
      await sql`select pg_terminate_backend(${before})`.execute(db);
      // a new connection holds the three locks again
      await waitFor(async () => (await held()) === 3 && (await holder())[0] !== before, 20_000);
    } finally {
      await workers.stop();
    }
    await waitFor(async () => (await held()) === 0, 10_000);
  }, 60_000);
});

describe("which line sends which kind of message", () => {
  it("the purpose's line from KAVENEGAR_SENDERS, else KAVENEGAR_SENDER; a line written on the message wins", async () => {
    const env = loadEnv({
      NODE_ENV: "test",
      SESSION_SECRET: "test-secret-test-secret",
      DATA_DIR: ".data/test-env",
      KAVENEGAR_SENDER: "30001570",
      KAVENEGAR_SENDERS: "ticket_registered=2000660110, survey=10004346",
    });
    const lines = { default: env.KAVENEGAR_SENDER, byPurpose: env.KAVENEGAR_SENDERS };
    const registered = await queued("09121110001", "ticket_registered");
    const survey = await queued("09121110002", "survey");
    const other = await queued("09121110003", "dispatch_offer");
    const own = (await db.transaction().execute((trx) =>
      enqueueSms(trx, { receptor: "09121110004", body: "x", purpose: "survey", sender: "30001570", now: NOW }),
    )).smsId;
    for (const id of [registered, survey, other, own]) await sendQueuedSms({ db, client: client(), lines }, id);
    expect(sentTo(registered)[0]?.sender).toBe("2000660110");
    expect(sentTo(survey)[0]?.sender).toBe("10004346");
    expect(sentTo(other)[0]?.sender).toBe("30001570");
    expect(sentTo(own)[0]?.sender).toBe("30001570");
  });
});

describe("the ticket page's text messages", () => {
  it("the call centre sees each SMS of the ticket with its status and reason; an agency only those tied to it", async () => {
    const u = await db.insertInto("users").values({ username: "oper", display_name: "سارا محمدی", role: "operator", password_hash: "x" }).returning("id").executeTakeFirstOrThrow();
    const reg = await registerFromCall(db, { kind: "user", userId: u.id, ip: "10.0.0.7" }, {
      idempotencyKey: "11111111-1111-4111-8111-111111111111",
      kind: "breakdown",
      customer: { fullName: "مریم رضایی", mobile: "+989351112233", nationalCode: null },
      description: "یخچال سرد نمی‌کند",
      priority: "normal",
      now: NOW,
    });
    const [mine, other] = await db
      .insertInto("agencies")
      .values([
        { code: "THR-001", name: "نمایندگی الف", province: "تهران", city: "تهران" },
        { code: "THR-002", name: "نمایندگی رقیب", province: "تهران", city: "تهران" },
      ])
      .returning("id")
      .execute();
    await db.updateTable("tickets").set({ assigned_agency_id: mine!.id }).where("id", "=", reg.ticketId).execute();
    const [registered] = await db.selectFrom("sms_messages").select("id").where("ticket_id", "=", reg.ticketId).execute();
    await sendQueuedSms({ db, client: client() }, registered!.id);
    sim.setDelivery({ localid: String(registered!.id) }, 14);
    await pollSmsStatus({ db, client: client() }, () => new Date(Date.now() + SMS_STATUS_POLL_INTERVAL_MS));
    await db
      .insertInto("sms_messages")
      .values([
        { direction: "outbound", receptor: "09120000001", body: "ارجاع", purpose: "dispatch_offer", status: "delivered", ticket_id: reg.ticketId, agency_id: mine!.id, created_at: new Date(NOW.getTime() + 60_000) },
        { direction: "outbound", receptor: "09120000002", body: "ارجاع", purpose: "dispatch_offer", status: "undelivered", ticket_id: reg.ticketId, agency_id: other!.id, created_at: new Date(NOW.getTime() + 120_000) },
      ])
      .execute();

    const centre = await loadTicketPage(db, { kind: "all" }, String(reg.ticketId));
    expect(centre.smsAdvice).toBe(true);
    expect(centre.sms.map((m) => [m.purpose, m.receptor.slice(-10), m.status])).toEqual([
      ["ticket_registered", "9351112233", "blocked"],
      ["dispatch_offer", "9120000001", "delivered"],
      ["dispatch_offer", "9120000002", "undelivered"],
    ]);
    const agency = await loadTicketPage(db, { kind: "agency", agencyId: mine!.id }, String(reg.ticketId));
    expect(agency.smsAdvice).toBe(false);
    // its own message only, the number masked to its last four digits, without the text or the provider's error
    expect(agency.sms.map((m) => [m.receptor, m.status, m.last_error, m.body])).toEqual([["•••••••0001", "delivered", null, ""]]);
    await expect(loadTicketPage(db, { kind: "agency", agencyId: other!.id }, String(reg.ticketId))).rejects.toMatchObject({ status: 404 });
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("sending in batches (sms/sendarray)", () => {
  const lines = { default: "2000660110", byPurpose: { survey: "30001570" } };
  const jobKeys = async () =>
    (await sql<{ key: string }>`select key from graphile_worker._private_jobs order by key`.execute(db)).rows.map((r) => r.key);

  it("one run sends its own message and the other due ones in one request, each from its line; their jobs end with the claim", async () => {
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push(await queued(`0912200000${i}`, i === 4 ? "survey" : "test"));
    const requests: string[] = [];
    const c = client();
    const spy: KavenegarClient = {
      ...c,
      send: (r) => (requests.push("send"), c.send(r)),
      sendArray: (items) => (requests.push(`sendarray ${items.length}`), c.sendArray(items)),
    };
    expect(await sendQueuedSms({ db, client: spy, lines, batchSize: 10 }, ids[2]!)).toEqual({ result: "sent" });
    expect(requests).toEqual(["sendarray 5"]);
    for (const id of ids) {
      expect(sentTo(id)).toHaveLength(1);
      const r = await row(id);
      expect(r.status).toBe("sent");
      expect(r.provider_message_id).toBe(String(sentTo(id)[0]!.messageid));
      expect(r.batch_of).toBe(id === ids[2] ? null : ids[2]);
    }
    expect(sentTo(ids[4]!)[0]!.sender).toBe("30001570");
    expect(sentTo(ids[0]!)[0]!.sender).toBe("2000660110");
    // the carrier's own job is still running (graphile-worker completes it); the others' were completed
    expect(await jobKeys()).toEqual([`sms:${ids[2]}`]);
    // the other jobs, had one already been running, would find their message done
    expect(await sendQueuedSms({ db, client: spy, lines, batchSize: 10 }, ids[0]!)).toEqual({ result: "already_sent" });
  });

  it("takes no message whose job is locked by a worker, waits for a retry's backoff, or is past the batch size", async () => {
    const ids: number[] = [];
    for (let i = 0; i < 6; i++) ids.push(await queued(`0912200010${i}`));
    await sql`update graphile_worker._private_jobs set locked_at = now(), locked_by = 'another-worker' where key = ${`sms:${ids[1]}`}`.execute(db);
    await sql`update graphile_worker._private_jobs set run_at = now() + interval '1 minute' where key = ${`sms:${ids[2]}`}`.execute(db);
    expect(await sendQueuedSms({ db, client: client(), lines, batchSize: 3 }, ids[0]!)).toEqual({ result: "sent" });
    expect(ids.map((id) => sentTo(id).length)).toEqual([1, 0, 0, 1, 1, 0]);
    expect((await row(ids[1]!)).status).toBe("queued");
    expect(await jobKeys()).toEqual([ids[0], ids[1], ids[2], ids[5]].map((id) => `sms:${id}`).sort());
  });

  it("leaves an earlier batch's carrier to its own job: its companions come along when that job runs", async () => {
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) ids.push(await queued(`0912200040${i}`));
    // the first message's run took the second, then the provider failed: both wait on the job sms:<first>
    sim.failNext(502);
    await expect(sendQueuedSms({ db, client: client(), lines, batchSize: 2 }, ids[0]!)).rejects.toMatchObject({ code: 502 });
    expect(await row(ids[1]!)).toMatchObject({ status: "queued", batch_of: ids[0] });
    await sql`update graphile_worker._private_jobs set run_at = now() - interval '1 second' where key = ${`sms:${ids[0]}`}`.execute(db);
    // the third's run may not take the first (its job is due and free): it would leave the second without a job
    expect(await sendQueuedSms({ db, client: client(), lines, batchSize: 10 }, ids[2]!)).toEqual({ result: "sent" });
    expect(ids.map((id) => sentTo(id).length)).toEqual([0, 0, 1]);
    expect(await jobKeys()).toContain(`sms:${ids[0]}`);
    expect(await sendQueuedSms({ db, client: client(), lines, batchSize: 10 }, ids[0]!)).toEqual({ result: "sent" });
    expect(ids.map((id) => sentTo(id).length)).toEqual([1, 1, 1]);
  });

  it("a retryable answer puts the whole batch back; the carrier's next run takes it again, asks by localid and sends each once", async () => {
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) ids.push(await queued(`0912200020${i}`));
    // Kavenegar takes the batch but its answer is lost (a timeout)
    sim.setLatencyMs(600);
    await expect(sendQueuedSms({ db, client: client({ timeoutMs: 300 }), lines, batchSize: 10 }, ids[0]!)).rejects.toMatchObject({ failure: "timeout" });
    sim.setLatencyMs(0);
    for (const id of ids) expect(sentTo(id)).toHaveLength(1);
    for (const id of ids) expect(await row(id)).toMatchObject({ status: "queued", attempts: 1, batch_of: id === ids[0] ? null : ids[0] });
    expect(await jobKeys()).toEqual([`sms:${ids[0]}`]);
    // the next run asks first; the provider is down (502): nothing is sent, all wait again
    sim.failNext(502);
    await expect(sendQueuedSms({ db, client: client(), lines, batchSize: 10 }, ids[0]!)).rejects.toMatchObject({ outcome: "retry", code: 502 });
    for (const id of ids) expect(await row(id)).toMatchObject({ status: "queued", attempts: 2 });
    // the run after finds every one by its localid and records it, sending none again
    expect(await sendQueuedSms({ db, client: client(), lines, batchSize: 10 }, ids[0]!)).toEqual({ result: "recovered" });
    for (const id of ids) expect(sentTo(id)).toHaveLength(1);
    for (const id of ids) expect(await row(id)).toMatchObject({ status: "sent", provider_message_id: String(sentTo(id)[0]!.messageid) });
    const health = (await (await fetch(`${sim.url}/sim/health`)).json()) as { repeatedLocalIds: number };
    expect(health.repeatedLocalIds).toBe(0);
  });

  it("a permanent answer fails the whole batch; a number that is not a mobile fails alone", async () => {
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) ids.push(await queued(`0912200030${i}`));
    const bad = await queued("021-88776655");
    sim.failNext(418);
    expect(await sendQueuedSms({ db, client: client(), lines, batchSize: 10 }, ids[0]!)).toEqual({ result: "failed" });
    for (const id of ids) expect(await row(id)).toMatchObject({ status: "failed", last_error: expect.stringContaining("418") });
    expect(await row(bad)).toMatchObject({ status: "failed", last_error: expect.stringContaining("not an Iranian mobile") });
    expect(sim.messages()).toHaveLength(0);
  });

  it("the simulator's sendarray answers as Kavenegar documents: arrays of one length (419), a bad receptor refuses all (411)", async () => {
    const post = async (p: Record<string, string>) => {
      const res = await fetch(`${sim.url}/v1/${KAVENEGAR_SIMULATOR_API_KEY}/sms/sendarray.json`, { method: "POST", body: new URLSearchParams(p) });
      return ((await res.json()) as { return: { status: number } }).return.status;
    };
    expect(await post({ receptor: '["09121111111","09122222222"]', sender: '["2000660110"]', message: '["a","b"]' })).toBe(419);
    expect(await post({ receptor: '["09121111111","021"]', sender: '["2000660110","2000660110"]', message: '["a","b"]' })).toBe(411);
    expect(await post({ receptor: '["09121111111"]', sender: '["2000660110"]', message: '["a"]', localmessageids: "[1,2]" })).toBe(419);
    expect(sim.messages()).toHaveLength(0);
    expect(await post({ receptor: '["09121111111","09122222222"]', sender: '["2000660110","10004346"]', message: '["a","b"]', localmessageids: "[7,8]" })).toBe(200);
    expect(sim.messages().map((m) => [m.localid, m.sender, m.message])).toEqual([["7", "2000660110", "a"], ["8", "10004346", "b"]]);
  });
});
