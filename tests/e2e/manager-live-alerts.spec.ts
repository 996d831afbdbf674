import { expect, expectNoReloadSince, setNavigationMarker, test } from "./fixtures";

/**
 * The manager home follows the SLA sweep live: with the page open (and never reloaded), a ticket past its
 * acceptance deadline is swept by the server's in-process workers (the real sla__sweep job), and its alert
 * appears in the list and the badge's count grows — through the web process's LISTEN and the page's
 * server-sent event stream.
 */
test("an alert raised by the workers appears on the open manager home without a reload", async ({ page, signIn, db }) => {
  await signIn("manager");
  await expect(page).toHaveURL(/\/manager$/);
  await expect(page.locator('[data-alerts-live="live"]')).toBeVisible();
  const badge = page.getByTestId("alerts-badge");
  const before = (await badge.textContent()) ?? "";
  const marker = await setNavigationMarker(page);

  // a breakdown registered 5 hours ago, still waiting for an agency: its 4-hour acceptance target is missed
  const { rows } = await db.query<{ id: string; number: string }>(`
    insert into tickets (type, channel, customer_id, warranty_status, priority, status, created_at,
                         sla_accept_due_at, sla_visit_due_at, sla_resolve_due_at)
    select 'breakdown', 'phone', c.id, 'in_warranty', 'normal', 'dispatching', now() - interval '5 hours',
           now() - interval '1 hour', now() + interval '43 hours', now() + interval '163 hours'
    from customers c order by c.id desc limit 1
    returning id, number`);
  const ticket = rows[0]!;
  await db.query(`select graphile_worker.add_job('sla__sweep')`);

  const number = Number(ticket.number).toLocaleString("fa-IR", { useGrouping: false });
  const row = page.locator("tr", { has: page.getByRole("link", { name: number, exact: true }) });
  await expect(row).toBeVisible({ timeout: 20_000 });
  await expect(row.getByText("دارای تأخیر")).toBeVisible();
  await expect(badge).toContainText("هشدار بررسی‌نشده");
  await expect(badge).not.toHaveText(before);
  await expectNoReloadSince(page, marker);
});
