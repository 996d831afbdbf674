import { spawnSync } from "node:child_process";
import { chmod, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { EmbeddedPostgresError, startEmbeddedPostgres } from "../../db/connection";
import { packagedBinaries } from "../../db/embedded-cluster";

const isRoot = process.getuid?.() === 0;
const cleanup: string[] = [];
afterAll(async () => {
  for (const dir of cleanup) await rm(dir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function tempDir(prefix: string, mode: number): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  await chmod(dir, mode);
  cleanup.push(dir);
  return dir;
}

/** As root: binaries copied and data kept where the postgres OS user can reach them, one line says where. */
async function startsFromPrivateFolderAsRoot() {
  // A project in a folder the postgres OS user cannot enter, binaries and data included
  // (hard links: a copy of node_modules' binaries without the 60 MB).
  const project = await tempDir("aftersales-private-", 0o700);
  const binaries = path.join(project, "native");
  const linked = spawnSync("cp", ["-al", packagedBinaries().dir, binaries]);
  if (linked.status !== 0) expect(spawnSync("cp", ["-a", packagedBinaries().dir, binaries]).status).toBe(0);
  const shared = await tempDir("aftersales-shared-", 0o755);
  const lines: string[] = [];

  const server = await startEmbeddedPostgres({
    dir: path.join(project, ".data", "postgres"),
    port: await freePort(),
    binariesDir: binaries,
    sharedDir: shared,
    log: (m) => lines.push(m),
  });
  try {
    expect(server.dataDir.startsWith(path.join(shared, "clusters") + path.sep)).toBe(true);
    expect(lines.some((l) => l.includes(`cannot enter ${path.join(project, ".data")}`) && l.includes(server.dataDir))).toBe(true);
    expect(lines.some((l) => l.includes("binaries copied to"))).toBe(true);
    expect((await stat(server.dataDir)).uid).not.toBe(0);

    const client = new pg.Client({ connectionString: server.adminUrl });
    await client.connect();
    try {
      const r = await client.query<{ user: string; ctype: string }>(
        "select current_user as user, datctype as ctype from pg_database where datname = 'postgres'",
      );
      expect(r.rows[0]).toEqual({ user: "postgres", ctype: "C.UTF-8" });
    } finally {
      await client.end();
    }
  } finally {
    await server.stop();
  }
}

/** As any other user, the project's own folder is the user's: a folder it may not write gives one sentence. */
async function refusesUnwritableFolderAsUser() {
  const base = await tempDir("aftersales-readonly-", 0o500);
  await expect(startEmbeddedPostgres({ dir: path.join(base, "data", "postgres"), port: await freePort() })).rejects.toThrow(
    /^Cannot create the database folder .* \(EACCES\): set DATA_DIR/,
  );
}

describe("the embedded PostgreSQL", () => {
  it(
    isRoot ? "runs as root from a private (mode 700) folder" : "tells a user who may not write its folder what to do",
    async () => (isRoot ? startsFromPrivateFolderAsRoot() : refusesUnwritableFolderAsUser()),
    180_000,
  );

  it("stops with one sentence saying what to do when its folder cannot be made", async () => {
    // A regular file where a folder should be: neither root nor anyone else can create a folder inside it.
    const base = await tempDir("aftersales-blocked-", 0o755);
    await writeFile(path.join(base, "file"), "");
    const attempt = startEmbeddedPostgres({ dir: path.join(base, "file", "postgres"), port: await freePort() });
    await expect(attempt).rejects.toBeInstanceOf(EmbeddedPostgresError);
    await expect(attempt).rejects.toThrow(/^Cannot create the database folder .*: set DATA_DIR to a folder you can write, or DATABASE_URL to use an external server\.$/);
  });
});
