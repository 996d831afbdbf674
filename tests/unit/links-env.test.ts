import { describe, expect, it } from "vitest";
import { EnvError, loadEnv } from "../../platform/env";
import { publicLinks, ticketNumberFromToken, trackingUrl } from "../../platform/links";

const BASE = { NODE_ENV: "test", SESSION_SECRET: "x".repeat(20), DATA_DIR: ".data/test-env" } as const;

describe("links in messages: configuration", () => {
  it("defaults to http://localhost:PORT and a tracking secret derived from the session secret", () => {
    const env = loadEnv({ ...BASE, PORT: "3456" });
    expect(env.publicBaseUrl).toBe("http://localhost:3456");
    expect(env.trackingSecret).not.toBe(BASE.SESSION_SECRET);
    expect(env.trackingSecret.length).toBeGreaterThanOrEqual(32);
    // the same configuration makes the same secret in every process
    expect(loadEnv({ ...BASE, PORT: "3456" }).trackingSecret).toBe(env.trackingSecret);
    expect(loadEnv({ ...BASE, SESSION_SECRET: "y".repeat(20) }).trackingSecret).not.toBe(env.trackingSecret);
    expect(env.kavenegarSimUrl).toBe("http://127.0.0.1:8089");
  });

  it("takes PUBLIC_BASE_URL without its trailing slash, and TRACKING_SECRET as given", () => {
    const env = loadEnv({ ...BASE, PUBLIC_BASE_URL: "https://service.example.ir/", TRACKING_SECRET: "t".repeat(16) });
    expect(env.publicBaseUrl).toBe("https://service.example.ir");
    expect(env.trackingSecret).toBe("t".repeat(16));
    const url = trackingUrl(publicLinks(env), 1405000123);
    expect(url).toMatch(/^https:\/\/service\.example\.ir\/t\/[0-9a-z]+-[A-Za-z0-9_-]{16}$/);
    expect(ticketNumberFromToken(env.trackingSecret, url.split("/t/")[1]!)).toBe(1405000123);
  });

  it("refuses a base that is not an http(s) URL and a short tracking secret, naming the variable", () => {
    expect(() => loadEnv({ ...BASE, PUBLIC_BASE_URL: "service.example.ir" })).toThrow(EnvError);
    expect(() => loadEnv({ ...BASE, PUBLIC_BASE_URL: "ftp://service.example.ir" })).toThrow(/PUBLIC_BASE_URL/);
    expect(() => loadEnv({ ...BASE, TRACKING_SECRET: "short" })).toThrow(/TRACKING_SECRET/);
    expect(() => loadEnv({ ...BASE, KAVENEGAR_SIM_URL: "not a url" })).toThrow(/KAVENEGAR_SIM_URL/);
  });
});
