/**
 * The SMS outbox: a registration writes its SMS row and its `sms__send` job in one transaction; the
 * worker sends it to the Kavenegar simulator once, through the real client; retries never double-send.
 */
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DB } from "../../db/connection";
import { loadEnv } from "../../platform/env";
import { createKavenegarClient, KAVENEGAR_DEFAULT_BASE_URL } from "../../platform/kavenegar";
import type { Actor } from "../../services/actor";
import { registerFromCall, type IntakeInput } from "../../services/intake";
import { enqueueSms, smsJobKey } from "../../services/outbox";
import { startWorkers } from "../../workers";
import { startKavenegarSimulator, type KavenegarSimulator } from "../../workers/kavenegar-simulator/index";
import { sendQueuedSms } from "../../workers/tasks/sms__send";
import { KAVENEGAR_SIMULATOR_API_KEY } from "../../platform/env";
import { logger } from "../../platform/logger";
import { getTestDb, getTestDbUrl, resetDatabase } from "../support/db";
import { testContext } from "../support/context";
import { loader as healthLoader } from "../../app/routes/healthz";

let db: DB;
let sim: KavenegarSimulator;
let actor: Actor;
const NOW = new Date("2026-11-30T08:00:00Z");

function registration(mobile: string): IntakeInput {
  return {
    idempotencyKey: randomUUID(),
    kind: "breakdown",
    customer: { fullName: "مریم رضایی", mobile, nationalCode: null },
    description: "یخچال سرد نمی‌کند",
    priority: "normal",
    now: NOW,
  };
}

async function jobsFor(smsId: number) {
  const { rows } = await sql<{ task_identifier: string; payload: unknown }>`
    select t.identifier as task_identifier, j.payload
    from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
    where j.key = ${smsJobKey(smsId)}`.execute(db);
  return rows;
}

async function smsRow(id: number) {
  return db.selectFrom("sms_messages").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

function clientFor(timeoutMs = 5000) {
  return createKavenegarClient({ apiKey: KAVENEGAR_SIMULATOR_API_KEY, baseUrl: `${sim.url}/v1`, timeoutMs });
}

async function queued(receptor = "09121234567") {
  return db.transaction().execute((trx) => enqueueSms(trx, { receptor, body: "سلام", purpose: "test", now: NOW }));
}

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  await sql`delete from graphile_worker._private_jobs`.execute(db);
  const u = await db
    .insertInto("users")
    .values({ username: "oper", display_name: "سارا محمدی", role: "operator", password_hash: "x" })
    .returning("id")
    .executeTakeFirstOrThrow();
  actor = { kind: "user", userId: u.id, ip: "10.0.0.7" };
  sim = await startKavenegarSimulator({ port: 0, apiKey: KAVENEGAR_SIMULATOR_API_KEY, deliveryMs: 3_600_000 });
});

afterAll(async () => {
  await sim?.close();
});

describe("the outbox", () => {
  it("a registration queues its SMS row and exactly one send job, in the same transaction", async () => {
    const r = await registerFromCall(db, actor, registration("+989121110001"));
    const rows = await db.selectFrom("sms_messages").selectAll().where("ticket_id", "=", r.ticketId).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "queued", purpose: "ticket_registered", attempts: 0 });
    const jobs = await jobsFor(rows[0]!.id);
    expect(jobs).toEqual([{ task_identifier: "sms__send", payload: { smsId: rows[0]!.id } }]);
  });

  it("/healthz reports the queue: a job waiting and how long the oldest has waited", async () => {
    const res = (await healthLoader({ request: new Request("http://localhost/healthz"), context: testContext(db), params: {} } as never)) as Response;
    expect(res.status).toBe(200);
    const body = (await res.json()) as { workers: { waiting: number; running: number; failed: number; oldestWaitingSeconds: number | null } };
    // the registration's send job and its breakdown's dispatch job (services/dispatch.ts ticket__dispatch)
    expect(body.workers).toMatchObject({ waiting: 2, running: 0, failed: 0 });
    expect(body.workers.oldestWaitingSeconds).toBeGreaterThanOrEqual(0);
  });

  it("a registration rolled back leaves neither the SMS row nor its job", async () => {
    const before = await sql<{ n: number }>`select count(*)::int as n from graphile_worker.jobs`.execute(db);
    const smsBefore = await db.selectFrom("sms_messages").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    // the audit row is the registration's last write: failing it rolls the whole registration back
    await sql`create function fail_audit() returns trigger language plpgsql as $$ begin raise exception 'audit refused'; end $$`.execute(db);
    await sql`create trigger fail_audit before insert on audit_log for each row execute function fail_audit()`.execute(db);
    try {
      await expect(registerFromCall(db, actor, registration("+989121110002"))).rejects.toThrow(/audit refused/);
    } finally {
      await sql`drop trigger fail_audit on audit_log`.execute(db);
      await sql`drop function fail_audit()`.execute(db);
    }
    const after = await sql<{ n: number }>`select count(*)::int as n from graphile_worker.jobs`.execute(db);
    const smsAfter = await db.selectFrom("sms_messages").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
    expect(Number(smsAfter.n)).toBe(Number(smsBefore.n));
  });
});

