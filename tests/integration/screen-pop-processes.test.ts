import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, readSse, setPresence, signIn, startChild, waitUntil, type Child, type SseEvent } from "../../bench/processes";
import type { DB } from "../../db/connection";
import { DEMO_PASSWORD } from "../../db/seed/demo";
import type { AriSimulator } from "../../telephony/simulator";
import { getTestDb, getTestDbUrl } from "../support/db";
import { ARI_PASSWORD, ARI_USER, endpointBehaviour, sim, startSimulator, waitFor } from "../support/telephony";

// Issue 11 §4: the screen-pop travels through PostgreSQL only. Here the web server and the telephony shell are two
// processes of their own (`node --import tsx server.ts` with TELEPHONY_IN_PROCESS=false, and telephony/main.ts) on
// this file's database; the ARI simulator runs in the test. An operator signs in over HTTP, goes available through
// the desk's form, opens /desk/events; a simulated call must reach that stream as call_offered, then call_connected.

let db: DB;
let dir: string;
let simulator: AriSimulator;
let web: Child | undefined;
let telephony: Child | undefined;
let base: string;
const abort = new AbortController();

beforeAll(async () => {
  db = await getTestDb();
  const dbUrl = await getTestDbUrl();
  dir = mkdtempSync(path.join(tmpdir(), "screen-pop-"));
  simulator = await startSimulator(dir);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const common = {
    NODE_ENV: "test",
    LOG_LEVEL: "info",
    SESSION_SECRET: "screen-pop-test-secret",
    DATABASE_URL: dbUrl,
    DATA_DIR: dir,
    ARI_URL: simulator.url,
    ARI_USER,
    ARI_PASSWORD,
    IVR_TIMEOUT_SECONDS: "1",
    ACD_RING_SECONDS: "5",
    MAP_TILE_URL: "none",
  };
  // The database is empty (migrated): the web server loads the demo data set on its first start.
  web = startChild("web", "server.ts", { ...common, PORT: String(port), HOST: "127.0.0.1", TELEPHONY_IN_PROCESS: "false", SEED_ON_EMPTY: "true" });
  telephony = startChild("telephony", "telephony/main.ts", common);
  const ready = async () => (await fetch(`${base}/healthz`)).ok;
  await waitUntil("the web server", ready, [web, telephony], 170_000);
  await waitUntil(
    "the telephony process to connect to the simulator",
    async () => ((await (await fetch(`${simulator.url}/sim/health`)).json()) as { apps: string[] }).apps.includes("dispatch"),
    [web, telephony],
    30_000,
  );
}, 200_000);

afterAll(async () => {
  abort.abort();
  await Promise.all([web?.stop(), telephony?.stop()]);
  await simulator?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 40_000);

describe("screen-pop with web and telephony as separate processes", () => {
  it("a simulated call reaches the signed-in operator's event stream as call_offered, then call_connected", async () => {
    const operator = await db.selectFrom("users").innerJoin("operators", "operators.user_id", "users.id").select(["users.id", "operators.extension"]).where("username", "=", "operator").executeTakeFirstOrThrow();
    const cookie = await signIn(base, "operator", DEMO_PASSWORD);
    await setPresence(base, cookie, "available");
    expect((await db.selectFrom("operators").select("presence").where("user_id", "=", operator.id).executeTakeFirstOrThrow()).presence).toBe("available");
    await endpointBehaviour(simulator, operator.extension, "auto", 300);

    const res = await fetch(`${base}/desk/events`, { headers: { Cookie: cookie, Accept: "text/event-stream" }, signal: abort.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const events: SseEvent[] = [];
    void readSse(res.body!, (e) => events.push(e)).catch(() => {});
    await waitFor(() => events.some((e) => e.event === "ready"), 10_000, "the stream's ready event (LISTEN in place)");

    const { id: channelId } = (await sim(simulator, "/sim/calls", { from: "09121234567", to: "1500", dtmf: "1" })) as { id: string };
    const call = await waitFor(() => db.selectFrom("calls").select("id").where("channel_id", "=", channelId).executeTakeFirst(), 10_000, "the call row");

    const offered = await waitFor(() => events.find((e) => e.event === "call_offered"), 15_000, "call_offered on the stream");
    expect(JSON.parse(offered.data)).toMatchObject({ type: "call_offered", operatorUserId: operator.id, callId: call.id });
    const connected = await waitFor(() => events.find((e) => e.event === "call_connected"), 15_000, "call_connected on the stream");
    expect(JSON.parse(connected.data)).toMatchObject({ type: "call_connected", operatorUserId: operator.id, callId: call.id });
    expect((await db.selectFrom("calls").select(["state", "operator_user_id"]).where("id", "=", call.id).executeTakeFirstOrThrow())).toMatchObject({ state: "connected", operator_user_id: operator.id });

    // The caller hangs up: the end of the call reaches the stream too.
    await sim(simulator, `/sim/calls/${channelId}/hangup`);
    const ended = await waitFor(() => events.find((e) => e.event === "call_ended"), 15_000, "call_ended on the stream");
    expect(JSON.parse(ended.data)).toMatchObject({ operatorUserId: operator.id, callId: call.id });
    // Both were separate processes all along, and the call was handled by the telephony process.
    expect(web!.pid).not.toBe(telephony!.pid);
    expect(web!.exited || telephony!.exited).toBe(false);
  }, 60_000);
});
