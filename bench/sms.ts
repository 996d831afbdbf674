// npm run bench:sms -- [--messages N] [--processes P] [--concurrency C] [--enqueuers E] [--per-transaction T]
//                      [--batch-size B] [--preload] [--database-url URL] [--echo]
//
// The SMS pipeline end to end: N notifications are enqueued through services/outbox.ts `enqueueSms` (the row and
// its sms__send job in one transaction, as a business action writes them; E connections at once, T messages per
// transaction) while P worker processes (`workers/main.ts`, as `npm run workers` runs them, WORKER_CONCURRENCY=C
// each) send them to a Kavenegar simulator (`npm run sms-sim`, a process of its own). Prints the throughput (N / time from the
// first enqueue to the last message received by the simulator), p50/p99/max latency from each message's enqueue
// (its transaction committed) to the simulator receiving it, and the duplicate count (localids the simulator
// received more than once). Target: ≥ 500 messages/s, 0 duplicates.
//
// --batch-size B: the workers' SMS_SEND_BATCH_SIZE (default 100; 1 = one message per job and request, as before
// batches). --preload: all N are enqueued before the workers start, and the throughput is counted from the moment
// every worker process runs to the last message received — the workers' own rate, apart from the enqueuers'.
//
// The database: --database-url (emptied first!), else an embedded PostgreSQL of its own in DATA_DIR/bench-sms
// on EMBEDDED_PG_PORT (default 54379), migrated and emptied. The simulator listens on KAVENEGAR_SIM_PORT (default
// a free port).
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { loadavg } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { createKysely, openDatabase, type DatabaseHandle } from "../db/connection";
import { installJobQueue, migrateToLatest } from "../db/migrate";
import { truncateAppTables } from "../db/seed/reset";
import { enqueueSms } from "../services/outbox";
import { freePort, startChild, waitUntil, type Child } from "./processes";

