import type { NextFunction, Request, RequestHandler, Response } from "express";
import { DEFAULT_LOCALE, direction, isLocale, translator } from "../i18n";
import { localeCookie } from "./locale.server";

/**
 * Cross-site request forgery defence, in front of every route (server.ts mounts it before Remix):
 * a request that can change state (any method but GET and HEAD) must come from one of this site's own
 * pages. Browsers send `Origin` on every such request (all current browsers, forms and fetch alike);
 * when it is missing we fall back to `Referer`, and with neither the request is refused: a browser
 * never sends that, and scripts that post on purpose can send an Origin header.
 * This sits on top of the session cookie's SameSite=Lax, and covers every action, including ones added
 * later, because it runs before any of them.
 *
 * The site's own origin is the request's scheme and Host. Behind a reverse proxy that the app trusts
 * (express `trust proxy`, set to loopback in server.ts: a proxy on the same machine), X-Forwarded-Proto
 * and X-Forwarded-Host name the origin the browser used instead. A proxy elsewhere must be added to
 * `trust proxy`, or it must pass the Host header through unchanged.
 */
const SAFE_METHODS = new Set(["GET", "HEAD"]);

/** The origin the browser used to reach this server: scheme://host[:port]. */
export function ownOrigin(req: Request): string {
  const trust = req.app.get("trust proxy fn") as ((addr: string | undefined, i: number) => boolean) | undefined;
  const proxied = trust?.(req.socket.remoteAddress, 0) ?? false;
  const forwardedHost = proxied ? firstValue(req.get("X-Forwarded-Host")) : undefined;
  const host = forwardedHost ?? req.get("Host") ?? "";
  // req.protocol already honours X-Forwarded-Proto from a trusted proxy only.
  return `${req.protocol}://${host}`.toLowerCase();
}

function firstValue(header: string | undefined): string | undefined {
  const v = header?.split(",")[0]?.trim();
  return v ? v : undefined;
}

/** Where the request says it came from: Origin, else Referer's origin; null when neither is usable. */
export function claimedOrigin(headers: { origin?: string | undefined; referer?: string | undefined }): string | null {
  const origin = headers.origin?.trim();
  // "null" is sent from sandboxed frames, data: URLs and some cross-site redirects: never our own page.
  if (origin) return origin === "null" ? null : origin.toLowerCase();
  if (!headers.referer) return null;
  try {
    return new URL(headers.referer).origin.toLowerCase();
  } catch {
    return null;
  }
}

export function isSameOriginRequest(req: Request): boolean {
  if (SAFE_METHODS.has(req.method)) return true;
  const claimed = claimedOrigin({ origin: req.get("Origin"), referer: req.get("Referer") });
  return claimed !== null && claimed === ownOrigin(req);
}

/** Express middleware: passes same-origin requests on, answers others with 403 and a short localized page. */
export function sameOriginGuard(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (isSameOriginRequest(req)) return next();
    void refuse(req, res).catch(next);
  };
}

async function refuse(req: Request, res: Response) {
  const chosen: unknown = await localeCookie.parse(req.get("Cookie") ?? null).catch(() => null);
  const locale = isLocale(chosen) ? chosen : DEFAULT_LOCALE;
  const t = translator(locale);
  const message = t("error.crossSite");
  res.status(403).set("Cache-Control", "no-store");
  // Remix's data requests (JavaScript on) read a "caught" response: the page's error boundary shows a 403.
  if (typeof req.query._data === "string") {
    res.set("X-Remix-Catch", "yes").type("text/plain; charset=utf-8").send(message);
    return;
  }
  res
    .type("html")
    .send(
      `<!doctype html><html lang="${locale}" dir="${direction(locale)}"><head><meta charset="utf-8">` +
        `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${t("error.title")} 403</title>` +
        `<style>@font-face{font-family:Vazirmatn;src:url(/fonts/Vazirmatn-Regular.woff2) format("woff2")}` +
        `body{font-family:Vazirmatn,system-ui,sans-serif;margin:3rem auto;max-width:40rem;padding:0 1rem;line-height:1.8}</style>` +
        `</head><body><main class="error-page" id="main">` +
        `<h1>${t("error.title")} ${locale === "fa" ? "۴۰۳" : "403"}</h1><p role="alert">${message}</p>` +
        `<a href="/">${t("error.home")}</a></main></body></html>`,
    );
}
