import { expect, test } from "./fixtures";

// This test asks for pages it must not get: another agency's ticket (404) and other roles' pages (403).
test.use({ expectedHttpErrors: [403, 404] });

test("an agency user cannot open another agency's ticket by URL", async ({ page, signIn, db }) => {
  // A ticket of agency2's that agency1 never had anything to do with.
  const { rows } = await db.query<{ id: string; number: string }>(`
    select t.id, t.number from tickets t
    join users u on u.agency_id = t.assigned_agency_id and u.username = 'agency2'
    where not exists (
      select 1 from dispatch_offers o join users a on a.agency_id = o.agency_id and a.username = 'agency1'
      where o.ticket_id = t.id)
    order by t.id limit 1`);
  expect(rows.length).toBe(1);
  const foreign = rows[0]!;

  await signIn("agency2");
  const own = await page.goto(`/agency/tickets/${foreign.id}`);
  expect(own?.status()).toBe(200);
  await page.context().clearCookies();

  await signIn("agency1");
  await expect(page).toHaveURL(/\/agency$/);
  const res = await page.goto(`/agency/tickets/${foreign.id}`);
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("alert")).toContainText("یافت نشد");
  // The foreign ticket's number appears nowhere in agency1's lists either.
  await page.goto(`/agency/tickets?q=${foreign.number}`);
  await expect(page.getByText("موردی یافت نشد.")).toBeVisible();
  // Nor can an agency user open the call centre's or the manager's pages.
  expect((await page.goto("/desk/tickets"))?.status()).toBe(403);
  expect((await page.goto(`/manager/tickets/${foreign.id}`))?.status()).toBe(403);
});

test("a ticket the agency declined is a 404 for it; the offer stays in its offer history without customer data", async ({
  page,
  signIn,
  db,
}) => {
  // A ticket agency1 declined and does not hold now (no pending offer, not assigned to it).
  const { rows } = await db.query<{ id: string; number: string; full_name: string; mobile: string }>(`
    select t.id, t.number, c.full_name, c.mobile from tickets t
    join customers c on c.id = t.customer_id
    join users u on u.username = 'agency1'
    where exists (select 1 from dispatch_offers o where o.ticket_id = t.id and o.agency_id = u.agency_id and o.status = 'rejected')
      and t.assigned_agency_id is distinct from u.agency_id
      and not exists (select 1 from dispatch_offers o where o.ticket_id = t.id and o.agency_id = u.agency_id and o.status = 'pending')
    order by t.id desc limit 1`);
  expect(rows.length).toBe(1);
  const declined = rows[0]!;

  await signIn("agency1");
  const res = await page.goto(`/agency/tickets/${declined.id}`);
  expect(res?.status()).toBe(404);
  // The error page keeps the agency's menu and digits in Persian.
  await expect(page.getByTestId("error-status")).toHaveText("۴۰۴");
  await expect(page.locator("nav.shell-nav")).toBeVisible();
  await expect(page.getByRole("button", { name: "خروج" })).toBeVisible();

  await page.goto(`/agency/tickets?q=${declined.number}`);
  await expect(page.getByText("موردی یافت نشد.")).toBeVisible();

  // Its offer history, reached from the menu, shows the declined offer: number, answer, no customer.
  await page.goto("/agency");
  await page.getByRole("link", { name: "سابقه ارجاع‌ها" }).click();
  await expect(page).toHaveURL(/\/agency\/offers$/);
  await expect(page.getByRole("heading", { name: "سابقه ارجاع‌ها" })).toBeVisible();
  const persianNumber = declined.number.replace(/\d/g, (d) => "۰۱۲۳۴۵۶۷۸۹"[Number(d)]!);
  const row = page.locator("tr", { hasText: persianNumber });
  await expect(row.first()).toBeVisible();
  await expect(row.first().locator("[data-offer-status]")).toHaveText("رد ارجاع");
  // no link into the ticket, and nothing of the customer anywhere on the page
  await expect(row.first().getByRole("link")).toHaveCount(0);
  await expect(page.getByText(declined.full_name)).toHaveCount(0);
  await expect(page.locator("main")).not.toContainText(declined.mobile.slice(-7));
});

