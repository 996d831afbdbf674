import { expect, test } from "./fixtures";

/**
 * The SLA sweep's alerts on the manager home: a ticket past its acceptance deadline, the real sla__sweep
 * job run by the server's in-process workers, the badge and the list; the manager opens the ticket from the
 * alert, sees the breach in its history, comes back and marks the alert reviewed.
 */
test("a late ticket raises an alert the manager follows to the ticket and marks reviewed", async ({ page, signIn, db }) => {
  // a breakdown registered 5 hours ago, still waiting for an agency: its 4-hour acceptance target is missed
  const { rows } = await db.query<{ id: string; number: string }>(`
    insert into tickets (type, channel, customer_id, warranty_status, priority, status, created_at,
                         sla_accept_due_at, sla_visit_due_at, sla_resolve_due_at)
    select 'breakdown', 'phone', c.id, 'in_warranty', 'normal', 'dispatching', now() - interval '5 hours',
           now() - interval '1 hour', now() + interval '43 hours', now() + interval '163 hours'
    from customers c order by c.id limit 1
    returning id, number`);
  const ticket = rows[0]!;
  await db.query(`select graphile_worker.add_job('sla__sweep')`);

  await signIn("manager");
  await expect(page).toHaveURL(/\/manager$/);
  const number = Number(ticket.number).toLocaleString("fa-IR", { useGrouping: false });
  const row = page.locator("tr", { has: page.getByRole("link", { name: number, exact: true }) });
  await expect(async () => {
    await page.reload();
    await expect(row).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 20_000 });

  const badge = page.getByTestId("alerts-badge");
  await expect(badge).toContainText("هشدار بررسی‌نشده");
  await badge.click();
  await expect(page).toHaveURL(/#alerts$/);
  await expect(row.getByText("دارای تأخیر")).toBeVisible();
  await expect(row.getByText("پذیرش نمایندگی")).toBeVisible();

  await row.getByRole("link", { name: number, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/manager/tickets/${ticket.id}$`));
  await expect(page.locator('[data-event="sla_breached"]')).toBeVisible();
  await page.goBack();
  await expect(page).toHaveURL(/\/manager/);

  await row.getByRole("button", { name: "ثبت بررسی" }).click();
  await expect(page.getByRole("status")).toHaveText("هشدار بررسی‌شده ثبت شد.");
  await expect(row).toHaveCount(0);
  const { rows: acknowledged } = await db.query<{ n: number }>(
    `select count(*)::int as n from supervisor_alerts where ticket_id = $1 and acknowledged_at is not null`,
    [ticket.id],
  );
  expect(acknowledged[0]!.n).toBe(1);
});
