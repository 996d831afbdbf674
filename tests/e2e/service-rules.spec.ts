import { clickAndSettle, expect, test } from "./fixtures";

/**
 * The admin's numbers of issue 15 as the admin clicks them: from the admin menu to Rules and deadlines, where
 * each rule shows its meaning, its default and the value in force; a changed value is saved and shown, a bad
 * one (zero, letters) is refused beside its rule in words, and the audit log tells the change in a sentence
 * with the value before and after. The SLA sweep's at-risk share (once the SLA_AT_RISK_SHARE variable) is one of
 * them: changed in Persian, read and changed back in English.
 */
test.describe("rules and deadlines", () => {
  // a refused value is answered with a 400 and its message, on purpose
  test.use({ expectedHttpErrors: [400] });

  test("the admin changes the complaint warning's lead, is refused a bad value, and finds the change in the audit log", async ({ page, signIn, db }) => {
    // the one database every spec shares: start from the default and leave it so
    await db.query(`delete from service_rule_settings where key = 'complaint_warn_hours'`);
    try {
      await signIn("admin");
      await clickAndSettle(page.getByRole("navigation").getByRole("link", { name: "قواعد و مهلت‌ها", exact: true }));
      await expect(page).toHaveURL(/\/admin\/service-rules$/);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("قواعد و مهلت‌ها");

      // every rule, grouped, with its meaning, default and value in force
      await expect(page.getByTestId("service-rule")).toHaveCount(11);
      const resolve = page.locator('[data-testid="service-rule"][data-key="complaint_resolve_days"]');
      await expect(resolve).toContainText("مهلت رسیدگی به شکایت");
      await expect(resolve).toContainText("۷ روز کاری");
      await expect(page.locator('[data-testid="service-rule"][data-key="repair_grace_days"]')).toContainText("۱۵ روز");
      await expect(page.locator('[data-testid="service-rule"][data-key="card_failures_per_phone"]')).toContainText("۵ بار");

      const row = page.locator('[data-testid="service-rule"][data-key="complaint_warn_hours"]');
      await expect(row).toContainText("ساعت کاری یا کمتر مانده باشد");
      await expect(row.getByTestId("service-rule-value")).toHaveText("۹ ساعت کاری");
      const input = row.getByLabel("هشدار پیش از پایان مهلت شکایت");

      // a value typed in Persian digits is saved
      await input.fill("۱۴");
      await clickAndSettle(row.getByRole("button", { name: "ذخیره" }));
      await expect(page.getByTestId("service-rules-saved")).toHaveText("«هشدار پیش از پایان مهلت شکایت» ذخیره شد: ۱۴ ساعت کاری.");
      await expect(row.getByTestId("service-rule-value")).toContainText("۱۴ ساعت کاری");
      await expect(row.getByTestId("service-rule-value")).toContainText("تغییر به دست مدیر سامانه");

      // zero, then letters: refused beside the rule, in words; the value in force stays
      await input.fill("0");
      await clickAndSettle(row.getByRole("button", { name: "ذخیره" }));
      await expect(row.getByTestId("service-rules-error")).toHaveText("«هشدار پیش از پایان مهلت شکایت» باید عددی صحیح از ۱ ساعت کاری تا ۲۰۰ ساعت کاری باشد.");
      await expect(input).toHaveAttribute("aria-invalid", "true");
      await expect(row.getByTestId("service-rule-value")).toContainText("۱۴ ساعت کاری");
      await input.fill("چهار");
      await clickAndSettle(row.getByRole("button", { name: "ذخیره" }));
      await expect(row.getByTestId("service-rules-error")).toContainText("باید عددی صحیح");
      const stored = await db.query<{ value: number }>(`select value from service_rule_settings where key = 'complaint_warn_hours'`);
      expect(stored.rows).toEqual([{ value: 14 }]);

      // the audit log tells it in words
      await clickAndSettle(page.getByRole("navigation").getByRole("link", { name: "گزارش رویدادها", exact: true }));
      await expect(page).toHaveURL(/\/admin\/audit$/);
      const audit = page.locator('tr[data-action="service_rule.update"]').first();
      await expect(audit.getByTestId("audit-sentence")).toHaveText("مدیر سامانه یکی از قواعد و مهلت‌ها را تغییر داد.");
      await expect(audit).toContainText("هشدار پیش از پایان مهلت شکایت: از ۹ ساعت کاری به ۱۴ ساعت کاری");
    } finally {
      await db.query(`delete from service_rule_settings where key = 'complaint_warn_hours'`);
    }
  });
  test("the admin changes the SLA at-risk share in Persian and in English", async ({ page, signIn, db }) => {
    await db.query(`delete from service_rule_settings where key = 'sla_at_risk_percent'`);
    try {
      await signIn("admin");
      await clickAndSettle(page.getByRole("navigation").getByRole("link", { name: "قواعد و مهلت‌ها", exact: true }));
      await expect(page).toHaveURL(/\/admin\/service-rules$/);
      const row = page.locator('[data-testid="service-rule"][data-key="sla_at_risk_percent"]');
      await expect(page.getByTestId("service-rules-sla")).toContainText("هشدار در خطر بودن مهلت خدمت");
      await expect(row).toContainText("این درصد از زمان یک مرحلهٔ درخواست");
      await expect(row.getByTestId("service-rule-value")).toHaveText("۸۰ درصد");

      await row.getByLabel("هشدار در خطر بودن مهلت خدمت").fill("۷۰");
      await clickAndSettle(row.getByRole("button", { name: "ذخیره" }));
      await expect(page.getByTestId("service-rules-saved")).toHaveText("«هشدار در خطر بودن مهلت خدمت» ذخیره شد: ۷۰ درصد.");
      await expect(row.getByTestId("service-rule-value")).toContainText("۷۰ درصد");
      // all of a stage's time is no share: refused in words
      await row.getByLabel("هشدار در خطر بودن مهلت خدمت").fill("100");
      await clickAndSettle(row.getByRole("button", { name: "ذخیره" }));
      await expect(row.getByTestId("service-rules-error")).toHaveText("«هشدار در خطر بودن مهلت خدمت» باید عددی صحیح از ۱ درصد تا ۹۹ درصد باشد.");

      // in English: the same rule, its value in force, changed back to its default
      await clickAndSettle(page.locator("nav.shell-nav").getByRole("button", { name: "English" }));
      await expect(page.locator("html")).toHaveAttribute("dir", "ltr");
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("Rules and deadlines");
      await expect(row).toContainText("Once this percentage of a request stage's time");
      await expect(row.getByTestId("service-rule-value")).toContainText("70%");
      await row.getByLabel("At-risk warning on service deadlines").fill("80");
      await clickAndSettle(row.getByRole("button", { name: "Save" }));
      await expect(page.getByTestId("service-rules-saved")).toHaveText("“At-risk warning on service deadlines” saved: 80%.");
      await expect(row.getByTestId("service-rule-value")).toContainText("80%");
      const stored = await db.query<{ value: number }>(`select value from service_rule_settings where key = 'sla_at_risk_percent'`);
      expect(stored.rows).toEqual([{ value: 80 }]);
    } finally {
      await db.query(`delete from service_rule_settings where key = 'sla_at_risk_percent'`);
      await db.query("update users set locale = 'fa' where username = 'admin'");
    }
  });
});
