import type { Locator, Page } from "@playwright/test";
import { DEMO_USERS } from "../../db/seed/demo";
import { homePath, isAgencyRole } from "../../core/roles";
import { toLatinDigits } from "../../core/digits";
import { clickAndSettle, expect, expectNoReloadSince, setNavigationMarker, settleAfter, test } from "./fixtures";

/*
 * With JavaScript on, every role clicks (never page.goto) through every entry of its menus, into a
 * ticket from each ticket list, through the list's filter form and pager, the language switch and
 * sign-out. Each click must be a client-side navigation of the Remix router: the marker set on
 * `window` after sign-in survives only if no full page load happened. The browser guard in
 * fixtures.ts fails the test on any page error, console error, 5xx or page that never hydrated.
 */

const MAX_STEPS = 100;

function nav(page: Page): Locator {
  return page.locator("nav.shell-nav");
}

async function navHrefs(page: Page): Promise<string[]> {
  return nav(page)
    .locator("a")
    .evaluateAll((as) => as.map((a) => a.getAttribute("href")!));
}

/** The page shows its own content, not the error page. */
async function expectRegularPage(page: Page) {
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.locator(".error-page")).toHaveCount(0);
}

async function clickMenuEntry(page: Page, href: string, marker: string) {
  await clickAndSettle(nav(page).locator(`a[href="${href}"]`));
  await expect(page).toHaveURL((url) => url.pathname === href && url.search === "");
  // The menu entry of the page shown is marked current: the new page has rendered, in its shell.
  await expect(nav(page).locator(`a[href="${href}"]`)).toHaveAttribute("aria-current", "page");
  await expectRegularPage(page);
  await expectNoReloadSince(page, marker);
}

/** The rows of the ticket list (the list page has one table, right after its search form). */
function ticketRows(page: Page): Locator {
  return page.locator("main form[role=search] ~ .table-scroll > table.data > tbody > tr");
}

/** On a ticket list: pager, search, status filter and a click into a ticket and back, all by clicking. */
async function exerciseTicketList(page: Page, listPath: string, marker: string, mustPage: boolean) {
  const rows = ticketRows(page);
  await expect(page.getByRole("search")).toBeVisible();
  await expect(rows.first()).toBeVisible();

  // Pager: to page 2 and back.
  const next = page.locator("nav.pager").getByRole("link", { name: "بعدی" });
  if (mustPage) await expect(next, `${listPath} should have a second page`).toBeVisible();
  if ((await next.count()) > 0) {
    const firstOnPage1 = await rows.first().locator("td").first().innerText();
    await clickAndSettle(next);
    await expect(page).toHaveURL((url) => url.pathname === listPath && url.searchParams.get("page") === "2");
    await expect(page.locator("nav.pager")).toContainText("صفحه ۲");
    await expect(rows.first().locator("td").first()).not.toHaveText(firstOnPage1);
    await expectNoReloadSince(page, marker);
    await clickAndSettle(page.locator("nav.pager").getByRole("link", { name: "قبلی" }));
    await expect(page).toHaveURL((url) => url.pathname === listPath && url.searchParams.get("page") === "1");
    await expect(page.locator("nav.pager")).toContainText("صفحه ۱");
    await expectNoReloadSince(page, marker);
  }

  // Status filter: the first row's status, then every row shown has it.
  const status = (await rows.first().locator("[data-status]").getAttribute("data-status"))!;
  const form = page.getByRole("search");
  await form.getByLabel("وضعیت").selectOption(status);
  await clickAndSettle(form.getByRole("button", { name: "فیلتر" }));
  await expect(page).toHaveURL((url) => url.pathname === listPath && url.searchParams.get("status") === status);
  await expect(rows.first()).toBeVisible();
  // Retried until the filtered list has rendered: no row of another status is left.
  await expect(rows.locator(`[data-status]:not([data-status="${status}"])`)).toHaveCount(0);
  await expectNoReloadSince(page, marker);

  // Search by tracking code: exactly that ticket.
  const link = rows.first().locator("td").first().getByRole("link");
  const shownNumber = (await link.innerText()).trim();
  const href = (await link.getAttribute("href"))!;
  await form.getByLabel("وضعیت").selectOption("");
  await form.getByLabel("جستجو").fill(toLatinDigits(shownNumber));
  await clickAndSettle(form.getByRole("button", { name: "فیلتر" }));
  await expect(page).toHaveURL((url) => url.pathname === listPath && url.searchParams.get("q") === toLatinDigits(shownNumber));
  await expect(rows).toHaveCount(1);
  await expect(rows.first().locator("td").first()).toHaveText(shownNumber);
  await expectNoReloadSince(page, marker);

  // Into the ticket by its tracking code, and back to the list.
  await clickAndSettle(rows.first().locator("td").first().getByRole("link"));
  await expect(page).toHaveURL((url) => url.pathname === href);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(shownNumber);
  await expectRegularPage(page);
  await expectNoReloadSince(page, marker);
  await clickAndSettle(page.locator("main").getByRole("link", { name: "بازگشت" }));
  await expect(page).toHaveURL((url) => url.pathname === listPath && url.search === "");
  await expect(page.getByRole("search")).toBeVisible();
  await expect(rows.first()).toBeVisible();
  await expectNoReloadSince(page, marker);
}

