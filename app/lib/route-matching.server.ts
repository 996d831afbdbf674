/**
 * Remembers what React Router's `matchRoutes` answered, per route tree and path. Each call flattens the whole
 * route tree (~110 routes here), ranks every branch and compiles a regular expression per branch tried until
 * one matches: ≈ 0.2-0.3 ms per call, and a page calls it three times (Remix's request handler, its static
 * handler, the static render). Nothing of that depends on anything but the routes and the path, and the
 * server's route trees are made once per build and never changed, so the answer for a path is kept.
 *
 * The function is replaced on @remix-run/router's CommonJS exports, through which @remix-run/server-runtime
 * (`matchServerRoutes`) and react-router (the static render's `useRoutes`) call it; the static handler's own
 * call inside @remix-run/router is not reached. tests/unit/route-matching.test.ts checks both that the answers
 * are the same as the original's and that those two callers go through it (an upgrade that binds the function
 * directly would fail it, not slow down quietly).
 *
 * Every call gets its own copy of the matches (the params object shared by all matches of a path, as React
 * Router makes it), so a caller that changes one cannot change the next answer. At most MAX_PATHS paths of at
 * most MAX_PATH_LENGTH characters are kept per route tree (a ticket's page is a path of its own); past that the
 * tree's entries start afresh, so what a client can make the server keep stays within a few megabytes.
 */
import { createRequire } from "node:module";
import type { AgnosticRouteMatch, AgnosticRouteObject, matchRoutes as MatchRoutesFn } from "@remix-run/router";

type MatchRoutes = typeof MatchRoutesFn;
type Match = AgnosticRouteMatch<string, AgnosticRouteObject>;

const MAX_PATHS = 5000;
/** Longer paths (never a page of this app; a request can carry kilobytes) are matched but not kept. */
const MAX_PATH_LENGTH = 300;
const INSTALLED = Symbol.for("aftersales.route-matching.original");

const routerExports = createRequire(import.meta.url)("@remix-run/router") as { matchRoutes: MatchRoutes & { [INSTALLED]?: MatchRoutes } };

const stats = { hits: 0, misses: 0 };

/** How often a remembered answer was used and how often the original ran (for tests and benches). */
export function routeMatchStats(): Readonly<typeof stats> {
  return { ...stats };
}

function copy(matches: Match[] | null): Match[] | null {
  if (!matches || matches.length === 0) return matches && [];
  const params = { ...matches[0]!.params };
  return matches.map((m) => ({ params, pathname: m.pathname, pathnameBase: m.pathnameBase, route: m.route }));
}

/** Installs the remembering `matchRoutes` (once per process; later calls do nothing). */
export function installRouteMatchCache(): void {
  if (routerExports.matchRoutes[INSTALLED]) return;
  const original = routerExports.matchRoutes;
  const perTree = new WeakMap<object, Map<string, Match[] | null>>();
  const matchRoutes = ((routes: AgnosticRouteObject[], locationArg: string | { pathname?: string }, basename = "/") => {
    const pathname = typeof locationArg === "string" ? locationArg : locationArg?.pathname;
    if (typeof pathname !== "string" || pathname.length > MAX_PATH_LENGTH || typeof basename !== "string" || !routes || typeof routes !== "object") {
      return original(routes, locationArg as string, basename);
    }
    let answers = perTree.get(routes);
    if (!answers) perTree.set(routes, (answers = new Map()));
    const key = `${basename}\u0000${pathname}`;
    let answer = answers.get(key);
    if (answer === undefined) {
      stats.misses++;
      answer = original(routes, locationArg as string, basename) as Match[] | null;
      if (answers.size >= MAX_PATHS) answers.clear();
      answers.set(key, answer);
    } else stats.hits++;
    return copy(answer);
  }) as MatchRoutes & { [INSTALLED]?: MatchRoutes };
  matchRoutes[INSTALLED] = original;
  routerExports.matchRoutes = matchRoutes;
}
