// npm run bench:reports -- [--base URL] [--requests N] [--password P] [--only REGEX] [--server-pid PID]
//
// Issue 14's target: on 1,000,000 tickets (`npm run seed:large`), every management dashboard, report and
// export answers over HTTP with p95 ≤ 200 ms. Against a running server (the production build on the large
// data, see bench/README.md), signs in as the demo manager, supervisor and agency admin through the sign-in
// form, requests each report page and its CSV/XLSX exports N times one at a time (after 3 warm-ups), over
// the default range and over a whole Jalali year, and prints p50/p95/p99/max and the bytes of each answer.
// With --server-pid (the web server's node process, its embedded PostgreSQL below it) it also prints the CPU
// milliseconds per request of the server and of PostgreSQL: on a shared, loaded machine a steadier figure than
// the latency.
import { Client, timeRequests, type Timing } from "./http-client";
import { cpuSeconds } from "./processes";

interface Options {
  base: string;
  requests: number;
  password: string;
  only?: RegExp;
  serverPid?: number;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { base: `http://127.0.0.1:${process.env.PORT ?? 3000}`, requests: 50, password: "demo1234" };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split("=", 2) as [string, string | undefined];
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === "--base") o.base = value.replace(/\/$/, "");
    else if (flag === "--password") o.password = value;
    else if (flag === "--only") o.only = new RegExp(value, "u");
    else if (flag === "--server-pid") {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) throw new Error("--server-pid needs a process id");
      o.serverPid = n;
    }
    else if (flag === "--requests") {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) throw new Error("--requests needs a positive whole number");
      o.requests = n;
    } else throw new Error(`unknown argument ${flag}`);
  }
  return o;
}

const TARGET_P95_MS = 200;

interface ReportCase {
  role: "manager" | "supervisor" | "agency1";
  name: string;
  path: string;
  /** false: the page takes no from/to range (a month picker, a list), so no "(a year)" case */
  ranged?: boolean;
}

/** A whole Jalali year: the widest range people ask of a dashboard. */
const YEAR = "from=1405/01/01&to=1405/12/29";

/** Each report page, and its exports where it has them. Keep in step with the manager menu (app/lib/nav.ts). */
const REPORTS: ReportCase[] = [
  { role: "manager", name: "/manager (home)", path: "/manager" },
  // the delay audit (issue 14, section 1)
  ...withExports({ role: "manager", name: "/manager/delays", path: "/manager/delays" }, "/manager/delays/export?report=ranking"),
  { role: "manager", name: "/manager/delays/tickets (breached)", path: "/manager/delays/tickets?breach=any" },
  // referral-fee revenue and statements (issue 14, section 2)
  { role: "manager", name: "/manager/fees", path: "/manager/fees" },
  ...withExports({ role: "manager", name: "/manager/revenue", path: "/manager/revenue" }, "/manager/revenue/entries/export"),
  { role: "manager", name: "/manager/revenue/entries", path: "/manager/revenue/entries" },
  { role: "agency1", name: "/agency/statement", path: "/agency/statement" },
  // the call centre (issue 14, section 4)
  ...withExports({ role: "manager", name: "/manager/calls", path: "/manager/calls" }, "/manager/calls/export?table=operator"),
  { role: "manager", name: "/manager/calls/list", path: "/manager/calls/list" },
  { role: "supervisor", name: "/desk/wall", path: "/desk/wall" },
  { role: "supervisor", name: "/desk/abandoned", path: "/desk/abandoned" },
  // satisfaction and the voice of the customer (issue 14, section 3)
  ...withExports({ role: "manager", name: "/manager/satisfaction", path: "/manager/satisfaction" }, "/manager/satisfaction/export?report=low"),
  { role: "manager", name: "/manager/satisfaction?by=technician", path: "/manager/satisfaction?by=technician" },
  { role: "manager", name: "/manager/satisfaction?by=month", path: "/manager/satisfaction?by=month" },
  ...withExports({ role: "manager", name: "/manager/voice", path: "/manager/voice" }, "/manager/voice/export"),
  { role: "manager", name: "/manager/voice/repeats", path: "/manager/voice/repeats" },
  { role: "manager", name: "/manager/satisfaction/surveys (low)", path: "/manager/satisfaction/surveys?low=1" },
  // the newer management pages (issue 15): agency scorecards by month, warranty claims, warranty cards, parts
  ...withExports({ role: "manager", name: "/manager/scorecards", path: "/manager/scorecards", ranged: false }, "/manager/scorecards/export"),
  { role: "manager", name: "/manager/scorecards/agencies/1", path: "/manager/scorecards/agencies/1", ranged: false },
  { role: "manager", name: "/manager/claims (submitted)", path: "/manager/claims", ranged: false },
  { role: "manager", name: "/manager/claims (all)", path: "/manager/claims?status=", ranged: false },
  { role: "manager", name: "/manager/warranty-cards", path: "/manager/warranty-cards", ranged: false },
  { role: "manager", name: "/manager/parts (desk)", path: "/manager/parts", ranged: false },
  ...withExports({ role: "manager", name: "/manager/parts/report", path: "/manager/parts/report" }, "/manager/parts/export?report=parts"),
];