for (const user of DEMO_USERS) {
  test(`${user.username} (${user.role}) clicks through its menus, a ticket, filters, pager, language and sign-out`, async ({
    page,
    signIn,
  }) => {
    test.setTimeout(120_000);
    const home = homePath(user.role);
    await signIn(user.username);
    await expect(page).toHaveURL((url) => url.pathname === home);
    const marker = await setNavigationMarker(page);

    // Every menu entry of every menu reached, by clicking; back through history when a menu is exhausted.
    const homeMenu = await navHrefs(page);
    expect(homeMenu.length).toBeGreaterThan(1);
    const seen = new Set(homeMenu);
    const clicked: string[] = [];
    const listsDone = new Set<string>();
    for (let step = 0; clicked.length < seen.size; step++) {
      expect(step, `menu crawl did not finish; clicked ${clicked.join(" ")}`).toBeLessThan(MAX_STEPS);
      const here = await navHrefs(page);
      here.forEach((h) => seen.add(h));
      const next = here.find((h) => !clicked.includes(h));
      if (!next) {
        // the page before, rendered: its menu (not the one just left) is read next
        const left = page.url();
        await settleAfter(page, () => page.goBack());
        await expect(page).not.toHaveURL(left);
        await expect(nav(page)).toBeVisible();
        await expectNoReloadSince(page, marker);
        continue;
      }
      clicked.push(next);
      await clickMenuEntry(page, next, marker);
      if (/\/tickets$/.test(next) && !listsDone.has(next)) {
        listsDone.add(next);
        await exerciseTicketList(page, next, marker, !isAgencyRole(user.role));
      }
    }
    expect(clicked).toEqual(expect.arrayContaining(homeMenu));
    // Every role has at least one ticket list among its menus.
    expect(listsDone.size, `no ticket list in ${clicked.join(" ")}`).toBeGreaterThan(0);

    // The language switch, both ways, keeps the page and does not reload it.
    const url = page.url();
    await clickAndSettle(nav(page).getByRole("button", { name: "English" }));
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    await expect(page.locator("html")).toHaveAttribute("dir", "ltr");
    await expect(nav(page).getByRole("button", { name: "Sign out" })).toBeVisible();
    expect(page.url()).toBe(url);
    await expectRegularPage(page);
    await expectNoReloadSince(page, marker);
    // Back to Persian: the choice is stored on the user, and other tests sign in as this user.
    await clickAndSettle(nav(page).getByRole("button", { name: "فارسی" }));
    await expect(page.locator("html")).toHaveAttribute("lang", "fa");
    await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
    expect(page.url()).toBe(url);
    await expectNoReloadSince(page, marker);

    // Sign-out by clicking: the login page, then the session is gone.
    await clickAndSettle(nav(page).getByRole("button", { name: "خروج" }));
    await expect(page).toHaveURL((u) => u.pathname === "/login");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("ورود به سامانه");
    await expectNoReloadSince(page, marker);
    await page.goto(home);
    await expect(page).toHaveURL((u) => u.pathname === "/login");
  });
}
