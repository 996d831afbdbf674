import { createHash, randomBytes } from "node:crypto";
import { photoExtension, type PhotoContentType } from "../core/photos";
import { FileStore } from "./file-store";

/**
 * Where completion photos are kept: files under one directory (PHOTOS_DIR, by default DATA_DIR/photos),
 * addressed by a storage key such as `2026/12/02/ticket-12-9f…c1.jpg` (a random part, so a key says nothing
 * guessable and two uploads never collide), written atomically (platform/file-store.ts).
 */
export class PhotoStore extends FileStore {
  constructor(root: string) {
    super(root, "photo");
  }

  static newKey(ticketId: number, type: PhotoContentType, at: Date): string {
    return `${FileStore.datedPrefix(at)}/ticket-${ticketId}-${randomBytes(12).toString("hex")}.${photoExtension(type)}`;
  }

  /** Writes the bytes under the key and describes them. */
  async save(key: string, data: Uint8Array): Promise<{ key: string; sizeBytes: number; sha256: string }> {
    await this.writeAtomically(key, data);
    return { key, sizeBytes: data.length, sha256: createHash("sha256").update(data).digest("hex") };
  }
}
