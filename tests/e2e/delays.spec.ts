import { readFile } from "node:fs/promises";
import { clickAndSettle, expect, test, waitForRouterIdle } from "./fixtures";

/**
 * The delay audit as a manager uses it (issue 14 §1), on the demo data: Delays from the menu → the per-agency
 * ranking → an agency's requests → one request's page with its timeline and time per stage; back on the
 * landing page, the ranking's CSV downloads with the same agencies as the table; the SLA targets page.
 */
test("the manager follows a delay from the menu to a ticket's timeline, and exports the ranking", async ({ page, signIn }) => {
  await signIn("manager");
  await clickAndSettle(page.getByRole("navigation").getByRole("link", { name: "تأخیرها" }));
  await expect(page).toHaveURL(/\/manager\/delays$/);
  await expect(page.getByRole("heading", { level: 1, name: "ممیزی تأخیرها" })).toBeVisible();

  const ranking = page.getByTestId("delay-ranking");
  const rows = ranking.locator("tbody tr");
  await expect(rows.first()).toBeVisible();
  const agencyNames = await rows.locator("td:first-child").allInnerTexts();
  expect(agencyNames.length).toBeGreaterThan(3);

  // the ranking's CSV: the same agencies, in the same order (worst breach rate first)
  const [download] = await Promise.all([page.waitForEvent("download"), ranking.getByRole("link", { name: "CSV" }).click()]);
  const csv = (await readFile((await download.path())!, "utf8")).replace(/^\ufeff/, "");
  const lines = csv.trim().split(/\r\n/);
  expect(lines[0]).toContain("نمایندگی");
  const csvAgencies = lines.slice(1).map((l) => (l.startsWith('"') ? l.slice(1, l.indexOf('"', 1)) : l.split(",")[0]));
  expect(csvAgencies).toEqual(agencyNames.map((n) => n.trim()));

  // an agency → its requests
  const first = agencyNames[0]!.trim();
  await clickAndSettle(rows.first().getByRole("link", { name: first }));
  await expect(page).toHaveURL(/\/manager\/delays\/tickets\?.*agency=\d+/);
  await expect(page.getByTestId("delay-filters")).toContainText(first);
  const ticketLink = page.locator("table.data tbody tr").first().getByRole("link").first();
  await expect(ticketLink).toBeVisible();
  // → one request's page: its timeline and its time per stage
  await ticketLink.click();
  await expect(page).toHaveURL(/\/manager\/tickets\/\d+$/);
  await expect(page.locator("[data-event]").first()).toBeVisible();
  await expect(page.getByTestId("delay-stages")).toContainText("ثبت تا ارجاع");

  // the SLA targets, from the landing page
  await page.goto("/manager/delays");
  await waitForRouterIdle(page);
  await clickAndSettle(page.getByRole("link", { name: "مهلت‌های خدمت بر پایه اولویت، دسته کالا و استان" }));
  await expect(page).toHaveURL(/\/manager\/delays\/targets$/);
  await expect(page.getByTestId("sla-rule").first()).toBeVisible();
  expect(await page.getByTestId("sla-rule").count()).toBeGreaterThanOrEqual(6);
});

test("the manager changes an SLA target and sees it saved; a bad value is refused in words", async ({ page, signIn, db }) => {
  await signIn("manager");
  await page.goto("/manager/delays/targets");
  await waitForRouterIdle(page);
  const add = page.locator("form", { has: page.getByRole("heading", { name: "افزودن قاعده" }) });
  await add.getByLabel("استان", { exact: true }).fill("گیلان");
  await add.getByLabel("پذیرش (ساعت)").fill("۵");
  await add.getByLabel("مراجعه (ساعت)").fill("۲");
  await add.getByLabel("انجام کار (ساعت)").fill("۷۲");
  await add.getByRole("button", { name: "افزودن قاعده" }).click();
  await expect(page.getByTestId("sla-error")).toContainText("مهلت پذیرش نباید از مهلت مراجعه");
  await add.getByLabel("مراجعه (ساعت)").fill("۳۰");
  await add.getByRole("button", { name: "افزودن قاعده" }).click();
  await expect(page.getByRole("status")).toHaveText("قاعده مهلت خدمت ذخیره شد.");
  await expect(page.getByTestId("sla-rule").filter({ hasText: "گیلان" })).toHaveCount(1);
  const { rows } = await db.query<{ accept_minutes: number; action: string }>(
    `select t.accept_minutes, a.action from sla_targets t join audit_log a on a.entity_type = 'sla_target' and a.entity_id = t.id::text where t.province = 'گیلان'`,
  );
  expect(rows).toEqual([{ accept_minutes: 300, action: "sla_target.create" }]);
});
