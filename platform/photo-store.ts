import { createHash, randomBytes } from "node:crypto";
import { createReadStream, type ReadStream } from "node:fs";
import { mkdir, open, rename, stat, unlink } from "node:fs/promises";
import path from "node:path";
import { photoExtension, type PhotoContentType } from "../core/photos";

/**
 * Where completion photos are kept: files under one directory (PHOTOS_DIR, by default DATA_DIR/photos),
 * addressed by a storage key such as `2026/12/02/ticket-12-9f…c1.jpg` (a random part, so a key says nothing
 * guessable and two uploads never collide). Each file is written to a temporary name, synced and renamed
 * into place, as platform/recording-store.ts does, so a reader never sees half a photo.
 */
export class PhotoStore {
  constructor(readonly root: string) {}

  static isValidKey(key: string): boolean {
    return /^[a-z0-9][a-z0-9_.-]*(\/[a-z0-9][a-z0-9_.-]*)*$/.test(key) && !key.split("/").includes("..") && key.length <= 200;
  }

  static newKey(ticketId: number, type: PhotoContentType, at: Date): string {
    const d = at.toISOString().slice(0, 10).replaceAll("-", "/");
    return `${d}/ticket-${ticketId}-${randomBytes(12).toString("hex")}.${photoExtension(type)}`;
  }

  pathOf(key: string): string {
    if (!PhotoStore.isValidKey(key)) throw new Error(`invalid photo key: ${JSON.stringify(key)}`);
    return path.join(this.root, ...key.split("/"));
  }

  /** Writes the bytes under the key (temporary file, sync, rename). */
  async save(key: string, data: Uint8Array): Promise<{ key: string; sizeBytes: number; sha256: string }> {
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
    return { key, sizeBytes: data.length, sha256: createHash("sha256").update(data).digest("hex") };
  }

  /** Removes stored files (a report whose transaction failed); missing files are no error. */
  async remove(keys: readonly string[]): Promise<void> {
    await Promise.all(keys.map((k) => unlink(this.pathOf(k)).catch(() => {})));
  }

  async size(key: string): Promise<number | null> {
    try {
      return (await stat(this.pathOf(key))).size;
    } catch {
      return null;
    }
  }

  read(key: string): ReadStream {
    return createReadStream(this.pathOf(key));
  }
}
