/**
 * The ARI simulator driven by the real ari-client 2.2.0, the library the telephony app uses: it builds its
 * client from the simulator's api-docs, receives calls started through the control API, answers, plays,
 * bridges, originates to phones that are busy, never answer, reject or answer, records a bridge and
 * downloads the WAV with recordings.getStoredFile. Logins with wrong credentials are refused (checked on the
 * wire: ari-client itself throws uncaught on a rejected login, which the app has to survive, not this test).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { WebSocket } from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readWavInfo } from "../../platform/wav";
import { startAriSimulator, type AriSimulator } from "../../telephony/simulator/index";
import { EventSocket } from "../support/ari-events";

// ---- the part of ari-client 2.2.0 this test uses (the package ships no types) ----
interface AriEventJson {
  type: string;
  args?: string[];
  digit?: string;
  cause?: number;
  cause_txt?: string;
  channel?: { id: string; state: string; caller: { number: string } };
  recording?: { name: string; state: string; duration?: number };
  playback?: { id: string; state: string };
  bridge?: { id: string; channels: string[] };
}
interface AriPlayback {
  id: string;
  state: string;
  once(event: "PlaybackFinished", cb: (e: AriEventJson) => void): void;
}
interface AriChannel {
  id: string;
  state: string;
  name: string;
  answer(): Promise<void>;
  play(o: { media: string }, playback?: AriPlayback): Promise<AriPlayback>;
  hangup(o?: { reason?: string }): Promise<void>;
  startMoh(o?: { mohClass?: string }): Promise<void>;
  originate(o: Record<string, unknown>): Promise<AriChannel>;
}
interface AriBridge {
  id: string;
  bridge_type: string;
  channels: string[];
  addChannel(o: { channel: string | string[] }): Promise<void>;
  record(o: { name: string; format: string; ifExists?: string; beep?: boolean }): Promise<{ name: string; state: string }>;
  startMoh(o?: { mohClass?: string }): Promise<void>;
  destroy(): Promise<void>;
  create(o: { type: string; name?: string }): Promise<AriBridge>;
}
interface AriClient {
  on(type: string, cb: (e: AriEventJson, instance: unknown) => void): void;
  removeListener(type: string, cb: (e: AriEventJson, instance: unknown) => void): void;
  start(app: string): Promise<void>;
  stop(): void;
  Playback(): AriPlayback;
  Channel(): AriChannel;
  Bridge(): AriBridge;
  channels: {
    originate(o: Record<string, unknown>): Promise<AriChannel>;
    get(o: { channelId: string }): Promise<AriChannel>;
    list(): Promise<AriChannel[]>;
    getChannelVar(o: { channelId: string; variable: string }): Promise<{ value: string }>;
  };
  bridges: { create(o: { type: string; name?: string }): Promise<AriBridge> };
  recordings: {
    stop(o: { recordingName: string }): Promise<void>;
    getStoredFile(o: { recordingName: string }): Promise<Buffer>;
    listStored(): Promise<{ name: string; format: string }[]>;
  };
  asterisk: { getInfo(): Promise<{ system: { version: string } }> };
}
const ari = createRequire(import.meta.url)("ari-client") as { connect(url: string, user: string, pass: string): Promise<AriClient> };

const USER = "dispatch";
const PASSWORD = "ari-pass";
const APP = "dispatch";

/** The next event of a type that matches, through ari-client's emitter. */
function nextEvent(client: AriClient, type: string, pred: (e: AriEventJson, instance: unknown) => boolean = () => true, timeoutMs = 10_000) {
  return new Promise<{ event: AriEventJson; instance: unknown }>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.removeListener(type, listener);
      reject(new Error(`no ${type} within ${timeoutMs} ms`));
    }, timeoutMs);
    function listener(event: AriEventJson, instance: unknown) {
      if (!pred(event, instance)) return;
      clearTimeout(timer);
      client.removeListener(type, listener);
      resolve({ event, instance });
    }
    client.on(type, listener);
  });
}

