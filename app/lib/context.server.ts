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
  /**
   * Values worked out once per request and shared by its loaders (the signed-in user: the root, the layout
   * and the page each ask for it). The server makes a new one for every request; without it (tests calling
   * a loader directly with a shared context) every call looks again.
   */
  perRequest?: Map<string, unknown>;
}

declare module "@remix-run/node" {
  interface AppLoadContext extends AppContext {}
}
