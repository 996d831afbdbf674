// npm run bench:screen-pop -- [--rate R] [--seconds S] [--operators N] [--hold-ms H] [--answer-ms A] [--dtmf-delay-ms D] [--echo]
//
// The screen-pop's latency with the web and the telephony shell as SEPARATE processes, each started here as a
// child of its own (plus the ARI simulator as a third): `server.ts` with TELEPHONY_IN_PROCESS=false on its
// embedded PostgreSQL (DATA_DIR, EMBEDDED_PG_PORT, wiped first), `telephony/main.ts` on the same database and
// `telephony/simulator/cli.ts`. N operators (bench-op-1…N, created with the demo password, extensions 2001…)
// sign in through POST /login, go available through the desk's presence form and open GET /desk/events.
// Then R simulated calls per second for S seconds (POST /sim/calls, the caller keys 1) arrive at the
// simulator; every phone answers after A ms; the bench hangs each caller up H ms after it called, so
// operators come free at a steady rate. Per call it measures the time from the POST to /sim/calls (the
// simulator emits StasisStart while serving it) to the call_offered event arriving at the SSE client of the
// operator it names, and prints p50/p99/max, the calls made, the events received and the calls whose event
// never came. A breakdown from the database's own timestamps says where the time goes.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { loadavg } from "node:os";
import path from "node:path";
import pg from "pg";
import { hashPassword } from "../platform/password";
import { cpuSeconds, freePort, readSse, setPresence, signIn, startChild, waitUntil, type Child, type SseEvent } from "./processes";

interface Options {
  rate: number;
  seconds: number;
  operators: number;
  holdMs: number;
  answerMs: number;
  dtmfDelayMs: number;
  echo: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { rate: 50, seconds: 30, operators: 80, holdMs: 1000, answerMs: 50, dtmfDelayMs: 0, echo: false };
  const flags: Record<string, keyof Omit<Options, "echo">> = {
    "--rate": "rate",
    "--seconds": "seconds",
    "--operators": "operators",
    "--hold-ms": "holdMs",
    "--answer-ms": "answerMs",
    "--dtmf-delay-ms": "dtmfDelayMs",
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split("=", 2) as [string, string | undefined];
    if (flag === "--echo") {
      o.echo = true;
      continue;
    }
    const key = flags[flag];
    if (!key) throw new Error(`unknown argument ${flag} (see the first lines of bench/screen-pop.ts)`);
    const n = Number(inline ?? argv[++i]);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} needs a whole number`);
    o[key] = n;
  }
  return o;
}

const TARGET_P99_MS = 50;
const DEMO_PASSWORD = "demo1234";
const now = () => performance.timeOrigin + performance.now();

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function summary(values: number[]): string {
  const s = [...values].sort((a, b) => a - b);
  const f = (v: number) => (Number.isNaN(v) ? "-" : v.toFixed(1));
  return `p50 ${f(percentile(s, 50))}  p99 ${f(percentile(s, 99))}  max ${f(s[s.length - 1] ?? NaN)}  (n=${s.length})`;
}

interface Placed {
  channelId: string;
  sentAt: number;
  returnedAt: number;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const dataDir = path.resolve(process.env.DATA_DIR ?? ".data/bench-screen-pop");
  const webPort = Number(process.env.PORT ?? 3320);
  const pgPort = Number(process.env.EMBEDDED_PG_PORT ?? 54369);
  const simPort = Number(process.env.ARI_SIM_PORT ?? (await freePort()));
  const base = `http://127.0.0.1:${webPort}`;
  const simUrl = `http://127.0.0.1:${simPort}`;
  const dbUrl = `postgres://postgres:postgres@127.0.0.1:${pgPort}/aftersales`;
  rmSync(dataDir, { recursive: true, force: true });

