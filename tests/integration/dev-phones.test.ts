/**
 * The simulated customers' phones page (/dev/phones), its loader and action called as Remix calls them,
 * against a real ARI simulator driven by the real telephony shell (ari-client) on a real database: it is a 404
 * with a real Asterisk (ARI_URL set); a follow-up call rings the customer's phone, is answered on the page,
 * shows what is playing, and the 5 pressed on the page's keypad is the recorded score; busy and reject end an
 * attempt with their causes; the page places an inbound call the way the desk's panel does; a simulator that
 * does not answer is said, not a 500.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { AppLoadContext } from "@remix-run/node";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { action, loader } from "../../app/routes/dev.phones";
import { loadEnv } from "../../platform/env";
import type { Actor } from "../../services/actor";
import { registerFromCall } from "../../services/intake";
import { requestSurveyCall, surveyConfigOf } from "../../services/satisfaction";
import { changeTicketStatus } from "../../services/tickets";
import { formRequest } from "../support/context";
import { startAriSimulator } from "../../telephony/simulator";
import { ARI_PASSWORD, ARI_USER, callRow, printLogOnFailure, startRig, waitFor, type Rig } from "../support/telephony";

let rig: Rig;
let operator: Actor;
printLogOnFailure(() => [rig?.log]);

const BASE_ENV = { NODE_ENV: "test", SESSION_SECRET: "test-secret-test-secret", DATA_DIR: ".data/test-env" } as const;

/** The web shell's context in development on the simulator: ARI_URL unset, the simulator on ARI_SIM_PORT. */
function pageCtx(extra: Record<string, string> = {}): AppLoadContext {
  const port = new URL(rig.sim.url).port;
  return { db: rig.db, env: loadEnv({ ...BASE_ENV, ARI_SIM_PORT: port, ...extra }), clientIp: "127.0.0.1" };
}

function get() {
  return new Request("http://localhost/dev/phones");
}

async function load(ctx = pageCtx()) {
  return loader({ request: get(), params: {}, context: ctx });
}

async function act(fields: Record<string, string>, ctx = pageCtx()) {
  const r = (await action({ request: formRequest("/dev/phones", fields), params: {}, context: ctx })) as unknown;
  if (r instanceof Response) return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  return { status: 200, body: r as Record<string, unknown> };
}

async function thrownStatus(p: Promise<unknown>): Promise<number> {
  try {
    await p;
  } catch (e) {
    if (e instanceof Response) return e.status;
    throw e;
  }
  return 200;
}

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "dev-phones-test-"));
  // sounds last 2 s (not the usual 50 ms), so the page can be seen saying what plays
  const simulator = await startAriSimulator({ port: 0, user: ARI_USER, password: ARI_PASSWORD, recordingsDir: path.join(dir, "ari-sim-recordings"), playbackMs: 2000 });
  rig = await startRig({
    dir,
    sim: simulator,
    env: {
      SATISFACTION_DELAY_DAYS: "0",
      SATISFACTION_CALL_ATTEMPTS: "3",
      SATISFACTION_RETRY_MINUTES: "0",
      SATISFACTION_KEY_TIMEOUT_SECONDS: "10",
      SATISFACTION_RING_SECONDS: "20",
    },
  });
  const u = await rig.db
    .insertInto("users")
    .values({ username: "phones-op", display_name: "سارا محمدی", role: "operator", password_hash: "x" })
    .returning("id")
    .executeTakeFirstOrThrow();
  operator = { kind: "user", userId: u.id };
});

afterAll(async () => {
  await rig?.tel.stop();
  await rig?.sim.close();
});

