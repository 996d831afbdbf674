import { readFile } from "node:fs/promises";
import type { Locator } from "@playwright/test";
import { clickAndSettle, expect, test, waitForHydration } from "./fixtures";

/*
 * The agency scorecard (issue 15 §5), clicked through with JavaScript on (no page or console error): the
 * manager opens the scorecards from the menu, sorts, drills down to an agency's months, a month's jobs and a
 * job's ticket, and exports the month as CSV; the agency sees its own scorecard on its portal; the admin
 * finds the demo's agency on probation, sees it on its scorecard page, and ends its probation early.
 * The claim-rejection columns (issue 15 §5): sortable on the manager's month, filled from the demo claims on
 * THR-001's months (the manager's drill-down and agency1's own page), and in the CSV.
 */

/** The texts of one column's cells (by its header's name) of a table's body rows. */
async function columnTexts(table: Locator, header: string): Promise<string[]> {
  const headers = (await table.getByRole("columnheader").allTextContents()).map((h) => h.trim());
  const index = headers.findIndex((h) => h.startsWith(header));
  expect(index, `column ${header} in ${headers.join(" | ")}`).toBeGreaterThanOrEqual(0);
  const rows = table.locator("tbody tr");
  const out: string[] = [];
  for (let i = 0; i < (await rows.count()); i++) out.push(((await rows.nth(i).locator("td, th").nth(index).textContent()) ?? "").trim());
  return out;
}

/** Some month of THR-001 has claims decided (the demo's claims in every state), and a rejection rate. */
async function expectClaimFigures(months: Locator) {
  const decided = await columnTexts(months, "ادعاهای گارانتی بررسی‌شده");
  expect(decided.some((d) => d !== "" && d !== "۰")).toBe(true);
  const rates = await columnTexts(months, "نرخ ردّ ادعای گارانتی");
  expect(rates.some((r) => /٪|%/.test(r))).toBe(true);
}

test("the manager opens the scorecards from the menu and drills down to an agency's months, jobs and a ticket", async ({ page, signIn }) => {
  await signIn("manager");
  await waitForHydration(page);
  await page.getByRole("navigation").getByRole("link", { name: "کارنامهٔ نمایندگی‌ها" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("کارنامهٔ نمایندگی‌ها");
  await waitForHydration(page);
  const month = page.getByRole("table", { name: "کارنامهٔ نمایندگی‌ها" });
  await expect(month.getByRole("row").nth(1)).toBeVisible();
  // sortable: by the agency's name
  await month.getByRole("columnheader", { name: "نمایندگی" }).click();
  await expect(month.getByRole("row").nth(1)).toBeVisible();
  // the claim-rejection columns, sortable too
  await expect(month.getByRole("columnheader", { name: "ادعاهای گارانتی بررسی‌شده" })).toBeVisible();
  await month.getByRole("columnheader", { name: "نرخ ردّ ادعای گارانتی" }).click();
  await expect(month.getByRole("row").nth(1)).toBeVisible();
  await expect(page.getByTestId("scorecard-claims-hint")).toBeVisible();

  // THR-001 (Narmak) → its months
  await month.getByRole("link", { name: /نارمک/ }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("کارنامهٔ");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("نارمک");
  const months = page.getByRole("table", { name: "ماه‌ها" });
  await expect(months.getByRole("row").nth(1)).toBeVisible();
  await expectClaimFigures(months);
  // a month's jobs → one job's ticket page
  await clickAndSettle(months.getByRole("row").nth(1).getByRole("link").first());
  const jobs = page.getByRole("table", { name: /کارهای تمام‌شده در/ });
  await expect(jobs.getByRole("row").nth(1)).toBeVisible();
  const ticketLink = jobs.getByRole("row").nth(1).getByRole("link").first();
  const number = (await ticketLink.textContent())!.trim();
  await ticketLink.click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(number);

  // back to the month, and its CSV
  await page.getByRole("navigation").getByRole("link", { name: "کارنامهٔ نمایندگی‌ها" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("کارنامهٔ نمایندگی‌ها");
  await waitForHydration(page);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "CSV" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^agency-scorecards-\d{4}-\d{2}.*\.csv$/);
  const text = await readFile((await download.path())!, "utf8");
  expect(text).toContain("رفع عیب در مراجعه اول");
  expect(text).toContain("THR-001");
  expect(text).toContain("نرخ ردّ ادعای گارانتی");
  expect(text).toContain("ادعاهای تأیید بخشی");
});

test("an agency sees its own scorecard on its portal", async ({ page, signIn }) => {
  await signIn("agency1");
  await waitForHydration(page);
  await page.getByRole("navigation").getByRole("link", { name: "کارنامهٔ ما" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("کارنامهٔ ما");
  await waitForHydration(page);
  const months = page.getByRole("table", { name: "ماه‌ها" });
  await expect(months.getByRole("row").nth(1)).toBeVisible();
  // its claims decided and rejected, by month
  await expectClaimFigures(months);
  await clickAndSettle(months.getByRole("row").nth(1).getByRole("link").first());
  const jobs = page.getByRole("table", { name: /کارهای تمام‌شده در/ });
  await expect(jobs.getByRole("row").nth(1)).toBeVisible();
  // its own jobs open on the agency's ticket page
  await jobs.getByRole("row").nth(1).getByRole("link").first().click();
  await expect(page).toHaveURL(/\/agency\/tickets\/\d+/);
});

test("the admin finds the agency on probation, sees it on its scorecard, and ends the probation early", async ({ page, signIn }) => {
  await signIn("admin");
  await waitForHydration(page);
  await page.getByRole("navigation").getByRole("link", { name: "کیفیت و دورهٔ آزمایشی" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("کیفیت و دورهٔ آزمایشی");
  await waitForHydration(page);
  const list = page.getByTestId("probation-list");
  const row = list.getByRole("row").filter({ hasText: "نوآوران" });
  await expect(row).toBeVisible();

  // its scorecard page says it is on probation
  await row.getByRole("link", { name: /نوآوران/ }).click();
  await expect(page.getByTestId("probation-notice")).toBeVisible();
  await page.goBack();
  await waitForHydration(page);

  // a reason is required; then it ends, audited
  // (agencies other tests created are new, so on probation too: the row is named)
  const probationRow = page.getByTestId("probation-list").getByRole("row").filter({ hasText: "نوآوران" });
  await probationRow.getByLabel("دلیل").fill("کارنامهٔ درخشان در دورهٔ آزمایشی");
  await probationRow.getByRole("button", { name: "پایان دورهٔ آزمایشی" }).click();
  await expect(page.getByTestId("quality-done")).toHaveText("دورهٔ آزمایشی پایان یافت.");
  await expect(page.getByTestId("probation-list").getByRole("row").filter({ hasText: "نوآوران" })).toContainText("زودتر پایان یافت");

  // the rework window: saved
  await page.getByLabel("بازهٔ دوباره‌کاری (روز پس از پایان کار)").fill("45");
  await page.getByRole("button", { name: "ذخیره" }).click();
  await expect(page.getByTestId("quality-done")).toHaveText("تنظیمات ذخیره شد.");
  await expect(page.getByLabel("بازهٔ دوباره‌کاری (روز پس از پایان کار)")).toHaveValue("45");
});
