import { describe, expect, it } from "vitest";
import { dialableNumber, normalizeNumber, parseTelephonyCommand } from "../../services/calls";
import { isGone } from "../../telephony/ari";
import { endpointFor } from "../../telephony/context";
import { channelOf, Dispatcher } from "../../telephony/dispatcher";
import type { Logger } from "../../platform/logger";

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

describe("numbers", () => {
  it("keeps mobiles in the +98 form and other numbers as digits", () => {
    expect(normalizeNumber("۰۹۱۲ ۱۲۳ ۴۵۶۷")).toBe("+989121234567");
    expect(normalizeNumber("00989121234567")).toBe("+989121234567");
    expect(normalizeNumber("021-8877 6655")).toBe("02188776655");
    expect(normalizeNumber("1500")).toBe("1500");
    expect(normalizeNumber("hello")).toBeNull();
    expect(normalizeNumber("")).toBeNull();
  });

  it("dials mobiles on the trunk in their national form", () => {
    expect(dialableNumber("+989121234567")).toBe("09121234567");
    expect(dialableNumber("02188776655")).toBe("02188776655");
  });

  it("fills endpoint templates", () => {
    expect(endpointFor("PJSIP/{extension}", { extension: "101" })).toBe("PJSIP/101");
    expect(endpointFor("PJSIP/{number}@trunk", { number: "09121234567" })).toBe("PJSIP/09121234567@trunk");
    expect(endpointFor("SIP/{other}", {})).toBe("SIP/{other}");
  });
});

describe("telephony commands", () => {
  it("parses a dial command and nothing else", () => {
    expect(parseTelephonyCommand('{"type":"dial","callId":7}')).toEqual({ type: "dial", callId: 7 });
    expect(parseTelephonyCommand('{"type":"dial","callId":"7"}')).toBeNull();
    expect(parseTelephonyCommand('{"type":"acd","nodeId":"n1"}')).toEqual({ type: "acd", nodeId: "n1" });
    expect(parseTelephonyCommand('{"type":"acd"}')).toBeNull();
    expect(parseTelephonyCommand('{"type":"survey","callId":12}')).toEqual({ type: "survey", callId: 12 });
    expect(parseTelephonyCommand('{"type":"survey"}')).toBeNull();
    expect(parseTelephonyCommand('{"type":"explode"}')).toBeNull();
    expect(parseTelephonyCommand("not json")).toBeNull();
  });
});

describe("ARI events and errors", () => {
  it("finds the channel an event is about, a playback's too", () => {
    expect(channelOf({ type: "StasisStart", channel: { id: "c1", name: "PJSIP/trunk-1", state: "Ring" } })).toBe("c1");
    expect(channelOf({ type: "PlaybackFinished", playback: { id: "p", target_uri: "channel:c2" } })).toBe("c2");
    expect(channelOf({ type: "PlaybackFinished", playback: { id: "p", target_uri: "bridge:b1" } })).toBeNull();
    expect(channelOf({ type: "RecordingFinished", recording: { name: "r" } })).toBeNull();
  });

  it("tells a vanished channel from a real failure", () => {
    expect(isGone(new Error('{"message":"Channel not found"}'))).toBe(true);
    expect(isGone(new Error('{"message":"Channel not in Stasis application"}'))).toBe(true);
    expect(isGone(new Error("connect ECONNREFUSED"))).toBe(false);
  });
});

describe("Dispatcher", () => {
  it("routes by channel id, runs one call's events in order, and hands unknown StasisStarts to the new-call handler", async () => {
    const seen: string[] = [];
    const started: string[] = [];
    const d = new Dispatcher(quiet, async (e) => void started.push(e.channel!.id));
    const handler = {
      callId: 1,
      async handle(event: { type: string }, channelId: string) {
        if (event.type === "ChannelDtmfReceived") await new Promise((r) => setTimeout(r, 20)); // slower first
        seen.push(`${event.type}@${channelId}`);
      },
    };
    d.register(handler, "caller");
    d.register(handler, "operator");
    d.dispatch({ type: "ChannelDtmfReceived", digit: "1", channel: { id: "caller", name: "x", state: "Up" } });
    d.dispatch({ type: "StasisStart", channel: { id: "operator", name: "y", state: "Up" } });
    d.dispatch({ type: "StasisStart", channel: { id: "new", name: "z", state: "Ring" } });
    d.dispatch({ type: "ChannelDestroyed", channel: { id: "stranger", name: "w", state: "Down" } });
    await d.run(1, async () => {}, "drain");
    expect(seen).toEqual(["ChannelDtmfReceived@caller", "StasisStart@operator"]);
    expect(started).toEqual(["new"]);
    d.remove(1);
    d.dispatch({ type: "ChannelDestroyed", channel: { id: "caller", name: "x", state: "Down" } });
    await d.run(1, async () => {}, "drain");
    expect(seen).toHaveLength(2);
  });

  it("swallows a handler's failure (logged) and keeps going", async () => {
    const warnings: string[] = [];
    const d = new Dispatcher({ ...quiet, warn: (m) => void warnings.push(m) }, async () => {});
    let after = false;
    d.register({ callId: 2, handle: async () => Promise.reject(new Error("boom")) }, "c");
    d.dispatch({ type: "StasisEnd", channel: { id: "c", name: "x", state: "Up" } });
    await d.run(2, async () => void (after = true), "next");
    expect(after).toBe(true);
    expect(warnings).toEqual(["call 2: StasisEnd failed"]);
  });
});