/** A completed job of a customer on `local` (09…) whose follow-up call is asked for now; returns the survey and the call. */
async function followUpCall(local: string) {
  const r = await registerFromCall(rig.db, operator, {
    idempotencyKey: randomUUID(),
    kind: "breakdown",
    customer: { fullName: "حمید صادقی", mobile: `+98${local.slice(1)}`, nationalCode: null },
    description: "ماشین لباسشویی آب را تخلیه نمی‌کند",
  });
  await changeTicketStatus(rig.db, operator, { ticketId: r.ticketId, to: "in_progress" });
  await changeTicketStatus(rig.db, operator, { ticketId: r.ticketId, to: "completed", followUp: surveyConfigOf(rig.env) });
  const s = await rig.db.selectFrom("satisfaction_surveys").select(["id"]).where("ticket_id", "=", r.ticketId).executeTakeFirstOrThrow();
  await rig.db.updateTable("satisfaction_surveys").set({ next_attempt_at: sql<Date>`now()` }).where("id", "=", s.id).execute();
  const call = await requestSurveyCall(rig.db, s.id);
  if (!call) throw new Error("no call requested");
  return { surveyId: s.id, callId: call.callId };
}

async function ringingOn(local: string) {
  return waitFor(async () => (await load()).calls.find((c) => c.number === local && c.state === "ringing"), 10_000, `${local}'s phone to ring`);
}

