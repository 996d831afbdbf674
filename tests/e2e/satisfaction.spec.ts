import { readFile } from "node:fs/promises";
import { clickAndSettle, expect, test, waitForHydration } from "./fixtures";

/*
 * Satisfaction and the voice of the customer, clicked through as the demo manager would (JavaScript on, no page
 * or console error): the menu → an agency's CSAT figure → its surveys → a job's ticket page and its timeline;
 * a low score → the complaint it opened; the repeat breakdowns → the CSV export.
 */

test("the manager drills from an agency's CSAT to its surveys and a job's timeline, and from a low score to its complaint", async ({ page, signIn }) => {
  await signIn("manager");
  await waitForHydration(page);
  await page.getByRole("navigation").getByRole("link", { name: "رضایت مشتری" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("رضایت مشتری");
  await waitForHydration(page);
  // the whole Jalali year, so the demo's two months of surveys are in range
  await clickAndSettle(page.getByRole("link", { name: "امسال" }));
  // the year's figures are on screen
  await expect(page.getByRole("link", { name: "امسال" })).toHaveAttribute("aria-current", "true");
  await expect(page.getByTestId("csat-total")).toContainText("٪");

  // an agency's figure → the surveys behind it
  const byAgency = page.getByRole("table", { name: "نمایندگی" });
  const agency = byAgency.getByRole("row").nth(1).getByRole("link").first();
  const agencyName = (await agency.textContent())!.trim();
  await agency.click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("نظرسنجی‌های پاسخ‌داده");
  const surveys = page.getByRole("table", { name: "نظرسنجی‌های پاسخ‌داده" });
  await expect(surveys.getByRole("row").nth(1)).toContainText(agencyName);

  // → a job's ticket page, with its history
  const ticketLink = surveys.getByRole("row").nth(1).getByRole("link").first();
  const number = (await ticketLink.textContent())!.trim();
  await ticketLink.click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(number);
  await expect(page.locator("ol.timeline > li").first()).toBeVisible();
  await expect(page.getByTestId("follow-up")).toBeVisible();

  // a low score → the complaint it opened
  await page.getByRole("navigation").getByRole("link", { name: "رضایت مشتری" }).click();
  await clickAndSettle(page.getByRole("link", { name: "امسال" }));
  // the year's figures are on screen
  await expect(page.getByRole("link", { name: "امسال" })).toHaveAttribute("aria-current", "true");
  const low = page.getByRole("table", { name: "امتیازهای پایین و پیگیری آن‌ها" });
  await expect(low.getByRole("row").nth(1)).toBeVisible();
  await low.getByRole("link", { name: /رسیدگی/ }).first().click();
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByText("شکایات، انتقادات و پیشنهادات").first()).toBeVisible();
  await expect(page.getByTestId("feedback-classify")).toBeVisible();
  await expect(page.getByTestId("complaint-source")).toBeVisible();
});

test("the manager opens every low score of the year from the satisfaction page", async ({ page, signIn }) => {
  await signIn("manager");
  await waitForHydration(page);
  await clickAndSettle(page.getByRole("navigation").getByRole("link", { name: "رضایت مشتری" }));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("رضایت مشتری");
  await waitForHydration(page);
  await clickAndSettle(page.getByRole("link", { name: "امسال" }));
  await expect(page.getByRole("link", { name: "امسال" })).toHaveAttribute("aria-current", "true");
  // the page shows the newest few (twenty at most; the demo's year has fewer), all of them are a click away,
  // a hundred a page (the paging itself: tests/integration/satisfaction-low-pages.test.ts)
  const onPage = page.getByRole("table", { name: "امتیازهای پایین و پیگیری آن‌ها" });
  await expect(onPage.getByRole("row").nth(1)).toBeVisible();
  const shown = await onPage.getByRole("row").count();
  const newest = (await onPage.getByRole("row").nth(1).getByRole("link").first().textContent())!.trim();
  await clickAndSettle(page.getByRole("link", { name: "همه‌ی امتیازهای پایین این بازه" }));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("امتیازهای پایین و پیگیری آن‌ها");
  const all = page.getByRole("table", { name: "امتیازهای پایین و پیگیری آن‌ها" });
  await expect(all.getByRole("row").nth(1).getByRole("link").first()).toHaveText(newest);
  await expect(all.getByRole("row")).toHaveCount(shown);
  await expect(page.getByRole("link", { name: "قدیمی‌ترها" })).toHaveCount(0);
  // and back to the satisfaction page
  await page.getByRole("link", { name: "بازگشت به رضایت مشتری" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("رضایت مشتری");
});

test("the manager finds complaints by category and exports the repeat breakdowns of one serial as CSV", async ({ page, signIn }) => {
  await signIn("manager");
  await waitForHydration(page);
  await page.getByRole("navigation").getByRole("link", { name: "صدای مشتری" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("صدای مشتری");
  await waitForHydration(page);

  // a category's count → its tickets
  const feedback = page.getByRole("table", { name: "شکایات و پیشنهادات بر اساس دسته" });
  await feedback.getByRole("row").nth(1).getByRole("link").first().click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("شکایات و پیشنهادات");
  await expect(page.getByRole("table").getByRole("row").nth(1)).toBeVisible();
  await page.getByRole("link", { name: "بازگشت به صدای مشتری" }).click();

  // the model with the most repeat breakdowns → its serials and tickets
  const byModel = page.getByRole("table", { name: "بر اساس مدل" });
  await byModel.getByRole("row").nth(1).getByRole("link").first().click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("مراجعه‌های مجدد");
  const repeats = page.getByRole("table", { name: "مراجعه‌های مجدد" });
  await expect(repeats.getByRole("row").nth(1)).toBeVisible();
  const serial = (await repeats.getByRole("row").nth(1).getByRole("cell").first().textContent())!.trim();

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "CSV" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^repeat-breakdowns-.*\.csv$/);
  const text = await readFile((await download.path())!, "utf8");
  expect(text.startsWith("\ufeff")).toBe(true);
  expect(text).toContain("شماره سریال");
  expect(text).toContain(serial.replace(/[۰-۹]/g, (d) => String("۰۱۲۳۴۵۶۷۸۹".indexOf(d))));
});
