import { randomBytes } from "node:crypto";
import { createReadStream, type ReadStream } from "node:fs";
import { mkdir, open, rename, stat, unlink } from "node:fs/promises";
import path from "node:path";

/**
 * Files under one root directory, addressed by a storage key (a relative, lower-case path such as
 * `2026/11/30/call-123.wav`). Writes go to a temporary file, are synced and renamed into place, so a reader
 * never sees half a file. The recording store and the photo store are this with their own keys and facts.
 */
export class FileStore {
  constructor(
    readonly root: string,
    /** what a key names, for error messages ("recording", "photo") */
    private readonly what = "file",
  ) {}

  /** Keys are relative, lower-case paths without `..`: nothing outside the root can be named. */
  static isValidKey(key: string): boolean {
    return /^[a-z0-9][a-z0-9_.-]*(\/[a-z0-9][a-z0-9_.-]*)*$/.test(key) && !key.split("/").includes("..") && key.length <= 200;
  }

  /** The date part of a key, so directories stay small: `YYYY/MM/DD`. */
  static datedPrefix(at: Date): string {
    return at.toISOString().slice(0, 10).replaceAll("-", "/");
  }

  pathOf(key: string): string {
    if (!FileStore.isValidKey(key)) throw new Error(`invalid ${this.what} key: ${JSON.stringify(key)}`);
    return path.join(this.root, ...key.split("/"));
  }

  /** Writes the bytes under the key (replacing any earlier file): temporary file, sync, rename. */
  protected async writeAtomically(key: string, data: Uint8Array): Promise<void> {
    const target = this.pathOf(key);
    await mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.${process.pid}.${randomBytes(4).toString("hex")}.part`;
    const handle = await open(temp, "w", 0o640);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(temp, target);
    } catch (error) {
      await unlink(temp).catch(() => {});
      throw error;
    }
  }

  /** Removes stored files; missing files are no error. */
  async remove(keys: readonly string[]): Promise<void> {
    await Promise.all(keys.map((k) => unlink(this.pathOf(k)).catch(() => {})));
  }

  /** Size of a stored file, or null when it is missing. */
  async size(key: string): Promise<number | null> {
    try {
      return (await stat(this.pathOf(key))).size;
    } catch {
      return null;
    }
  }

  /** A stream of the file, or of the inclusive byte range [start, end] (HTTP Range). */
  read(key: string, range?: { start: number; end: number }): ReadStream {
    return createReadStream(this.pathOf(key), range);
  }
}
