import { test as base, expect, type BrowserContext, type Locator, type Page } from "@playwright/test";
import pg from "pg";
import { E2E_PG_PORT } from "../../playwright.config";
import { DEMO_PASSWORD } from "../../db/seed/demo";

/** Read access to the e2e server's database, to find rows the UI test then asks for by URL. */
async function openDb() {
  const client = new pg.Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${E2E_PG_PORT}/aftersales` });
  await client.connect();
  return client;
}

/*
 * The browser guard: every test fails on
 *  - an uncaught error in the page (`pageerror`: e.g. a route module that throws while it loads),
 *  - any console error (React reports failed hydration there; Chromium reports every 4xx/5xx response there),
 *  - a response of 500 or more (document, data request or asset),
 *  - a page whose Remix client router never came up (the server HTML is shown, but links and forms
 *    would fall back to full reloads: the "dead page" of issue 10).
 * A test that provokes an HTTP error on purpose (another agency's ticket is a 404) declares it:
 *   test.use({ expectedHttpErrors: [404] })
 * and only Chromium's "Failed to load resource: … status of 404" console line is then accepted.
 */

interface Problem {
  kind: "page error" | "console error" | "server error" | "not hydrated";
  message: string;
  url: string;
}

/**
 * Console errors that are accepted although nothing provoked them. Empty on purpose: add an entry
 * only for noise that is outside the app's control, with a comment saying where it comes from.
 */
const CONSOLE_ALLOW_LIST: readonly RegExp[] = [];

const RESOURCE_STATUS = /^Failed to load resource: the server responded with a status of (\d{3})\b/;

/** True once React has hydrated the document and the Remix client router is running. */
function hydratedInPage(): boolean | "not-remix" {
  if (document.contentType !== "text/html") return "not-remix";
  const w = window as unknown as {
    __remixContext?: unknown;
    __remixRouter?: { state: { initialized: boolean } };
  };
  if (!w.__remixContext) return "not-remix";
  // React marks each DOM node it has hydrated with a `__reactFiber$…` key.
  const reactOwned = Object.keys(document.body).some((k) => k.startsWith("__reactFiber$"));
  return Boolean(w.__remixRouter?.state.initialized && reactOwned);
}

const HYDRATION_TIMEOUT_MS = 10_000;

/** Waits until the current document is hydrated and its client router is up; fails the test otherwise. */
export async function waitForHydration(page: Page) {
  const deadline = Date.now() + HYDRATION_TIMEOUT_MS;
  while ((await page.evaluate(hydratedInPage)) === false) {
    if (Date.now() > deadline) throw new Error(`the page ${page.url()} never hydrated (no Remix client router)`);
    await page.waitForTimeout(100);
  }
}

function isGone(err: unknown): boolean {
  const m = err instanceof Error ? err.message : String(err);
  // The page navigated on (its own load check runs) or closed while we were asking.
  return /Execution context was destroyed|Target .*closed|has been closed|navigat/i.test(m);
}

function watchPage(page: Page, problems: Problem[], pending: Promise<void>[], expectedHttpErrors: number[], javaScript: boolean) {
  page.on("pageerror", (err) => {
    problems.push({ kind: "page error", message: err.stack ?? err.message, url: page.url() });
  });
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    const text = msg.text();
    const status = RESOURCE_STATUS.exec(text);
    if (status && expectedHttpErrors.includes(Number(status[1]))) return;
    if (CONSOLE_ALLOW_LIST.some((re) => re.test(text))) return;
    problems.push({ kind: "console error", message: text, url: msg.location().url || page.url() });
  });
  page.on("response", (res) => {
    if (res.status() >= 500 && !expectedHttpErrors.includes(res.status())) {
      problems.push({ kind: "server error", message: `${res.request().method()} answered ${res.status()}`, url: res.url() });
    }
  });
  if (!javaScript) return;
  // Every full document load must end in a hydrated page with a running client router.
  let loads = 0;
  page.on("load", () => {
    const url = page.url();
    const load = ++loads;
    pending.push(
      (async () => {
        const deadline = Date.now() + HYDRATION_TIMEOUT_MS;
        for (;;) {
          let state: boolean | "not-remix";
          try {
            state = await page.evaluate(hydratedInPage);
          } catch (err) {
            if (isGone(err) || page.isClosed()) return;
            throw err;
          }
          if (state !== false) return;
          if (loads !== load) return; // the next document has its own check
          if (Date.now() > deadline) {
            problems.push({ kind: "not hydrated", message: "React never hydrated the page or the Remix client router never started", url });
            return;
          }
          await new Promise((r) => setTimeout(r, 100));
        }
      })().catch((err: unknown) => {
        problems.push({ kind: "not hydrated", message: `hydration check failed: ${String(err)}`, url });
      }),
    );
  });
}

function report(problems: Problem[]): string {
  // The same error repeated (e.g. once per hydrated node) is listed once, with its count.
  const grouped = new Map<string, { p: Problem; n: number }>();
  for (const p of problems) {
    const key = `${p.kind}\u0000${p.message}\u0000${p.url}`;
    const g = grouped.get(key);
    if (g) g.n++;
    else grouped.set(key, { p, n: 1 });
  }
  const lines = [...grouped.values()].map(
    ({ p, n }, i) => `  ${i + 1}. [${p.kind}]${n > 1 ? ` ×${n}` : ""} ${p.message.split("\n").slice(0, 6).join("\n     ")}\n     at ${p.url}`,
  );
  return `The browser reported ${problems.length} problem(s):\n${lines.join("\n")}`;
}

async function guardBrowser(
  context: BrowserContext,
  page: Page,
  expectedHttpErrors: number[],
  javaScript: boolean,
  use: () => Promise<void>,
) {
  const problems: Problem[] = [];
  const pending: Promise<void>[] = [];
  const watched = new Set<Page>();
  const watch = (p: Page) => {
    if (watched.has(p)) return;
    watched.add(p);
    watchPage(p, problems, pending, expectedHttpErrors, javaScript);
  };
  // the router watch of the navigation helpers below, in every page of the context from its first script
  if (javaScript) await context.addInitScript(installRouterWatch);
  watch(page);
  context.on("page", watch);
  await use();
  // Let the last page's hydration check finish (or find the page gone).
  while (pending.length > 0) await Promise.all(pending.splice(0));
  if (problems.length > 0) throw new Error(report(problems));
}

/*
 * Waiting for the page after a click. Remix hands each router state to React as a transition, so "the router is
 * idle" is not "the new page is on screen": React may commit it a moment later. And a check made right after a
 * click can run before the navigation has even started. The app's root records after every commit which location
 * it shows and whether the router was idle in that render (`window.__appCommit`, app/components/CommitMarker.tsx);
 * the fixture watches the router's own state changes (`__e2eRouterWatch`, installed by an init script in every page)
 * to know that something started after the click and when the router last changed.
 */

/** Which document, and how many navigations/submissions had started in it. */
interface RouterMark {
  doc: string;
  started: number;
}

/**
 * In the page, before any of its scripts (an init script): as soon as Remix creates its router, subscribes to it to
 * count the navigations/submissions that start and to note the commit count at the router's last change. Called
 * again later, answers how many have started (installing the watch if the page has none yet).
 */
function installRouterWatch(): RouterMark | null {
  type S = {
    navigation: { state: string };
    revalidation: string;
    fetchers: Map<string, { state: string }>;
    location: { key: string };
  };
  type R = { state: S; subscribe: (fn: (s: S) => void) => () => void };
  const w = window as unknown as {
    __remixRouter?: R;
    __appCommit?: { seq: number };
    __e2eRouterWatch?: { doc: string; started: number; lastChangeAtCommit: number };
  };
  const watchRouter = (r: R, lastChangeAtCommit: number) => {
    const watch = { doc: Math.random().toString(36).slice(2), started: 0, lastChangeAtCommit };
    const fetcherStates = (s: S) => new Map([...s.fetchers].map(([k, f]) => [k, f.state]));
    let prev = { navigation: r.state.navigation, locationKey: r.state.location.key, fetchers: fetcherStates(r.state) };
    r.subscribe((s) => {
      // a navigation (or its next phase), a fetcher's request (the router updates its fetchers map in place: their
      // states are compared), a location reached without loading; not a revalidation, which a page's own refresh
      // timer may start at any moment
      if (s.navigation.state !== "idle" && s.navigation !== prev.navigation) watch.started++;
      for (const [k, f] of s.fetchers) if (f.state !== "idle" && prev.fetchers.get(k) !== f.state) watch.started++;
      if (s.location.key !== prev.locationKey) watch.started++;
      // React has caught up with this state only once a commit made after it is recorded
      watch.lastChangeAtCommit = w.__appCommit?.seq ?? 0;
      prev = { navigation: s.navigation, locationKey: s.location.key, fetchers: fetcherStates(s) };
    });
    w.__e2eRouterWatch = watch;
  };
  if (!w.__e2eRouterWatch && w.__remixRouter) {
    // installed late (not by the init script): only the changes from now on are known
    watchRouter(w.__remixRouter, -1);
  }
  if (w.__e2eRouterWatch) return { doc: w.__e2eRouterWatch.doc, started: w.__e2eRouterWatch.started };
  if (Object.getOwnPropertyDescriptor(window, "__remixRouter")?.set) return null;
  Object.defineProperty(window, "__remixRouter", {
    configurable: true,
    get: () => undefined,
    set: (r: R) => {
      Object.defineProperty(window, "__remixRouter", { value: r, writable: true, configurable: true, enumerable: true });
      watchRouter(r, 0);
    },
  });
  return null;
}

/**
 * In the page: true when the router has nothing in flight and React has committed its current state (the DOM shows
 * the router's location, rendered idle, in a commit made after the router's last change). With `startedBefore`,
 * also requires that a navigation or submission started since (or that this is another document). A document without a router (not Remix) is settled.
 */
function routerSettled(before: RouterMark | null): boolean {
  type S = {
    navigation: { state: string };
    revalidation: string;
    fetchers: Map<string, { state: string }>;
    location: { key: string };
  };
  const w = window as unknown as {
    __remixContext?: unknown;
    __remixRouter?: { state: S };
    __appCommit?: { seq: number; key: string; idle: boolean };
    __e2eRouterWatch?: { doc: string; started: number; lastChangeAtCommit: number };
  };
  const r = w.__remixRouter;
  if (!r) return document.readyState === "complete" && !w.__remixContext;
  const s = r.state;
  const idle = s.navigation.state === "idle" && s.revalidation === "idle" && [...s.fetchers.values()].every((f) => f.state === "idle");
  if (!idle) return false;
  const c = w.__appCommit;
  if (!c || !c.idle || c.key !== s.location.key) return false;
  const watch = w.__e2eRouterWatch;
  if (!watch) return true;
  if (c.seq <= watch.lastChangeAtCommit) return false;
  // a new document (a full load) counts as the navigation
  return before === null || watch.doc !== before.doc || watch.started > before.started;
}

/** Lets React finish what a commit's effects scheduled (one frame, then one task). */
async function afterNextFrame(page: Page) {
  try {
    await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
  } catch (err) {
    if (!isGone(err)) throw err;
  }
}

/**
 * Waits until the Remix router has nothing in flight (no navigation, no revalidation, no fetcher) and React has put
 * that state on screen: after a form's answer is shown, a revalidation may still re-render the page, and typing into
 * a form that is about to be replaced would be lost. It does not know about a click just made (the navigation may
 * not have started yet): for that, use `clickAndSettle` / `settleAfter`.
 */
export async function waitForRouterIdle(page: Page) {
  await page.evaluate(installRouterWatch);
  await page.waitForFunction(routerSettled, null);
  await afterNextFrame(page);
}

/**
 * Runs `act` (a click, a form submit, `page.goBack()`…) that starts a client-side navigation or a submission, and
 * waits until one has started since, the router is idle again and React has committed the result (then one frame
 * more). A full page load in between (no client router, or a redirect to a new document) also counts, once the new
 * document is hydrated and idle.
 */
export async function settleAfter(page: Page, act: () => Promise<unknown>) {
  const before = await page.evaluate(installRouterWatch);
  await act();
  await page.waitForFunction(routerSettled, before);
  await afterNextFrame(page);
}

/** Clicks a link or button that navigates or submits, and waits until its result is on screen (see `settleAfter`). */
export async function clickAndSettle(target: Locator) {
  await settleAfter(target.page(), () => target.click());
}

/**
 * Client-side navigation check: a marker put on `window` before clicking is still there afterwards
 * only if the click was handled by the Remix router; a full page load (a link that reloads because
 * the page never hydrated) wipes it.
 */
export async function setNavigationMarker(page: Page): Promise<string> {
  const marker = `m-${Math.random().toString(36).slice(2)}`;
  await page.evaluate((m) => {
    (window as unknown as { __e2eMarker?: string }).__e2eMarker = m;
  }, marker);
  return marker;
}

export async function expectNoReloadSince(page: Page, marker: string) {
  const now = await page.evaluate(() => (window as unknown as { __e2eMarker?: string }).__e2eMarker ?? null);
  expect(now, `the page was reloaded instead of navigating client-side (at ${page.url()})`).toBe(marker);
}

/** Signs in through the form; unless a failure is expected, waits until the login page is left. */
export async function signIn(page: Page, username: string, password = DEMO_PASSWORD, expectFailure = false, javaScript = true) {
  await page.goto("/login");
  // Typing into a page that is not hydrated yet would race the router coming up.
  if (javaScript) await waitForHydration(page);
  await page.getByLabel(/نام کاربری|Username/).fill(username);
  await page.getByLabel(/رمز عبور|Password/).fill(password);
  await page.getByRole("button", { name: /^(ورود|Sign in)$/ }).click();
  if (!expectFailure) {
    await page.waitForURL((url) => !url.pathname.startsWith("/login"));
    await expect(page.locator("nav.shell-nav")).toBeVisible();
  }
}

export const test = base.extend<{
  /** HTTP error statuses this test provokes on purpose; their console lines are then not failures. */
  expectedHttpErrors: number[];
  browserGuard: void;
  db: pg.Client;
  signIn: (username: string, password?: string, expectFailure?: boolean) => Promise<void>;
}>({
  expectedHttpErrors: [[], { option: true }],
  browserGuard: [
    async ({ context, page, expectedHttpErrors, javaScriptEnabled }, use) => {
      await guardBrowser(context, page, expectedHttpErrors, javaScriptEnabled !== false, use);
    },
    { auto: true },
  ],
  db: async ({}, use) => {
    const client = await openDb();
    await use(client);
    await client.end();
  },
  signIn: async ({ page, context, javaScriptEnabled }, use) => {
    await use((username, password, expectFailure) => signIn(page, username, password, expectFailure, javaScriptEnabled !== false));
    // Each test starts signed out.
    await context.clearCookies();
  },
});

export { expect };
