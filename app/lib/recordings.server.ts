import { Readable } from "node:stream";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { can } from "../../core/roles";
import { parseRange, RecordingStore } from "../../platform/recording-store";
import { requireUser, scopeFor } from "~/lib/auth.server";
import { tickets } from "~/lib/db.server";

const RecordingId = z.coerce.number().int().positive().max(2 ** 53);

const CONTENT_TYPES: Record<string, string> = {
  wav: "audio/wav",
  mp3: "audio/mpeg",
  ogg: "audio/ogg",
  gsm: "audio/x-gsm",
  ulaw: "audio/basic",
  alaw: "audio/x-alaw-basic",
  sln: "audio/L16",
};

function notFound(): Response {
  // the same answer for "no such recording", "not yours to hear" and "file missing": nothing leaks
  return new Response("Not found", { status: 404, headers: { "Cache-Control": "private, no-store" } });
}

/**
 * A call recording, streamed from the recording store with HTTP range support (the audio element seeks by
 * asking for byte ranges). Signed-in users only; allowed when they may read tickets and the call is attached
 * to a ticket their scope shows (agencies: never — the call centre's calls are not theirs).
 */
export async function recordingResponse({ request, context, params }: LoaderFunctionArgs): Promise<Response> {
  const user = await requireUser(request, context);
  const id = RecordingId.safeParse(params.recordingId);
  if (!id.success) return notFound();
  if (!can(user.role, "tickets:read_all")) return notFound();
  const recording = await tickets.playableRecording(context.db, scopeFor(user), id.data);
  if (!recording || !RecordingStore.isValidKey(recording.storage_key)) return notFound();
  const store = new RecordingStore(context.env.recordingsDir);
  const size = await store.size(recording.storage_key);
  if (size === null) return notFound();
  const headers = new Headers({
    "Content-Type": CONTENT_TYPES[recording.format] ?? "application/octet-stream",
    "Accept-Ranges": "bytes",
    "Cache-Control": "private, max-age=3600",
    "X-Content-Type-Options": "nosniff",
  });
  const range = parseRange(request.headers.get("Range"), size);
  if (range === "unsatisfiable") {
    headers.set("Content-Range", `bytes */${size}`);
    return new Response(null, { status: 416, headers });
  }
  const head = request.method === "HEAD";
  const body = (r?: { start: number; end: number }) =>
    head ? null : (Readable.toWeb(store.read(recording.storage_key, r)) as unknown as ReadableStream<Uint8Array>);
  if (range) {
    headers.set("Content-Range", `bytes ${range.start}-${range.end}/${size}`);
    headers.set("Content-Length", String(range.end - range.start + 1));
    return new Response(body(range), { status: 206, headers });
  }
  headers.set("Content-Length", String(size));
  return new Response(body(), { status: 200, headers });
}
