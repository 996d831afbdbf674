import { expect, test } from "./fixtures";
import { DEMO_PASSWORD } from "../../db/seed/demo";

// Forms are plain HTML forms that JavaScript only enhances: they must work with it turned off.
test.use({ javaScriptEnabled: false });

test("signing in, filtering tickets, switching language and signing out work without JavaScript", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("نام کاربری").fill("operator");
  await page.getByLabel("رمز عبور").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "ورود" }).click();
  await expect(page).toHaveURL(/\/desk$/);

  await page.goto("/desk/tickets");
  await page.getByLabel("وضعیت").selectOption("closed");
  await page.getByRole("button", { name: "فیلتر" }).click();
  await expect(page).toHaveURL(/status=closed/);
  const badges = page.locator("table.data [data-status]");
  expect(await badges.count()).toBeGreaterThan(0);
  for (const status of await badges.evaluateAll((els) => els.map((e) => e.getAttribute("data-status")))) {
    expect(status).toBe("closed");
  }

  await page.getByRole("button", { name: "English" }).click();
  await expect(page.locator("html")).toHaveAttribute("dir", "ltr");
  await expect(page).toHaveURL(/\/desk\/tickets\?.*status=closed/);

  // Back to Persian: the choice is stored on the user, and other tests sign in as this user.
  await page.getByRole("button", { name: "فارسی" }).click();
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  await page.getByRole("button", { name: "خروج" }).click();
  await expect(page).toHaveURL(/\/login$/);
});
