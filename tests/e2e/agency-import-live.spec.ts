import { clickAndSettle, expect, test } from "./fixtures";

/**
 * The agency CSV import's progress is pushed to the page (issue 14 §5): the job NOTIFYs each step, the web
 * shell streams it (EventSource) and the bar moves without a reload. To see it stop half-way for sure, the test
 * holds the code of row 60 in an open transaction of its own: the import waits there (having said 50 of 100),
 * and goes on to 100% once the test lets go.
 */

test("the manager sees the import's progress move without reloading the page", async ({ page, signIn, db }) => {
  const tag = `${Date.now().toString(36)}`.toUpperCase();
  const header = "code,name,mobile,province,city,lat,lng,service_radius_km,daily_job_capacity,service_areas";
  const rows = Array.from({ length: 100 }, (_, i) => `LIV-${tag}-${i + 1},نمایندگی یزد ${i + 1},09131110000,یزد,یزد,,,,3,یزد/یزد`);
  await signIn("manager");
  await clickAndSettle(page.getByRole("navigation").getByRole("link", { name: "ورود گروهی نمایندگی‌ها", exact: true }));
  await page.evaluate(() => ((window as unknown as { samePage: boolean }).samePage = true));

  await db.query("begin");
  try {
    await db.query(`insert into agencies (code, name, province, city) values ($1, 'نگه‌داشته', 'یزد', 'یزد')`, [`LIV-${tag}-60`]);
    await page.locator('input[type="file"]').setInputFiles({ name: "yazd.csv", mimeType: "text/csv", buffer: Buffer.from([header, ...rows].join("\n")) });
    await page.getByRole("button", { name: "بارگذاری و ورود" }).click();
    await expect(page.getByTestId("import-progress")).toHaveAttribute("value", "50", { timeout: 20_000 });
    await expect(page.getByTestId("import-status")).toHaveAttribute("data-status", "importing");
  } finally {
    await db.query("rollback");
  }
  await expect(page.getByTestId("import-done")).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId("import-progress")).toHaveAttribute("value", "100");
  // the same document all along: no reload
  expect(await page.evaluate(() => (window as unknown as { samePage?: boolean }).samePage)).toBe(true);
  expect((await db.query(`select 1 from agencies where code like $1`, [`LIV-${tag}-%`])).rowCount).toBe(100);
});
