/**
 * Child processes for the multi-process benchmarks and tests: the web server, the telephony shell and the ARI
 * simulator each run as a process of their own (`node --import tsx <entry>`, i.e. what `npx tsx <entry>` runs,
 * without npx's extra process in between, so the pid is the program's). Each is the leader of a process group
 * of its own, so that what it starts (a `remix build`) ends with it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";

export interface Child {
  name: string;
  pid: number;
  /** the last lines it printed (stdout and stderr), for a failure's message */
  output: string[];
  exited: boolean;
  /** SIGTERM (a clean shutdown), then after `graceMs` SIGKILL to its whole process group */
  stop(graceMs?: number): Promise<void>;
}

const KEEP_LINES = 200;

export function startChild(name: string, entry: string, env: Record<string, string>, o: { echo?: boolean; nodeArgs?: string[] } = {}): Child {
  const proc: ChildProcess = spawn(process.execPath, [...(o.nodeArgs ?? []), "--import", "tsx", entry], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  if (!proc.pid) throw new Error(`${name}: could not start ${entry}`);
  const output: string[] = [];
  const take = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) {
      if (!line.trim()) continue;
      output.push(line);
      if (output.length > KEEP_LINES) output.shift();
      if (o.echo) console.log(`[${name}] ${line}`);
    }
  };
  proc.stdout!.on("data", take);
  proc.stderr!.on("data", take);
  const exit = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
  const child: Child = {
    name,
    pid: proc.pid,
    output,
    exited: false,
    async stop(graceMs = 15_000) {
      if (!child.exited) {
        try {
          process.kill(proc.pid!, "SIGTERM");
        } catch {
          /* already gone */
        }
        await Promise.race([exit, new Promise((r) => setTimeout(r, graceMs))]);
      }
      try {
        process.kill(-proc.pid!, "SIGKILL");
      } catch {
        /* the group is gone */
      }
    },
  };
  void exit.then(() => (child.exited = true));
  return child;
}

/** Waits until `check` answers true; fails early (with the child's last lines) when one of `children` exited. */
export async function waitUntil(what: string, check: () => Promise<boolean>, children: Child[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    const dead = children.find((c) => c.exited);
    if (dead) throw new Error(`${dead.name} exited while waiting for ${what}:\n${dead.output.slice(-40).join("\n")}`);
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}\n${children.map((c) => `--- ${c.name}\n${c.output.slice(-20).join("\n")}`).join("\n")}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface SseEvent {
  event: string;
  data: string;
  /** when the block was read off the socket (performance.timeOrigin + performance.now(), ms) */
  receivedAt: number;
}

/**
 * Reads a server-sent event stream from `body`, calling `onEvent` for each event as its block completes.
 * Resolves when the stream ends or `signal` aborts.
 */
export async function readSse(body: ReadableStream<Uint8Array>, onEvent: (e: SseEvent) => void): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) return;
      const receivedAt = performance.timeOrigin + performance.now();
      buffer += decoder.decode(chunk.value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        if (!event) continue;
        onEvent({ event, data: /^data: (.*)$/m.exec(block)?.[1] ?? "", receivedAt });
      }
    }
  } catch (e) {
    if ((e as Error).name !== "AbortError") throw e;
  } finally {
    reader.releaseLock();
  }
}

/** Signs in through the login form as a browser does; returns the session cookie (`name=value`). */
export async function signIn(base: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${base}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: new URL(base).origin },
    body: new URLSearchParams({ username, password }).toString(),
  });
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0]!)
    .find((c) => c.startsWith("__session="));
  await res.arrayBuffer();
  if (res.status !== 302 || !cookie) throw new Error(`signing in as ${username} failed (status ${res.status})`);
  return cookie;
}

/** The desk's presence switch (the form of /desk), as a browser without JavaScript posts it. */
export async function setPresence(base: string, cookie: string, presence: "available" | "on_break" | "offline"): Promise<void> {
  const res = await fetch(`${base}/desk?index`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: new URL(base).origin, Cookie: cookie },
    body: new URLSearchParams({ intent: "presence", presence }).toString(),
  });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`setting presence ${presence} failed (status ${res.status})`);
}

/**
 * CPU seconds (user + system, Linux /proc) used so far by a process and, separately, by everything below it
 * (for the web: its embedded PostgreSQL and every backend; finished children that were waited for count too).
 * Zeros where /proc is not there.
 */
export function cpuSeconds(pid: number): { own: number; below: number } {
  const tick = 100; // USER_HZ on Linux
  const stats = new Map<number, { ppid: number; own: number; reaped: number }>();
  let entries: string[] = [];
  try {
    entries = readdirSync("/proc").filter((d) => /^\d+$/.test(d));
  } catch {
    return { own: 0, below: 0 };
  }
  for (const d of entries) {
    try {
      const text = readFileSync(`/proc/${d}/stat`, "utf8");
      const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
      // after the name: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14)
      stats.set(Number(d), { ppid: Number(f[1]), own: (Number(f[11]) + Number(f[12])) / tick, reaped: (Number(f[13]) + Number(f[14])) / tick });
    } catch {
      /* gone meanwhile */
    }
  }
  const root = stats.get(pid);
  if (!root) return { own: 0, below: 0 };
  let below = root.reaped;
  const todo = [pid];
  while (todo.length) {
    const parent = todo.pop()!;
    for (const [p, s] of stats) {
      if (s.ppid !== parent) continue;
      below += s.own + s.reaped;
      todo.push(p);
    }
  }
  return { own: root.own, below };
}