/** The same report as CSV and XLSX (the export route answers the page's URL with `format=`). */
export function withExports(c: ReportCase, exportPath: string): ReportCase[] {
  const sep = exportPath.includes("?") ? "&" : "?";
  return [c, { ...c, name: `${c.name} → CSV`, path: `${exportPath}${sep}format=csv` }, { ...c, name: `${c.name} → XLSX`, path: `${exportPath}${sep}format=xlsx` }];
}

interface Result extends Timing {
  c: ReportCase;
  /** CPU ms per request (warm-ups included in the average): the server's own process, and PostgreSQL below it */
  cpu?: { server: number; pg: number };
}

const f = (n: number) => n.toFixed(1).padStart(7);

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const health = await fetch(`${o.base}/healthz`).catch(() => null);
  if (!health?.ok) throw new Error(`no server answering at ${o.base}/healthz: start one first (see bench/README.md)`);
  const clients = new Map<string, Client>();
  for (const role of new Set(REPORTS.map((r) => r.role))) {
    const c = new Client(o.base);
    await c.signIn(role, o.password);
    clients.set(role, c);
  }
  const cases = REPORTS.flatMap((c) => [c, ...(c.path.includes("?") || c.path === "/manager" || c.ranged === false ? [] : [{ ...c, name: `${c.name} (a year)`, path: `${c.path}?${YEAR}` }])]).filter(
    (c) => !o.only || o.only.test(`${c.role} ${c.name}`),
  );
  console.log(`bench/reports against ${o.base}: ${o.requests} requests per report after 3 warm-ups, one at a time; target p95 ≤ ${TARGET_P95_MS} ms`);
  const cpuHead = o.serverPid ? ` ${"srv cpu".padStart(7)} ${"pg cpu".padStart(7)}` : "";
  console.log(`${"role".padEnd(11)} ${"report".padEnd(52)} ${"p50".padStart(7)} ${"p95".padStart(7)} ${"p99".padStart(7)} ${"max".padStart(7)} ${"KiB".padStart(7)}${cpuHead}  ok`);
  const results: Result[] = [];
  for (const c of cases) {
    const cpu0 = o.serverPid ? cpuSeconds(o.serverPid) : null;
    const r: Result = { c, ...(await timeRequests(clients.get(c.role)!, () => c.path, o.requests)) };
    if (cpu0) {
      const cpu1 = cpuSeconds(o.serverPid!);
      const per = (s: number) => (s * 1000) / (o.requests + 3);
      r.cpu = { server: per(cpu1.own - cpu0.own), pg: per(cpu1.below - cpu0.below) };
    }
    results.push(r);
    const verdict = r.errors ? `ERRORS ${r.errors} (${r.firstError})` : r.p95 <= TARGET_P95_MS ? "yes" : `NO (+${(r.p95 - TARGET_P95_MS).toFixed(1)} ms)`;
    const cpuCols = r.cpu ? ` ${f(r.cpu.server)} ${f(r.cpu.pg)}` : "";
    console.log(`${c.role.padEnd(11)} ${c.name.padEnd(52)} ${f(r.p50)} ${f(r.p95)} ${f(r.p99)} ${f(r.max)} ${f(r.bytes / 1024)}${cpuCols}  ${verdict}`);
  }
  if (results.length) {
    const worst = results.reduce((a, b) => (b.p95 > a.p95 ? b : a));
    console.log(`worst: ${worst.c.role} ${worst.c.name}: p95 ${worst.p95.toFixed(1)} ms`);
  }
  const missed = results.filter((r) => r.errors || r.p95 > TARGET_P95_MS).length;
  console.log(missed ? `${missed} target(s) missed` : "every target met");
}

main().catch((err) => {
  console.error(`Error: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
