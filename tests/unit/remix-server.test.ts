import { createElement as h, type ComponentType } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { createRequestHandler, type EntryContext, type ServerBuild } from "@remix-run/node";
import { Links, Meta, Outlet, RemixServer, Scripts, useLoaderData, useRouteError, isRouteErrorResponse } from "@remix-run/react";
import { CachedRemixServer } from "../../app/lib/remix-server.server";
import { installRouteMatchCache, routeMatchStats } from "../../app/lib/route-matching.server";

/*
 * app/lib/remix-server.server.tsx stands in for <RemixServer> in app/entry.server.tsx and leans on internals of
 * @remix-run/react (createServerRoutes, shouldHydrateRouteLoader, RemixErrorBoundary by their dist paths).
 * Here a small app of its own (root, index, nested, a 404 thrown by a loader, an error thrown by a loader, an
 * unknown path) goes through Remix's real request handler, and every page is rendered by both components: the
 * HTML (and so `window.__remixContext`, which hydration reads) must be the same, byte for byte, on the first
 * render of a build and on later ones (the cached routes), and for two builds in the same process; and then
 * with app/lib/route-matching.server.ts's remembering matchRoutes installed too, as app/entry.server.tsx does.
 */

type Which = "remix" | "cached";

function makeBuild(title: string, render: { which: Which }): ServerBuild {
  const Root = () => {
    const data = useLoaderData<{ title: string }>();
    return h(
      "html",
      { lang: "fa", dir: "rtl" },
      h("head", null, h("meta", { charSet: "utf-8" }), h(Meta), h(Links)),
      h("body", null, h("h1", null, data.title), h(Outlet), h(Scripts)),
    );
  };
  const RootError = () => {
    const error = useRouteError();
    return h("html", null, h("head", null, h(Meta), h(Links)), h("body", null, h("p", null, `root boundary: ${isRouteErrorResponse(error) ? error.status : "error"}`), h(Scripts)));
  };
  const Index = () => h("p", null, `index of ${useLoaderData<{ n: number }>().n}`);
  const Items = () => h("section", null, h("h2", null, "items"), h(Outlet));
  const ItemsIndex = () => h("p", null, "pick an item");
  const Item = () => {
    const item = useLoaderData<{ id: string; tags: string[] }>();
    return h("article", null, `item ${item.id}`, h("ul", null, item.tags.map((t) => h("li", { key: t }, t))));
  };
  const ItemError = () => {
    const error = useRouteError();
    return h("p", null, `item boundary: ${isRouteErrorResponse(error) ? `${error.status} ${String(error.data)}` : error instanceof Error ? error.message : "?"}`);
  };

  const modules: Record<string, { parentId?: string; path?: string; index?: boolean; module: Record<string, unknown> }> = {
    root: {
      path: "",
      module: {
        default: Root,
        ErrorBoundary: RootError,
        loader: () => ({ title }),
        meta: () => [{ title }],
        links: () => [{ rel: "stylesheet", href: "/app.css" }],
      },
    },
    "routes/_index": { parentId: "root", index: true, module: { default: Index, loader: () => ({ n: 3 }) } },
    "routes/items": { parentId: "root", path: "items", module: { default: Items } },
    "routes/items._index": { parentId: "routes/items", index: true, module: { default: ItemsIndex } },
    "routes/items.$id": {
      parentId: "routes/items",
      path: ":id",
      module: {
        default: Item,
        ErrorBoundary: ItemError,
        loader: ({ params }: { params: { id: string } }) => {
          if (params.id === "missing") throw new Response("no such item", { status: 404 });
          if (params.id === "broken") throw new Error("the loader broke");
          return { id: params.id, tags: ["<a>", "\u2028", "</script>", "فارسی"] };
        },
      },
    },
  };

  const routes: ServerBuild["routes"] = {};
  const assetRoutes: ServerBuild["assets"]["routes"] = {};
  for (const [id, r] of Object.entries(modules)) {
    const m = r.module;
    routes[id] = { id, parentId: r.parentId, path: r.path, index: r.index, caseSensitive: undefined, module: m as never };
    assetRoutes[id] = {
      id,
      parentId: r.parentId,
      path: r.path,
      index: r.index,
      module: `/build/${id}.js`,
      imports: [`/build/_shared/${id}-chunk.js`],
      hasAction: false,
      hasLoader: "loader" in m,
      hasClientAction: false,
      hasClientLoader: false,
      hasErrorBoundary: "ErrorBoundary" in m,
    };
  }

  const handleRequest = (request: Request, status: number, headers: Headers, context: EntryContext) => {
    const Server = (render.which === "remix" ? RemixServer : CachedRemixServer) as ComponentType<{ context: EntryContext; url: string }>;
    const html = `<!DOCTYPE html>${renderToString(h(Server, { context, url: request.url }))}`;
    headers.set("Content-Type", "text/html; charset=utf-8");
    return new Response(html, { status, headers });
  };

  return {
    mode: "production",
    entry: { module: { default: handleRequest, handleError: () => {} } },
    routes,
    assets: { entry: { module: "/build/entry.client.js", imports: [] }, routes: assetRoutes, url: "/build/manifest-test.js", version: "test" },
    publicPath: "/build/",
    assetsBuildDirectory: "public/build",
    future: { v3_fetcherPersist: true, v3_relativeSplatPath: true, v3_throwAbortReason: true, v3_lazyRouteDiscovery: false, v3_singleFetch: false },
    isSpaMode: false,
  } as ServerBuild;
}