describe("sms__send", () => {
  it("the worker sends a registration's SMS to the simulator once; the row becomes 'sent'", async () => {
    sim.reset();
    const port = new URL(sim.url).port;
    const env = loadEnv({
      NODE_ENV: "test",
      SESSION_SECRET: "test-secret-test-secret",
      DATA_DIR: ".data/test-env",
      KAVENEGAR_SIM_PORT: port,
      WORKER_CONCURRENCY: "2",
    });
    const r = await registerFromCall(db, actor, registration("+989121110003"));
    const workers = await startWorkers({ db, env, log: logger("workers-test"), databaseUrl: await getTestDbUrl() });
    let row;
    try {
      const until = Date.now() + 30_000;
      for (;;) {
        row = await db.selectFrom("sms_messages").selectAll().where("ticket_id", "=", r.ticketId).executeTakeFirstOrThrow();
        if ((row.status !== "queued" && row.status !== "sending") || Date.now() > until) break; // sending: claimed, the answer not recorded yet
        await new Promise((res) => setTimeout(res, 100));
      }
    } finally {
      await workers.stop();
    }
    expect(row.status).toBe("sent");
    const sent = sim.messages().filter((m) => m.localid === String(row.id));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ receptor: "09121110003", message: row.body });
    expect(row.provider_message_id).toBe(String(sent[0]!.messageid));
    expect(row.sent_at).not.toBeNull();
    expect(row.attempts).toBe(1);
    expect(await jobsFor(row.id)).toEqual([]); // a completed job is gone
    expect(KAVENEGAR_DEFAULT_BASE_URL).toMatch(/^https:/); // production's default stays HTTPS
  });

  it("a message already sent is not sent again", async () => {
    sim.reset();
    const { smsId } = await queued("09121110004");
    expect(await sendQueuedSms({ db, client: clientFor() }, smsId)).toEqual({ result: "sent" });
    expect(await sendQueuedSms({ db, client: clientFor() }, smsId)).toEqual({ result: "already_sent" });
    expect(sim.messages().filter((m) => m.localid === String(smsId))).toHaveLength(1);
  });

  it("after a timeout (the answer lost, the message sent), the retry asks by localid and does not send twice", async () => {
    sim.reset();
    const { smsId } = await queued("09121110005");
    sim.setLatencyMs(1500);
    await expect(sendQueuedSms({ db, client: clientFor(300) }, smsId)).rejects.toMatchObject({ outcome: "retry", failure: "timeout" });
    let row = await smsRow(smsId);
    expect(row).toMatchObject({ status: "queued", attempts: 1, provider_message_id: null });
    expect(row.last_error).toMatch(/no answer/);
    expect(sim.messages().filter((m) => m.localid === String(smsId))).toHaveLength(1);
    sim.setLatencyMs(0);

    expect(await sendQueuedSms({ db, client: clientFor() }, smsId)).toEqual({ result: "recovered" });
    row = await smsRow(smsId);
    const sent = sim.messages().filter((m) => m.localid === String(smsId));
    expect(sent).toHaveLength(1);
    expect(row).toMatchObject({ status: "sent", attempts: 2, provider_message_id: String(sent[0]!.messageid), last_error: null });
    const health = (await (await fetch(`${sim.url}/sim/health`)).json()) as { repeatedLocalIds: number };
    expect(health.repeatedLocalIds).toBe(0); // sms/send was never called a second time with this localid
  });

  it("a retryable provider answer (409) keeps the row queued and throws, so graphile-worker retries", async () => {
    sim.reset();
    const { smsId } = await queued("09121110006");
    sim.failNext(409);
    await expect(sendQueuedSms({ db, client: clientFor() }, smsId)).rejects.toMatchObject({ outcome: "retry", code: 409 });
    expect(await smsRow(smsId)).toMatchObject({ status: "queued", attempts: 1 });
    expect(await sendQueuedSms({ db, client: clientFor() }, smsId)).toEqual({ result: "sent" });
    expect(sim.messages().filter((m) => m.localid === String(smsId))).toHaveLength(1);
  });

  it("a permanent code (411, bad receptor) marks the message failed with the reason, and nothing is retried", async () => {
    sim.reset();
    const { smsId } = await queued("09121110007");
    sim.failNext(411);
    expect(await sendQueuedSms({ db, client: clientFor() }, smsId)).toEqual({ result: "failed" });
    const row = await smsRow(smsId);
    expect(row).toMatchObject({ status: "failed", attempts: 1, provider_message_id: null });
    expect(row.last_error).toMatch(/411/);
    expect(await sendQueuedSms({ db, client: clientFor() }, smsId)).toEqual({ result: "already_sent" });
    expect(sim.messages().filter((m) => m.localid === String(smsId))).toHaveLength(0);
  });
});
