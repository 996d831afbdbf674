import { addJalaliDays, jalaliDateText, tehranJalaliDate } from "../../core/jalali";
import { clickAndSettle, expect, test } from "./fixtures";

/*
 * Issue 14's drill-downs at the benchmark's ranges, clicked as the manager would: from the delay page's list of
 * requests at risk (narrowed to "at risk") to one request's page and timeline; from the call-centre report over
 * a whole year (the daily roll-up plus today's live count) to the calls behind its "offered" figure.
 */

test("the manager goes from the delay page's at-risk list to that request's timeline", async ({ page, signIn, db }) => {
  // one open request of the demo, dispatching for a day, whose acceptance is due in half an hour: at risk now
  const { rows } = await db.query<{ id: string; number: string }>(
    `update tickets set created_at = now() - interval '24 hours', sla_accept_due_at = now() + interval '30 minutes'
     where id = (select id from tickets where status = 'dispatching' order by id limit 1) returning id, number`,
  );
  const ticket = rows[0]!;
  await signIn("manager");
  await clickAndSettle(page.getByRole("navigation").getByRole("link", { name: "تأخیرها" }));
  await expect(page).toHaveURL(/\/manager\/delays$/);
  await clickAndSettle(page.getByTestId("watch-levels").getByRole("link", { name: /^در خطر/ }));
  await expect(page).toHaveURL(/level=at_risk/);
  const section = page.locator("section", { has: page.getByRole("heading", { name: "در خطر یا گذشته از مهلت (هم‌اکنون)" }) });
  await expect(section.locator("tbody tr").first()).toContainText("در خطر");
  await expect(section.locator("tbody tr", { hasText: "گذشته از مهلت" })).toHaveCount(0);
  const number = new Intl.NumberFormat("fa-IR", { useGrouping: false }).format(Number(ticket.number));
  const row = section.locator("tbody tr").filter({ has: page.getByRole("link", { name: number, exact: true }) });
  await expect(row).toBeVisible();
  await row.getByRole("link").first().click();
  await expect(page).toHaveURL(new RegExp(`/manager/tickets/${ticket.id}$`));
  await expect(page.locator("[data-event]").first()).toBeVisible();
});

test("the manager opens the call report over a year and clicks through to the calls behind it", async ({ page, signIn }) => {
  const today = tehranJalaliDate(new Date());
  const yearAgo = jalaliDateText(addJalaliDays(today, -364));
  await signIn("manager");
  await clickAndSettle(page.getByRole("navigation").getByRole("link", { name: "مرکز تماس", exact: true }));
  await expect(page).toHaveURL(/\/manager\/calls$/);
  await page.getByLabel("از تاریخ").fill(yearAgo);
  await page.getByLabel("تا تاریخ").fill(jalaliDateText(today));
  await clickAndSettle(page.getByRole("button", { name: "نمایش" }));
  // the page over the year: its figures link to the calls of the same range
  const offered = page.getByTestId("calls-total-offered");
  await expect(offered).toHaveAttribute("href", new RegExp(`from=${encodeURIComponent(yearAgo)}&`));
  await expect(offered).not.toHaveText("۰");
  const dayRows = page.getByTestId("calls-table-day").locator("tbody tr");
  expect(await dayRows.count()).toBeGreaterThan(10);
  await offered.click();
  await expect(page.getByTestId("call-list-title")).toBeVisible({ timeout: 15_000 });
  await expect(page).toHaveURL(/\/manager\/calls\/list\?.*kind=offered/);
  await expect(page).toHaveURL(new RegExp(`from=${encodeURIComponent(yearAgo)}`));
  await expect(page.getByTestId("call-list").locator("tbody tr").first()).toBeVisible();
});
