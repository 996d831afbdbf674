/**
 * Settings for the embedded PostgreSQL, sized from the machine's memory as a real deployment would size
 * them (the web server and workers share the machine, so PostgreSQL takes an eighth of it for its
 * buffers, not the quarter a dedicated server would). Passed as `-c name=value` at start-up.
 */
const MB = 1024 * 1024;

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, Math.floor(v)));

export function postgresTuning(totalMemoryBytes: number): Record<string, string> {
  const totalMb = totalMemoryBytes / MB;
  return {
    // PostgreSQL's own cache of table and index pages; the OS page cache holds more
    shared_buffers: `${clamp(totalMb / 8, 128, 8192)}MB`,
    // what the planner may assume is cached (shared buffers + the OS page cache)
    effective_cache_size: `${clamp(totalMb / 2, 512, 65536)}MB`,
    // per sort or hash step of a query: the ledger and dashboard sorts stay in memory
    work_mem: `${clamp(totalMb / 512, 4, 64)}MB`,
    // index builds in migrations
    maintenance_work_mem: `${clamp(totalMb / 32, 64, 1024)}MB`,
    // solid-state storage: an index page is barely dearer to fetch than a sequential one
    random_page_cost: "1.1",
    // short OLTP queries: compiling them costs more than it saves
    jit: "off",
  };
}

export function postgresTuningFlags(totalMemoryBytes: number): string[] {
  return Object.entries(postgresTuning(totalMemoryBytes)).flatMap(([k, v]) => ["-c", `${k}=${v}`]);
}