const PATHS = ["/", "/items", "/items/42", "/items/missing", "/items/broken", "/nowhere", "/items/42?x=1#h"];

async function pages(title: string) {
  const render = { which: "remix" as Which };
  const handler = createRequestHandler(makeBuild(title, render), "production");
  const get = async (path: string) => {
    const res = await handler(new Request(`http://localhost${path}`));
    return { status: res.status, body: await res.text() };
  };
  return {
    async both(path: string) {
      render.which = "remix";
      const remix = await get(path);
      render.which = "cached";
      const cached = await get(path);
      return { remix, cached };
    },
  };
}

describe("CachedRemixServer (app/entry.server.tsx) renders what RemixServer renders", () => {
  it("the same HTML and status for every kind of page, on first and later renders of a build", async () => {
    const app = await pages("first build");
    for (let round = 0; round < 2; round++) {
      for (const path of PATHS) {
        const { remix, cached } = await app.both(path);
        expect(cached.status, path).toBe(remix.status);
        expect(cached.body, path).toBe(remix.body);
      }
    }
    // not a vacuous comparison: the pages hold their data, boundaries and the hydration context
    const item = (await app.both("/items/42")).cached;
    expect(item.status).toBe(200);
    expect(item.body).toContain("item 42");
    expect(item.body).toContain("window.__remixContext");
    expect(item.body).toContain("/build/routes/items.$id.js");
    const missing = (await app.both("/items/missing")).cached;
    expect(missing.status).toBe(404);
    expect(missing.body).toContain("item boundary: 404 no such item");
    const broken = (await app.both("/items/broken")).cached;
    expect(broken.status).toBe(500);
    expect(broken.body).toContain("item boundary:");
    const nowhere = (await app.both("/nowhere")).cached;
    expect(nowhere.status).toBe(404);
    expect(nowhere.body).toContain("root boundary: 404");
  });

  it("keeps each build's routes apart (two builds in one process)", async () => {
    const a = await pages("build A");
    const b = await pages("build B");
    for (const path of PATHS) {
      const fromA = await a.both(path);
      const fromB = await b.both(path);
      expect(fromA.cached.body, path).toBe(fromA.remix.body);
      expect(fromB.cached.body, path).toBe(fromB.remix.body);
    }
    expect((await a.both("/")).cached.body).toContain("build A");
    expect((await b.both("/")).cached.body).toContain("build B");
  });

  // last: the install lasts for the rest of this file's process
  it("with the remembering matchRoutes installed (as entry.server does), the pages are still RemixServer's own", async () => {
    const app = await pages("with the match cache");
    const plain = new Map<string, { status: number; body: string }>();
    for (const path of PATHS) plain.set(path, (await app.both(path)).remix);
    installRouteMatchCache();
    const before = routeMatchStats();
    for (let round = 0; round < 2; round++) {
      for (const path of PATHS) {
        const { remix, cached } = await app.both(path);
        expect(cached, path).toEqual(plain.get(path));
        expect(remix, path).toEqual(plain.get(path));
      }
    }
    expect(routeMatchStats().hits).toBeGreaterThan(before.hits);
  });
});