async function control(sim: AriSimulator, p: string, body?: unknown, method = "POST") {
  const res = await fetch(`${sim.url}/sim${p}`, {
    method,
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("ARI simulator with ari-client 2.2.0", () => {
  let sim: AriSimulator;
  let client: AriClient;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "ari-sim-"));
    sim = await startAriSimulator({ port: 0, user: USER, password: PASSWORD, recordingsDir: dir, playbackMs: 100 });
    client = await ari.connect(sim.url, USER, PASSWORD);
    await client.start(APP);
  });

  afterAll(async () => {
    client?.stop();
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("builds its client from the simulator's api-docs", async () => {
    const info = await client.asterisk.getInfo();
    expect(info.system.version).toContain("simulator");
    expect(typeof client.channels.originate).toBe("function");
    expect(typeof client.recordings.getStoredFile).toBe("function");
  });

  it("an inbound call arrives in Stasis ringing; answered, it plays a prompt and then the caller's digits arrive", async () => {
    const started = nextEvent(client, "StasisStart", (e) => e.channel?.caller.number === "09121234567");
    const call = await control(sim, "/calls", { from: "09121234567", to: "02191001570", dtmf: "210000298#" });
    expect(call.status).toBe(201);
    const { event, instance } = await started;
    const channel = instance as AriChannel;
    expect(event.args).toEqual([]);
    expect(channel.id).toBe(call.body.id);
    expect(channel.state).toBe("Ring");

    const digits: string[] = [];
    const collect = (e: AriEventJson) => {
      if (e.channel?.id === channel.id && e.digit) digits.push(e.digit);
    };
    client.on("ChannelDtmfReceived", collect);
    const up = nextEvent(client, "ChannelStateChange", (e) => e.channel?.id === channel.id && e.channel.state === "Up");
    await channel.answer();
    await up;

    const playback = client.Playback();
    const finished = new Promise<AriEventJson>((resolve) => playback.once("PlaybackFinished", resolve));
    const started2 = await channel.play({ media: "sound:custom/dispatch-menu" }, playback);
    expect(started2.id).toBe(playback.id);
    expect((await finished).playback?.state).toBe("done");

    await nextEvent(client, "ChannelDtmfReceived", (e) => e.channel?.id === channel.id && e.digit === "#");
    client.removeListener("ChannelDtmfReceived", collect);
    expect(digits.join("")).toBe("210000298#");

    // a key pressed later (the call-back key while waiting)
    const nine = nextEvent(client, "ChannelDtmfReceived", (e) => e.channel?.id === channel.id);
    expect((await control(sim, `/calls/${channel.id}/dtmf`, { digits: "9" })).status).toBe(200);
    expect((await nine).event.digit).toBe("9");

    // the caller hangs up: hang-up request, Stasis end, destroyed with Normal Clearing
    const request = nextEvent(client, "ChannelHangupRequest", (e) => e.channel?.id === channel.id);
    const ended = nextEvent(client, "StasisEnd", (e) => e.channel?.id === channel.id);
    const destroyed = nextEvent(client, "ChannelDestroyed", (e) => e.channel?.id === channel.id);
    expect((await control(sim, `/calls/${channel.id}/hangup`, {})).status).toBe(200);
    expect((await request).event.cause).toBe(16);
    await ended;
    expect((await destroyed).event).toMatchObject({ cause: 16, cause_txt: "Normal Clearing" });

    // and is gone, as Asterisk says it
    await expect(client.channels.get({ channelId: channel.id })).rejects.toThrow("Channel not found");
  });

  it("originates to phones that are busy, reject, never answer (timeout, or hung up by the app) and answer", async () => {
    await control(sim, "/endpoints/101", { answer: "busy", afterMs: 50 });
    await control(sim, "/endpoints/102", { answer: "reject", afterMs: 50 });
    await control(sim, "/endpoints/103", { answer: "never" });
    await control(sim, "/endpoints/09121234567", { answer: "auto", afterMs: 50 });

    const busy = await client.channels.originate({ endpoint: "PJSIP/101", app: APP, appArgs: "operator,1", timeout: 20 });
    expect(busy.state).toBe("Down");
    expect((await nextEvent(client, "ChannelDestroyed", (e) => e.channel?.id === busy.id)).event).toMatchObject({ cause: 17, cause_txt: "User busy" });

    // an id chosen by the app (originateWithId), as ari-client's client.Channel().originate() does
    const rejecting = client.Channel();
    const rejected = await rejecting.originate({ endpoint: "PJSIP/102", app: APP });
    expect(rejected.id).toBe(rejecting.id);
    expect((await nextEvent(client, "ChannelDestroyed", (e) => e.channel?.id === rejecting.id)).event.cause).toBe(21);

    const silent = await client.channels.originate({ endpoint: "PJSIP/103", app: APP, timeout: 1 });
    await nextEvent(client, "ChannelStateChange", (e) => e.channel?.id === silent.id && e.channel.state === "Ringing");
    expect((await nextEvent(client, "ChannelDestroyed", (e) => e.channel?.id === silent.id)).event.cause).toBe(19);

    const ringing = await client.channels.originate({ endpoint: "PJSIP/103", app: APP, timeout: 30 });
    await nextEvent(client, "ChannelStateChange", (e) => e.channel?.id === ringing.id && e.channel.state === "Ringing");
    const gone = nextEvent(client, "ChannelDestroyed", (e) => e.channel?.id === ringing.id);
    await ringing.hangup();
    expect((await gone).event.cause).toBe(16);

    const answered = nextEvent(client, "StasisStart", (e) => e.args?.[0] === "customer");
    const customer = await client.channels.originate({ endpoint: "PJSIP/09121234567@trunk", app: APP, appArgs: "customer,42", callerId: "02191001570", variables: { DISPATCH_CALL_ID: "42" } });
    const { event } = await answered;
    expect(event.args).toEqual(["customer", "42"]);
    expect(event.channel).toMatchObject({ id: customer.id, state: "Up" });
    expect(customer.name).toMatch(/^PJSIP\/trunk-/);
    expect(await client.channels.getChannelVar({ channelId: customer.id, variable: "DISPATCH_CALL_ID" })).toEqual({ value: "42" });
    const destroyed = nextEvent(client, "ChannelDestroyed", (e) => e.channel?.id === customer.id);
    await customer.hangup({ reason: "normal" });
    await destroyed;
  });

  it("customers' phones (dialled through a trunk) follow /sim/trunk unless set per number; /sim/calls names their number", async () => {
    expect(await control(sim, "/trunk", undefined, "GET")).toEqual({ status: 200, body: { answer: "auto", afterMs: 300 } });
    expect(await control(sim, "/trunk", { answer: "never" })).toEqual({ status: 200, body: { answer: "never", afterMs: 300 } });
    expect((await control(sim, "/trunk", { answer: "sometimes" })).status).toBe(400);
    try {
      // listened for before the originate: under load the event can arrive before its HTTP answer
      const channelId = "trunk-test-43";
      const rings = nextEvent(client, "ChannelStateChange", (e) => e.channel?.id === channelId && e.channel.state === "Ringing");
      const ringing = await client.channels.originate({ endpoint: "PJSIP/09127654321@trunk", app: APP, appArgs: "customer,43", timeout: 30, channelId });
      expect(ringing.id).toBe(channelId);
      await rings;
      const listed = (await (await fetch(`${sim.url}/sim/calls`)).json()) as Record<string, unknown>[];
      expect(listed.find((c) => c.id === ringing.id)).toMatchObject({ state: "Ringing", direction: "outbound", outside_number: "09127654321", playing: null });
      // picked up by hand (as /dev/phones does), then something plays to it
      const up = nextEvent(client, "StasisStart", (e) => e.channel?.id === ringing.id);
      expect((await control(sim, `/calls/${ringing.id}/answer`, {})).status).toBe(200);
      await up;
      const playing = nextEvent(client, "PlaybackStarted");
      await ringing.play({ media: "sound:custom/dispatch-survey-question" });
      await playing;
      const now = (await (await fetch(`${sim.url}/sim/calls`)).json()) as Record<string, unknown>[];
      expect(now.find((c) => c.id === ringing.id)).toMatchObject({ state: "Up", playing: "sound:custom/dispatch-survey-question" });
      const gone = nextEvent(client, "ChannelDestroyed", (e) => e.channel?.id === ringing.id);
      await control(sim, `/calls/${ringing.id}/hangup`, {});
      await gone;
      // a number's own behaviour wins; an operator's phone (no trunk) keeps answering by itself
      await control(sim, "/endpoints/09127654322", { answer: "auto", afterMs: 50 });
      const own = nextEvent(client, "StasisStart", (e) => e.args?.[0] === "customer" && e.args?.[1] === "44");
      const mine = await client.channels.originate({ endpoint: "PJSIP/09127654322@trunk", app: APP, appArgs: "customer,44" });
      await own;
      const operatorUp = nextEvent(client, "StasisStart", (e) => e.args?.[0] === "operator" && e.args?.[1] === "45");
      const op = await client.channels.originate({ endpoint: "PJSIP/104", app: APP, appArgs: "operator,45" });
      await operatorUp;
      const opListed = ((await (await fetch(`${sim.url}/sim/calls`)).json()) as Record<string, unknown>[]).find((c) => c.id === op.id);
      expect(opListed).toMatchObject({ outside_number: null });
      await mine.hangup();
      await op.hangup();
    } finally {
      await control(sim, "/trunk", { answer: "auto", afterMs: 300 });
    }
  });

  it("bridges the caller and an operator, records the bridge and serves the WAV through getStoredFile", async () => {
    const started = nextEvent(client, "StasisStart", (e) => e.channel?.caller.number === "09351112233");
    const call = await control(sim, "/calls", { from: "09351112233", to: "02191001570" });
    const caller = (await started).instance as AriChannel;
    expect(caller.id).toBe(call.body.id);
    await caller.answer();

    const holding = await client.bridges.create({ type: "holding", name: "queue-breakdown" });
    expect(holding.bridge_type).toBe("holding");
    await holding.startMoh({ mohClass: "default" });
    const entered = nextEvent(client, "ChannelEnteredBridge", (e) => e.bridge?.id === holding.id);
    await holding.addChannel({ channel: caller.id });
    expect((await entered).event.bridge?.channels).toEqual([caller.id]);

    await control(sim, "/endpoints/201", { answer: "auto", afterMs: 50 });
    const operatorUp = nextEvent(client, "StasisStart", (e) => e.args?.[0] === "operator");
    await client.channels.originate({ endpoint: "PJSIP/201", app: APP, appArgs: `operator,${caller.id}` });
    const operator = (await operatorUp).instance as AriChannel;

    const mixing = client.Bridge(); // createWithId
    const created = await mixing.create({ type: "mixing", name: "talk" });
    expect(created.id).toBe(mixing.id);
    const left = nextEvent(client, "ChannelLeftBridge", (e) => e.bridge?.id === holding.id && e.channel?.id === caller.id);
    await mixing.addChannel({ channel: [caller.id, operator.id] });
    await left;
    const recordingStarted = nextEvent(client, "RecordingStarted");
    const live = await mixing.record({ name: "2026/11/30/call-recording-1", format: "wav", ifExists: "overwrite", beep: false });
    expect(live).toMatchObject({ name: "2026/11/30/call-recording-1", state: "queued" });
    await recordingStarted;

    // talk for a little more than a second, then the operator hangs up: the bridge empties on the caller's hang-up
    await new Promise((r) => setTimeout(r, 1200));
    const finished = nextEvent(client, "RecordingFinished", (e) => e.recording?.name === "2026/11/30/call-recording-1");
    await operator.hangup();
    await control(sim, `/calls/${caller.id}/hangup`, {});
    const recording = (await finished).event.recording!;
    expect(recording.state).toBe("done");
    expect(recording.duration).toBeGreaterThanOrEqual(1);

    const stored = await client.recordings.listStored();
    expect(stored).toContainEqual(expect.objectContaining({ name: "2026/11/30/call-recording-1", format: "wav" }));
    const file = await client.recordings.getStoredFile({ recordingName: "2026/11/30/call-recording-1" });
    expect(Buffer.isBuffer(file)).toBe(true);
    const info = readWavInfo(file);
    expect(info).toMatchObject({ sampleRate: 8000, bitsPerSample: 16, channels: 1 });
    expect(info!.durationSeconds).toBeGreaterThanOrEqual(1);
    expect(Math.abs(info!.durationSeconds - recording.duration!)).toBeLessThanOrEqual(0.5);
    // sound, not silence
    expect(file.subarray(info!.dataOffset).some((b) => b !== 0)).toBe(true);

    const destroyed = nextEvent(client, "BridgeDestroyed", (e) => e.bridge?.id === mixing.id);
    await mixing.destroy();
    await destroyed;
    await holding.destroy();
  });

  it("keeps its calls across stop() and start(): ari-client reconnects and finds the call", async () => {
    const started = nextEvent(client, "StasisStart", (e) => e.channel?.caller.number === "09129998877");
    const call = await control(sim, "/calls", { from: "09129998877", to: "02191001570" });
    await started;
    const reconnected = nextEvent(client, "WebSocketConnected", () => true, 20_000);
    await sim.stop();
    await sim.start();
    await reconnected;
    const channels = await client.channels.list();
    expect(channels.map((c) => c.id)).toContain(call.body.id);
    await control(sim, `/calls/${call.body.id as string}/hangup`, {});
  });
});

describe("ARI simulator: logins, raw events and the control API's validation", () => {
  let sim: AriSimulator;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "ari-sim-"));
    sim = await startAriSimulator({ port: 0, user: USER, password: PASSWORD, recordingsDir: dir });
  });

  afterAll(async () => {
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const upgradeStatus = (apiKey: string) =>
    new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`${sim.url.replace("http", "ws")}/ari/events?app=${APP}&api_key=${apiKey}`);
      ws.once("open", () => {
        ws.close();
        resolve(101);
      });
      ws.once("unexpected-response", (_req, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.once("error", (e) => {
        if (!/Unexpected server response/.test(e.message)) reject(e);
      });
    });

  it("refuses wrong credentials on REST and on the events WebSocket with 401, as Asterisk does", async () => {
    const wrong = await fetch(`${sim.url}/ari/api-docs/resources.json`, { headers: { Authorization: `Basic ${Buffer.from(`${USER}:nope`).toString("base64")}` } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("www-authenticate")).toContain("Basic");
    expect(await wrong.json()).toEqual({ message: "Authentication required" });
    expect((await fetch(`${sim.url}/ari/channels`)).status).toBe(401);
    expect((await fetch(`${sim.url}/ari/channels?api_key=${USER}:${PASSWORD}`)).status).toBe(200);
    expect(await upgradeStatus(`${USER}:nope`)).toBe(401);
    expect(await upgradeStatus(`${USER}:${PASSWORD}`)).toBe(101);

    sim.setRejectLogins(true);
    expect(await upgradeStatus(`${USER}:${PASSWORD}`)).toBe(401);
    expect((await fetch(`${sim.url}/ari/channels?api_key=${USER}:${PASSWORD}`)).status).toBe(401);
    sim.setRejectLogins(false);
    expect(await upgradeStatus(`${USER}:${PASSWORD}`)).toBe(101);
  });

  it("emitRaw sends any event, even one of an unknown type, to every connected socket", async () => {
    const socket = await EventSocket.connect(sim.url, APP, USER, PASSWORD);
    sim.emitRaw({ type: "BrandNewAsteriskEvent", application: APP });
    expect((await socket.next((e) => e.type === "BrandNewAsteriskEvent")).application).toBe(APP);
    await socket.close();
  });

  it("answers bad control-API input with 400 and a JSON message, never a crash", async () => {
    const cases: [string, unknown][] = [
      ["/calls", { from: "not a number", to: "02191001570" }],
      ["/calls", { from: "09121234567" }],
      ["/calls", { from: "09121234567", to: "02191001570", dtmf: "12x" }],
      ["/calls", { from: "09121234567", to: "02191001570", extra: 1 }],
      ["/calls", "{not json"],
      ["/calls", [1, 2]],
      ["/endpoints/101", { answer: "sometimes" }],
      ["/endpoints/101", { answer: "auto", afterMs: -5 }],
      ["/endpoints/bad%20name", { answer: "auto" }],
      ["/calls/some-id/dtmf", { digits: "" }],
      ["/calls/some-id/hangup", { cause: "loud" }],
    ];
    for (const [p, body] of cases) {
      const r = await control(sim, p, body);
      expect(r.status, `${p} ${JSON.stringify(body)}`).toBe(400);
      expect(typeof r.body.message).toBe("string");
    }
    // no application connected: the call cannot reach Stasis
    expect((await control(sim, "/calls", { from: "09121234567", to: "02191001570" })).status).toBe(409);
    // a call that does not exist
    expect((await control(sim, "/calls/12345.6/hangup", {})).status).toBe(404);
    expect((await control(sim, "/health", undefined, "GET")).body.status).toBe("ok");
    expect((await control(sim, "/endpoints/101", { answer: "never" })).body).toEqual({ resource: "101", answer: "never", afterMs: 300 });
    expect((await control(sim, "/calls", undefined, "GET")).body).toEqual([]);
  });

  it("survives malformed request lines and oversized bodies", async () => {
    const raw = (p: string, headers: Record<string, string> = {}, body?: Buffer) =>
      new Promise<number>((resolve, reject) => {
        const req = request(`${sim.url}${p}`, { method: body ? "POST" : "GET", headers }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.once("error", reject);
        req.end(body);
      });
    expect(await raw("//[")).toBe(400);
    expect(await raw("//[", { Connection: "Upgrade", Upgrade: "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==" })).toBe(400);
    expect(await raw("/sim/calls", { "Content-Type": "application/json" }, Buffer.alloc(100_000, 32))).toBe(413);
    expect(await raw(`/ari/channels/%E0?api_key=${USER}:${PASSWORD}`)).toBe(400);
    expect((await control(sim, "/health", undefined, "GET")).status).toBe(200);
  });
});
