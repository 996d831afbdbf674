import { Writable } from "node:stream";
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { isRouteErrorResponse, RemixServer } from "@remix-run/react";
import { renderToPipeableStream } from "react-dom/server";
import { logger } from "../platform/logger";

const log = logger("web");

const ABORT_DELAY = 5_000;

/**
 * Pages are rendered whole and sent as one buffer: they have no Suspense boundary to stream, and one
 * write with a Content-Length costs the server far less than a stream of small chunks (measured with
 * bench/pages).
 */
export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  _loadContext: AppLoadContext,
) {
  return new Promise<Response>((resolve, reject) => {
    let settled = false;
    const chunks: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
        done();
      },
      final(done) {
        settled = true;
        clearTimeout(timer);
        responseHeaders.set("Content-Type", "text/html; charset=utf-8");
        responseHeaders.set("X-Content-Type-Options", "nosniff");
        responseHeaders.set("Referrer-Policy", "same-origin");
        responseHeaders.set("X-Frame-Options", "DENY");
        resolve(new Response(Buffer.concat(chunks), { headers: responseHeaders, status: responseStatusCode }));
        done();
      },
    });
    const { pipe, abort } = renderToPipeableStream(
      <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} />,
      {
        onAllReady() {
          pipe(sink);
        },
        onShellError(error: unknown) {
          clearTimeout(timer);
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (settled) log.error(`${request.method} ${new URL(request.url).pathname}: rendering failed`, error);
        },
      },
    );
    // React calls back asynchronously (after this line), so the callbacks above can clear it
    const timer = setTimeout(abort, ABORT_DELAY);
  });
}

export function handleError(error: unknown, { request }: { request: Request }) {
  // Aborted requests and "no route matches" 404s are not faults worth a stack trace.
  if (request.signal.aborted || isRouteErrorResponse(error)) return;
  // One line (a PostgreSQL error object alone is 30); the stack only at LOG_LEVEL=debug.
  log.error(`${request.method} ${new URL(request.url).pathname}`, error);
}
