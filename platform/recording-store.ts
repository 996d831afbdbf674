import { createHash } from "node:crypto";
import { FileStore } from "./file-store";
import { readWavInfo } from "./wav";

/**
 * Where call recordings are kept: files under one directory (RECORDINGS_DIR, by default DATA_DIR/recordings),
 * addressed by a storage key such as `2026/11/30/call-123.wav`, written atomically (platform/file-store.ts);
 * the checksum and duration are computed on the way in and stored with the call (recordings table).
 */
export class RecordingStore extends FileStore {
  constructor(root: string) {
    super(root, "recording");
  }

  /** A key for a call's recording, dated so directories stay small. */
  static keyForCall(callId: number, at: Date, format = "wav"): string {
    return `${FileStore.datedPrefix(at)}/call-${callId}.${format}`;
  }

  /** Stores the bytes under the key (replacing any earlier file) and describes them. */
  async save(key: string, data: Buffer): Promise<StoredRecordingInfo> {
    await this.writeAtomically(key, data);
    return describe(key, data);
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
