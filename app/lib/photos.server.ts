import { Readable } from "node:stream";
import type { AppLoadContext } from "@remix-run/node";
import { z } from "zod";
import { MAX_PHOTO_BYTES, MAX_PHOTOS } from "../../core/photos";
import { can } from "../../core/roles";
import { PhotoStore } from "../../platform/photo-store";
import { getUser, scopeFor } from "~/lib/auth.server";
import { jobReports } from "~/lib/db.server";
import { readMultipartForm, type MultipartForm } from "~/lib/input.server";

/** The file input's name on both completion forms (app/components/JobCompletion.tsx). */
export const PHOTO_FIELD = "photos";

const PhotoId = z.coerce.number().int().positive().max(2 ** 53);

export function photoStoreOf(context: AppLoadContext): PhotoStore {
  return new PhotoStore(context.env.photosDir);
}

/** A completion form (multipart, with its photos; or urlencoded, without), within core/photos.ts's limits. */
export function readCompletionForm(request: Request): Promise<MultipartForm> {
  return readMultipartForm(request, { fileFields: [PHOTO_FIELD], maxFiles: MAX_PHOTOS, maxFileBytes: MAX_PHOTO_BYTES });
}

function notFound(): Response {
  // the same answer for "no such photo", "not yours to see", "not signed in" and "file missing": nothing leaks
  return new Response("Not found", { status: 404, headers: { "Cache-Control": "private, no-store" } });
}

/** The bytes of a stored photo, or the 404 when its file is gone. */
export async function photoBody(
  context: AppLoadContext,
  request: Request,
  photo: { storage_key: string; content_type: string } | undefined,
): Promise<Response> {
  if (!photo || !PhotoStore.isValidKey(photo.storage_key)) return notFound();
  const store = photoStoreOf(context);
  const size = await store.size(photo.storage_key);
  if (size === null) return notFound();
  const headers = new Headers({
    "Content-Type": photo.content_type,
    "Content-Length": String(size),
    "Cache-Control": "private, max-age=3600",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
  });
  const body = request.method === "HEAD" ? null : (Readable.toWeb(store.read(photo.storage_key)) as unknown as ReadableStream<Uint8Array>);
  return new Response(body, { status: 200, headers });
}

/**
 * /photos/:photoId — a completion photo for a signed-in user whose scope reads its ticket: staff who read
 * all tickets, the agency whose report it is. Anyone else (another agency, no session) gets the same 404.
 */
export async function photoResponse(request: Request, context: AppLoadContext, rawId: string | undefined): Promise<Response> {
  const id = PhotoId.safeParse(rawId);
  if (!id.success) return notFound();
  const user = await getUser(request, context);
  if (!user || !(can(user.role, "tickets:read_all") || can(user.role, "agency_portal:use"))) return notFound();
  return photoBody(context, request, await jobReports.photoInScope(context.db, scopeFor(user), id.data));
}

export function parsePhotoId(raw: string | undefined): number | null {
  const id = PhotoId.safeParse(raw);
  return id.success ? id.data : null;
}
