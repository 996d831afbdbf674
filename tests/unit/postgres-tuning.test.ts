import { describe, expect, it } from "vitest";
import { postgresTuning, postgresTuningFlags } from "../../db/tuning";

const GB = 1024 ** 3;

describe("embedded PostgreSQL tuning", () => {
  it("sizes memory settings from the machine's memory", () => {
    expect(postgresTuning(8 * GB)).toMatchObject({
      shared_buffers: "1024MB",
      effective_cache_size: "4096MB",
      work_mem: "16MB",
      maintenance_work_mem: "256MB",
      jit: "off",
    });
  });

  it("stays within sane bounds on small and very large machines", () => {
    expect(postgresTuning(0.5 * GB)).toMatchObject({ shared_buffers: "128MB", effective_cache_size: "512MB", work_mem: "4MB", maintenance_work_mem: "64MB" });
    expect(postgresTuning(512 * GB)).toMatchObject({ shared_buffers: "8192MB", effective_cache_size: "65536MB", work_mem: "64MB", maintenance_work_mem: "1024MB" });
  });

  it("passes each setting as -c name=value", () => {
    const flags = postgresTuningFlags(4 * GB);
    expect(flags.filter((_, i) => i % 2 === 0).every((f) => f === "-c")).toBe(true);
    expect(flags).toContain("shared_buffers=512MB");
  });
});
