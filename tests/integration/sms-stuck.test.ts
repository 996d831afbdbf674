/**
 * The outbox's safety net: an outbound SMS left 'queued'/'sending' with no live send job is settled by
 * sms__poll_status (services/outbox.ts recoverStuckSms) — failed with the reason when its job used up its
 * attempts (a real graphile-worker run against the simulator answering 409), queued again when its job is gone.
 */
import { sql } from "kysely";
import { runOnce } from "graphile-worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DB } from "../../db/connection";
import { KAVENEGAR_SIMULATOR_API_KEY, loadEnv } from "../../platform/env";
import { createKavenegarClient } from "../../platform/kavenegar";
import { logger } from "../../platform/logger";
import { enqueueSms, recoverStuckSms, smsJobKey } from "../../services/outbox";
import { SMS_REQUEUE_MAX_AGE_MS, SMS_STUCK_AFTER_MS } from "../../core/sms";
import { taskList } from "../../workers";
import { startKavenegarSimulator, type KavenegarSimulator } from "../../workers/kavenegar-simulator/index";
import { sendQueuedSms } from "../../workers/tasks/sms__send";
import { smsPollStatusTask } from "../../workers/tasks/sms__poll_status";
import { getTestDb, getTestDbUrl, resetDatabase } from "../support/db";

let db: DB;
let sim: KavenegarSimulator;

async function queued(receptor: string, now = new Date()) {
  return db.transaction().execute((trx) => enqueueSms(trx, { receptor, body: "سلام", purpose: "ticket_registered", now }));
}
async function smsRow(id: number) {
  return db.selectFrom("sms_messages").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}
async function job(smsId: number) {
  const { rows } = await sql<{ id: string; attempts: number; max_attempts: number; locked_at: Date | null }>`
    select id, attempts, max_attempts, locked_at from graphile_worker._private_jobs where key = ${smsJobKey(smsId)}`.execute(db);
  return rows[0];
}
/** the row as it would look after SMS_STUCK_AFTER_MS and more without a change */
async function age(smsId: number, ms: number) {
  await sql`update sms_messages set status_at = status_at - make_interval(secs => ${ms / 1000}),
    created_at = created_at - make_interval(secs => ${ms / 1000}) where id = ${smsId}`.execute(db);
}
function clientFor() {
  return createKavenegarClient({ apiKey: KAVENEGAR_SIMULATOR_API_KEY, baseUrl: `${sim.url}/v1`, timeoutMs: 5000 });
}

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  await sql`delete from graphile_worker._private_jobs`.execute(db);
  sim = await startKavenegarSimulator({ port: 0, apiKey: KAVENEGAR_SIMULATOR_API_KEY, deliveryMs: 3_600_000 });
});

afterAll(async () => {
  await sim?.close();
});

