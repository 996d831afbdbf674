import { readFile } from "node:fs/promises";
import { clickAndSettle, expect, test, waitForHydration } from "./fixtures";

/*
 * Issuing warranty cards (issue 15 §1) with JavaScript on, by clicking: the manager opens card issuing from the
 * menu, issues a batch of three serials for a model, downloads the printer's CSV (serial, code in four groups)
 * shown this once; a customer activates one of those codes on the public /warranty page; another is checked
 * from the simulated phone by texting «استعلام» and the code, and the reply says genuine, not activated.
 */

const persian = (s: string) => s.replace(/\d/g, (d) => String.fromCharCode(0x06f0 + Number(d)));

test("the manager issues a batch of three cards, downloads the codes once; one activates on /warranty, another checks genuine by SMS", async ({ page, signIn }) => {
  test.setTimeout(120_000);
  const tag = Date.now().toString(36).toUpperCase();
  const serials = [1, 2, 3].map((i) => `E2E-${tag}-${i}`);

  await signIn("manager");
  await clickAndSettle(page.getByRole("link", { name: "صدور کارت گارانتی" }));
  await expect(page).toHaveURL((u) => u.pathname === "/manager/warranty-cards");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("صدور کارت گارانتی");
  await expect(page.getByTestId("codes-once-note")).toContainText("فقط یک بار");
  // the demo's cards were printed in batches too
  await expect(page.getByRole("table").last().locator("tbody tr").first()).toBeVisible();

  await page.getByLabel("مدل دستگاه").selectOption({ index: 1 });
  // the second serial typed with Persian digits
  await page.getByLabel("شماره سریال‌ها (هر سطر یک سریال)").fill([serials[0], serials[1]!.replace(/\d/g, (d) => persian(d)), serials[2]].join("\n"));
  await clickAndSettle(page.getByRole("button", { name: "صدور کارت‌ها" }));
  const issued = page.getByTestId("issued-batch");
  await expect(issued).toContainText("۳ کارت در دستهٔ شمارهٔ");
  await expect(issued.getByRole("alert")).toContainText("دیگر نمایش داده نمی‌شوند");
  await expect(page.getByTestId("issued-codes").locator("tbody tr")).toHaveCount(3);

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("codes-csv").click()]);
  expect(download.suggestedFilename()).toMatch(/^warranty-cards-batch-\d+\.csv$/);
  const csv = (await readFile((await download.path())!, "utf8")).replace(/^\ufeff/, "");
  const lines = csv.trim().split("\r\n");
  expect(lines[0]).toBe("serial,code");
  const rows = lines.slice(1).map((l) => l.split(","));
  expect(rows.map((r) => r[0])).toEqual(serials);
  for (const r of rows) expect(r[1]).toMatch(/^[1-9]\d{3}-\d{4}-\d{4}-\d{4}$/);
  const codes = rows.map((r) => r[1]!);
  // the page shows the same codes as the file
  await expect(page.getByTestId("issued-codes")).toContainText(codes[0]!);

  // the batch is listed, none activated yet
  const batchRow = page.getByRole("table").last().locator("tbody tr").first();
  await expect(batchRow).toContainText("۳");

  // a customer activates the first card on the public page
  await page.goto("/warranty");
  await waitForHydration(page);
  await expect(page.getByTestId("card-sms-forms")).toContainText("استعلام");
  await page.getByLabel("کد کارت گارانتی").fill(persian(codes[0]!));
  await page.getByLabel("شماره همراه (برای فعال‌سازی)").fill("09137771212");
  await page.getByRole("button", { name: "بررسی و فعال‌سازی" }).click();
  await expect(page.getByTestId("card-reply")).toHaveAttribute("data-kind", "activated");
  await expect(page.getByTestId("card-reply")).toContainText("فعال شد");

  // someone checks the second card from the simulated phone: genuine, not activated — and it stays so
  await page.goto("/login");
  await waitForHydration(page);
  await page.getByTestId("dev-sms-link").click();
  await expect(page).toHaveURL((u) => u.pathname === "/dev/sms");
  await waitForHydration(page);
  await page.getByLabel("از شماره همراه").fill("09137771313");
  await page.getByLabel("متن پیامک").fill(`استعلام ${persian(codes[1]!)}`);
  await page.getByRole("button", { name: "ارسال پیامک" }).click();
  await expect(page.getByRole("status")).toContainText("به خط خدمات رسید");
  const reply = page.getByTestId("sim-message").filter({ hasText: "اصل است" });
  await expect(reply).toBeVisible({ timeout: 45_000 });
  await expect(reply).toContainText(`کارت گارانتی …${persian(codes[1]!.slice(-4))} اصل است و هنوز فعال نشده است`);

  // the manager (still signed in) sees one of the three activated
  await page.goto("/manager");
  await waitForHydration(page);
  await page.getByRole("link", { name: "صدور کارت گارانتی" }).click();
  await expect(page).toHaveURL((u) => u.pathname === "/manager/warranty-cards");
  const first = page.getByRole("table").last().locator("tbody tr").first();
  await expect(first.locator("td").nth(4)).toHaveText("۳");
  await expect(first.locator("td").nth(5)).toHaveText("۱");
  await expect(first.locator("td").nth(6)).toHaveText("۲");
});
