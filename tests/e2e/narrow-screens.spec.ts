import type { Page } from "@playwright/test";
import { clickAndSettle, expect, test } from "./fixtures";

/*
 * On a 360 px phone, every page of every role's menu fits the screen's width: a wide table scrolls inside its
 * own box, the page itself never scrolls sideways. (The ticket lists once widened the whole page by 519 px:
 * the visually hidden "sorted" label of a header, positioned absolutely, was placed by the document rather
 * than clipped by the table's scroll box; and the shell's main column, a grid item, grew to the table.)
 */

const ROLES = ["operator", "supervisor", "manager", "admin", "agency1", "agency1staff"] as const;

async function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

test.describe("on a 360 px phone", () => {
  test.use({ viewport: { width: 360, height: 740 } });

  for (const username of ROLES) {
    test(`${username}: no page of the menu scrolls sideways`, async ({ page, signIn }) => {
      test.slow();
      await signIn(username);
      const home = new URL(page.url()).pathname;
      const hrefs = await page.locator("nav.shell-nav a").evaluateAll((as) => as.map((a) => a.getAttribute("href")!));
      expect(hrefs.length).toBeGreaterThan(2);
      expect(await sidewaysOverflow(page), `home of ${username}`).toBeLessThanOrEqual(0);
      for (const href of hrefs) {
        const link = page.locator(`nav.shell-nav a[href="${href}"]`);
        // (the admin's pages in the managers' section show that section's menu: back home for the rest of its own)
        if ((await link.count()) === 0) await page.goto(home);
        await clickAndSettle(link);
        await expect(page).toHaveURL((url) => url.pathname === href);
        await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
        expect(await sidewaysOverflow(page), `${href} as ${username}`).toBeLessThanOrEqual(0);
      }
    });
  }
});
