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
