/**
 * /healthz reports the workers: the processes alive (each writes a heartbeat row), how many jobs wait and
 * since when the oldest has waited. Two worker processes: one in this process (startWorkers, as `npm
 * start` runs them) and one `npm run workers` (workers/main.ts) started as a real child process.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loader as healthLoader } from "../../app/routes/healthz";
import type { DB } from "../../db/connection";
import { loadEnv } from "../../platform/env";
import { logger } from "../../platform/logger";
import { startWorkers, type Workers } from "../../workers";
import { testContext } from "../support/context";
import { getTestDb, getTestDbUrl, resetDatabase } from "../support/db";
import { waitFor } from "../support/telephony";

interface Health {
  workers: {
    status: string;
    nodes: { nodeId: string; pid: number; host: string; concurrency: number; heartbeatAt: string }[];
    waiting: number;
    running: number;
    failed: number;
    oldestWaitingSince: string | null;
    oldestWaitingSeconds: number | null;
  };
}

let db: DB;
let inProcess: Workers | undefined;
let child: ChildProcess | undefined;
let childExited: Promise<number | null> | undefined;

async function health(): Promise<Health> {
  const res = (await healthLoader({ request: new Request("http://localhost/healthz"), context: testContext(db), params: {} } as never)) as Response;
  expect(res.status).toBe(200);
  return (await res.json()) as Health;
}

beforeAll(async () => {
  db = await getTestDb();
  await resetDatabase(db);
  await sql`delete from graphile_worker._private_jobs`.execute(db);
});

afterAll(async () => {
  await inProcess?.stop();
  if (child && child.exitCode === null) {
    child.kill("SIGTERM");
    await childExited;
  }
});

describe("/healthz: the workers", () => {
  it("none running: absent, and the queue's waiting jobs with the oldest's age", async () => {
    await sql`select graphile_worker.add_job('report__nightly', run_at := now() - interval '90 seconds')`.execute(db);
    await sql`select graphile_worker.add_job('report__nightly', run_at := now() - interval '10 seconds')`.execute(db);
    await sql`select graphile_worker.add_job('report__nightly', run_at := now() + interval '1 hour')`.execute(db); // not due: not waiting
    const h = await health();
    expect(h.workers).toMatchObject({ status: "absent", nodes: [], waiting: 2, running: 0, failed: 0 });
    expect(h.workers.oldestWaitingSeconds).toBeGreaterThanOrEqual(90);
    expect(new Date(h.workers.oldestWaitingSince!).getTime()).toBeLessThan(Date.now() - 89_000);
  });

  it("two worker processes, each with its heartbeat; one stopping leaves the other; a silent one is not counted", async () => {
    const env = loadEnv({ NODE_ENV: "test", SESSION_SECRET: "test-secret-test-secret", DATA_DIR: ".data/test-env", WORKER_CONCURRENCY: "2" });
    const dbUrl = await getTestDbUrl();
    inProcess = await startWorkers({ db, env, log: logger("workers-test"), databaseUrl: dbUrl });

    const dir = mkdtempSync(path.join(tmpdir(), "workers-health-"));
    child = spawn(process.execPath, ["--import", "tsx", "workers/main.ts"], {
      cwd: path.resolve(__dirname, "../.."),
      env: { ...process.env, DATABASE_URL: dbUrl, DATA_DIR: dir, WORKER_CONCURRENCY: "3", LOG_LEVEL: "warn", NODE_ENV: "test" },
      stdio: ["ignore", "inherit", "inherit"],
    });
    childExited = new Promise((resolve) => child!.once("exit", (code) => resolve(code)));
    const both = await waitFor(async () => {
      const h = await health();
      return h.workers.nodes.length === 2 ? h : null;
    }, 60_000, "the second worker process's heartbeat");
    expect(both.workers.status).toBe("running");
    expect(both.workers.nodes.map((n) => n.pid).sort()).toEqual([process.pid, child.pid].sort());
    expect(both.workers.nodes.find((n) => n.pid === child!.pid)).toMatchObject({ concurrency: 3 });
    expect(both.workers.nodes.find((n) => n.nodeId === inProcess!.nodeId)).toMatchObject({ concurrency: 2, pid: process.pid });
    // jobs of a task no worker knows keep waiting
    expect(both.workers.waiting).toBe(2);

    child.kill("SIGTERM");
    expect(await childExited).toBe(0);
    const one = await health();
    expect(one.workers.nodes.map((n) => n.nodeId)).toEqual([inProcess.nodeId]);
    const stopped = await db.selectFrom("worker_nodes").select(["pid", "stopped_at"]).where("pid", "=", child.pid!).executeTakeFirstOrThrow();
    expect(stopped.stopped_at).not.toBeNull();

    // a process that died without stopping: its heartbeat grows old and it is no longer counted
    await db.updateTable("worker_nodes").set({ heartbeat_at: sql`now() - interval '5 minutes'` }).where("node_id", "=", inProcess.nodeId).execute();
    expect((await health()).workers).toMatchObject({ status: "absent", nodes: [] });
  }, 90_000);
});
