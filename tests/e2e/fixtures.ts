import { test as base, expect, type Page } from "@playwright/test";
import pg from "pg";
import { E2E_PG_PORT } from "../../playwright.config";
import { DEMO_PASSWORD } from "../../db/seed/demo";

/** Read access to the e2e server's database, to find rows the UI test then asks for by URL. */
async function openDb() {
  const client = new pg.Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${E2E_PG_PORT}/aftersales` });
  await client.connect();
  return client;
}

/** Signs in through the form; unless a failure is expected, waits until the login page is left. */
export async function signIn(page: Page, username: string, password = DEMO_PASSWORD, expectFailure = false) {
  await page.goto("/login");
  await page.getByLabel(/نام کاربری|Username/).fill(username);
  await page.getByLabel(/رمز عبور|Password/).fill(password);
  await page.getByRole("button", { name: /^(ورود|Sign in)$/ }).click();
  if (!expectFailure) {
    await page.waitForURL((url) => !url.pathname.startsWith("/login"));
    await expect(page.locator("nav.shell-nav")).toBeVisible();
  }
}

export const test = base.extend<{
  db: pg.Client;
  signIn: (username: string, password?: string, expectFailure?: boolean) => Promise<void>;
}>({
  db: async ({}, use) => {
    const client = await openDb();
    await use(client);
    await client.end();
  },
  signIn: async ({ page, context }, use) => {
    await use((username, password, expectFailure) => signIn(page, username, password, expectFailure));
    // Each test starts signed out.
    await context.clearCookies();
  },
});

export { expect };