test("another agency's warranty claim or draft is a 404: neither its page nor its edit page opens", async ({ page, signIn, db }) => {
  // agency1's (THR-001) demo draft and a decided claim of it
  const { rows } = await db.query<{ id: string; status: string }>(`
    select distinct on (c.status) c.id, c.status from warranty_claims c join agencies a on a.id = c.agency_id and a.code = 'THR-001'
    where c.status in ('draft', 'partly_approved') order by c.status, c.id`);
  expect(rows.map((r) => r.status).sort()).toEqual(["draft", "partly_approved"]);
  await signIn("agency2");
  for (const r of rows) {
    expect((await page.goto(`/agency/claims/${r.id}`))?.status()).toBe(404);
    expect((await page.goto(`/agency/claims/${r.id}/edit`))?.status()).toBe(404);
  }
  await expect(page.getByTestId("error-status")).toHaveText("۴۰۴");
});

test("agency staff see neither the statement in the menu nor the page", async ({ page, signIn }) => {
  await signIn("agency1staff");
  const nav = page.locator("nav.shell-nav");
  await expect(nav.getByRole("link", { name: "سابقه ارجاع‌ها" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "صورت‌حساب نمایندگی" })).toHaveCount(0);
  const res = await page.goto("/agency/statement");
  expect(res?.status()).toBe(403);
  await expect(page.getByTestId("error-status")).toHaveText("۴۰۳");
  await expect(page.getByRole("alert")).toContainText("دسترسی ندارید");
  await page.context().clearCookies();

  await signIn("agency1");
  await page.locator("nav.shell-nav").getByRole("link", { name: "صورت‌حساب نمایندگی" }).click();
  await expect(page).toHaveURL(/\/agency\/statement$/);
  await expect(page.getByRole("heading", { name: "صورت‌حساب نمایندگی" })).toBeVisible();
});

/** operator2 switches to English in these tests; its stored language is set back to Persian whatever happens. */
async function inEnglishAsOperator2(db: { query: (sql: string) => Promise<unknown> }, body: () => Promise<void>) {
  try {
    await body();
  } finally {
    await db.query("update users set locale = 'fa' where username = 'operator2'");
  }
}

test("error pages speak the reader's language and keep the menu", async ({ page, signIn, db }) => {
  await inEnglishAsOperator2(db, async () => {
    await signIn("operator2");
    const res = await page.goto("/desk/tickets/999999999");
    expect(res?.status()).toBe(404);
    await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
    await expect(page.getByTestId("error-status")).toHaveText("۴۰۴");
    await expect(page.getByRole("alert")).toHaveText("صفحه‌ای که به دنبال آن بودید یافت نشد.");
    const nav = page.locator("nav.shell-nav");
    await expect(nav.getByRole("link", { name: "درخواست‌های خدمت" })).toBeVisible();

    // Switch to English from the error page itself.
    await nav.getByRole("button", { name: "English" }).click();
    await expect(page.locator("html")).toHaveAttribute("dir", "ltr");
    await expect(page.getByTestId("error-status")).toHaveText("404");
    await expect(page.getByRole("alert")).toHaveText("The page you were looking for was not found.");
    await expect(nav.getByRole("link", { name: "Service requests" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Back to the home page" })).toHaveAttribute("href", "/desk");
    // an unknown address too, and the menu leads home
    await page.goto("/no-such-page");
    await expect(page.getByTestId("error-status")).toHaveText("404");
    await nav.getByRole("link", { name: "Operator desk" }).click();
    await expect(page).toHaveURL(/\/desk$/);
  });
});

test("in English, the history reads left to right and names the system in English", async ({ page, signIn, db }) => {
  const { rows } = await db.query<{ id: string }>(`
    select t.id from tickets t
    where exists (select 1 from ticket_events e where e.ticket_id = t.id and e.actor_kind = 'system' and e.from_status is not null)
    order by t.id limit 1`);
  const id = rows[0]!.id;
  await inEnglishAsOperator2(db, async () => {
    await signIn("operator2");
    await page.goto(`/desk/tickets/${id}`);
    await page.locator("nav.shell-nav").getByRole("button", { name: "English" }).click();
    await expect(page.locator("html")).toHaveAttribute("dir", "ltr");
    const history = page.locator("ol.timeline");
    await expect(history).toContainText("→");
    await expect(history).not.toContainText("←");
    await expect(history).toContainText("System");
    await expect(history).not.toContainText("سامانه");
    await page.locator("nav.shell-nav").getByRole("button", { name: "فارسی" }).click();
    await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
    await expect(history).toContainText("←");
    await expect(history).toContainText("سامانه");
  });
});
