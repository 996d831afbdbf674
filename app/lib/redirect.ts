/*
 * Redirect targets that come from outside (a form's redirectTo, a query parameter) are checked here.
 * Pure: no server imports, so the rule is unit-tested directly.
 */

/** Longer than any path the app builds; a longer value is an attack or an accident, not a place to go. */
export const MAX_REDIRECT_LENGTH = 2048;
const BASE = "http://same-origin.invalid";
// C0 and C1 control characters and every kind of white space: browsers strip tab/CR/LF from URLs
// (so "/\t/host" becomes "//host"), and none belongs in a path the app itself builds.
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f\u3000\ufeff\\]/;

/**
 * Where to go after signing in or switching language: only a path on this site, else `fallback`.
 * Refused: anything not starting with one "/" ("//host", "/\\host", "https://x", "javascript:…"),
 * control characters or white space anywhere (raw or percent-encoded in the path), backslashes, dot
 * segments that collapse to "//host", over-long values. The result is re-serialised by the URL parser,
 * so it is always a valid Location header (non-ASCII percent-encoded).
 */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback: string): string {
  if (typeof to !== "string" || to.length === 0 || to.length > MAX_REDIRECT_LENGTH) return fallback;
  if (!startsAsLocalPath(to) || UNSAFE_CHARS.test(to)) return fallback;
  // Percent-encoding hides the same tricks ("/%2F/host", "/%09/host", "/%5Chost"): look at the decoded path too.
  let path = to.split(/[?#]/, 1)[0]!;
  for (let i = 0; i < 3; i++) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(path);
    } catch {
      return fallback;
    }
    if (decoded === path) break;
    if (!startsAsLocalPath(decoded) || UNSAFE_CHARS.test(decoded)) return fallback;
    path = decoded;
  }
  let url: URL;
  try {
    url = new URL(to, BASE);
  } catch {
    return fallback;
  }
  // "/.//host" and "/%2e//host" normalise to "//host".
  if (url.origin !== BASE || !startsAsLocalPath(url.pathname)) return fallback;
  return url.pathname + url.search + url.hash;
}

function startsAsLocalPath(s: string): boolean {
  return s.startsWith("/") && s[1] !== "/" && s[1] !== "\\";
}