describe("stuck outbound SMS", () => {
  it("a message whose send job used up its attempts on retryable answers is marked failed with the reason", async () => {
    sim.reset();
    const { smsId } = await queued("09121230001");
    // graphile-worker's 25 attempts, shortened to 2: the simulator answers 409 (busy) to both
    await sql`update graphile_worker._private_jobs set max_attempts = 2 where key = ${smsJobKey(smsId)}`.execute(db);
    sim.failNext(409, 2);
    const env = loadEnv({ NODE_ENV: "test", SESSION_SECRET: "test-secret-test-secret", DATA_DIR: ".data/test-env", KAVENEGAR_SIM_PORT: new URL(sim.url).port });
    const tasks = taskList({ db, env, log: logger("sms-stuck-test") });
    const connectionString = await getTestDbUrl();
    for (let i = 0; i < 2; i++) {
      await runOnce({ connectionString, taskList: tasks, noHandleSignals: true });
      // the next attempt's backoff is due now
      await sql`update graphile_worker._private_jobs set run_at = now() where key = ${smsJobKey(smsId)}`.execute(db);
    }
    expect(await job(smsId)).toMatchObject({ attempts: 2, max_attempts: 2, locked_at: null });
    expect(await smsRow(smsId)).toMatchObject({ status: "queued", attempts: 2 });
    expect(sim.messages().filter((m) => m.localid === String(smsId))).toHaveLength(0);

    // not yet stuck: nothing changes
    expect(await recoverStuckSms(db)).toEqual({ requeued: [], failed: [] });
    await age(smsId, SMS_STUCK_AFTER_MS + 60_000);
    expect(await recoverStuckSms(db)).toEqual({ requeued: [], failed: [smsId] });
    const row = await smsRow(smsId);
    expect(row.status).toBe("failed");
    expect(row.last_error).toMatch(/gave up after 2 attempts; last error: .*409/);
    // settled once: a second sweep has nothing to do, and nothing was sent
    expect(await recoverStuckSms(db)).toEqual({ requeued: [], failed: [] });
    expect(await sendQueuedSms({ db, client: clientFor() }, smsId)).toEqual({ result: "already_sent" });
    expect(sim.messages().filter((m) => m.localid === String(smsId))).toHaveLength(0);
  });

  it("a message whose job is gone is queued again (one job) and then sent once", async () => {
    sim.reset();
    const { smsId } = await queued("09121230002");
    await sql`delete from graphile_worker._private_jobs where key = ${smsJobKey(smsId)}`.execute(db);
    await age(smsId, SMS_STUCK_AFTER_MS + 60_000);
    const [a, b] = await Promise.all([recoverStuckSms(db), recoverStuckSms(db)]);
    expect([...a.requeued, ...b.requeued]).toEqual([smsId]);
    expect([...a.failed, ...b.failed]).toEqual([]);
    expect(await job(smsId)).toMatchObject({ attempts: 0 });
    expect(await smsRow(smsId)).toMatchObject({ status: "queued" });
    expect(await sendQueuedSms({ db, client: clientFor() }, smsId)).toEqual({ result: "sent" });
    expect(sim.messages().filter((m) => m.localid === String(smsId))).toHaveLength(1);
  });

  it("a message left 'sending' by a removed job, too old to send now, is failed rather than sent late", async () => {
    const { smsId } = await queued("09121230003");
    await sql`update sms_messages set status = 'sending', attempts = 1, last_error = 'sms/send: no answer within 5000 ms' where id = ${smsId}`.execute(db);
    await sql`delete from graphile_worker._private_jobs where key = ${smsJobKey(smsId)}`.execute(db);
    await age(smsId, SMS_REQUEUE_MAX_AGE_MS + 60_000);
    expect(await recoverStuckSms(db)).toEqual({ requeued: [], failed: [smsId] });
    expect((await smsRow(smsId)).last_error).toBe("never sent, and too old to send now; last error: sms/send: no answer within 5000 ms");
    expect(await job(smsId)).toBeUndefined();
  });

  it("messages with a live job are left alone: waiting for a retry, or running their last attempt", async () => {
    const waiting = (await queued("09121230004")).smsId;
    const running = (await queued("09121230005")).smsId;
    await sql`update graphile_worker._private_jobs set attempts = 3, run_at = now() + interval '1 hour' where key = ${smsJobKey(waiting)}`.execute(db);
    await sql`update graphile_worker._private_jobs set attempts = max_attempts, locked_at = now(), locked_by = 'w-test' where key = ${smsJobKey(running)}`.execute(db);
    await sql`update sms_messages set status = 'sending' where id = ${running}`.execute(db);
    await age(waiting, SMS_STUCK_AFTER_MS * 3);
    await age(running, SMS_STUCK_AFTER_MS * 3);
    expect(await recoverStuckSms(db)).toEqual({ requeued: [], failed: [] });
    expect((await smsRow(waiting)).status).toBe("queued");
    expect((await smsRow(running)).status).toBe("sending");
    await sql`delete from graphile_worker._private_jobs where key in (${smsJobKey(waiting)}, ${smsJobKey(running)})`.execute(db);
    await sql`delete from sms_messages where id in (${waiting}, ${running})`.execute(db);
  });

  it("a message a batch took belongs to its carrier's job: left alone while that job lives, queued again (out of the batch) once it is gone", async () => {
    sim.reset();
    const carrier = (await queued("09121230006")).smsId;
    const member = (await queued("09121230007")).smsId;
    // what sms__send's claim does: the member's own job completed, the row owned by the carrier, waiting for its retry
    await sql`delete from graphile_worker._private_jobs where key = ${smsJobKey(member)}`.execute(db);
    await sql`update graphile_worker._private_jobs set attempts = 2, run_at = now() + interval '1 hour' where key = ${smsJobKey(carrier)}`.execute(db);
    await sql`update sms_messages set batch_of = ${carrier}, attempts = 1 where id = ${member}`.execute(db);
    await age(carrier, SMS_STUCK_AFTER_MS * 3);
    await age(member, SMS_STUCK_AFTER_MS * 3);
    expect(await recoverStuckSms(db)).toEqual({ requeued: [], failed: [] });
    expect(await job(member)).toBeUndefined();

    await sql`delete from graphile_worker._private_jobs where key = ${smsJobKey(carrier)}`.execute(db);
    const settled = await recoverStuckSms(db);
    expect(settled.requeued.sort((a, b) => a - b)).toEqual([carrier, member]);
    expect(await smsRow(member)).toMatchObject({ status: "queued", batch_of: null });
    expect(await sendQueuedSms({ db, client: clientFor() }, member)).toEqual({ result: "sent" });
    expect(await sendQueuedSms({ db, client: clientFor() }, carrier)).toEqual({ result: "sent" });
    expect(sim.messages().filter((m) => m.localid === String(member))).toHaveLength(1);
  });

  it("sms__poll_status runs the sweep: a stuck message is settled by the crontab task", async () => {
    const { smsId } = await queued("09121230006");
    await sql`update graphile_worker._private_jobs set attempts = max_attempts, last_error = 'sms/send: Kavenegar 409: busy' where key = ${smsJobKey(smsId)}`.execute(db);
    await age(smsId, SMS_STUCK_AFTER_MS + 60_000);
    const log = { warn: () => {}, info: () => {}, debug: () => {}, error: () => {} };
    await smsPollStatusTask({ db, client: clientFor() })({}, { logger: log } as never);
    expect(await smsRow(smsId)).toMatchObject({ status: "failed", last_error: "gave up after 25 attempts; last error: sms/send: Kavenegar 409: busy" });
  });
});
