import { DEMO_USERS } from "../../db/seed/demo";
import { homePath } from "../../core/roles";
import { expect, test } from "./fixtures";

test.describe("signing in as every role", () => {
  for (const user of DEMO_USERS) {
    test(`${user.username} (${user.role}) reaches a Persian RTL home page`, async ({ page, signIn }) => {
      await signIn(user.username);
      await expect(page).toHaveURL(new RegExp(`${homePath(user.role)}$`));
      const html = page.locator("html");
      await expect(html).toHaveAttribute("lang", "fa");
      await expect(html).toHaveAttribute("dir", "rtl");
      // The signed-in shell (not the login form) is on screen.
      const links = page.locator("nav.shell-nav a");
      await expect(links.first()).toBeVisible();
      await expect(page.getByRole("heading", { level: 1 })).not.toHaveText("ورود به سامانه");
      // Real navigation: every link in the side menu opens a page without an error.
      const hrefs = await links.evaluateAll((as) => as.map((a) => a.getAttribute("href")!));
      expect(hrefs.length).toBeGreaterThan(1);
      for (const href of hrefs) {
        const response = await page.goto(href);
        expect(response?.status(), href).toBe(200);
        await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      }
      await page.getByRole("button", { name: "خروج" }).click();
      await expect(page).toHaveURL(/\/login$/);
    });
  }
});

test.describe(() => {
  // The login action answers a wrong password with 401, which Chromium logs as a failed resource.
  test.use({ expectedHttpErrors: [401] });

  test("a wrong password gets a clear Persian message, not a server error", async ({ page, signIn }) => {
    const responses: number[] = [];
    page.on("response", (r) => {
      if (r.url().includes("/login")) responses.push(r.status());
    });
    await signIn("operator", "not-the-password", true);
    await expect(page.getByRole("alert")).toHaveText("نام کاربری یا رمز عبور اشتباه است.");
    await expect(page).toHaveURL(/\/login/);
    expect(responses.every((s) => s < 500)).toBe(true);
    // The username typed is kept, the password is not.
    await expect(page.getByLabel("نام کاربری")).toHaveValue("operator");
  });
});

test("pages need a session and send visitors to the login page", async ({ page }) => {
  await page.goto("/manager");
  await expect(page).toHaveURL(/\/login\?redirectTo=%2Fmanager/);
});

test("the language can be switched to English and back", async ({ page, signIn }) => {
  await signIn("manager");
  await page.getByRole("button", { name: "English" }).click();
  await expect(page.locator("html")).toHaveAttribute("dir", "ltr");
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("After-sales manager dashboard");
  await page.getByRole("button", { name: "فارسی" }).click();
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
});

test("health check answers 200 with the database up", async ({ request }) => {
  const res = await request.get("/healthz");
  expect(res.status()).toBe(200);
  expect(await res.json()).toMatchObject({ status: "ok", db: "ok" });
});
