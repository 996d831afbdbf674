/**
 * A production start that would silently fall back to the simulators stops instead, with one sentence per
 * missing provider naming what to set (platform/env.ts): `server.ts` started as a real process, as a deployment
 * starts it.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PRODUCTION_NEEDS_ARI, PRODUCTION_NEEDS_SMS } from "../../platform/env";

const dataDir = mkdtempSync(path.join(tmpdir(), "production-start-"));

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Runs `server.ts` with this configuration until it exits (it must: the configuration is refused). */
function start(extra: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "server.ts"], {
    cwd: path.resolve(__dirname, "../.."),
    env: {
      ...process.env,
      NODE_ENV: "production",
      SESSION_SECRET: "production-start-test-secret",
      DATA_DIR: dataDir,
      LOG_LEVEL: "warn",
      // empty means unset (platform/env.ts)
      ARI_URL: "",
      ARI_SIMULATOR: "",
      KAVENEGAR_API_KEY: "",
      KAVENEGAR_BASE_URL: "",
      SMS_SIMULATOR: "",
      ...extra,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("NODE_ENV=production without ARI_URL or KAVENEGAR_API_KEY", () => {
  it("does not start, and says what to set", async () => {
    const run = await start({});
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(PRODUCTION_NEEDS_ARI);
    expect(run.stderr).toContain(PRODUCTION_NEEDS_SMS);
    // nothing was started before the refusal (no database, no simulator)
    expect(run.stdout).not.toMatch(/PostgreSQL|simulator on/);
  }, 60_000);

  it("names only what is missing", async () => {
    const run = await start({ ARI_SIMULATOR: "true" });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(PRODUCTION_NEEDS_SMS);
    expect(run.stderr).not.toContain(PRODUCTION_NEEDS_ARI);
  }, 60_000);
});
