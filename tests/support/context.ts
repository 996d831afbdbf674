import type { AppLoadContext } from "@remix-run/node";
import { loadEnv } from "../../platform/env";
import type { DB } from "../../db/connection";

/** The load context the server would pass, for calling loaders and actions directly. */
export function testContext(db: DB, clientIp = "127.0.0.1"): AppLoadContext {
  const env = loadEnv({ NODE_ENV: "test", SESSION_SECRET: "test-secret-test-secret", DATA_DIR: ".data/test-env" });
  return { db, env, clientIp };
}

export function formRequest(url: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return new Request(`http://localhost${url}`, {
    method: "POST",
    body: new URLSearchParams(fields),
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
  });
}

/** The cookie pair from a Set-Cookie header, for the next request. */
export function cookieFrom(response: Response): string {
  const set = response.headers.get("Set-Cookie") ?? "";
  return set.split(";")[0]!;
}
