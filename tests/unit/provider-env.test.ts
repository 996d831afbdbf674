import { describe, expect, it } from "vitest";
import { EnvError, loadEnv, PRODUCTION_NEEDS_ARI, PRODUCTION_NEEDS_SMS } from "../../platform/env";

/**
 * The simulators are a choice in production: NODE_ENV=production without ARI_URL or KAVENEGAR_API_KEY stops
 * the start with a sentence naming what to set, unless ARI_SIMULATOR=true / SMS_SIMULATOR=true asks for them.
 */
const BASE = { SESSION_SECRET: "test-secret-test-secret", DATA_DIR: ".data/test-env" } as const;
const REAL = { ARI_URL: "http://pbx.example:8088", KAVENEGAR_API_KEY: "REALKEY12345" } as const;

function refusal(source: Record<string, string>, options?: { providers?: boolean }): string {
  try {
    loadEnv(source, options);
  } catch (err) {
    expect(err).toBeInstanceOf(EnvError);
    return (err as Error).message;
  }
  throw new Error("loadEnv accepted the configuration");
}

describe("production without a telephony or SMS provider", () => {
  it("refuses to start, naming ARI_URL and KAVENEGAR_API_KEY (and how to run on the simulators on purpose)", () => {
    const message = refusal({ ...BASE, NODE_ENV: "production" });
    expect(message).toContain(PRODUCTION_NEEDS_ARI);
    expect(message).toContain(PRODUCTION_NEEDS_SMS);
    expect(PRODUCTION_NEEDS_ARI).toMatch(/set ARI_URL .*ARI_SIMULATOR=true/);
    expect(PRODUCTION_NEEDS_SMS).toMatch(/set KAVENEGAR_API_KEY .*SMS_SIMULATOR=true/);
  });

  it("refuses each one alone", () => {
    const noAri = refusal({ ...BASE, NODE_ENV: "production", KAVENEGAR_API_KEY: REAL.KAVENEGAR_API_KEY });
    expect(noAri).toContain(PRODUCTION_NEEDS_ARI);
    expect(noAri).not.toContain("KAVENEGAR_API_KEY to");
    const noSms = refusal({ ...BASE, NODE_ENV: "production", ARI_URL: REAL.ARI_URL });
    expect(noSms).toContain(PRODUCTION_NEEDS_SMS);
    expect(noSms).not.toContain("ARI_URL to");
  });

  it("starts with both providers, or with the simulators asked for", () => {
    const real = loadEnv({ ...BASE, ...REAL, NODE_ENV: "production" });
    expect(real).toMatchObject({ ariSimulated: false, smsSimulated: false });
    const simulated = loadEnv({ ...BASE, NODE_ENV: "production", ARI_SIMULATOR: "true", SMS_SIMULATOR: "1" });
    expect(simulated).toMatchObject({ ariSimulated: true, smsSimulated: true, ARI_SIMULATOR: true, SMS_SIMULATOR: true });
    // the development pages stay off in production all the same
    expect(simulated).toMatchObject({ devSmsPage: false, devPhonesPage: false });
    const mixed = loadEnv({ ...BASE, NODE_ENV: "production", ARI_URL: REAL.ARI_URL, SMS_SIMULATOR: "true" });
    expect(mixed).toMatchObject({ ariSimulated: false, smsSimulated: true });
  });

  it("lets a tool that needs neither provider (migrations, seeding, the simulators' own CLIs) start", () => {
    expect(loadEnv({ ...BASE, NODE_ENV: "production" }, { providers: false })).toMatchObject({ ariSimulated: true, smsSimulated: true });
  });
});

describe("development and tests", () => {
  it("use the simulators by default", () => {
    for (const NODE_ENV of ["development", "test"]) {
      expect(loadEnv({ ...BASE, NODE_ENV })).toMatchObject({ ariSimulated: true, smsSimulated: true, devSmsPage: true, devPhonesPage: true });
    }
  });
});

describe("ARI_SIMULATOR and SMS_SIMULATOR", () => {
  it("must agree with ARI_URL and KAVENEGAR_API_KEY", () => {
    expect(refusal({ ...BASE, ARI_SIMULATOR: "true", ARI_URL: REAL.ARI_URL })).toContain("ARI_SIMULATOR: true, but ARI_URL is set too");
    expect(refusal({ ...BASE, ARI_SIMULATOR: "false" })).toContain("ARI_URL: required when ARI_SIMULATOR=false");
    expect(refusal({ ...BASE, SMS_SIMULATOR: "true", KAVENEGAR_API_KEY: REAL.KAVENEGAR_API_KEY })).toContain(
      "SMS_SIMULATOR: true, but KAVENEGAR_API_KEY is set too",
    );
    expect(refusal({ ...BASE, SMS_SIMULATOR: "0" })).toContain("KAVENEGAR_API_KEY: required when SMS_SIMULATOR=false");
    expect(loadEnv({ ...BASE, ARI_SIMULATOR: "false", ARI_URL: REAL.ARI_URL }).ariSimulated).toBe(false);
  });

  it("accept only true/false/1/0, naming the variable", () => {
    expect(refusal({ ...BASE, ARI_SIMULATOR: "yes" })).toMatch(/ARI_SIMULATOR: /);
    expect(refusal({ ...BASE, SMS_SIMULATOR: "on" })).toMatch(/SMS_SIMULATOR: /);
  });
});
