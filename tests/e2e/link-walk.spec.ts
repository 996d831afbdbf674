import type { Page } from "@playwright/test";
import { DEMO_USERS } from "../../db/seed/demo";
import { homePath } from "../../core/roles";
import { expect, test, waitForHydration } from "./fixtures";

/*
 * Every link a role's pages show leads to a page that role may open. click-through.spec.ts clicks the
 * menus; this walks every in-page link too (a report's link to a desk, a ticket's link to its agency, a
 * drill-down), one page per route shape (ids and query strings aside), from the role's home, each page with one
 * `<main>` (a route inside the shell's layout brings none of its own). A link to a
 * page the role is refused (403), to nothing (404) or to a broken page (5xx) fails, as does any page or
 * console error the browser guard of fixtures.ts sees on the way.
 */

/** Pages per role at most: every route shape of the largest role (the admin's ≈ 50) fits. */
const MAX_PAGES = 90;

/** Links that are not pages: files (exports, templates, recordings), the language switch, sign-out. */
function isPageLink(href: string): boolean {
  return !/\/export\b|import-template|\/recordings\/|\.(csv|xlsx|wav)\b|[?&]format=|^\/logout|[?&]lang=/.test(href);
}

/** One page per route: digits (ids, numbers) and the query string aside. */
function shapeOf(path: string): string {
  return path.split("?")[0]!.replace(/\d+/g, "N");
}

async function pageLinks(page: Page): Promise<string[]> {
  return page.locator("a[href^='/']:not([download])").evaluateAll((as) => as.map((a) => a.getAttribute("href")!.split("#")[0]!));
}

for (const user of DEMO_USERS.filter((u, i, all) => all.findIndex((o) => o.role === u.role) === i)) {
  test(`every link ${user.username} (${user.role}) is shown leads to a page it may open`, async ({ page, signIn }) => {
    test.setTimeout(240_000);
    await signIn(user.username);
    const home = homePath(user.role);
    await expect(page).toHaveURL((url) => url.pathname === home);
    const shapes = new Set<string>([shapeOf(home)]);
    const queue: { href: string; from: string }[] = (await pageLinks(page)).filter(isPageLink).map((href) => ({ href, from: home }));
    let visited = 1;
    while (queue.length) {
      const { href, from } = queue.shift()!;
      const shape = shapeOf(href);
      if (shapes.has(shape)) continue;
      shapes.add(shape);
      expect(visited++, `more than ${MAX_PAGES} route shapes reached; the walk is not converging`).toBeLessThan(MAX_PAGES);
      const response = await page.goto(href);
      expect(response?.status(), `${href} (linked from ${from})`).toBeLessThan(400);
      await waitForHydration(page);
      await expect(page.locator(".error-page"), `${href} (linked from ${from})`).toHaveCount(0);
      // one main landmark (a page inside the shell brings none of its own)
      await expect(page.locator("main"), `${href}: one <main>`).toHaveCount(1);
      for (const next of await pageLinks(page)) if (isPageLink(next) && !shapes.has(shapeOf(next))) queue.push({ href: next, from: href });
    }
    // the walk went beyond the menu: more shapes than the home page links to
    expect(shapes.size).toBeGreaterThan(3);
  });
}
