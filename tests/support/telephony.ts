import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterEach } from "vitest";
import type { DB } from "../../db/connection";
import { loadEnv, type Env } from "../../platform/env";
import type { Logger } from "../../platform/logger";
import { startTelephony, type Telephony, type TelephonyOptions } from "../../telephony";
import { startAriSimulator, type AriSimulator } from "../../telephony/simulator";
import { getTestDb, getTestDbUrl } from "./db";

/**
 * A real ARI simulator, a real telephony process (ari-client and all) and this test file's PostgreSQL.
 * Timings are short so that a ring timeout or an IVR timeout takes about a second.
 */
export const ARI_USER = "dispatch";
export const ARI_PASSWORD = "test-password";

export interface LogLine {
  level: "debug" | "info" | "warn" | "error";
  message: string;
}

export function captureLog(lines: LogLine[], echo = process.env.TELEPHONY_TEST_LOG === "1"): Logger {
  const add = (level: LogLine["level"]) => (message: string, error?: unknown) => {
    const text = error === undefined ? message : `${message}: ${error instanceof Error ? error.message : String(error)}`;
    lines.push({ level, message: text });
    if (echo) console.log(`[${level}] ${text}`);
  };
  return { debug: add("debug"), info: add("info"), warn: add("warn"), error: add("error") };
}

export function testEnv(dir: string, ariUrl: string, extra: Record<string, string> = {}): Env {
  return loadEnv({
    NODE_ENV: "test",
    SESSION_SECRET: "test-secret-test-secret",
    DATA_DIR: dir,
    RECORDINGS_DIR: path.join(dir, "recordings"),
    ARI_URL: ariUrl,
    ARI_USER,
    ARI_PASSWORD,
    ARI_APP: "dispatch",
    IVR_TIMEOUT_SECONDS: "1",
    ACD_RING_SECONDS: "2",
    CALLBACK_OFFER_AFTER_SECONDS: "60",
    ARI_RECONNECT_MAX_SECONDS: "2",
    ...extra,
  });
}

export async function startSimulator(dir: string, port = 0): Promise<AriSimulator> {
  return startAriSimulator({ port, user: ARI_USER, password: ARI_PASSWORD, recordingsDir: path.join(dir, "ari-sim-recordings"), playbackMs: 50 });
}

export interface Rig {
  db: DB;
  dir: string;
  sim: AriSimulator;
  env: Env;
  tel: Telephony;
  log: LogLine[];
  dbUrl: string;
}

export async function startRig(
  o: { env?: Record<string, string>; telephony?: Partial<TelephonyOptions>; sim?: AriSimulator; dir?: string } = {},
): Promise<Rig> {
  const db = await getTestDb();
  const dbUrl = await getTestDbUrl();
  const dir = o.dir ?? mkdtempSync(path.join(tmpdir(), "telephony-test-"));
  const sim = o.sim ?? (await startSimulator(dir));
  const env = testEnv(dir, sim.url, o.env);
  const log: LogLine[] = [];
  const tel = startTelephony({ db, env, log: captureLog(log), databaseUrl: dbUrl, sweepMs: 300, initialReconnectDelayMs: 100, ...o.telephony });
  await waitFor(() => tel.state.connected, 10_000, "the telephony app to connect");
  return { db, dir, sim, env, tel, log, dbUrl };
}

export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 10_000, what = "a condition"): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** POST to the simulator's control API. */
export async function sim(simulator: AriSimulator, pathName: string, body: unknown = {}): Promise<Record<string, unknown>> {
  const res = await fetch(`${simulator.url}${pathName}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`simulator ${pathName}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

let userSeq = 0;
/** An operator (desk user with an extension), available unless told otherwise, idle since `idleSince`. */
export async function addOperator(
  db: DB,
  extension: string,
  o: { presence?: "available" | "on_break" | "offline"; idleSince?: Date; skills?: ("breakdown" | "follow_up" | "complaint")[] } = {},
): Promise<number> {
  const u = await db
    .insertInto("users")
    .values({ username: `op${extension}-${++userSeq}`, display_name: `اپراتور ${extension}`, role: "operator", password_hash: "x" })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db
    .insertInto("operators")
    .values({
      user_id: u.id,
      extension,
      presence: o.presence ?? "available",
      presence_since: o.idleSince ?? new Date(Date.now() - 60_000),
      ...(o.skills ? { skills: o.skills } : {}),
    })
    .execute();
  return u.id;
}

export async function setPresence(db: DB, userId: number, presence: "available" | "on_break" | "offline") {
  await db.updateTable("operators").set({ presence, presence_since: sql<Date>`now()` }).where("user_id", "=", userId).execute();
  await sql`select pg_notify('desk_events', ${JSON.stringify({ type: "presence", operatorUserId: userId, presence, at: new Date().toISOString() })})`.execute(db);
}

export async function callRow(db: DB, callId: number) {
  return db.selectFrom("calls").selectAll().where("id", "=", callId).executeTakeFirstOrThrow();
}

export async function callByChannel(db: DB, channelId: string) {
  return db.selectFrom("calls").selectAll().where("channel_id", "=", channelId).executeTakeFirst();
}

export async function endpointBehaviour(simulator: AriSimulator, extension: string, answer: "auto" | "never" | "busy" | "reject", afterMs = 100) {
  await sim(simulator, `/sim/endpoints/${extension}`, { answer, afterMs });
}

/** Prints the telephony log of a failed test (the why of a timeout), from the given rigs' logs. */
export function printLogOnFailure(logs: () => (LogLine[] | undefined)[]) {
  afterEach((ctx) => {
    if (ctx.task.result?.state !== "fail") return;
    for (const lines of logs()) for (const l of (lines ?? []).slice(-60)) console.log(`[${l.level}] ${l.message}`);
  });
}
