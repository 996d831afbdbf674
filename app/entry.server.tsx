import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { isRouteErrorResponse } from "@remix-run/react";
import { renderToString } from "react-dom/server";
import { logger } from "../platform/logger";
import { CachedRemixServer } from "./lib/remix-server.server";
import { installRouteMatchCache } from "./lib/route-matching.server";

const log = logger("web");

// React Router's matchRoutes, remembered per route tree and path (app/lib/route-matching.server.ts).
installRouteMatchCache();

/**
 * Pages are rendered whole, to one string, and sent in one write. They have no Suspense boundary to
 * stream: by the time a page renders, every loader has answered. A stream of small chunks (or a
 * pipeable stream collected into one buffer) cost the server more CPU per page (measured with
 * bench/pages and a CPU profile). A render that throws is Remix's to handle: it renders the error
 * boundary instead, as it does for a stream's shell error. `CachedRemixServer` is `<RemixServer>` with its
 * route objects built once per build rather than on every request (app/lib/remix-server.server.tsx).
 */
export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  _loadContext: AppLoadContext,
) {
  // renderToString, unlike the stream, does not write the doctype of an <html> root itself
  const html = `<!DOCTYPE html>${renderToString(<CachedRemixServer context={remixContext} url={request.url} />)}`;
  responseHeaders.set("Content-Type", "text/html; charset=utf-8");
  responseHeaders.set("X-Content-Type-Options", "nosniff");
  responseHeaders.set("Referrer-Policy", "same-origin");
  responseHeaders.set("X-Frame-Options", "DENY");
  return new Response(html, { headers: responseHeaders, status: responseStatusCode });
}

export function handleError(error: unknown, { request }: { request: Request }) {
  // Aborted requests and "no route matches" 404s are not faults worth a stack trace.
  if (request.signal.aborted || isRouteErrorResponse(error)) return;
  // One line (a PostgreSQL error object alone is 30); the stack only at LOG_LEVEL=debug.
  log.error(`${request.method} ${new URL(request.url).pathname}`, error);
}
