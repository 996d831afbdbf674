import { clickAndSettle, expect, test } from "./fixtures";

/**
 * Survey comments classified (issue 14 §3), in Chromium with JavaScript on: the supervisor opens the survey
 * comments from the menu, confirms (here: changes) the suggested kind and category of one, and the manager's
 * voice of the customer counts it beside the complaints of that category.
 */

test("the supervisor classifies a survey comment and the manager's voice page counts it", async ({ page, signIn, db }) => {
  await signIn("supervisor");
  await clickAndSettle(page.getByRole("navigation").getByRole("link", { name: "نظرهای نظرسنجی", exact: true }));
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("دسته‌بندی نظرهای مشتریان در نظرسنجی");
  const first = page.getByTestId("survey-comment").first();
  await expect(first).toBeVisible();
  const surveyId = Number(await first.getAttribute("data-survey-id"));
  await first.getByLabel("نوع نظر").selectOption("complaint");
  await first.getByLabel("دسته").selectOption("parts");
  await first.getByRole("button", { name: "تأیید و ثبت" }).click();
  await expect(page.getByTestId("survey-comment-done")).toBeVisible();
  await expect(page.locator(`[data-survey-id="${surveyId}"]`)).toHaveCount(0);
  const row = await db.query<{ comment_kind: string; comment_category: string }>(`select comment_kind, comment_category from satisfaction_surveys where id = $1`, [surveyId]);
  expect(row.rows[0]).toEqual({ comment_kind: "complaint", comment_category: "parts" });

  // the manager's voice of the customer: the parts row counts the survey comments filed under it
  const expected = await db.query<{ n: number }>(
    `select count(*)::int as n from satisfaction_surveys where comment_category = 'parts' and comment_kind <> 'praise' and surveyed_at >= now() - interval '170 days'`,
  );
  await page.context().clearCookies();
  await signIn("manager");
  await clickAndSettle(page.getByRole("navigation").getByRole("link", { name: "صدای مشتری", exact: true }));
  await expect(page.getByRole("columnheader", { name: /نظر منفی یا پیشنهاد در نظرسنجی/ })).toBeVisible();
  const parts = page.getByRole("row").filter({ has: page.getByRole("cell", { name: "قطعات یدکی", exact: true }) }).first();
  await expect(parts).toContainText(new Intl.NumberFormat("fa-IR").format(expected.rows[0]!.n));
});
