import http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sameOriginGuard } from "../../app/lib/csrf.server";
import { localeCookie } from "../../app/lib/locale.server";

let server: http.Server;
let port: number;

beforeAll(async () => {
  // The same wiring as server.ts: trust a proxy on loopback, the guard in front of every route.
  const app = express();
  app.set("trust proxy", "loopback");
  app.use(sameOriginGuard());
  app.all("*", (_req, res) => void res.status(200).send("reached the action"));
  server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function send(method: string, path: string, headers: Record<string, string>) {
  return new Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    const body = method === "GET" || method === "HEAD" ? undefined : "a=1";
    const all = body ? { "Content-Length": String(body.length), ...headers } : headers;
    const req = http.request({ host: "127.0.0.1", port, method, path, headers: all }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode!, body: text, headers: res.headers }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const HOST = "app.example:3000";
const form = { "Content-Type": "application/x-www-form-urlencoded" };

describe("requests that change state must come from this site's own pages", () => {
  it("lets GET and HEAD through whatever their origin", async () => {
    expect((await send("GET", "/desk", { Host: HOST, Origin: "https://evil.example" })).status).toBe(200);
    expect((await send("HEAD", "/desk", { Host: HOST })).status).toBe(200);
  });

  it("accepts a POST whose Origin, or else Referer, is this site", async () => {
    expect((await send("POST", "/login", { ...form, Host: HOST, Origin: `http://${HOST}` })).status).toBe(200);
    expect((await send("POST", "/login", { ...form, Host: HOST, Origin: `HTTP://APP.EXAMPLE:3000` })).status).toBe(200);
    expect((await send("POST", "/logout", { ...form, Host: HOST, Referer: `http://${HOST}/desk?x=1` })).status).toBe(200);
  });

  it.each([
    ["another site's Origin", { Origin: "https://evil.example" }],
    ["the same host on another port", { Origin: "http://app.example:3001" }],
    ["another scheme", { Origin: "https://app.example:3000" }],
    ["a look-alike host", { Origin: "http://app.example:3000.evil.example" }],
    ["Origin null (sandboxed frame)", { Origin: "null" }],
    ["another site's Referer", { Referer: "https://evil.example/page" }],
    ["an unparseable Referer", { Referer: "not a url" }],
    ["neither Origin nor Referer", {}],
    // Origin wins over a Referer that looks right.
    ["a foreign Origin with our Referer", { Origin: "https://evil.example", Referer: `http://${HOST}/desk` }],
  ])("refuses a POST with %s", async (_label, headers: Record<string, string>) => {
    const res = await send("POST", "/locale", { ...form, Host: HOST, ...headers });
    expect(res.status).toBe(403);
    expect(res.body).not.toContain("reached the action");
  });

  it("covers every state-changing method and every path", async () => {
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      for (const path of ["/login", "/desk/tickets/1", "/some/route/added/later?index"]) {
        expect((await send(method, path, { ...form, Host: HOST, Origin: "https://evil.example" })).status, `${method} ${path}`).toBe(403);
      }
    }
  });

  it("answers with a short page in the visitor's language, Persian by default", async () => {
    const fa = await send("POST", "/login", { ...form, Host: HOST, Origin: "https://evil.example" });
    expect(fa.headers["content-type"]).toMatch(/text\/html/);
    expect(fa.body).toContain('lang="fa" dir="rtl"');
    expect(fa.body).toContain("پذیرفته نشد");
    const lang = (await localeCookie.serialize("en")).split(";")[0]!;
    const en = await send("POST", "/login", { ...form, Host: HOST, Origin: "https://evil.example", Cookie: lang });
    expect(en.body).toContain('lang="en" dir="ltr"');
    expect(en.body).toContain("was refused");
  });

  it("answers Remix data requests (JavaScript on) with a caught 403 the page's error boundary shows", async () => {
    const res = await send("POST", "/login?_data=routes%2Flogin", { ...form, Host: HOST, Origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect(res.headers["x-remix-catch"]).toBe("yes");
  });

  it("behind the trusted local proxy, uses the forwarded host and scheme", async () => {
    const proxied = { ...form, Host: "127.0.0.1:3000", "X-Forwarded-Host": "service.example.ir", "X-Forwarded-Proto": "https" };
    expect((await send("POST", "/login", { ...proxied, Origin: "https://service.example.ir" })).status).toBe(200);
    expect((await send("POST", "/login", { ...proxied, Origin: "http://127.0.0.1:3000" })).status).toBe(403);
  });
});

describe("forwarded headers from an untrusted peer are ignored", () => {
  let outer: http.Server;
  let outerPort: number;

  beforeAll(async () => {
    // Trust nobody: as if the request came from outside the machine.
    const app = express();
    app.set("trust proxy", false);
    app.use(sameOriginGuard());
    app.all("*", (_req, res) => void res.status(200).send("reached the action"));
    outer = app.listen(0, "127.0.0.1");
    await new Promise<void>((resolve) => outer.once("listening", () => resolve()));
    outerPort = (outer.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => outer.close(() => resolve()));
  });

  it("does not let X-Forwarded-Host make a foreign Origin look like ours", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: "127.0.0.1",
          port: outerPort,
          method: "POST",
          path: "/login",
          headers: { ...form, Host: HOST, "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https", Origin: "https://evil.example" },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode!));
        },
      );
      req.on("error", reject);
      req.end("a=1");
    });
    expect(status).toBe(403);
  });
});