  const common = {
    NODE_ENV: "production",
    LOG_LEVEL: "warn",
    SESSION_SECRET: randomBytes(16).toString("hex"),
    DATA_DIR: dataDir,
    ARI_URL: simUrl,
    ARI_USER: "dispatch",
    ARI_PASSWORD: "bench-ari-password",
    ARI_SIM_PORT: String(simPort),
    // production on the simulators only when asked for (platform/env.ts)
    SMS_SIMULATOR: "true",
    EMBEDDED_PG_PORT: String(pgPort),
  };
  const children: Child[] = [];
  const stopAll = async () => {
    // telephony first (it uses the web's embedded PostgreSQL), the web (stops PostgreSQL) last
    for (const c of [...children].reverse()) await c.stop();
  };
  process.on("SIGINT", () => void stopAll().then(() => process.exit(130)));

  try {
    console.log(`starting: ARI simulator :${simPort}, web :${webPort} (embedded PostgreSQL :${pgPort}, ${dataDir}), telephony`);
    const web = startChild("web", "server.ts", { ...common, PORT: String(webPort), HOST: "127.0.0.1", TELEPHONY_IN_PROCESS: "false", SEED_ON_EMPTY: "true" }, { echo: o.echo });
    children.push(web);
    const simulator = startChild("ari-sim", "telephony/simulator/cli.ts", { ...common, ARI_SIM_DTMF_DELAY_MS: String(o.dtmfDelayMs), ARI_SIM_PLAYBACK_MS: "500" }, { echo: o.echo });
    children.push(simulator);
    await waitUntil("the web server (first start: PostgreSQL, migrations, demo data)", async () => (await fetch(`${base}/healthz`)).ok, children, 300_000);
    // the telephony process counts its queries to PostgreSQL (bench/count-queries.mjs) and writes the count on SIGUSR2
    const queriesFile = path.join(dataDir, "telephony-queries");
    const telephony = startChild("telephony", "telephony/main.ts", { ...common, DATABASE_URL: dbUrl, BENCH_QUERIES_FILE: queriesFile }, {
      echo: o.echo,
      // e.g. BENCH_TELEPHONY_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the telephony process
      nodeArgs: ["--import", "./bench/count-queries.mjs", ...(process.env.BENCH_TELEPHONY_NODE_ARGS?.split(" ").filter(Boolean) ?? [])],
    });
    const telephonyQueries = async (): Promise<number> => {
      rmSync(queriesFile, { force: true });
      process.kill(telephony.pid, "SIGUSR2");
      await waitUntilReady(() => existsSync(queriesFile) && readFileSync(queriesFile, "utf8") !== "", 5_000, "the telephony process's query count");
      return Number(readFileSync(queriesFile, "utf8"));
    };
    children.push(telephony);
    await waitUntil(
      "the telephony process to connect",
      async () => ((await (await fetch(`${simUrl}/sim/health`)).json()) as { apps: string[] }).apps.includes("dispatch"),
      children,
      60_000,
    );

    // N operators with the demo password, their phones answering after A ms
    const db = new pg.Client({ connectionString: dbUrl });
    await db.connect();
    const hash = await hashPassword(DEMO_PASSWORD);
    const operators: { id: number; username: string; extension: string }[] = [];
    for (let i = 1; i <= o.operators; i++) {
      const username = `bench-op-${i}`;
      const extension = String(2000 + i);
      const { rows } = await db.query<{ id: number }>(
        `insert into users (username, display_name, role, password_hash) values ($1, $2, 'operator', $3) returning id`,
        [username, `اپراتور آزمون ${i}`, hash],
      );
      const id = Number(rows[0]!.id);
      await db.query(`insert into operators (user_id, extension, presence, presence_since) values ($1, $2, 'offline', now())`, [id, extension]);
      await fetch(`${simUrl}/sim/endpoints/${extension}`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ answer: "auto", afterMs: o.answerMs }),
      }).then((r) => r.arrayBuffer());
      operators.push({ id, username, extension });
    }

    // each signs in, opens its stream, goes available
    const abort = new AbortController();
    const offered = new Map<number, { receivedAt: number; at: number; operatorUserId: number; streamUserId: number }>();
    const counts = { offered: 0, connected: 0, ended: 0, withdrawn: 0, other: 0, wrongStream: 0 };
    const ready = new Set<number>();
    const streams: Promise<void>[] = [];
    for (const op of operators) {
      const cookie = await signIn(base, op.username, DEMO_PASSWORD);
      const res = await fetch(`${base}/desk/events`, { headers: { Cookie: cookie, Accept: "text/event-stream" }, signal: abort.signal });
      if (res.status !== 200 || !res.body) throw new Error(`GET /desk/events for ${op.username}: ${res.status}`);
      const onEvent = (e: SseEvent) => {
        if (e.event === "ready") return void ready.add(op.id);
        if (e.event === "call_offered") {
          counts.offered++;
          const ev = JSON.parse(e.data) as { callId: number; operatorUserId: number; at: string };
          if (ev.operatorUserId !== op.id) counts.wrongStream++;
          if (!offered.has(ev.callId)) offered.set(ev.callId, { receivedAt: e.receivedAt, at: Date.parse(ev.at), operatorUserId: ev.operatorUserId, streamUserId: op.id });
        } else if (e.event === "call_connected") counts.connected++;
        else if (e.event === "call_ended") counts.ended++;
        else if (e.event === "call_withdrawn") counts.withdrawn++;
        else if (e.event !== "presence" && e.event !== "bye") counts.other++;
      };
      streams.push(readSse(res.body, onEvent).catch(() => {}));
      await setPresence(base, cookie, "available");
    }
    await waitUntilReady(() => ready.size === operators.length, 15_000, "every stream's ready event");
    console.log(`${operators.length} operators signed in, available, streams open`);

    const placed: Placed[] = [];
    const failures: string[] = [];
    const hangups: Promise<unknown>[] = [];
    const placeCall = async (record: boolean) => {
      const sentAt = now();
      const res = await fetch(`${simUrl}/sim/calls`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ from: `0912${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`, to: "1500", dtmf: "1" }),
      });
      const returnedAt = now();
      const body = (await res.json()) as { id?: string; message?: string };
      if (!res.ok || !body.id) {
        failures.push(`${res.status} ${body.message ?? ""}`);
        return;
      }
      const channelId = body.id;
      if (record) placed.push({ channelId, sentAt, returnedAt });
      await new Promise((r) => setTimeout(r, Math.max(0, o.holdMs - (now() - sentAt))));
      hangups.push(fetch(`${simUrl}/sim/calls/${channelId}/hangup`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" }).then((r) => r.arrayBuffer()));
    };
    const runAt = async (rate: number, seconds: number, record: boolean) => {
      const interval = 1000 / rate;
      const total = Math.round(rate * seconds);
      const start = now();
      const calls: Promise<void>[] = [];
      for (let i = 0; i < total; i++) {
        const wait = start + i * interval - now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        calls.push(placeCall(record).catch((e: unknown) => void failures.push(String(e))));
      }
      await Promise.all(calls);
    };

    // warm-up: 3 s at a fifth of the rate, not counted
    await runAt(Math.max(1, Math.round(o.rate / 5)), 3, false);
    await new Promise((r) => setTimeout(r, 1500));
    offered.clear();
    for (const k of Object.keys(counts) as (keyof typeof counts)[]) counts[k] = 0;

    const loadBefore = loadavg();
    const cpuBefore = children.map((c) => cpuSeconds(c.pid));
    const benchCpuBefore = process.cpuUsage();
    const queriesBefore = await telephonyQueries();
    console.log(`load average before: ${loadBefore.map((l) => l.toFixed(2)).join(" ")}; ${o.rate} calls/s for ${o.seconds} s…`);
    await runAt(o.rate, o.seconds, true);
    await Promise.all(hangups);
    await new Promise((r) => setTimeout(r, 3000)); // late events
    const loadAfter = loadavg();
    const benchCpu = process.cpuUsage(benchCpuBefore);
    const queries = (await telephonyQueries()) - queriesBefore;
    const perCall = (seconds: number) => (placed.length ? ((seconds * 1000) / placed.length).toFixed(1) : "-");
    const cpu = children.map((c, i) => {
      const [a, b] = [cpuSeconds(c.pid), cpuBefore[i]!];
      const own = a.own - b.own;
      const below = a.below - b.below;
      return `${c.name} ${own.toFixed(1)} (${perCall(own)} ms/call)${below > 0.05 ? ` + below it ${below.toFixed(1)} (${perCall(below)} ms/call)` : ""}`;
    });
    cpu.push(`this bench ${((benchCpu.user + benchCpu.system) / 1e6).toFixed(1)}`);

    // the calls' ids and the database's own timestamps (transaction start times): started_at is the
    // StasisStart's insert, enqueued_at the end of the IVR
    const { rows } = await db.query<{ id: string; channel_id: string; started_at: Date; enqueued_at: Date | null }>(
      "select id, channel_id, started_at, enqueued_at from calls where channel_id = any($1)",
      [placed.map((p) => p.channelId)],
    );
    const byChannel = new Map(rows.map((r) => [r.channel_id, r]));
    const fromSent: number[] = [];
    const fromReturned: number[] = [];
    const postRtt: number[] = [];
    const toInsert: number[] = [];
    const ivr: number[] = [];
    const acd: number[] = [];
    const notifyToSse: number[] = [];
    let missing = 0;
    let noRow = 0;
    for (const p of placed) {
      postRtt.push(p.returnedAt - p.sentAt);
      const row = byChannel.get(p.channelId);
      if (!row) {
        noRow++;
        missing++;
        continue;
      }
      const ev = offered.get(Number(row.id));
      if (!ev) {
        missing++;
        continue;
      }
      fromSent.push(ev.receivedAt - p.sentAt);
      fromReturned.push(ev.receivedAt - p.returnedAt);
      toInsert.push(row.started_at.getTime() - p.sentAt);
      if (row.enqueued_at) {
        ivr.push(row.enqueued_at.getTime() - row.started_at.getTime());
        acd.push(ev.at - row.enqueued_at.getTime());
      }
      notifyToSse.push(ev.receivedAt - ev.at);
    }
    abort.abort();
    await db.end();

    const sorted = [...fromSent].sort((a, b) => a - b);
    const p99 = percentile(sorted, 99);
    console.log("");
    console.log(`calls placed ${placed.length} (${failures.length} POSTs failed), call_offered events received ${counts.offered} (${offered.size} calls), missing ${missing}${noRow ? ` (${noRow} never reached the database)` : ""}`);
    console.log(`other events: call_connected ${counts.connected}, call_ended ${counts.ended}, call_withdrawn ${counts.withdrawn}; events on a stream not theirs ${counts.wrongStream}`);
    console.log(`StasisStart → call_offered at the SSE client, ms, from the POST sent:     ${summary(fromSent)}`);
    console.log(`                                                   from the POST returned: ${summary(fromReturned)}`);
    console.log(`breakdown, ms: POST round trip                     ${summary(postRtt)}`);
    console.log(`               POST sent → call row (StasisStart)  ${summary(toInsert)}`);
    console.log(`               call row → queued (IVR, key 1)      ${summary(ivr)}`);
    console.log(`               queued → offer committed (ACD)      ${summary(acd)}`);
    console.log(`               offer → SSE client (NOTIFY, web)    ${summary(notifyToSse)}`);
    console.log(`CPU seconds used while calls were placed (+3 s), by process: ${cpu.join(", ")} (web: below it = its PostgreSQL)`);
    console.log(`telephony queries to PostgreSQL (round trips): ${queries} (${placed.length ? (queries / placed.length).toFixed(1) : "-"} per call)`);
    console.log(`load average: before ${loadBefore.map((l) => l.toFixed(2)).join(" ")}, after ${loadAfter.map((l) => l.toFixed(2)).join(" ")}`);
    console.log(`target p99 ≤ ${TARGET_P99_MS} ms: ${p99 <= TARGET_P99_MS && missing === 0 ? "met" : "NOT met"} (p99 ${p99.toFixed(1)} ms, missing ${missing})`);
    if (failures.length) console.log(`first failures: ${failures.slice(0, 5).join("; ")}`);
  } finally {
    await stopAll();
    for (const c of children) if (!c.exited) console.warn(`${c.name} (pid ${c.pid}) did not stop`);
  }
}

async function waitUntilReady(check: () => boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
