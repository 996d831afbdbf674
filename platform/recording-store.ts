import { createHash } from "node:crypto";
import { createReadStream, type ReadStream } from "node:fs";
import { mkdir, open, rename, stat, unlink } from "node:fs/promises";
import path from "node:path";
import { readWavInfo } from "./wav";

/**
 * Where call recordings are kept: files under one directory (RECORDINGS_DIR, by default DATA_DIR/recordings),
 * addressed by a storage key such as `2026/11/30/call-123.wav`. Writes go to a temporary file first and are
 * renamed into place, so a reader never sees half a recording; the checksum and duration are computed on
 * the way in and stored with the call (recordings table).
 */
export class RecordingStore {
  constructor(readonly root: string) {}

  /** Keys are relative, lower-case paths without `..`: nothing outside the root can be named. */
  static isValidKey(key: string): boolean {
    return /^[a-z0-9][a-z0-9_.-]*(\/[a-z0-9][a-z0-9_.-]*)*$/.test(key) && !key.split("/").includes("..") && key.length <= 200;
  }

  /** A key for a call's recording, dated so directories stay small. */
  static keyForCall(callId: number, at: Date, format = "wav"): string {
    const d = at.toISOString().slice(0, 10).replaceAll("-", "/");
    return `${d}/call-${callId}.${format}`;
  }

  pathOf(key: string): string {
    if (!RecordingStore.isValidKey(key)) throw new Error(`invalid recording key: ${JSON.stringify(key)}`);
    return path.join(this.root, ...key.split("/"));
  }

  /** Stores the bytes under the key (replacing any earlier file) and describes them. */
  async save(key: string, data: Buffer): Promise<StoredRecordingInfo> {
    const target = this.pathOf(key);
    await mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.${process.pid}.${Date.now()}.part`;
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
    return describe(key, data);
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

export interface StoredRecordingInfo {
  key: string;
  sizeBytes: number;
  sha256: string;
  format: "wav";
  /** whole seconds, rounded; null when the header cannot be read */
  durationSeconds: number | null;
}

export function describe(key: string, data: Buffer): StoredRecordingInfo {
  const info = readWavInfo(data);
  return {
    key,
    sizeBytes: data.length,
    sha256: createHash("sha256").update(data).digest("hex"),
    format: "wav",
    durationSeconds: info ? Math.round(info.durationSeconds) : null,
  };
}

/**
 * Parses an HTTP Range header for one range of a file of `size` bytes: the inclusive [start, end], null when
 * there is no usable header (send the whole file), or "unsatisfiable" (416).
 */
export function parseRange(header: string | null | undefined, size: number): { start: number; end: number } | null | "unsatisfiable" {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return null; // several ranges or another unit: whole file
  let start: number;
  let end: number;
  if (m[1] === "") {
    const suffix = Number(m[2]);
    if (suffix === 0) return "unsatisfiable";
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return "unsatisfiable";
  return { start, end };
}
