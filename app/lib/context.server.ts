import type { DB } from "../../db/connection";
import type { Env } from "../../platform/env";

/**
 * What the server hands every loader and action: the database and the validated
 * configuration. Passing them in (rather than importing a module-level pool) keeps
 * route code testable and lets several processes run the same code.
 */
export interface AppContext {
  db: DB;
  env: Env;
  clientIp: string;
}

declare module "@remix-run/node" {
  interface AppLoadContext extends AppContext {}
}
