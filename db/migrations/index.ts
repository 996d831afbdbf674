import type { Migration } from "kysely";
import * as m2026_11_23_120000 from "./2026_11_23_120000_initial_schema";

/**
 * Every migration, by name, imported statically so the list works the same under tsx,
 * vitest and bundlers. tests/unit/migrations-index.test.ts checks it against the folder.
 */
export const migrations: Record<string, Migration> = {
  "2026_11_23_120000_initial_schema": m2026_11_23_120000,
};
