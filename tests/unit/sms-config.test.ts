import { describe, expect, it } from "vitest";
import { isFinalSmsStatus, SMS_OUTBOUND_STATUSES, smsSenderFor, smsStatusFromProvider } from "../../core/sms";
import { EnvError, loadEnv } from "../../platform/env";

const base = { NODE_ENV: "test", SESSION_SECRET: "test-secret-test-secret", DATA_DIR: ".data/test-env" };

describe("Kavenegar's delivery status numbers → our row status", () => {
  it.each([
    [1, "sent"],
    [2, "sent"],
    [4, "sent"],
    [5, "sent"],
    [6, "failed"],
    [10, "delivered"],
    [11, "undelivered"],
    [13, "cancelled"],
    [14, "blocked"],
    [100, null],
    [77, "sent"],
  ] as const)("%i → %s", (code, status) => {
    expect(smsStatusFromProvider(code)).toBe(status);
  });

  it("final statuses are the ones the poller stops at", () => {
    expect(SMS_OUTBOUND_STATUSES.filter(isFinalSmsStatus)).toEqual(["delivered", "undelivered", "failed", "blocked", "cancelled"]);
  });
});

describe("the sender line per kind of message (KAVENEGAR_SENDER, KAVENEGAR_SENDERS)", () => {
  it("parses purpose=line pairs", () => {
    const env = loadEnv({ ...base, KAVENEGAR_SENDER: "30001570", KAVENEGAR_SENDERS: " ticket_registered=2000660110 ,survey=10004346," });
    expect(env.KAVENEGAR_SENDERS).toEqual({ ticket_registered: "2000660110", survey: "10004346" });
    const lines = { default: env.KAVENEGAR_SENDER, byPurpose: env.KAVENEGAR_SENDERS };
    expect(smsSenderFor({ sender: null, purpose: "survey" }, lines)).toBe("10004346");
    expect(smsSenderFor({ sender: null, purpose: "dispatch_offer" }, lines)).toBe("30001570");
    expect(smsSenderFor({ sender: "2000660110", purpose: "survey" }, lines)).toBe("2000660110");
    expect(smsSenderFor({ sender: null, purpose: "toString" }, lines)).toBe("30001570");
    expect(smsSenderFor({ sender: null, purpose: null }, { byPurpose: {} })).toBeUndefined();
  });

  it("unset: no purpose has its own line", () => {
    expect(loadEnv(base).KAVENEGAR_SENDERS).toEqual({});
  });

  it.each([
    ["survey", /not purpose=line/],
    ["survey=abc", /not purpose=line/],
    ["Survey=2000660110", /not purpose=line/],
    ["survey=2000660110,survey=10004346", /given twice/],
  ])("refuses %s with a clear message", (value, message) => {
    expect(() => loadEnv({ ...base, KAVENEGAR_SENDERS: value })).toThrow(EnvError);
    expect(() => loadEnv({ ...base, KAVENEGAR_SENDERS: value })).toThrow(message);
  });

  it("the breaker's settings have defaults and limits", () => {
    expect(loadEnv(base)).toMatchObject({ KAVENEGAR_BREAKER_FAILURES: 5, KAVENEGAR_BREAKER_COOLDOWN_MS: 30_000 });
    expect(() => loadEnv({ ...base, KAVENEGAR_BREAKER_FAILURES: "0" })).toThrow(/KAVENEGAR_BREAKER_FAILURES/);
  });
});
