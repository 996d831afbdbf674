import { readFile } from "node:fs/promises";
import { jalaliDateText, jalaliYearMonth, tehranJalaliDate } from "../../core/jalali";
import { clickAndSettle, expect, test } from "./fixtures";

/**
 * Issue 14 §2 by clicking, on the demo data: the manager opens Referral revenue from the menu, clicks a figure
 * and reaches the fee entries and a ticket behind it; opens an agency's open statement of a past month from the
 * referral-fee page, downloads it as CSV and XLSX, and marks it settled with a Jalali date and a reference.
 * agency1 sees its own statements on the portal; agency1staff has no statement in its menu.
 */
test("the manager drills from a revenue figure to the tickets behind it", async ({ page, signIn }) => {
  await signIn("manager");
  await page.locator("nav.shell-nav").getByRole("link", { name: "درآمد ارجاع", exact: true }).click();
  await expect(page).toHaveURL(/\/manager\/revenue$/);
  await expect(page.getByRole("heading", { level: 1, name: "درآمد حق ارجاع" })).toBeVisible();
  const byAgency = page.getByTestId("revenue-agency");
  await expect(byAgency.getByRole("table")).toBeVisible();
  // the first agency's revenue figure
  await byAgency.locator("tbody tr").first().getByRole("link").last().click();
  await expect(page).toHaveURL(/\/manager\/revenue\/entries\?.*agency=\d+/);
  await expect(page.getByRole("heading", { level: 1, name: "اسناد حق ارجاع" })).toBeVisible();
  await expect(page.getByTestId("entries-total")).not.toHaveText("۰ ریال");
  const ticketLink = page.locator("tbody tr").first().getByRole("link").first();
  await ticketLink.click();
  await expect(page).toHaveURL(/\/manager\/tickets\/\d+$/);
});

test("the manager exports an agency's statement and marks it settled", async ({ page, signIn, db }) => {
  const current = jalaliYearMonth(new Date());
  // an open statement of a closed month (the demo leaves about one in five unsettled)
  const { rows } = await db.query<{ agency_id: string; period: string; code: string }>(
    `select m.agency_id, m.period, a.code from ledger_monthly m join agencies a on a.id = m.agency_id
     where m.period < $1 group by m.agency_id, m.period, a.code
     having sum(m.fee_rials + m.adjustment_rials + m.payment_rials) > 0 and sum(m.payment_rials) = 0
     order by m.period desc, a.code limit 1`,
    [current],
  );
  expect(rows).toHaveLength(1);
  const { agency_id: agencyId, period, code } = rows[0]!;

  await signIn("manager");
  await clickAndSettle(page.locator("nav.shell-nav").getByRole("link", { name: "حق ارجاع", exact: true }));
  await expect(page).toHaveURL(/\/manager\/fees$/);
  await page.getByLabel("ماه صورت‌حساب").selectOption(period);
  await page.getByRole("button", { name: "نمایش", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`period=${period}`));
  const row = page.locator("tbody tr", { hasText: `(${code})` });
  await row.getByRole("link").first().click();
  await expect(page).toHaveURL(new RegExp(`/manager/fees/statements/${agencyId}/${period}$`));
  await expect(page.getByTestId("statement-state")).toHaveText("تسویه‌نشده");
  await expect(page.getByTestId("print-statement")).toBeVisible();

  const [csv] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "CSV" }).click()]);
  expect(csv.suggestedFilename()).toMatch(new RegExp(`^statement-${code}-${period}-.*\\.csv$`));
  const csvText = await readFile((await csv.path())!, "utf8");
  expect(csvText.startsWith("\ufeff")).toBe(true);
  expect(csvText).toContain("حق ارجاع");
  const [xlsx] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "اکسل (XLSX)" }).click()]);
  expect(xlsx.suggestedFilename()).toMatch(/\.xlsx$/);
  const bytes = await readFile((await xlsx.path())!);
  expect(bytes.subarray(0, 2).toString("latin1")).toBe("PK");

  const today = jalaliDateText(tehranJalaliDate(new Date()));
  await page.getByLabel("تاریخ پرداخت").fill(today);
  await page.getByLabel("شماره پیگیری پرداخت").fill("BANK-E2E-1");
  await clickAndSettle(page.getByRole("button", { name: "ثبت تسویه" }));
  await expect(page.getByTestId("ledger-result")).toHaveText("صورت‌حساب تسویه شد.");
  await expect(page.getByTestId("statement-state")).toHaveText("تسویه‌شده");
  await expect(page.getByTestId("statement-balance")).toContainText("۰");
  await expect(page.getByRole("cell", { name: "BANK-E2E-1" })).toBeVisible();
});

test("agency1 sees its statements on the portal; agency1staff has none in its menu", async ({ page, signIn }) => {
  await signIn("agency1");
  await page.locator("nav.shell-nav").getByRole("link", { name: "صورت‌حساب نمایندگی" }).click();
  await expect(page).toHaveURL(/\/agency\/statement$/);
  await page.locator("tbody tr").first().getByRole("link").first().click();
  await expect(page).toHaveURL(/\/agency\/statement\/1[34]\d\d-\d\d$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("THR-001");
  await expect(page.getByRole("button", { name: "ثبت تسویه" })).toHaveCount(0);
  await page.context().clearCookies();

  await signIn("agency1staff");
  await expect(page.locator("nav.shell-nav").getByRole("link", { name: "صورت‌حساب نمایندگی" })).toHaveCount(0);
});
