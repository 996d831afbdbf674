/**
 * Issue 12 §6: killing a worker in the middle of sending loses no message and sends none twice — with a real
 * process kill. A worker process (`workers/main.ts`, as `npm run workers` runs it) sends to the Kavenegar
 * simulator made slow, so sends are in flight (the simulator has the message, the answer has not come back);
 * the process is SIGKILLed there; another worker process is started. Every message must reach the simulator
 * exactly once (counted by localid) and every row must end 'sent'. The workers send in batches
 * (SMS_SEND_BATCH_SIZE=10: a job carries up to 9 other messages in one sms/sendarray, their own jobs completed
 * when it takes them), so whole batches are in flight at the kill and only their carriers' jobs are left to
 * finish them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startChild, waitUntil, type Child } from "../../bench/processes";
import type { DB } from "../../db/connection";
import { KAVENEGAR_SIMULATOR_API_KEY } from "../../platform/env";
import { enqueueSms } from "../../services/outbox";
import { startKavenegarSimulator, type KavenegarSimulator } from "../../workers/kavenegar-simulator/index";
import { getTestDb, getTestDbUrl, resetDatabase } from "../support/db";

const MESSAGES = 60;
let db: DB;
let sim: KavenegarSimulator;
let dir: string;
const children: Child[] = [];

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  dir = mkdtempSync(path.join(tmpdir(), "sms-kill-"));
  sim = await startKavenegarSimulator({ port: 0, apiKey: KAVENEGAR_SIMULATOR_API_KEY, deliveryMs: 3_600_000 });
});

afterAll(async () => {
  await Promise.all(children.map((c) => c.stop(5000)));
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 30_000);

async function workerEnv(): Promise<Record<string, string>> {
  return {
    NODE_ENV: "test",
    LOG_LEVEL: "info",
    SESSION_SECRET: "sms-kill-test-secret",
    DATA_DIR: dir,
    DATABASE_URL: await getTestDbUrl(),
    KAVENEGAR_SIM_PORT: new URL(sim.url).port,
    KAVENEGAR_TIMEOUT_MS: "20000",
    WORKER_CONCURRENCY: "4",
    SMS_SEND_BATCH_SIZE: "10",
  };
}

const statuses = async () =>
  (await sql<{ status: string; n: number }>`select status, count(*)::int as n from sms_messages group by status`.execute(db)).rows;

describe("a worker killed mid-send", () => {
  it("loses no message and sends none twice: the next worker finishes every one, each reaching the simulator once", async () => {
    for (let i = 0; i < MESSAGES; i++) {
      await db.transaction().execute((trx) =>
        enqueueSms(trx, { receptor: `0912${String(3000000 + i).padStart(7, "0")}`, body: `پیام ${i}`, purpose: "test", now: new Date() }),
      );
    }
    sim.setLatencyMs(5000); // every answer comes 5 s after the message was taken
    const first = startChild("workers-1", "workers/main.ts", await workerEnv());
    children.push(first);
    await waitUntil("sends in flight", async () => sim.messages().length >= 4, [first], 60_000);

    process.kill(-first.pid, "SIGKILL");
    await waitUntil("the first worker to die", async () => first.exited, [], 10_000);
    const atKill = sim.messages().length;
    const inFlight = (await statuses()).find((s) => s.status === "sending")?.n ?? 0;
    expect(inFlight).toBeGreaterThan(0); // rows claimed whose answer never came back
    expect((await statuses()).find((s) => s.status === "sent")).toBeUndefined();
    // batches were in flight: messages carried by another's job, whose own job is gone
    const { rows: carried } = await sql<{ carriers: number; carried: number; jobs: number }>`
      select count(distinct batch_of)::int as carriers, count(batch_of)::int as carried,
             (select count(*)::int from graphile_worker._private_jobs j join sms_messages m on j.key = 'sms:' || m.id where m.batch_of is not null) as jobs
      from sms_messages where status = 'sending'`.execute(db);
    expect(carried[0]!.carriers).toBeGreaterThanOrEqual(2);
    expect(carried[0]!.carried).toBeGreaterThan(carried[0]!.carriers);
    expect(carried[0]!.jobs).toBe(0);

    sim.setLatencyMs(0);
    const second = startChild("workers-2", "workers/main.ts", await workerEnv());
    children.push(second);
    // the second process frees the dead one's jobs (its liveness locks are gone) and sends the rest
    await waitUntil(
      "every message sent",
      async () => (await statuses()).every((s) => s.status === "sent") && (await statuses())[0]?.n === MESSAGES,
      [second],
      90_000,
    );
    await second.stop();

    expect(atKill).toBeGreaterThanOrEqual(4);
    const byLocalId = new Map<string, number>();
    for (const m of sim.messages()) if (m.localid) byLocalId.set(m.localid, (byLocalId.get(m.localid) ?? 0) + 1);
    const ids = (await db.selectFrom("sms_messages").select(["id", "provider_message_id"]).orderBy("id").execute());
    expect(ids).toHaveLength(MESSAGES);
    for (const r of ids) expect({ id: r.id, count: byLocalId.get(String(r.id)) }).toEqual({ id: r.id, count: 1 });
    expect(sim.messages()).toHaveLength(MESSAGES);
    // the messages in flight at the kill were found by their localid, not sent again
    const health = (await (await fetch(`${sim.url}/sim/health`)).json()) as { repeatedLocalIds: number };
    expect(health.repeatedLocalIds).toBe(0);
    const recorded = new Map(sim.messages().map((m) => [m.localid, String(m.messageid)]));
    for (const r of ids) expect(r.provider_message_id).toBe(recorded.get(String(r.id)));
  }, 180_000);
});
