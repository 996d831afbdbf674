import { describe, expect, it } from "vitest";
import { loadEnv } from "../../platform/env";

const BASE = { SESSION_SECRET: "test-secret-test-secret", DATA_DIR: ".data/test-env" } as const;
/** Production on the simulators is allowed only when asked for. */
const SIMULATED = { ARI_SIMULATOR: "true", SMS_SIMULATOR: "true" } as const;

describe("SATISFACTION_DELAY_DAYS's default", () => {
  it("is 0 (the follow-up call at once) only in development on the ARI simulator: a plain npm start", () => {
    expect(loadEnv({ ...BASE, NODE_ENV: "development" }).SATISFACTION_DELAY_DAYS).toBe(0);
  });

  it("is 2 days with a real Asterisk, in production and in tests", () => {
    expect(loadEnv({ ...BASE, NODE_ENV: "development", ARI_URL: "http://pbx.example:8088" }).SATISFACTION_DELAY_DAYS).toBe(2);
    expect(loadEnv({ ...BASE, ...SIMULATED, NODE_ENV: "production" }).SATISFACTION_DELAY_DAYS).toBe(2);
    expect(loadEnv({ ...BASE, NODE_ENV: "test" }).SATISFACTION_DELAY_DAYS).toBe(2);
  });

  it("is whatever is set, when it is set", () => {
    expect(loadEnv({ ...BASE, NODE_ENV: "development", SATISFACTION_DELAY_DAYS: "3" }).SATISFACTION_DELAY_DAYS).toBe(3);
    expect(loadEnv({ ...BASE, ...SIMULATED, NODE_ENV: "production", SATISFACTION_DELAY_DAYS: "0" }).SATISFACTION_DELAY_DAYS).toBe(0);
  });
});