interface Options {
  messages: number;
  processes: number;
  concurrency: number;
  enqueuers: number;
  perTransaction: number;
  batchSize: number;
  preload: boolean;
  databaseUrl?: string;
  echo: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { messages: 10_000, processes: 2, concurrency: 16, enqueuers: 4, perTransaction: 20, batchSize: 100, preload: false, echo: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split("=", 2) as [string, string | undefined];
    if (flag === "--echo" || flag === "--preload") {
      o[flag === "--echo" ? "echo" : "preload"] = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === "--database-url") {
      o.databaseUrl = value;
      continue;
    }
    const key = { "--messages": "messages", "--processes": "processes", "--concurrency": "concurrency", "--enqueuers": "enqueuers", "--per-transaction": "perTransaction", "--batch-size": "batchSize" }[flag] as
      | "messages"
      | "batchSize"
      | "processes"
      | "concurrency"
      | "enqueuers"
      | "perTransaction"
      | undefined;
    if (!key) throw new Error(`unknown argument ${flag}`);
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive whole number`);
    o[key] = n;
  }
  return o;
}

const TARGET_PER_SECOND = 500;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** CPU seconds a process used (user + system), with its reaped children's; 0 when it is gone. */
function cpuSeconds(pid: number, withChildren = false): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // fields from 3 (state) on
    const ticks = Number(f[11]) + Number(f[12]) + (withChildren ? Number(f[13]) + Number(f[14]) : 0);
    return ticks / 100; // USER_HZ
  } catch {
    return 0;
  }
}

function parentOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return 0;
  }
}

/** PostgreSQL's CPU: the postmaster with its reaped children, plus every live child. */
function postgresCpu(postmaster: number): number {
  let total = cpuSeconds(postmaster, true);
  for (const d of readdirSync("/proc")) {
    const pid = Number(d);
    if (Number.isInteger(pid) && pid > 0 && parentOf(pid) === postmaster) total += cpuSeconds(pid);
  }
  return total;
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(" ");

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const dataDir = path.resolve(process.env.DATA_DIR ?? ".data/bench-sms");
  let handle: DatabaseHandle;
  if (o.databaseUrl) {
    handle = await openDatabase({ databaseUrl: o.databaseUrl, dataDir, embeddedPort: 0 });
  } else {
    rmSync(dataDir, { recursive: true, force: true });
    handle = await openDatabase({ dataDir, embeddedPort: Number(process.env.EMBEDDED_PG_PORT ?? 54379), log: () => {} });
  }
  const children: Child[] = [];
  const receivedAt = new Map<string, number>(); // Kavenegar messageid → when the simulator took the send
  const simPort = Number(process.env.KAVENEGAR_SIM_PORT ?? (await freePort()));
  const simUrl = `http://127.0.0.1:${simPort}`;
  // The simulator as `npm run sms-sim` runs it: a process of its own, which prints each sms/send as it carries
  // it out ("sms/send → 09… #700000001"); the line is timed when it is read here.
  const simProc = spawn(process.execPath, ["--import", "tsx", "workers/kavenegar-simulator/cli.ts"], {
    env: { ...process.env, KAVENEGAR_SIM_PORT: String(simPort), KAVENEGAR_API_KEY: "", KAVENEGAR_BASE_URL: "", NODE_ENV: "production", SESSION_SECRET: "bench-sms-secret-0123456789" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let pending = "";
  simProc.stdout.on("data", (chunk: Buffer) => {
    const now = performance.timeOrigin + performance.now();
    pending += chunk.toString();
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.startsWith("sms/send")) continue;
      for (const m of line.matchAll(/#(\d+)/g)) if (!receivedAt.has(m[1]!)) receivedAt.set(m[1]!, now);
    }
  });
  const sim = {
    url: simUrl,
    async messages() {
      return (await (await fetch(`${simUrl}/sim/messages`)).json()) as { direction: string; localid: string | null; messageid: number }[];
    },
    close: () => new Promise<void>((resolve) => (simProc.exitCode !== null ? resolve() : (simProc.once("exit", () => resolve()), simProc.kill("SIGTERM")))),
  };
  await waitUntil("the Kavenegar simulator", async () => (await fetch(`${simUrl}/sim/health`)).ok, [], 60_000);
  try {
    await migrateToLatest(handle.db);
    await installJobQueue(handle.url);
    await truncateAppTables(handle.db);
    await sql`delete from graphile_worker._private_known_crontabs`.execute(handle.db);

    console.log(
      `bench:sms — ${o.messages} messages; ${o.processes} worker process(es) × WORKER_CONCURRENCY=${o.concurrency}; ` +
        (o.preload ? `all enqueued in one transaction first (--preload)` : `${o.enqueuers} enqueuing connections, ${o.perTransaction} per transaction`) +
        `; SMS_SEND_BATCH_SIZE=${o.batchSize}; load average ${load()}`,
    );
    const env = {
      NODE_ENV: "production",
      LOG_LEVEL: "info",
      SESSION_SECRET: "bench-sms-secret-0123456789",
      DATA_DIR: dataDir,
      DATABASE_URL: handle.url,
      KAVENEGAR_SIM_PORT: new URL(sim.url).port,
      // production on the simulators only when asked for (platform/env.ts)
      ARI_SIMULATOR: "true",
      SMS_SIMULATOR: "true",
      WORKER_CONCURRENCY: String(o.concurrency),
      SMS_SEND_BATCH_SIZE: String(o.batchSize),
    };
    for (let p = 0; p < o.processes; p++) children.push(startChild(`workers-${p + 1}`, "workers/main.ts", env, { echo: o.echo, nodeArgs: process.env.BENCH_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROF}`] : [] }));
    await waitUntil("the worker processes", async () => children.every((c) => c.output.some((l) => l.includes("workers running"))), children, 120_000);
    const { rows: ck } = await sql<{ pid: number }>`select pid from pg_stat_activity where backend_type = 'checkpointer'`.execute(handle.db);
    const postmaster = ck[0] ? parentOf(ck[0].pid) : 0;
    const cpuNow = () => ({
      pg: postgresCpu(postmaster),
      workers: children.reduce((a, c) => a + cpuSeconds(c.pid, true), 0),
      sim: cpuSeconds(simProc.pid!),
      self: process.cpuUsage(),
    });
    let cpuBefore = cpuNow();
    const enqueuedAt = new Map<number, number>(); // sms id → commit time
    // --preload: one connection, one transaction of all N (the workers see them all at its commit)
    const enqueuers = o.preload ? 1 : o.enqueuers;
    const perTransaction = o.preload ? o.messages : o.perTransaction;
    const pool = createKysely(handle.url, enqueuers);
    const enqueueStart = performance.timeOrigin + performance.now();
    let next = 0;
    const now = new Date();
    await Promise.all(
      Array.from({ length: enqueuers }, async () => {
        for (;;) {
          const from = next;
          if (from >= o.messages) return;
          const to = Math.min(o.messages, from + perTransaction);
          next = to;
          const ids = await pool.transaction().execute(async (trx) => {
            const out: number[] = [];
            for (let i = from; i < to; i++) {
              const { smsId } = await enqueueSms(trx, {
                receptor: `0912${String(1_000_000 + i).padStart(7, "0")}`,
                body: `درخواست ${i} ثبت شد. پیگیری: https://example.ir/t/${i}`,
                purpose: "ticket_registered",
                now,
              });
              out.push(smsId);
            }
            return out;
          });
          const t = performance.timeOrigin + performance.now();
          for (const id of ids) enqueuedAt.set(id, t);
        }
      }),
    );
    // preloaded: the sending starts at the commit, and only its CPU is counted
    const start = o.preload ? Math.max(...enqueuedAt.values()) : enqueueStart;
    if (o.preload) cpuBefore = cpuNow();
    const enqueueSeconds = (performance.timeOrigin + performance.now() - enqueueStart) / 1000;
    await pool.destroy();
    console.log(`enqueued ${o.messages} in ${enqueueSeconds.toFixed(1)} s (${Math.round(o.messages / enqueueSeconds)}/s); load average ${load()}`);
    await waitUntil("every message at the simulator", async () => receivedAt.size >= o.messages, children, 600_000);
    const end = Math.max(...receivedAt.values());
    const selfCpu = process.cpuUsage(cpuBefore.self);
    const cpu = {
      pg: postgresCpu(postmaster) - cpuBefore.pg,
      workers: children.reduce((a, c) => a + cpuSeconds(c.pid, true), 0) - cpuBefore.workers,
      sim: cpuSeconds(simProc.pid!) - cpuBefore.sim,
      self: (selfCpu.user + selfCpu.system) / 1e6,
    };
    const perMessageMs = (x: number) => ((x * 1000) / o.messages).toFixed(2);
    const cpuTotal = cpu.pg + cpu.workers + cpu.sim + cpu.self;
    // let a straggling duplicate show up, and the rows' last updates land
    await new Promise((r) => setTimeout(r, 1000));

    const messages = (await sim.messages()).filter((m) => m.direction === "outbound");
    const perLocalId = new Map<string, number>();
    for (const m of messages) perLocalId.set(m.localid ?? "", (perLocalId.get(m.localid ?? "") ?? 0) + 1);
    const duplicates = [...perLocalId.values()].reduce((a, n) => a + (n - 1), 0);
    const health = (await (await fetch(`${sim.url}/sim/health`)).json()) as { repeatedLocalIds: number };
    const latencies: number[] = [];
    for (const m of messages) {
      const at = receivedAt.get(String(m.messageid));
      const enq = enqueuedAt.get(Number(m.localid));
      if (at !== undefined && enq !== undefined) latencies.push(Math.max(0, at - enq));
    }
    latencies.sort((a, b) => a - b);
    const { rows: statuses } = await sql<{ status: string; n: number }>`
      select status, count(*)::int as n from sms_messages group by status order by status`.execute(handle.db);
    const seconds = (end - start) / 1000;
    const rate = o.messages / seconds;
    console.log(
      [
        `messages received by the simulator: ${messages.length} (distinct localids ${perLocalId.size})`,
        `throughput: ${rate.toFixed(0)} messages/s (${o.messages} in ${seconds.toFixed(1)} s, ${o.preload ? "commit of the preload" : "first enqueue"} → last received)  target ≥ ${TARGET_PER_SECOND}: ${rate >= TARGET_PER_SECOND ? "met" : "NOT met"}`,
        `latency enqueue → simulator (ms): p50 ${percentile(latencies, 50).toFixed(0)}  p99 ${percentile(latencies, 99).toFixed(0)}  max ${percentile(latencies, 100).toFixed(0)}`,
        `duplicates: ${duplicates} (sends that repeated a localid, answered without sending: ${health.repeatedLocalIds})`,
        `CPU per message (ms): workers ${perMessageMs(cpu.workers)}, PostgreSQL ${perMessageMs(cpu.pg)}, ` +
          `simulator ${perMessageMs(cpu.sim)}, ${o.preload ? "bench" : "enqueuing"} ${perMessageMs(cpu.self)}; total ${perMessageMs(cpuTotal)} → at most ` +
          `${Math.round(o.messages / cpuTotal)} messages/s per fully free core`,
        `rows: ${statuses.map((s) => `${s.status} ${s.n}`).join(", ")}`,
        `load average at the end: ${load()}`,
      ].join("\n"),
    );
    if (duplicates > 0) process.exitCode = 1;
  } finally {
    await Promise.all(children.map((c) => c.stop(10_000)));
    await sim.close();
    await handle.close();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
