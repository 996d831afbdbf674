import { clickAndSettle, expect, settleAfter, test } from "./fixtures";

/**
 * The administration menu (issue 14 §5): the admin reaches every administration page by clicking, from the
 * menu and from the admin home; the manager finds the pages its permissions allow (importing agencies, the
 * SLA targets) in its own menu.
 */

const ADMIN_MENU: { link: string; path: string | RegExp; heading: string }[] = [
  { link: "کاربران", path: "/admin/users", heading: "کاربران" },
  { link: "نمایندگی‌های مجاز", path: "/manager/agencies", heading: "نمایندگی‌های مجاز" },
  { link: "افزودن نمایندگی", path: "/manager/agencies/new", heading: "نمایندگی تازه" },
  { link: "ورود گروهی نمایندگی‌ها", path: "/manager/agencies/import", heading: "ورود نمایندگی‌ها از فایل CSV" },
  { link: "مهلت‌های خدمت (SLA)", path: "/manager/delays/targets", heading: "مهلت‌های خدمت (SLA)" },
  { link: "متن پیامک‌ها", path: "/admin/sms-templates", heading: "متن پیامک‌ها" },
  { link: "گزارش رویدادها", path: "/admin/audit", heading: "آخرین رویدادهای ممیزی" },
];

test("the admin clicks to every administration page from the menu and from the admin home", async ({ page, signIn }) => {
  await signIn("admin");
  await expect(page).toHaveURL((u) => u.pathname === "/admin");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("مدیریت سامانه");
  const nav = page.getByRole("navigation");
  for (const item of ADMIN_MENU) {
    // back to the admin home through the menu (the admin's own, or the manager section's "مدیریت سامانه")
    await clickAndSettle(nav.getByRole("link", { name: "مدیریت سامانه", exact: true }));
    await expect(page).toHaveURL((u) => u.pathname === "/admin");
    await clickAndSettle(nav.getByRole("link", { name: item.link, exact: true }));
    await expect(page).toHaveURL((u) => u.pathname === item.path);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(item.heading);
  }

  // the admin home links the same pages, each with a line saying what it is for
  await clickAndSettle(nav.getByRole("link", { name: "مدیریت سامانه", exact: true }));
  const main = page.getByRole("main");
  await expect(page.getByTestId("admin-group")).toHaveCount(3);
  for (const item of ADMIN_MENU) {
    await clickAndSettle(main.getByRole("link", { name: item.link, exact: true }));
    await expect(page).toHaveURL((u) => u.pathname === item.path);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(item.heading);
    await settleAfter(page, () => page.goBack());
    await expect(page).toHaveURL((u) => u.pathname === "/admin");
  }
  await expect(main.getByRole("link", { name: "نمونه فایل CSV نمایندگی‌ها" })).toHaveAttribute("href", "/manager/agencies/import-template");
});

test("the manager's menu holds the administration its permissions allow", async ({ page, signIn }) => {
  await signIn("manager");
  const nav = page.getByRole("navigation");
  await expect(nav.getByRole("link", { name: "مدیریت سامانه", exact: true })).toHaveCount(0);
  await clickAndSettle(nav.getByRole("link", { name: "ورود گروهی نمایندگی‌ها", exact: true }));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("ورود نمایندگی‌ها از فایل CSV");
  await nav.getByRole("link", { name: "مهلت‌های خدمت (SLA)", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("مهلت‌های خدمت (SLA)");
});
