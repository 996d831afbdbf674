import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { migrations } from "../../db/migrations/index";

describe("migration list", () => {
  it("names every file in db/migrations, in order, with the YYYY_MM_DD_HHmmss_name pattern", () => {
    const files = readdirSync(new URL("../../db/migrations/", import.meta.url))
      .filter((f) => f !== "index.ts")
      .map((f) => f.replace(/\.ts$/, ""))
      .sort();
    expect(Object.keys(migrations).sort()).toEqual(files);
    for (const name of files) expect(name).toMatch(/^\d{4}_\d{2}_\d{2}_\d{6}_[a-z0-9_]+$/);
  });
});
