import http from "node:http";

/*
 * The benchmarks' HTTP client: kept-alive node:http connections (a lighter load generator than fetch on
 * the same two cores), cookies kept per client, and sign-in through the real sign-in form as a browser
 * without JavaScript does. Shared by bench/pages.ts and bench/reports.ts.
 */

/** A page as the client received it. */
export interface Page {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/** Plain node:http with kept-alive connections: a lighter load generator than fetch on the same two cores. */
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function request(url: string, headers: Record<string, string>): Promise<Page> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), headers: res.headers }));
      res.on("error", reject);
    });
    req.on("error", reject);
  });
}

export class Client {
  private cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  private remember(setCookies: string[] | undefined) {
    for (const c of setCookies ?? []) {
      const [pair] = c.split(";");
      const eq = pair!.indexOf("=");
      if (eq > 0) this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
  }

  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  async get(path: string): Promise<Page> {
    const res = await request(this.base + path, { Cookie: this.cookieHeader() });
    this.remember(res.headers["set-cookie"]);
    return res;
  }

  /** Signs in like a browser without JavaScript: the sign-in form's own fields, posted with the server's Origin. */
  async signIn(username: string, password: string) {
    const page = await this.get("/login");
    const html = page.body;
    const form = [...html.matchAll(/<form\b[\s\S]*?<\/form>/g)].map((m) => m[0]).find((f) => /name="password"/.test(f));
    if (!form) throw new Error(`GET /login: no sign-in form (status ${page.status})`);
    const fields = new URLSearchParams();
    for (const m of form.matchAll(/<input\b[^>]*>/g)) {
      const tag = m[0];
      if (!/type="hidden"/.test(tag)) continue;
      const name = /name="([^"]*)"/.exec(tag)?.[1];
      if (name) fields.set(name, decodeEntities(/value="([^"]*)"/.exec(tag)?.[1] ?? ""));
    }
    fields.set("username", username);
    fields.set("password", password);
    const res = await fetch(`${this.base}/login`, {
      method: "POST",
      body: fields,
      redirect: "manual",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Origin: new URL(this.base).origin,
        Referer: `${this.base}/login`,
        Cookie: this.cookieHeader(),
      },
    });
    this.remember(res.headers.getSetCookie());
    await res.arrayBuffer();
    if (res.status !== 302 && res.status !== 303) throw new Error(`sign-in as ${username} answered ${res.status}`);
    return res.headers.get("Location") ?? "/";
  }

  /** A route's loader data as the browser fetches it on client-side navigation. */
  async data<T>(path: string, routeId: string): Promise<T> {
    const sep = path.includes("?") ? "&" : "?";
    const res = await this.get(`${path}${sep}_data=${encodeURIComponent(routeId)}`);
    if (res.status !== 200) throw new Error(`GET ${path} (${routeId}) answered ${res.status}`);
    return JSON.parse(res.body) as T;
  }
}

function decodeEntities(s: string) {
  return s.replace(/&amp;/g, "&").replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">");
}

export function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export interface Timing {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** the size of the last answer */
  bytes: number;
  errors: number;
  firstError?: string;
}

/**
 * Times `n` requests one at a time after 3 warm-ups; `pathOf(i)` gives the i-th request's path (warm-ups
 * get paths of their own, so a rotating case does not warm the very rows it then measures).
 */
export async function timeRequests(client: Client, pathOf: (i: number) => string, n: number): Promise<Timing> {
  const ms: number[] = [];
  let errors = 0;
  let bytes = 0;
  let firstError: string | undefined;
  for (let i = -3; i < n; i++) {
    const path = pathOf(Math.max(i, 0) + 7919 * (i < 0 ? 1 : 0));
    const t0 = performance.now();
    const res = await client.get(path);
    const dt = performance.now() - t0;
    if (i < 0) continue; // warm-up
    bytes = Buffer.byteLength(res.body);
    if (res.status !== 200) {
      errors++;
      firstError ??= `${res.status} ${path}`;
    }
    ms.push(dt);
  }
  ms.sort((a, b) => a - b);
  return { p50: percentile(ms, 50), p95: percentile(ms, 95), p99: percentile(ms, 99), max: ms.at(-1)!, bytes, errors, firstError };
}
