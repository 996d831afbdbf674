/**
 * Photos sent with a completion report (issue 13, section 3: "photos optional"), as pure rules: which
 * images are taken, how many and how large, and what a file really is — read from its first bytes (its
 * magic number), never from the type or name the browser declared, so a renamed script is no image.
 */

export const PHOTO_CONTENT_TYPES = ["image/jpeg", "image/png", "image/webp"] as const;
export type PhotoContentType = (typeof PHOTO_CONTENT_TYPES)[number];

/** At most this many photos with one report. */
export const MAX_PHOTOS = 4;
/** At most this many bytes per photo (5 MB; the migration 2026_12_02_110000 holds the same bound). */
export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;

export type PhotoProblem = "photoType" | "photoTooLarge" | "tooManyPhotos";

const EXTENSIONS: Record<PhotoContentType, string> = { "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp" };

export function photoExtension(type: PhotoContentType): string {
  return EXTENSIONS[type];
}

export function isPhotoContentType(value: unknown): value is PhotoContentType {
  return typeof value === "string" && (PHOTO_CONTENT_TYPES as readonly string[]).includes(value);
}

/** The image type the bytes begin with (JPEG, PNG or WebP), or null: anything else is refused. */
export function sniffPhotoType(bytes: Uint8Array): PhotoContentType | null {
  const at = (i: number, ...values: number[]) => values.every((v, k) => bytes[i + k] === v);
  if (bytes.length >= 4 && at(0, 0xff, 0xd8, 0xff)) return "image/jpeg";
  if (bytes.length >= 8 && at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png";
  // RIFF....WEBP
  if (bytes.length >= 12 && at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return "image/webp";
  return null;
}

/** What is wrong with a set of photos (count, then each one's size and type); null: they may be stored. */
export function checkPhotos(photos: readonly Uint8Array[]): PhotoProblem | null {
  if (photos.length > MAX_PHOTOS) return "tooManyPhotos";
  for (const p of photos) {
    if (p.length === 0 || p.length > MAX_PHOTO_BYTES) return "photoTooLarge";
    if (!sniffPhotoType(p)) return "photoType";
  }
  return null;
}
