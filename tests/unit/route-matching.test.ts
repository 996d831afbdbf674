import { createRequire } from "node:module";
import { createElement as h } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { AgnosticRouteObject, matchRoutes as MatchRoutesFn } from "@remix-run/router";
import { createStaticRouter, StaticRouterProvider } from "react-router-dom/server";
import { installRouteMatchCache, routeMatchStats } from "../../app/lib/route-matching.server";
import { emptyHandlerContext } from "../../app/lib/remix-server.server";

/*
 * app/lib/route-matching.server.ts replaces @remix-run/router's matchRoutes with one that remembers its
 * answers per route tree and path. It must answer exactly as the original does, and the two callers it is for
 * (Remix's matchServerRoutes, the static render's useRoutes in react-router) must reach it through the
 * module's exports: if an upgrade binds the function directly, the "goes through" test fails.
 */

const require = createRequire(import.meta.url);
const routerExports = require("@remix-run/router") as { matchRoutes: typeof MatchRoutesFn };
const original = routerExports.matchRoutes;
installRouteMatchCache();
const remembered = routerExports.matchRoutes;

// The shapes of this app's route tree (routes/*.tsx of the Remix flat-routes convention, nested by parentId).
function tree(): AgnosticRouteObject[] {
  return [
    {
      id: "root",
      path: "",
      children: [
        { id: "routes/_index", index: true },
        { id: "routes/login", path: "login" },
        { id: "routes/t.$code", path: "t/:code" },
        {
          id: "routes/desk",
          path: "desk",
          children: [
            { id: "routes/desk._index", index: true },
            {
              id: "routes/desk.tickets",
              path: "tickets",
              children: [
                { id: "routes/desk.tickets._index", index: true },
                { id: "routes/desk.tickets.$id", path: ":id" },
                { id: "routes/desk.tickets.new", path: "new" },
              ],
            },
            { id: "routes/desk.calls.$id.recording", path: "calls/:id/recording" },
          ],
        },
        {
          id: "routes/_auth",
          children: [
            { id: "routes/_auth.manager._index", path: "manager", index: true },
            { id: "routes/_auth.manager.reports.$", path: "manager/reports/*" },
          ],
        },
        { id: "routes/$lang.help", path: ":lang?/help" },
        { id: "routes/Admin", path: "Admin", caseSensitive: true },
        { id: "routes/$", path: "*" },
      ],
    },
  ];
}

const PATHS = [
  "/",
  "/login",
  "/login/",
  "/desk",
  "/desk/tickets",
  "/desk/tickets/",
  "/desk/tickets/42",
  "/desk/tickets/new",
  "/desk/tickets/%D8%AA%DB%8C%DA%A9%D8%AA",
  "/desk/calls/7/recording",
  "/manager",
  "/manager/reports/calls/year",
  "/fa/help",
  "/help",
  "/Admin",
  "/admin",
  "/t/AbC-12",
  "/nowhere/at/all",
  "/desk/tickets?sort=number&dir=asc",
  "/desk/tickets#top",
];

describe("the remembering matchRoutes", () => {
  it("answers as React Router's own, for every kind of route and path, first and later calls, with a basename", () => {
    const routes = tree();
    for (let round = 0; round < 3; round++) {
      for (const path of PATHS) {
        for (const basename of [undefined, "/", "/app"]) {
          const expected = original(routes, basename === "/app" ? `/app${path}` : path, basename);
          const got = remembered(routes, basename === "/app" ? `/app${path}` : path, basename);
          expect(got, path).toEqual(expected);
          // the same route objects, not copies
          expect(got?.map((m) => m.route)).toEqual(expected?.map((m) => m.route));
          got?.forEach((m, i) => expect(m.route).toBe(expected![i]!.route));
          // one params object shared by a path's matches, as React Router makes it
          if (got && got.length > 1) expect(got[0]!.params).toBe(got[got.length - 1]!.params);
        }
        expect(remembered(routes, { pathname: path.split(/[?#]/)[0] })).toEqual(original(routes, { pathname: path.split(/[?#]/)[0] }));
      }
    }
    expect(remembered(routes, "/desk/tickets/42")![2]!.params).toEqual({ id: "42" });
  });

  it("gives each call its own matches: a caller that changes them cannot change the next answer", () => {
    const routes = tree();
    const first = remembered(routes, "/desk/tickets/42")!;
    (first[0]!.params as Record<string, string>).id = "changed";
    first.pop();
    const second = remembered(routes, "/desk/tickets/42")!;
    expect(second).toHaveLength(4);
    expect(second[3]!.params).toEqual({ id: "42" });
    expect(second).toEqual(original(routes, "/desk/tickets/42"));
  });

  it("matches a very long path without keeping it", () => {
    const routes = tree();
    const long = `/desk/tickets/${"9".repeat(400)}`;
    const before = routeMatchStats();
    expect(remembered(routes, long)).toEqual(original(routes, long));
    expect(remembered(routes, long)).toEqual(original(routes, long));
    expect(routeMatchStats()).toEqual(before);
  });

  it("keeps route trees apart", () => {
    const a = tree();
    const b: AgnosticRouteObject[] = [{ id: "other-root", path: "", children: [{ id: "other", path: "desk/tickets" }] }];
    expect(remembered(a, "/desk/tickets")!.at(-1)!.route.id).toBe("routes/desk.tickets._index");
    expect(remembered(b, "/desk/tickets")!.at(-1)!.route.id).toBe("other");
    expect(remembered(a, "/desk/tickets")!.at(-1)!.route.id).toBe("routes/desk.tickets._index");
  });

  it("is what Remix's matchServerRoutes and the static render's useRoutes call (installed once)", () => {
    installRouteMatchCache(); // a second install changes nothing
    expect(routerExports.matchRoutes).toBe(remembered);

    const { matchServerRoutes } = require("@remix-run/server-runtime/dist/routeMatching.js") as {
      matchServerRoutes: (routes: AgnosticRouteObject[], pathname: string, basename?: string) => { route: { id: string } }[] | null;
    };
    const routes = tree();
    const before = routeMatchStats();
    expect(matchServerRoutes(routes, "/desk/tickets/42")!.map((m) => m.route.id)).toEqual(["root", "routes/desk", "routes/desk.tickets", "routes/desk.tickets.$id"]);
    expect(matchServerRoutes(routes, "/desk/tickets/42")!.map((m) => m.route.id)).toHaveLength(4);
    const after = routeMatchStats();
    expect(after.misses - before.misses).toBe(1);
    expect(after.hits - before.hits).toBe(1);

    // the static render (react-router's useRoutes inside StaticRouterProvider)
    const context = emptyHandlerContext("/desk/tickets");
    const elementTree = (routes: AgnosticRouteObject[]): AgnosticRouteObject[] =>
      routes.map((r) => ({ ...r, element: h("i", null, r.id), children: r.children && elementTree(r.children) }) as unknown as AgnosticRouteObject);
    const router = createStaticRouter(elementTree(tree()) as never, context as never);
    const renderBefore = routeMatchStats();
    const html = renderToString(h(StaticRouterProvider, { router, context: context as never, hydrate: false }));
    expect(html).toContain("root");
    const renderAfter = routeMatchStats();
    expect(renderAfter.hits + renderAfter.misses - renderBefore.hits - renderBefore.misses).toBeGreaterThanOrEqual(1);
  });
});
