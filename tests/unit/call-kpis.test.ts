import { describe, expect, it } from "vitest";
import {
  addCounts,
  countCalls,
  isMissedAttempt,
  isOffered,
  kpiFigures,
  serviceLevelSeconds,
  waitedSeconds,
  wallOperatorState,
  ZERO_COUNTS,
  type CallRecord,
} from "../../core/call-kpis";

const inbound = (disposition: CallRecord["disposition"], waitSeconds: number | null, talkSeconds: number | null = null): CallRecord => ({
  direction: "inbound",
  disposition,
  waitSeconds,
  talkSeconds,
});

describe("call-centre KPI definitions", () => {
  it("offers only inbound calls that reached a queue and ended answered, abandoned or missed", () => {
    expect(isOffered(inbound("answered", 5, 100))).toBe(true);
    expect(isOffered(inbound("abandoned", 40))).toBe(true);
    expect(isOffered(inbound("missed", 70))).toBe(true);
    // hung up in the IVR: never queued
    expect(isOffered(inbound("abandoned", null))).toBe(false);
    expect(isOffered(inbound("busy", 0))).toBe(false);
    expect(isOffered({ direction: "outbound", disposition: "answered", waitSeconds: 3, talkSeconds: 10 })).toBe(false);
  });

  it("counts a hand-computed set: ASA, AHT, service level at 20 s and the longest wait", () => {
    const calls = [
      inbound("answered", 10, 100),
      inbound("answered", 20, 200), // exactly at the threshold: within
      inbound("answered", 30, 300),
      inbound("abandoned", 45),
      inbound("missed", 60),
      inbound("abandoned", null), // IVR hang-up: not offered
      { direction: "outbound", disposition: "answered", waitSeconds: 1, talkSeconds: 999 } satisfies CallRecord,
    ];
    const counts = countCalls(calls, 2, 20);
    expect(counts).toEqual({
      offered: 5,
      answered: 3,
      abandoned: 1,
      missed: 2,
      answeredWithinThreshold: 2,
      answerWaitSeconds: 60,
      talkSeconds: 600,
      longestWaitSeconds: 60,
    });
    expect(kpiFigures(counts)).toEqual({
      offered: 5,
      answered: 3,
      abandoned: 1,
      missed: 2,
      averageSpeedOfAnswer: 20,
      averageHandleTime: 200,
      serviceLevel: 40,
      abandonRate: 20,
      longestWait: 60,
    });
  });

  it("has no averages or service level without calls, and sums counts with the longest wait as a maximum", () => {
    expect(kpiFigures(ZERO_COUNTS)).toMatchObject({ averageSpeedOfAnswer: null, averageHandleTime: null, serviceLevel: null, longestWait: 0 });
    const a = countCalls([inbound("answered", 7, 70)], 0, 20);
    const b = countCalls([inbound("abandoned", 90)], 1, 20);
    expect(addCounts(a, b)).toMatchObject({ offered: 2, answered: 1, abandoned: 1, missed: 1, longestWaitSeconds: 90 });
  });

  it("counts a ringing as missed only when the operator did not pick up", () => {
    expect(["no_answer", "busy", "rejected"].every((o) => isMissedAttempt(o as never))).toBe(true);
    expect(["answered", "cancelled", "failed", "ringing"].some((o) => isMissedAttempt(o as never))).toBe(false);
  });

  it("reads the service-level threshold setting, falling back to 20 s", () => {
    expect(serviceLevelSeconds(undefined)).toBe(20);
    expect(serviceLevelSeconds("")).toBe(20);
    expect(serviceLevelSeconds("30")).toBe(30);
    expect(serviceLevelSeconds("abc")).toBe(20);
    expect(serviceLevelSeconds("0")).toBe(20);
    expect(serviceLevelSeconds(15)).toBe(15);
  });

  it("shows an operator on call, ringing, away, in wrap-up or available", () => {
    const now = new Date("2026-12-01T10:00:00Z");
    const base = { presence: "available" as const, onCall: false, ringing: false, lastCallEndedAt: null };
    expect(wallOperatorState({ ...base, onCall: true, presence: "on_break" }, now)).toBe("on_call");
    expect(wallOperatorState({ ...base, ringing: true }, now)).toBe("ringing");
    expect(wallOperatorState({ ...base, presence: "offline" }, now)).toBe("away");
    expect(wallOperatorState({ ...base, lastCallEndedAt: "2026-12-01T09:59:30Z" }, now)).toBe("wrap_up");
    expect(wallOperatorState({ ...base, lastCallEndedAt: "2026-12-01T09:58:00Z" }, now)).toBe("available");
    expect(waitedSeconds("2026-12-01T09:59:15.500Z", now)).toBe(44);
    expect(waitedSeconds("2026-12-01T10:00:05Z", now)).toBe(0);
  });
});
