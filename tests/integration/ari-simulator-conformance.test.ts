/**
 * The ARI simulator against Asterisk's real specification (../shared/asterisk-ari/, read here, never copied
 * into the project): every event and every REST response of a scripted scenario validates against the
 * spec's models; every operation and model the simulator documents (and so serves) exists in the spec
 * with the same path, method, nickname, parameters and property types. When the folder is absent this
 * says so and checks nothing.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allOperations, apiDeclaration, EVENT_TYPES, RESOURCES, resourceListing } from "../../telephony/simulator/api-docs";
import { startAriSimulator, type AriSimulator } from "../../telephony/simulator/index";
import { channelOf, EventSocket, type AriEvent } from "../support/ari-events";
import { loadSpec, SPEC_DIR, specPresent, validate, validateEvent, type AriSpec } from "../support/ari-spec";

const USER = "conformance";
const PASSWORD = "s3cret";
const APP = "conformance";

if (!specPresent()) {
  describe("ARI simulator conformance", () => {
    it(`Asterisk's ARI spec folder absent (${SPEC_DIR}): conformance not checked`, () => {
      console.warn(`ARI simulator conformance NOT checked: ${SPEC_DIR} is absent (put Asterisk's rest-api folder there).`);
      expect(specPresent()).toBe(false);
    });
  });
} else {
  describe("ARI simulator conformance with Asterisk's spec", () => {
    const spec: AriSpec = loadSpec();

    describe("documents", () => {
      it("lists only resources Asterisk lists", () => {
        const specPaths = spec.resources.apis.map((a) => a.path);
        for (const api of resourceListing("http://x/ari").apis) expect(specPaths).toContain(api.path);
      });

      it("every operation it serves exists in the spec with the same path, method, nickname, parameters and response class", () => {
        const problems: string[] = [];
        for (const { resource, path: p, operation } of allOperations()) {
          const specOp = spec.operations.find((o) => o.resource === resource && o.path === p && o.operation.httpMethod === operation.httpMethod);
          if (!specOp) {
            problems.push(`${operation.httpMethod} ${p}: not in the spec's ${resource}.json`);
            continue;
          }
          const so = specOp.operation;
          if (so.nickname !== operation.nickname) problems.push(`${operation.httpMethod} ${p}: nickname ${operation.nickname}, spec ${so.nickname}`);
          if (so.responseClass !== operation.responseClass) problems.push(`${operation.httpMethod} ${p}: responseClass ${operation.responseClass}, spec ${so.responseClass}`);
          const specParams = so.parameters ?? [];
          for (const mine of operation.parameters) {
            const theirs = specParams.find((sp) => sp.name === mine.name);
            if (!theirs) problems.push(`${operation.httpMethod} ${p}: parameter ${mine.name} not in the spec`);
            else {
              if (theirs.paramType !== mine.paramType) problems.push(`${operation.httpMethod} ${p}: ${mine.name} is ${mine.paramType}, spec ${theirs.paramType}`);
              if (theirs.dataType !== mine.dataType) problems.push(`${operation.httpMethod} ${p}: ${mine.name} is ${mine.dataType}, spec ${theirs.dataType}`);
              // path parameters are required by nature (the spec leaves `required` out on some)
              if (mine.paramType !== "path" && Boolean(theirs.required) !== mine.required) problems.push(`${operation.httpMethod} ${p}: ${mine.name} required=${mine.required}, spec ${theirs.required}`);
            }
          }
          for (const sp of specParams) {
            if (sp.required && !operation.parameters.some((mp) => mp.name === sp.name)) problems.push(`${operation.httpMethod} ${p}: required parameter ${sp.name} missing`);
          }
          const specCodes = new Set((so as unknown as { errorResponses?: { code: number | string }[] }).errorResponses?.map((e) => Number(e.code)) ?? []);
          for (const e of operation.errorResponses) if (!specCodes.has(e.code)) problems.push(`${operation.httpMethod} ${p}: error ${e.code} not documented by Asterisk`);
        }
        expect(problems).toEqual([]);
      });

      it("every model it documents matches the spec's model, property by property", () => {
        const problems: string[] = [];
        for (const resource of RESOURCES) {
          for (const [name, model] of Object.entries(apiDeclaration(resource, "http://x/ari").models)) {
            const theirs = spec.models.get(name);
            if (!theirs) {
              problems.push(`${resource}: model ${name} not in the spec`);
              continue;
            }
            for (const [prop, p] of Object.entries(model.properties)) {
              const sp = theirs.properties[prop];
              if (!sp) problems.push(`${name}.${prop}: not in the spec`);
              else {
                if (sp.type !== p.type) problems.push(`${name}.${prop}: ${p.type}, spec ${sp.type}`);
                if (Boolean(sp.required) !== p.required) problems.push(`${name}.${prop}: required=${p.required}, spec ${sp.required}`);
                const values = sp.allowableValues?.values;
                if (JSON.stringify(values ?? null) !== JSON.stringify(p.allowableValues?.values ?? null)) problems.push(`${name}.${prop}: values differ from the spec`);
              }
            }
            for (const [prop, sp] of Object.entries(theirs.properties)) {
              if (sp.required && !(prop in model.properties)) problems.push(`${name}.${prop}: required by the spec, not documented`);
            }
          }
        }
        expect(problems).toEqual([]);
      });

      it("every event type it emits is an Event subtype of the spec", () => {
        const subTypes = spec.models.get("Event")?.subTypes ?? [];
        for (const t of EVENT_TYPES) expect(subTypes).toContain(t);
      });
    });

    describe("a scripted scenario: every event and response validates", () => {
      let sim: AriSimulator;
      let events: EventSocket;
      let dir: string;
      const responses: { what: string; type: string; body: unknown }[] = [];
      const auth = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString("base64")}`;

      /** Calls ARI and records the JSON answer with the response class the spec gives the operation. */
      async function ari(method: string, pathAndQuery: string, expectStatus: number): Promise<Record<string, unknown>> {
        const res = await fetch(`${sim.url}/ari${pathAndQuery}`, { method, headers: { Authorization: auth } });
        const text = await res.text();
        expect(res.status, `${method} ${pathAndQuery}: ${text}`).toBe(expectStatus);
        const body: unknown = text ? JSON.parse(text) : {};
        const pathOnly = pathAndQuery.split("?")[0]!;
        // the spec's operation for this request; a literal path wins over a template (/channels/create)
        const op = spec.operations
          .filter((o) => o.operation.httpMethod === method && new RegExp(`^${o.path.replace(/\{[^}]+\}/g, "[^/]+")}$`).test(pathOnly))
          .sort((a, b) => (a.path.match(/\{/g)?.length ?? 0) - (b.path.match(/\{/g)?.length ?? 0))[0];
        expect(op, `${method} ${pathOnly} is an operation of the spec`).toBeTruthy();
        if (expectStatus < 300 && op!.operation.responseClass !== "void" && op!.operation.responseClass !== "binary") {
          responses.push({ what: `${method} ${pathAndQuery}`, type: op!.operation.responseClass, body });
        }
        return body as Record<string, unknown>;
      }

      const sim_ = (p: string, body: unknown) =>
        fetch(`${sim.url}/sim${p}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) }).then(async (r) => ({
          status: r.status,
          body: (await r.json()) as Record<string, unknown>,
        }));

      beforeAll(async () => {
        dir = mkdtempSync(path.join(os.tmpdir(), "ari-sim-conformance-"));
        sim = await startAriSimulator({ port: 0, user: USER, password: PASSWORD, recordingsDir: dir, playbackMs: 100 });
        events = await EventSocket.connect(sim.url, APP, USER, PASSWORD);
      });

      afterAll(async () => {
        await events?.close();
        await sim?.close();
        rmSync(dir, { recursive: true, force: true });
      });

      it("runs inbound call, dtmf, variables, playback, bridges, MOH, recording, originate (answer, busy, no answer, reject) and hang-ups", async () => {
        const isFor = (id: string, type: string) => (e: AriEvent) => e.type === type && channelOf(e)?.id === id;

        // an inbound call with a menu choice
        let m = events.mark();
        const call = await sim_("/calls", { from: "09121234567", to: "02191001570", dtmf: "2" });
        expect(call.status).toBe(201);
        const callerId = call.body.id as string;
        await events.next(isFor(callerId, "StasisStart"), { from: m });
        await ari("GET", "/channels", 200);
        await ari("GET", `/channels/${callerId}`, 200);
        await ari("POST", `/channels/${callerId}/ring`, 204);
        m = events.mark();
        await ari("POST", `/channels/${callerId}/answer`, 204);
        await events.next((e) => e.type === "ChannelStateChange" && channelOf(e)?.state === "Up", { from: m });
        await events.next(isFor(callerId, "ChannelDtmfReceived"), { from: m });
        m = events.mark();
        await sim_(`/calls/${callerId}/dtmf`, { digits: "9" });
        expect((await events.next(isFor(callerId, "ChannelDtmfReceived"), { from: m })).digit).toBe("9");

        await ari("POST", `/channels/${callerId}/variable?variable=CALL_KIND&value=breakdown`, 204);
        await ari("GET", `/channels/${callerId}/variable?variable=CALL_KIND`, 200);

        // a two-sound prompt: started, continuing, finished
        m = events.mark();
        await ari("POST", `/channels/${callerId}/play?media=sound:menu,sound:beep&playbackId=pb-1`, 201);
        await ari("GET", "/playbacks/pb-1", 200);
        await events.next((e) => e.type === "PlaybackFinished", { from: m });
        expect(events.events.slice(m).some((e) => e.type === "PlaybackContinuing")).toBe(true);

        // waiting with music on hold in a holding bridge
        const holding = await ari("POST", "/bridges?type=holding&name=queue", 200);
        await ari("POST", `/bridges/${holding.id as string}/moh?mohClass=default`, 204);
        await ari("POST", `/channels/${callerId}/moh`, 204);
        await ari("DELETE", `/channels/${callerId}/moh`, 204);
        m = events.mark();
        await ari("POST", `/bridges/${holding.id as string}/addChannel?channel=${callerId}`, 204);
        await events.next(isFor(callerId, "ChannelEnteredBridge"), { from: m });

        // operators' phones: busy, rejecting, not answering, answering
        await sim_("/endpoints/201", { answer: "busy", afterMs: 50 });
        await sim_("/endpoints/202", { answer: "reject", afterMs: 50 });
        await sim_("/endpoints/203", { answer: "never" });
        await sim_("/endpoints/204", { answer: "auto", afterMs: 100 });
        m = events.mark();
        const busy = await ari("POST", `/channels?endpoint=PJSIP/201&app=${APP}&appArgs=operator,1&callerId=${encodeURIComponent('"Queue" <02191001570>')}`, 200);
        const rejecting = await ari("POST", `/channels?endpoint=PJSIP/202&app=${APP}`, 200);
        const silent = await ari("POST", `/channels?endpoint=PJSIP/203&app=${APP}&timeout=1`, 200);
        expect((await events.next(isFor(busy.id as string, "ChannelDestroyed"), { from: m })).cause).toBe(17);
        expect((await events.next(isFor(rejecting.id as string, "ChannelDestroyed"), { from: m })).cause).toBe(21);
        expect((await events.next(isFor(silent.id as string, "ChannelDestroyed"), { from: m, timeoutMs: 5000 })).cause).toBe(19);
        await ari("GET", "/endpoints", 200);
        await ari("GET", "/endpoints/PJSIP", 200);
        await ari("GET", "/endpoints/PJSIP/204", 200);

        m = events.mark();
        const operator = await ari("POST", `/channels?endpoint=PJSIP/204&app=${APP}&appArgs=operator,${callerId}&channelId=op-leg-1`, 200);
        expect(operator.id).toBe("op-leg-1");
        const start = await events.next(isFor("op-leg-1", "StasisStart"), { from: m });
        expect(start.args).toEqual(["operator", callerId]);

        // talk in a mixing bridge, recorded
        const mixing = await ari("POST", "/bridges?type=mixing&bridgeId=talk-1&name=talk", 200);
        m = events.mark();
        await ari("POST", `/bridges/talk-1/addChannel?channel=${callerId},op-leg-1`, 204);
        await events.next(isFor(callerId, "ChannelLeftBridge"), { from: m });
        await events.next(isFor("op-leg-1", "ChannelEnteredBridge"), { from: m });
        await ari("GET", "/bridges", 200);
        await ari("GET", `/bridges/${mixing.id as string}`, 200);
        m = events.mark();
        await ari("POST", "/bridges/talk-1/record?name=conformance-call&format=wav&ifExists=overwrite&beep=false&maxDurationSeconds=0", 201);
        await events.next((e) => e.type === "RecordingStarted", { from: m });
        await ari("GET", "/recordings/live/conformance-call", 200);
        m = events.mark();
        await ari("POST", "/bridges/talk-1/play?media=tone:ring&playbackId=tone-1", 201);
        await events.next((e) => e.type === "PlaybackStarted", { from: m });
        await ari("DELETE", "/playbacks/tone-1", 204);
        await events.next((e) => e.type === "PlaybackFinished", { from: m });
        m = events.mark();
        await ari("POST", "/recordings/live/conformance-call/stop", 204);
        const finished = await events.next((e) => e.type === "RecordingFinished", { from: m });
        expect((finished.recording as { duration: number }).duration).toBeGreaterThanOrEqual(1);
        await ari("GET", "/recordings/stored", 200);
        await ari("GET", "/recordings/stored/conformance-call", 200);

        // a channel recording that is cancelled, and one that cannot be written
        m = events.mark();
        const second = await sim_("/calls", { from: "09350000000", to: "02191001570" });
        const secondId = second.body.id as string;
        await events.next(isFor(secondId, "StasisStart"), { from: m });
        await ari("POST", `/channels/${secondId}/answer`, 204);
        await ari("POST", `/channels/${secondId}/record?name=cancelled&format=wav`, 201);
        await events.next((e) => e.type === "RecordingStarted", { from: m });
        await ari("DELETE", "/recordings/live/cancelled", 204);
        mkdirSync(path.join(dir, "unwritable.wav")); // a directory where the file should go
        m = events.mark();
        await ari("POST", `/channels/${secondId}/record?name=unwritable&format=wav&ifExists=overwrite`, 201);
        await events.next((e) => e.type === "RecordingStarted", { from: m });
        await ari("POST", "/recordings/live/unwritable/stop", 204);
        await events.next((e) => e.type === "RecordingFailed", { from: m });

        // the operator hangs up, the caller hangs up, the bridges go
        m = events.mark();
        await ari("DELETE", "/channels/op-leg-1?reason=normal", 204);
        await events.next(isFor("op-leg-1", "ChannelDestroyed"), { from: m });
        await sim_(`/calls/${callerId}/hangup`, {});
        await sim_(`/calls/${secondId}/hangup`, {});
        await events.next(isFor(callerId, "ChannelDestroyed"), { from: m });
        await events.next(isFor(secondId, "ChannelDestroyed"), { from: m });
        await ari("DELETE", "/bridges/talk-1", 204);
        await ari("DELETE", `/bridges/${holding.id as string}`, 204);
        await ari("GET", "/asterisk/info", 200);
        await ari("GET", "/asterisk/ping", 200);
        await ari("DELETE", "/recordings/stored/conformance-call", 204);

        // a second socket for the same application replaces the first
        const replacing = await EventSocket.connect(sim.url, APP, USER, PASSWORD);
        await events.next((e) => e.type === "ApplicationReplaced");
        await replacing.close();
      });

      it("every event it emitted validates against the spec's models (with Event and Message)", () => {
        const problems = events.events.flatMap((e, i) => validateEvent(spec, e, `event #${i}`));
        expect(problems).toEqual([]);
        expect(events.events.every((e) => e.application === APP && typeof e.asterisk_id === "string")).toBe(true);
      });

      it("the scenario covered every event type the simulator can emit", () => {
        const seen = new Set(events.events.map((e) => e.type));
        expect([...EVENT_TYPES].filter((t) => !seen.has(t))).toEqual([]);
      });

      it("every REST response validates against the spec's response class", () => {
        expect(responses.length).toBeGreaterThan(15);
        const problems = responses.flatMap((r) => validate(spec, r.body, r.type, r.what));
        expect(problems).toEqual([]);
      });

      it("errors answer as Asterisk does: 404 for a hung-up channel, 400/404/409/422 where the spec says", async () => {
        const errors: [string, string, number, string][] = [
          ["GET", "/channels/gone", 404, "Channel not found"],
          ["POST", "/channels/gone/answer", 404, "Channel not found"],
          ["DELETE", "/channels/gone", 404, "Channel not found"],
          ["POST", "/bridges/none/addChannel?channel=x", 404, "Bridge not found"],
          ["GET", "/playbacks/none", 404, "Playback not found"],
          ["GET", "/recordings/stored/none", 404, "Recording not found"],
          ["POST", "/channels?app=x", 400, "Missing required param endpoint"],
        ];
        for (const [method, p, status, message] of errors) {
          const res = await fetch(`${sim.url}/ari${p}`, { method, headers: { Authorization: auth } });
          expect(res.status, `${method} ${p}`).toBe(status);
          expect(((await res.json()) as { message: string }).message).toBe(message);
        }
        const bridge = (await (await fetch(`${sim.url}/ari/bridges`, { method: "POST", headers: { Authorization: auth } })).json()) as { id: string };
        const missing = await fetch(`${sim.url}/ari/bridges/${bridge.id}/addChannel?channel=nope`, { method: "POST", headers: { Authorization: auth } });
        expect(missing.status).toBe(400);
        const dup = await fetch(`${sim.url}/ari/bridges?bridgeId=${bridge.id}`, { method: "POST", headers: { Authorization: auth } });
        expect(dup.status).toBe(409);
        const badReason = await fetch(`${sim.url}/ari/channels/x?reason=whatever`, { method: "DELETE", headers: { Authorization: auth } });
        expect(badReason.status).toBe(404); // the channel is looked up first
      });
    });
  });
}