async function survey(id: number) {
  return rig.db.selectFrom("satisfaction_surveys").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

describe("/dev/phones", () => {
  it("is a 404, loader and action, with a real Asterisk (ARI_URL set)", async () => {
    const real = pageCtx({ ARI_URL: rig.sim.url });
    expect(await thrownStatus(load(real))).toBe(404);
    expect(await thrownStatus(act({ intent: "ring", ring: "never" }, real))).toBe(404);
    expect(await thrownStatus(act({ intent: "answer", id: "1.1" }, real))).toBe(404);
  });

  it("is a 404 in production unless DEV_PAGES=true (a deployment without an Asterisk must not show its callers)", async () => {
    const production = pageCtx({ NODE_ENV: "production", ARI_SIMULATOR: "true", SMS_SIMULATOR: "true" });
    expect(await thrownStatus(load(production))).toBe(404);
    expect(await thrownStatus(act({ intent: "answer", id: "1.1" }, production))).toBe(404);
    expect(await load(pageCtx({ NODE_ENV: "production", ARI_SIMULATOR: "true", SMS_SIMULATOR: "true", DEV_PAGES: "true" }))).toMatchObject({ calls: expect.any(Array) });
  });

  it("customers' phones ring until answered on the page; the 5 pressed on its keypad is the follow-up's score", async () => {
    expect(await act({ intent: "ring", ring: "never" })).toMatchObject({ status: 200, body: { ok: true, message: "devPhones.ringNeverSaved" } });
    expect((await load()).ring).toBe("never");
    const { surveyId, callId } = await followUpCall("09121240001");
    const ringing = await ringingOn("09121240001");
    expect(ringing).toMatchObject({ direction: "outbound", state: "ringing" });

    expect(await act({ intent: "answer", id: ringing.id })).toMatchObject({ status: 200, body: { ok: true, message: "devPhones.answered", id: ringing.id } });
    await waitFor(async () => (await callRow(rig.db, callId)).state === "connected", 10_000, "the call to be connected");
    // the question plays (the simulator says what), then the call waits for a key
    const up = await waitFor(async () => (await load()).calls.find((c) => c.id === ringing.id && c.state === "up"), 10_000, "the call to be up");
    expect(up.number).toBe("09121240001");
    // answering twice is said, not a 500
    expect(await act({ intent: "answer", id: ringing.id })).toMatchObject({ status: 409, body: { ok: false, message: "devPhones.notRinging" } });

    expect(await act({ intent: "dtmf", id: ringing.id, digits: "5" })).toMatchObject({ status: 200, body: { ok: true, message: "devPhones.keyed", params: { digits: "5" } } });
    const s = await waitFor(async () => {
      const row = await survey(surveyId);
      return row.status === "answered" ? row : null;
    }, 10_000, "the score to be recorded");
    expect(s).toMatchObject({ score: 5, channel: "ivr_dtmf" });
    // thanks, then the application hangs up: the call leaves the page
    await waitFor(async () => !(await load()).calls.some((c) => c.id === ringing.id), 10_000, "the call to end");
    expect(await act({ intent: "hangup", id: ringing.id })).toMatchObject({ status: 409, body: { ok: false, message: "devPhones.gone" } });
  });

  it("shows the survey question while it plays", async () => {
    const { callId } = await followUpCall("09121240002");
    const ringing = await ringingOn("09121240002");
    await act({ intent: "answer", id: ringing.id });
    const playing = await waitFor(
      async () => (await load()).calls.find((c) => c.id === ringing.id && c.playing !== null),
      10_000,
      "something to play",
    );
    expect(playing).toMatchObject({ playing: "sound:custom/dispatch-survey-question", playingLabel: "devPhones.sound.surveyQuestion" });
    expect(await act({ intent: "hangup", id: ringing.id })).toMatchObject({ status: 200, body: { ok: true, message: "devPhones.hungUp" } });
    await waitFor(async () => (await callRow(rig.db, callId)).state === "ended", 10_000, "the call to end");
  });

  it("busy and reject decline a ringing follow-up call with their causes (the no-answer path)", async () => {
    const { surveyId, callId } = await followUpCall("09121240003");
    const first = await ringingOn("09121240003");
    expect(await act({ intent: "busy", id: first.id })).toMatchObject({ status: 200, body: { ok: true, message: "devPhones.declinedBusy" } });
    const ended = await waitFor(async () => {
      const c = await callRow(rig.db, callId);
      return c.state === "ended" ? c : null;
    }, 10_000, "the busy call to end");
    expect(ended.hangup_cause).toBe(17);
    // the retry (SATISFACTION_RETRY_MINUTES=0) is the workers' job; here it is asked for directly
    await waitFor(async () => (await survey(surveyId)).attempts === 1, 10_000, "the attempt to be counted");
    await rig.db.updateTable("satisfaction_surveys").set({ next_attempt_at: sql<Date>`now()` }).where("id", "=", surveyId).execute();
    const second = await requestSurveyCall(rig.db, surveyId);
    const ringing = await ringingOn("09121240003");
    expect(await act({ intent: "reject", id: ringing.id })).toMatchObject({ status: 200, body: { ok: true, message: "devPhones.rejected" } });
    const c2 = await waitFor(async () => {
      const c = await callRow(rig.db, second!.callId);
      return c.state === "ended" ? c : null;
    }, 10_000, "the rejected call to end");
    expect(c2.hangup_cause).toBe(21);
  });

  it("places a customer's call to the hotline the way the desk's panel does; the caller shows as ringing or up", async () => {
    const r = await act({ intent: "call", from: "۰۹۱۲ ۱۲۴ ۰۰۰۴", digit: "1", ticketNumber: "" });
    expect(r).toMatchObject({ status: 200, body: { about: "call", ok: true, message: "sim.started" } });
    const id = String((r.body.params as { id: string }).id);
    const call = await waitFor(async () => (await load()).calls.find((c) => c.id === id), 10_000, "the inbound call to be listed");
    expect(call).toMatchObject({ number: "09121240004", direction: "inbound" });
    expect(await act({ intent: "hangup", id })).toMatchObject({ status: 200, body: { ok: true } });
    await waitFor(async () => !(await load()).calls.some((c) => c.id === id), 10_000, "the call to end");
  });

  it("refuses bad input with a 400 and a message, never a 500", async () => {
    expect(await act({ intent: "dtmf", id: "1.1", digits: "55" })).toMatchObject({ status: 400, body: { ok: false, message: "devPhones.badInput" } });
    expect(await act({ intent: "answer", id: "../sim/health" })).toMatchObject({ status: 400, body: { message: "devPhones.badInput" } });
    expect(await act({ intent: "ring", ring: "busy" })).toMatchObject({ status: 400 });
    expect(await act({ intent: "call", from: "12", digit: "1" })).toMatchObject({ status: 400, body: { about: "call", message: "sim.badInput", values: { from: "12" } } });
    expect(await act({ intent: "answer", id: "1796067799.999" })).toMatchObject({ status: 409, body: { message: "devPhones.gone" } });
  });

  it("says the simulator is unreachable when it does not answer", async () => {
    const down = pageCtx({ ARI_SIM_PORT: "9" });
    expect(await load(down)).toMatchObject({ unreachable: "http://127.0.0.1:9", calls: [] });
    expect(await act({ intent: "answer", id: "1.1" }, down)).toMatchObject({ status: 503, body: { message: "devPhones.unreachable" } });
  });
});
