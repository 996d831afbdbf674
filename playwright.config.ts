import { defineConfig } from "@playwright/test";

/**
 * End-to-end tests drive Debian's Chromium (no browser download). The app runs as a new user
 * would start it, on its own embedded PostgreSQL in .data/e2e, wiped and re-seeded each run.
 */
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);
export const E2E_PG_PORT = Number(process.env.E2E_PG_PORT ?? 54349);
/** The ARI simulator the e2e server starts (ARI_URL unset); tests drive it through its control API. */
export const E2E_ARI_SIM_PORT = Number(process.env.E2E_ARI_SIM_PORT ?? 8098);
/** The Kavenegar simulator the e2e server starts (KAVENEGAR_API_KEY unset): registration SMS land there. */
export const E2E_KAVENEGAR_SIM_PORT = Number(process.env.E2E_KAVENEGAR_SIM_PORT ?? 8097);
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export default defineConfig({
  testDir: "tests/e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  // generous: the CI machine has two cores, and a menu walk (the manager has ~25 pages) or a re-dispatch after a
  // suspension is slow there; a test that passes is no slower for it
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    baseURL: `http://localhost:${E2E_PORT}`,
    locale: "fa-IR",
    timezoneId: "Asia/Tehran",
    launchOptions: {
      executablePath: chromium,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
    trace: "off",
  },
  webServer: {
    command: "rm -rf .data/e2e && npx tsx server.ts",
    url: `http://localhost:${E2E_PORT}/healthz`,
    timeout: 180_000,
    reuseExistingServer: false,
    // SIGTERM lets the server stop its embedded PostgreSQL before the next run wipes .data/e2e.
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    stdout: "pipe",
    stderr: "pipe",
    env: {
      NODE_ENV: "test",
      PORT: String(E2E_PORT),
      DATA_DIR: ".data/e2e",
      EMBEDDED_PG_PORT: String(E2E_PG_PORT),
      SESSION_SECRET: "e2e-session-secret-not-for-production",
      ARI_SIM_PORT: String(E2E_ARI_SIM_PORT),
      KAVENEGAR_SIM_PORT: String(E2E_KAVENEGAR_SIM_PORT),
      // on the simulators, said explicitly (the default outside production; production requires it)
      ARI_SIMULATOR: "true",
      SMS_SIMULATOR: "true",
      // no map tiles can be fetched here; the address picker works without them
      MAP_TILE_URL: "none",
      // a completed job's satisfaction follow-up call is due at once (not days later)
      SATISFACTION_DELAY_DAYS: "0",
      // an agency's offer lapses after half a minute, so the fallback to the next agency is seen end to end
      DISPATCH_OFFER_DEADLINE_MINUTES: "0.5",
    },
  },
});
