/**
 * `<RemixServer>` (from @remix-run/react 2.17) with its route objects built once per server build instead of
 * on every request. Remix's own component rebuilds all ~110 route objects (`createServerRoutes`) and the
 * static router converts them once more into data routes (`createStaticRouter`) for each page it renders;
 * neither depends on the request, only on the build (manifest, route modules, future flags). Here both are
 * kept per build (a WeakMap on the build's route manifest, checked against the page's route modules) and each
 * request gets only what is its own: the matches, the loader data, the router state. The element tree, and so the HTML and `window.__remixContext`
 * that hydration reads, is the same as `<RemixServer>`'s; tests/unit/remix-server.test.ts renders both over
 * a real Remix request handler and fails if they ever differ (an upgrade of @remix-run/react that changes
 * the internals used here: `createServerRoutes`, `shouldHydrateRouteLoader`, `RemixErrorBoundary`).
 *
 * Single fetch and SPA mode (neither is on here) are left to `<RemixServer>` itself.
 */
import type { EntryContext } from "@remix-run/node";
import { RemixServer, UNSAFE_RemixContext as RemixContext } from "@remix-run/react";
// Internals of @remix-run/react (pinned by package-lock), by their exact dist path: not in its public API.
import { RemixErrorBoundary } from "@remix-run/react/dist/errorBoundaries.js";
import { createServerRoutes, shouldHydrateRouteLoader } from "@remix-run/react/dist/routes.js";
import { createStaticRouter, StaticRouterProvider, type StaticHandlerContext } from "react-router-dom/server";

type DataRoute = ReturnType<typeof createStaticRouter>["routes"][number];

interface BuildRoutes {
  /** The route modules the routes were made of (Remix makes a new record of the build's modules per request). */
  routeModules: EntryContext["routeModules"];
  future: EntryContext["future"];
  /** The static router's data routes, as `createStaticRouter` makes them from `createServerRoutes`. */
  dataRoutes: DataRoute[];
  /** The same, by route id (createStaticRouter's own manifest, used to rebind each request's matches). */
  byId: Map<string, DataRoute>;
  /** Routes whose loader data is not rendered on the server (a `clientLoader` that hydrates). */
  clientHydrated: string[];
}

const perBuild = new WeakMap<object, BuildRoutes>();

/** A handler context with no request's state (no matches, no data) at `pathname`. */
export function emptyHandlerContext(pathname = "/"): StaticHandlerContext {
  return {
    basename: "/",
    location: { pathname, search: "", hash: "", state: null, key: "default" },
    matches: [],
    loaderData: {},
    actionData: null,
    errors: null,
    statusCode: 200,
    loaderHeaders: {},
    actionHeaders: {},
    activeDeferreds: null,
  };
}

/** Only for building the data routes once; no request's state is read from it. */
const NO_REQUEST = emptyHandlerContext();

function routerFuture(context: EntryContext) {
  return { v7_partialHydration: true, v7_relativeSplatPath: context.future.v3_relativeSplatPath };
}

function buildRoutes(context: EntryContext): BuildRoutes {
  const { manifest, routeModules, future } = context;
  const cached = perBuild.get(manifest.routes);
  if (cached && cached.future === future && sameModules(cached.routeModules, routeModules, context.staticHandlerContext.matches)) return cached;
  const serverRoutes = createServerRoutes(manifest.routes, routeModules, future, context.isSpaMode);
  const dataRoutes = createStaticRouter(serverRoutes, NO_REQUEST, { future: routerFuture(context) }).routes as DataRoute[];
  const byId = new Map<string, DataRoute>();
  const walk = (routes: DataRoute[]) => {
    for (const r of routes) {
      byId.set(r.id, r);
      if (r.children) walk(r.children);
    }
  };
  walk(dataRoutes);
  const clientHydrated = Object.keys(manifest.routes).filter((id) => {
    const route = routeModules[id];
    const manifestRoute = manifest.routes[id]!;
    return route && shouldHydrateRouteLoader(manifestRoute, route, context.isSpaMode) && (route.HydrateFallback || !manifestRoute.hasLoader);
  });
  const built: BuildRoutes = { routeModules, future, dataRoutes, byId, clientHydrated };
  perBuild.set(manifest.routes, built);
  return built;
}

/** The modules of the routes this page renders are the ones the cached routes were made of (same build). */
function sameModules(a: EntryContext["routeModules"], b: EntryContext["routeModules"], matches: { route: { id: string } }[]): boolean {
  if (a === b) return true;
  for (const m of matches) if (a[m.route.id] !== b[m.route.id]) return false;
  return true;
}

export function CachedRemixServer({ context, url }: { context: EntryContext; url: string | URL }) {
  if (context.future.v3_singleFetch || context.isSpaMode) return <RemixServer context={context} url={url} />;
  const { manifest, routeModules, criticalCss, serverHandoffString } = context;
  const routes = buildRoutes(context);
  const handlerContext = context.staticHandlerContext;
  // As RemixServer: a shallow copy of the loader data, cleared for routes that hydrate a clientLoader.
  handlerContext.loaderData = { ...handlerContext.loaderData };
  for (const match of handlerContext.matches) {
    if (routes.clientHydrated.includes(match.route.id)) handlerContext.loaderData[match.route.id] = undefined;
  }
  // createStaticRouter with no routes: its request state (location, loader data, errors) from this request's
  // context, its routes and its matches' routes from the build's cached data routes.
  const base = createStaticRouter([], handlerContext, { future: routerFuture(context) });
  const matches = handlerContext.matches.map((m) => ({ ...m, route: routes.byId.get(m.route.id) ?? m.route }));
  const router: typeof base = Object.create(base, {
    routes: { get: () => routes.dataRoutes },
    state: { get: () => ({ ...base.state, matches }) },
  });
  return (
    <RemixContext.Provider
      value={{
        manifest,
        routeModules,
        criticalCss,
        serverHandoffString,
        future: context.future,
        isSpaMode: context.isSpaMode,
        serializeError: context.serializeError,
        abortDelay: undefined,
        renderMeta: context.renderMeta,
      }}
    >
      <RemixErrorBoundary location={router.state.location}>
        <StaticRouterProvider router={router} context={handlerContext} hydrate={false} />
      </RemixErrorBoundary>
    </RemixContext.Provider>
  );
}
